"""The loader stops tags until their category is granted, and releases them once, in order."""

from __future__ import annotations

import typing as t

from .conftest import AD_SERVICES
from .conftest import BLOCKED_BY_DEFAULT
from .helpers import banner_data
from .helpers import banner_visible
from .helpers import choose
from .helpers import choose_categories
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

TRACKING_COOKIES = {"_ga", "_ga_TEST1", "_gid", "_gcl_au", "_fbp", "_dyid"}


def test_before_a_choice_no_tag_runs_no_cookie_is_set_and_nothing_is_requested(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    settle(page, 300)
    assert page.evaluate("window.__timerDone") is True
    assert ran(page) == []
    assert page.evaluate("window.__order") == []
    assert not cookie_names(page.context) & TRACKING_COOKIES
    assert net.requested(*BLOCKED_BY_DEFAULT) == []
    assert page.evaluate("window.__cmFirst") is True
    assert page.locator("#video").get_attribute("src") is None


def test_consent_mode_default_denied_is_queued_before_the_first_tag_and_updated_on_grant(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose_categories(page, "analytics")
    settle(page)
    layer = page.evaluate(
        "JSON.parse(JSON.stringify(window.dataLayer.map(e => e.length !== undefined ? Array.from(e) : e)))"
    )
    assert layer[0][:2] == ["consent", "default"]
    assert (
        layer[0][2]["analytics_storage"] == "denied"
        and layer[0][2]["security_storage"] == "granted"
    )
    assert "wait_for_update" in layer[0][2]
    updates = [e[2] for e in layer if isinstance(e, list) and e[:2] == ["consent", "update"]]
    assert updates[-1]["analytics_storage"] == "granted"
    assert updates[-1]["ad_storage"] == "denied"
    assert page.evaluate("window.__cmBefore.every(Boolean)") is True


def test_tags_inserted_by_gtm_by_every_route_stay_blocked(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("gtm.html"))
    wait_banner(page)
    settle(page, 300)
    # The GTM container itself is not a tracker and runs; nothing it inserts does.
    assert ran(page) == ["gtm"]
    assert net.requested(*BLOCKED_BY_DEFAULT) == []
    assert page.locator("#gtm-box iframe").get_attribute("src") is None
    assert page.locator("#remarketing").get_attribute("src") is None  # via insertAdjacentHTML
    assert page.locator(".cg-ph").count() == 1
    assert not cookie_names(page.context) & TRACKING_COOKIES


def test_gtm_inserted_tags_run_once_granted_without_reload(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("gtm.html"))
    choose(page, "accept")
    settle(page, 300)
    assert sorted(ran(page)) == sorted(["gtm", "ga", "gads", "fb", "dy"])
    assert (
        page.locator("#gtm-box iframe").get_attribute("src") == "https://www.youtube.com/embed/gtm"
    )
    assert page.locator(".cg-ph").count() == 0


def test_inline_fetch_and_beacon_to_blocked_hosts_are_refused_before_consent(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    settle(page)
    assert page.evaluate("window.__net") == {"fetch": "refused", "beacon": "refused"}
    assert not [u for _, u, _ in net.log if "google-analytics.com" in u or "facebook.com/tr" in u]
    # A direct document.cookie write of _ga is dropped too.
    assert "_ga" not in cookie_names(page.context)


def test_accept_analytics_only_runs_ga_once_and_ad_hosts_get_nothing(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose_categories(page, "analytics")
    settle(page, 300)
    assert ran(page).count("ga") == 1
    assert sorted(ran(page)) == ["ga", "inline-analytics"]
    assert net.requested(*AD_SERVICES) == []
    assert net.requested("google-analytics")
    assert {"_ga", "_ga_TEST1"} <= cookie_names(page.context)
    assert not cookie_names(page.context) & {"_fbp", "_gcl_au"}
    [post] = net.posts()
    assert post["method"] == "custom"
    assert post["choices"] == {c: c in ("necessary", "analytics") for c in post["choices"]}


def test_accept_all_runs_everything_once_in_document_order(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose(page, "accept")
    settle(page, 300)
    order = page.evaluate("window.__order")
    # The marked tags run in document order: the external GA tag finishes before the
    # inline tag after it starts. Tags that were inserted async (the timer's Google Ads
    # tag, the pixel's fbevents.js) run when they arrive, as they would have anyway.
    assert [o for o in order if o not in ("gads", "fb", "trustpilot")] == [
        "a1",
        "ga",
        "a3",
        "pixel-snippet",
    ]
    assert order.index("trustpilot") > order.index("pixel-snippet")
    assert sorted(ran(page)) == sorted(["gads", "ga", "inline-analytics", "trustpilot", "fb"])
    assert (
        page.locator("#video").get_attribute("src") == "https://www.youtube-nocookie.com/embed/abc"
    )
    # Nothing runs twice when the choice is applied again (reopen and save the same).
    page.evaluate("cookiegate.open()")
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.locator(".cg-prefs [data-cg-action=accept]").click()
    settle(page, 200)
    assert sorted(ran(page)) == sorted(["gads", "ga", "inline-analytics", "trustpilot", "fb"])


def test_reject_all_holds_across_a_reload_and_a_second_page(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose(page, "reject")
    settle(page)
    assert ran(page) == []
    page.reload()
    settle(page, 300)
    assert ran(page) == []
    assert not banner_visible(page)
    # This page has no reopen link of its own, so the floating one is shown.
    page.locator(".cg-reopen").wait_for()
    page.goto(live.url("second.html"))
    settle(page, 300)
    assert ran(page) == []
    assert net.requested(*BLOCKED_BY_DEFAULT) == []
    assert not cookie_names(page.context) & TRACKING_COOKIES


def test_returning_visitor_with_valid_consent_makes_no_request_beyond_the_loader(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("second.html"))
    choose(page, "accept")
    settle(page)
    net.log.clear()
    page.goto(live.url("second.html"))
    settle(page, 300)
    local = [u for _, u, _ in net.log if net.service_of(u) is None]
    assert local == [live.url("second.html"), f"{live.api_origin}/v1/sites/demo/loader.js"]
    assert sorted(ran(page)) == ["fb", "ga"]


def test_plain_html_tags_never_run_and_their_prefetches_are_counted(
    page: t.Any, net: t.Any, live: t.Any, record_property: t.Any
) -> None:
    page.goto(live.url("plain.html"))
    wait_banner(page)
    settle(page, 300)
    assert page.evaluate("window.__parsed") is True
    assert ran(page) == []
    assert not cookie_names(page.context) & TRACKING_COOKIES
    assert page.locator("#video").get_attribute("src") is None
    prefetched = net.requested(*BLOCKED_BY_DEFAULT)
    # Chromium's preload scanner may fetch (never run) tags written plainly in the HTML.
    record_property("plain_html_prefetches", len(prefetched))
    print(
        f"\nplain-HTML tags fetched by the preload scanner before the loader could act: {len(prefetched)} {prefetched}"
    )
    assert len(prefetched) <= 4


def test_blocked_video_shows_a_placeholder_whose_button_allows_just_that_service(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    ph = page.locator(".cg-ph")
    button = ph.get_by_role("button", name="YouTube")
    button.wait_for()
    social = next(c["name"] for c in banner_data(page)["categories"] if c["id"] == "social")
    assert "YouTube" in ph.inner_text() and social in ph.inner_text()
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        button.click()
    page.frame_locator("#video").locator("#video").wait_for()
    assert page.locator(".cg-ph").count() == 0
    post = net.posts()[-1]
    assert post["services"] == {"youtube": True}
    assert post["choices"]["social"] is False
    assert ran(page) == []
