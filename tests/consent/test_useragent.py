"""User agents are reduced to browser, OS, device type and bot flag."""

from __future__ import annotations

import typing as t

import pytest
import user_agents

from cookiegate.consent.useragent import MAX_UA
from cookiegate.consent.useragent import parse


@pytest.mark.parametrize(
    ("ua", "browser", "os", "device", "bot"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome 126",
            "Windows",
            "desktop",
            False,
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Mobile Safari 17",
            "iOS",
            "tablet",
            False,
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome Mobile 126",
            "Android",
            "mobile",
            False,
        ),
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Googlebot 2",
            "Other",
            "bot",
            True,
        ),
        ("", "Other", "Other", "other", False),
    ],
)
def test_user_agent_summary(ua: str, browser: str, os: str, device: str, bot: bool) -> None:
    agent = parse(ua)
    assert (agent.browser, agent.os, agent.device, agent.is_bot) == (browser, os, device, bot)


def test_huge_user_agent_is_cut_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = user_agents.parse

    def spy(ua: str) -> t.Any:
        seen.append(len(ua))
        return real(ua)

    monkeypatch.setattr(user_agents, "parse", spy)
    huge = "Mozilla/5.0 (X11; Linux x86_64) " + "A" * 100_000
    assert parse(huge).os == "Linux"
    assert seen == [MAX_UA]
