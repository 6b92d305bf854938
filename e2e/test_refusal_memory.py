"""Refusal memory in real Chromium (issue 16): a refusal outlives a wording-only revision bump
and lasts the refusal lifetime; a new service, or an acceptance, is asked about again."""

from __future__ import annotations

import re
import time
import typing as t
from datetime import datetime
from datetime import timedelta

import pytest

from .conftest import LiveServer
from .helpers import banner_visible
from .helpers import choose
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

COOKIE = "cookiegate_demo"
DAY = 86400


def _site(text: str) -> str:
    """Revision 2 rewords a service; revision 3 also adds one (Hotjar, from the catalogue)."""
    revision = int(re.search(r"(?m)^revision = (\d+)$", text).group(1))  # type: ignore[union-attr]
    if revision >= 2:
        reworded = text.replace("Recommends products", "Suggests products")
        assert reworded != text, "the demo's Dynamic Yield description moved"
        text = reworded
    if revision >= 3:
        text += '\n[services.hotjar]\ndescription = "Heatmaps of how our pages are used."\n'
    return text


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("refusal"), edit=_site)
    yield live
    live.stop()


@pytest.fixture
def site(shop: LiveServer) -> t.Iterator[LiveServer]:
    """The module's server, back at revision 1 after each test."""
    yield shop
    shop.set_revision(1)


def _reload_without_banner(page: t.Any, consent_id: str) -> None:
    """Reload: no banner, and the recorded choice in force."""
    page.reload()
    settle(page, 300)
    assert not banner_visible(page)
    assert page.evaluate("cookiegate.consent && cookiegate.consent.id") == consent_id


def _cookie_days(context: t.Any) -> float:
    """Days until the consent cookie expires, by the browser's own (real) clock."""
    expires = next(c["expires"] for c in context.cookies() if c["name"] == COOKIE)
    return (expires - time.time()) / DAY


def test_a_refusal_survives_a_wording_bump_and_not_a_new_service(
    page: t.Any, net: t.Any, site: LiveServer
) -> None:
    page.goto(site.url("tags.html"))
    choose(page, "reject")
    assert round(_cookie_days(page.context)) == 182
    refusal = page.evaluate("cookiegate.consent.id")
    site.set_revision(2)
    _reload_without_banner(page, refusal)
    assert ran(page) == [] and not net.requested("google-analytics", "meta-pixel", "google-ads")
    # Still the refusal recorded at revision 1: nothing new was recorded.
    assert len(net.posts()) == 1
    site.set_revision(3)
    page.reload()
    wait_banner(page)
    settle(page)
    assert ran(page) == []
    choose(page, "reject")
    assert net.posts()[-1]["revision"] == 3


def test_an_acceptance_is_asked_again_after_a_wording_bump(
    page: t.Any, net: t.Any, site: LiveServer
) -> None:
    page.goto(site.url("tags.html"))
    choose(page, "accept")
    assert round(_cookie_days(page.context)) == 180
    page.reload()
    settle(page, 300)
    assert not banner_visible(page) and "ga" in ran(page)
    site.set_revision(2)
    page.reload()
    wait_banner(page)
    settle(page)
    assert ran(page) == []


@pytest.mark.parametrize(
    ("action", "days", "asked"),
    [
        ("reject", 181, False),  # past the acceptance lifetime, within the refusal one
        ("reject", 183, True),
        ("accept", 179, False),
        ("accept", 181, True),
    ],
)
def test_each_choice_is_remembered_for_its_own_lifetime(
    page: t.Any, net: t.Any, site: LiveServer, action: str, days: int, asked: bool
) -> None:
    # The page's clock runs on from now; the cookie jar's does not, so only the token's own
    # expiry (read by the loader) can end the choice.
    start = datetime.now()
    page.clock.install(time=start)
    page.goto(site.url("tags.html"))
    choose(page, action)
    page.clock.set_system_time(start + timedelta(days=days))
    page.reload()
    settle(page, 300)
    assert banner_visible(page) is asked
