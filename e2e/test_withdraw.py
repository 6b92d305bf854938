"""Withdrawing and narrowing consent, and choices made while the API is unreachable."""

from __future__ import annotations

import typing as t

from .conftest import BLOCKED_BY_DEFAULT
from .helpers import banner_visible
from .helpers import choose
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle
from .helpers import switch
from .helpers import wait_banner

TRACKERS = {"_ga", "_ga_TEST1", "_gcl_au", "_fbp"}


def test_withdraw_deletes_refused_cookies_and_nothing_of_theirs_runs_afterwards(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose(page, "accept")
    settle(page, 300)
    # A copy of _ga on the page's own path must go too.
    page.context.add_cookies(
        [{"name": "_ga", "value": "pathcopy", "domain": "127.0.0.1", "path": "/e2e"}]
    )
    assert TRACKERS <= cookie_names(page.context)
    consent_id = page.evaluate("cookiegate.withdraw()")
    assert consent_id and consent_id == page.evaluate("cookiegate.consent.id")
    assert net.posts()[-1]["method"] == "withdraw"
    assert net.posts()[-1]["previous_token"]
    assert not cookie_names(page.context) & TRACKERS
    assert "cookiegate_demo" in cookie_names(page.context)
    # Code that is still running cannot bring them back, nor load or beacon anything.
    net.log.clear()
    before = len(ran(page))
    page.evaluate(
        "document.cookie = '_ga=again; path=/';"
        "var s = document.createElement('script'); s.src = 'https://www.googletagmanager.com/gtag/js?id=G-AGAIN';"
        "document.head.append(s); new Image().src = 'https://www.facebook.com/tr?id=1';"
        "window.__beacon = navigator.sendBeacon('https://region1.google-analytics.com/g/collect');"
    )
    settle(page, 200)
    assert "_ga" not in cookie_names(page.context)
    assert len(ran(page)) == before
    assert page.evaluate("window.__beacon") is False
    assert net.requested(*BLOCKED_BY_DEFAULT) == []
    page.reload()
    settle(page, 300)
    assert ran(page) == [] and not banner_visible(page)
    assert not cookie_names(page.context) & TRACKERS


def test_narrowing_to_analytics_deletes_advertising_cookies_only(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose(page, "accept")
    settle(page, 300)
    page.evaluate("cookiegate.open()")
    switch(page, "advertising").uncheck()
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.locator(".cg-prefs [data-cg-action=save]").click()
    names = cookie_names(page.context)
    assert {"_ga", "_ga_TEST1"} <= names
    assert not {"_gcl_au", "_fbp"} & names
    assert net.posts()[-1]["choices"]["advertising"] is False


def test_unreachable_api_applies_the_choice_for_the_page_and_retries_on_the_next_one(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    net.api_down = True
    page.goto(live.url("tags.html"))
    wait_banner(page)
    page.locator(".cg-first [data-cg-action=prefs]").click()
    switch(page, "analytics").check()
    page.locator(".cg-prefs [data-cg-action=save]").click()
    settle(page, 300)
    assert sorted(ran(page)) == ["ga", "inline-analytics"]
    assert "cookiegate_demo" not in cookie_names(page.context)
    assert page.evaluate("cookiegate.consent.pending") is True
    assert "cookiegate_demo_pending" in cookie_names(page.context)
    # Still down: the pending choice holds on the next page, and grants nothing more.
    page.goto(live.url("second.html"))
    settle(page, 300)
    assert not banner_visible(page) and ran(page) == ["ga"]
    # Back up: the next page records it and the cookie replaces the pending copy.
    net.api_down = False
    with page.expect_response(lambda r: r.url.endswith("/consents") and r.status == 201):
        page.goto(live.url("second.html"))
    settle(page, 200)
    assert "cookiegate_demo" in cookie_names(page.context)
    assert "cookiegate_demo_pending" not in cookie_names(page.context)
    assert (
        net.posts()[-1]["choices"]["analytics"] is True
        and net.posts()[-1]["choices"]["advertising"] is False
    )
    page.reload()
    settle(page, 200)
    assert ran(page) == ["ga"]


def test_same_site_api_sets_the_cookie_itself_and_the_loader_does_not_rewrite_it(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.add_init_script(
        "(() => { const d = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie'); window.__writes = [];"
        " Object.defineProperty(Document.prototype, 'cookie', {configurable: true, get: d.get,"
        " set(v) { window.__writes.push(String(v).split('=')[0]); d.set.call(this, v); }}); })()"
    )
    page.goto(live.url("second.html", same="1"))
    wait_banner(page)
    with page.expect_response(lambda r: r.url.endswith("/consents")) as info:
        page.locator(".cg-first [data-cg-action=reject]").click()
    answer = info.value.json()
    assert answer["cookie_set"] is True
    cookie = next(c for c in page.context.cookies() if c["name"] == "cookiegate_demo")
    assert cookie["value"] == answer["token"] and cookie["sameSite"] == "Lax"
    assert "cookiegate_demo" not in page.evaluate("window.__writes")


def test_cross_origin_api_cookie_is_written_by_the_loader_with_the_configured_lifetime(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("second.html"))
    wait_banner(page)
    with page.expect_response(lambda r: r.url.endswith("/consents")) as info:
        page.locator(".cg-first [data-cg-action=reject]").click()
    answer = info.value.json()
    assert answer["cookie_set"] is False
    settle(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "cookiegate_demo")
    assert (
        cookie["value"] == answer["token"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    )
    # A refusal: the refusal lifetime (refusal_lifetime_days = 182), not the consent one.
    assert answer["expires_at"] - answer["issued_at"] == 182 * 86400
    assert abs(cookie["expires"] - answer["expires_at"]) < 120
