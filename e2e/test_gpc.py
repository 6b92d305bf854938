"""Global Privacy Control in real Chromium: the notice, an earlier opt-in undone, no re-grant."""

from __future__ import annotations

import typing as t

from .conftest import AD_SERVICES
from .helpers import RECORDED
from .helpers import banner_data
from .helpers import banner_visible
from .helpers import choose
from .helpers import click_action
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle
from .helpers import switch
from .helpers import wait_banner

#: What a browser with GPC on exposes to scripts (Chromium has no switch for it).
GPC_JS = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
AD_COOKIES = {"_fbp", "_gcl_au"}


def _described_by(page: t.Any, selector: str) -> str:
    """The accessible description a screen reader reads for ``selector`` (its aria-describedby)."""
    return str(
        page.evaluate(
            """(sel) => (document.querySelector(sel).getAttribute('aria-describedby') || '')
                 .split(' ').map((id) => document.getElementById(id)?.textContent || '').join(' ')""",
            selector,
        )
    )


def test_gpc_notice_is_visible_and_announced_in_the_preferences(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.add_init_script(GPC_JS)
    page.goto(live.url("tags.html"))
    wait_banner(page)
    texts = banner_data(page)["texts"]
    click_action(page, "prefs")
    prefs = page.locator(".cg-prefs")
    assert prefs.get_by_text(texts["gpc_notice"]).is_visible()
    # Opening the preferences announces the notice as the dialog's description.
    assert texts["gpc_notice"] in _described_by(page, ".cg-dialog")
    ads = switch(page, "advertising")
    assert ads.is_disabled() and not ads.is_checked()
    assert prefs.get_by_text(texts["gpc_honoured"]).is_visible()
    assert texts["gpc_honoured"] in _described_by(page, "#cg-cat-advertising")
    # The other optional categories stay a free choice.
    assert switch(page, "analytics").is_enabled()


def test_gpc_after_an_opt_in_turns_advertising_off_without_a_click(
    page: t.Any, context: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose(page, "accept")
    settle(page, 300)
    assert {"fb", "gads"} <= set(ran(page)) and AD_COOKIES <= cookie_names(context)
    first = net.posts()[-1]
    assert first["method"] == "accept_all"

    # The visitor turns GPC on; the next page view refuses advertising before any tag runs.
    gpc_page = context.new_page()
    gpc_page.add_init_script(GPC_JS)
    gpc_page.set_extra_http_headers({"Sec-GPC": "1"})
    net.log.clear()
    with gpc_page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        gpc_page.goto(live.url("tags.html"))
    assert answer.value.status == 201
    gpc_page.wait_for_function(RECORDED)
    settle(gpc_page, 300)
    post = net.posts()[-1]
    assert post["method"] == "gpc" and post["previous_token"]
    assert post["choices"]["advertising"] is False and post["choices"]["analytics"] is True
    assert not banner_visible(gpc_page)
    assert "ga" in ran(gpc_page) and not {"fb", "gads"} & set(ran(gpc_page))
    assert net.requested(*AD_SERVICES) == []
    assert not AD_COOKIES & cookie_names(context)
    assert gpc_page.evaluate("cookiegate.consent.choices.advertising") is False
    gpc_page.close()

    # Later, without the signal: the refusal stands, nothing is re-granted or asked.
    net.log.clear()
    later = context.new_page()
    later.goto(live.url("second.html"))
    settle(later, 300)
    assert not banner_visible(later)
    assert "ga" in ran(later) and "fb" not in ran(later)
    assert net.requested(*AD_SERVICES) == []
    assert net.posts() == []


def test_sec_gpc_header_alone_is_honoured_by_the_banner_and_the_server(
    page: t.Any, context: t.Any, net: t.Any, live: t.Any
) -> None:
    # A browser that sends the header but exposes nothing to scripts (the GPC specification
    # requires both). The banner file is static, so it cannot know before the choice (here no
    # per-place banner.json answers, as on a static host serving only the published files); the
    # consent POST carries the header, the server refuses to record a grant of advertising, and
    # the banner records the choice as a GPC one: advertising goes off and its cookies go.
    page.route("**/banner.json*", lambda route: route.abort())
    page.set_extra_http_headers({"Sec-GPC": "1"})
    page.goto(live.url("tags.html"))
    wait_banner(page)
    click_action(page, "accept")
    page.wait_for_function(RECORDED)
    settle(page, 300)
    assert [p["method"] for p in net.posts()] == ["accept_all", "gpc"]
    assert net.posts()[-1]["choices"]["advertising"] is False
    assert page.evaluate("cookiegate.consent.choices.advertising") is False
    assert not AD_COOKIES & cookie_names(context)
    # From the next page on, advertising never runs.
    net.log.clear()
    later = context.new_page()
    later.set_extra_http_headers({"Sec-GPC": "1"})
    later.goto(live.url("second.html"))
    settle(later, 300)
    assert "ga" in ran(later) and not {"fb", "gads"} & set(ran(later))
    assert net.requested(*AD_SERVICES) == [] and net.posts() == []


def test_sec_gpc_header_seen_by_banner_json_is_honoured_before_the_choice(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    # A site with [jurisdictions]: the banner asks banner.json for the visitor's place, and
    # the server tells it the header was sent, so the dialog says so and accepting records GPC.
    page.set_extra_http_headers({"Sec-GPC": "1"})
    page.goto(live.url("tags.html"))
    wait_banner(page)
    texts = banner_data(page)["texts"]
    assert page.locator(".cg-first").get_by_text(texts["gpc_notice"]).is_visible()
    click_action(page, "accept")
    page.wait_for_function(RECORDED)
    assert [p["method"] for p in net.posts()] == ["gpc"]
    assert net.posts()[0]["choices"]["advertising"] is False
