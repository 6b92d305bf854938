"""The cookie declaration in real Chromium: the loader fills ``<div data-cookiegate-declaration>``
(only on pages that have it), its button reopens the preferences, and the demo shop's pages
and the declaration pass axe at WCAG 2.2 AA in light and dark, at desktop and phone widths."""

from __future__ import annotations

import typing as t

import pytest

from cookiegate import measure

from .helpers import DIALOG
from .helpers import RECORDED
from .helpers import click_action
from .helpers import wait_banner

SCHEMES = ["light", "dark"]
WIDTHS = [1280, 360]


def _answered(page: t.Any, url: str, scheme: str = "light", width: int = 1280) -> list[str]:
    """Open ``url``, refuse everything on the banner, and return the URLs requested."""
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url)
    wait_banner(page)
    click_action(page, "reject")
    page.wait_for_function(RECORDED)
    return requested


def test_the_loader_fills_the_declaration_and_its_button_opens_the_preferences(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    requested = _answered(page, f"{live.origin}/demo/cookies")
    box = page.locator("[data-cookiegate-declaration] .cg-decl")
    box.wait_for()
    assert box.get_attribute("lang") == "en-GB"  # the page's <html lang>
    text = box.inner_text()
    assert "Google Analytics" in text and "_ga" in text and "2 years" in text
    assert any(u.endswith("/v1/sites/demo/declaration.en_GB.html") for u in requested)
    # Its stylesheet applies: the fragment has its own background, not the page's.
    assert page.locator(".cg-decl-change").evaluate("b => getComputedStyle(b).cursor") == "pointer"
    page.locator(".cg-decl-change").click()
    page.locator(f"{DIALOG} .cg-prefs:not([hidden])").wait_for()


def test_a_page_without_the_placeholder_fetches_no_declaration(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    requested = _answered(page, f"{live.origin}/demo/")
    page.wait_for_load_state("load")
    assert not [u for u in requested if "/declaration." in u]


@pytest.mark.parametrize("path", ["/demo/", "/demo/cookies"])
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_the_demo_shop_and_its_cookie_page(
    page: t.Any, net: t.Any, live: t.Any, artifacts: t.Any, path: str, scheme: str, width: int
) -> None:
    # The whole page, the shop's own markup included, once the visitor has chosen: the
    # declaration (on /demo/cookies) and the reopen control are in it.
    _answered(page, f"{live.origin}{path}", scheme, width)
    if path.endswith("cookies"):
        page.locator(".cg-decl").wait_for()
    check = measure.axe_violations(page, include=None)
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=str(artifacts / f"{name}-{scheme}-{width}.png"), full_page=True)
    assert check.passed, f"{path}: {check.evidence}"
