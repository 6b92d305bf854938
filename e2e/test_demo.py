"""The demo shop page at /demo/: real tag snippets, strict CSP, and an honest live panel."""

from __future__ import annotations

import typing as t

from .conftest import BLOCKED_BY_DEFAULT
from .helpers import choose
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner


def _watch_csp(page: t.Any) -> None:
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )


def test_demo_shop_blocks_its_tags_until_accepted_then_panel_shows_them_loaded(
    page: t.Any, net: t.Any, live: t.Any, artifacts: t.Any
) -> None:
    _watch_csp(page)
    page.goto(f"{live.origin}/demo/")
    wait_banner(page)
    settle(page, 300)
    assert ran(page) == ["gtm"]
    assert net.requested(*BLOCKED_BY_DEFAULT) == []
    assert "Blocked: not allowed" in page.locator("#panel-rows").inner_text()
    choose(page, "accept")
    settle(page, 400)
    assert {"ga", "gads", "fb", "trustpilot"} <= set(ran(page))
    rows = page.locator("#panel-rows").inner_text()
    for service in ("google-analytics", "google-ads", "meta-pixel", "youtube", "trustpilot"):
        assert f"{service}\t" in rows and "Blocked" not in rows
    assert "Consent ID: " in page.locator("#panel-consent").inner_text()
    assert page.evaluate("window.__csp") == []
    page.screenshot(path=str(artifacts / "demo-accepted.png"), full_page=True)


def test_demo_panel_says_honestly_when_the_tag_hosts_are_unreachable(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    net.offline = True
    page.goto(f"{live.origin}/demo/")
    choose(page, "accept")
    settle(page, 400)
    assert ran(page) == []
    assert "could not be downloaded" in page.locator("#panel-rows").inner_text()
    assert "cannot reach the tag hosts" in page.locator("#panel-note").inner_text()
