"""Which Chromium the scan and compliance commands launch."""

from __future__ import annotations

from pathlib import Path

import pytest

from cookiegate.core.browser import chromium_path
from cookiegate.core.browser import missing_chromium_reason


def test_cookiegate_chromium_names_the_browser(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    browser = tmp_path / "chrome"
    browser.touch()
    monkeypatch.setenv("COOKIEGATE_CHROMIUM", str(browser))
    assert chromium_path() == str(browser)
    assert missing_chromium_reason() is None


def test_a_missing_cookiegate_chromium_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COOKIEGATE_CHROMIUM", str(tmp_path / "none"))
    assert (
        missing_chromium_reason()
        == f"COOKIEGATE_CHROMIUM={str(tmp_path / 'none')!r} does not exist."
    )
