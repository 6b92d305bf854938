"""The banner: equal choices, keyboard access, texts as text, asking again when needed, strict CSP."""

from __future__ import annotations

import base64
import json
import re
import typing as t

import pytest

from .conftest import AD_SERVICES
from .helpers import DIALOG
from .helpers import banner_data
from .helpers import banner_visible
from .helpers import choose
from .helpers import click_action
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle
from .helpers import switch
from .helpers import wait_banner

COOKIE = "cookiegate_demo"


def _token(context: t.Any) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def _forge(token: str, **changes: t.Any) -> str:
    """The token with its payload edited (and its signature therefore wrong)."""
    payload, rest = token.split(".", 1)
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(changes)
    raw = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{raw}.{rest}"


def test_first_layer_offers_accept_reject_and_preferences_with_equal_weight(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    texts = banner_data(page)["texts"]
    dialog = page.get_by_role("dialog", name=texts["title"])
    buttons = [
        dialog.get_by_role("button", name=texts[k], exact=True)
        for k in ("accept_all", "reject_all", "preferences")
    ]
    boxes = [b.bounding_box() for b in buttons]
    assert len({(round(b["width"]), round(b["height"])) for b in boxes}) == 1
    styles = [
        b.evaluate(
            "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.fontWeight, s.fontSize, s.borderStyle] }"
        )
        for b in buttons
    ]
    assert styles[0] == styles[1] == styles[2]
    link = dialog.get_by_role("link", name=texts["policy_link"])
    assert link.get_attribute("href") == "https://www.voltline.example/help/cookie-policy"
    # Focus moves into the dialog (on the dialog itself, so no choice is one keypress away).
    page.wait_for_function("document.activeElement.getAttribute('role') === 'dialog'")
    assert page.locator("[style]").count() == 0


def test_preferences_list_categories_and_services_with_necessary_locked_and_nothing_ticked(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    click_action(page, "prefs")
    data = banner_data(page)
    assert page.get_by_role("switch").count() == len(data["categories"]) == 7
    for cat in data["categories"]:
        # Each switch is found by its visible label: a screen reader announces the same name.
        s = page.get_by_role("switch", name=cat["name"], exact=True)
        if cat["locked"]:
            assert s.is_checked() and s.is_disabled()
        else:
            assert not s.is_checked() and s.is_enabled()
    assert (
        "Google Analytics" in page.locator("#cg-cat-analytics").locator("xpath=../..").inner_text()
    )
    page.locator(DIALOG).get_by_text("Google Ads, Meta Pixel").click()
    assert page.get_by_text("_gcl_au, _gcl_aw, _gcl_dc, _gcl_gb").is_visible()


def test_escape_returns_from_preferences_to_the_first_layer_and_is_never_consent(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    click_action(page, "prefs")
    switch(page, "analytics").check()
    page.keyboard.press("Escape")
    assert page.locator(".cg-first").is_visible()
    page.keyboard.press("Escape")
    settle(page)
    assert banner_visible(page)
    assert net.posts() == []
    assert COOKIE not in cookie_names(page.context)
    assert ran(page) == []


def test_keyboard_only_reach_toggle_and_save_with_focus_kept_in_the_dialog(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    inside = "document.querySelector('.cg-dialog').contains(document.activeElement)"

    def tab_to(predicate: str, key: str = "Tab") -> None:
        for _ in range(40):
            page.keyboard.press(key)
            assert page.evaluate(inside), "focus left the dialog"
            if page.evaluate(f"(e => {predicate})(document.activeElement)"):
                return
        raise AssertionError(f"never reached {predicate}")

    tab_to("e.getAttribute('data-cg-action') === 'prefs'")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "cg-cat-functional"
    tab_to("e.id === 'cg-cat-analytics'")
    page.keyboard.press("Space")
    assert switch(page, "analytics").is_checked()
    # Round the whole dialog both ways: focus never escapes.
    for _ in range(30):
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)
    tab_to("e.getAttribute('data-cg-action') === 'save'")
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.keyboard.press("Enter")
    status = page.get_by_role("status")
    status.filter(has_text=banner_data(page)["texts"]["consent_id"]).wait_for()
    consent_id = page.evaluate("cookiegate.consent.id")
    assert consent_id and consent_id in status.inner_text()
    assert net.posts()[-1]["choices"]["analytics"] is True
    settle(page, 200)
    assert ran(page).count("ga") == 1
    # Leaving preferences after a choice closes the dialog and shows the reopen control.
    page.keyboard.press("Escape")
    assert not banner_visible(page)
    assert page.evaluate("document.activeElement.className").startswith("cg-reopen")


def test_reopen_control_and_api_open_preferences_with_the_current_choice(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    choose(page, "reject")
    # The page's loader tag asks for data-position="end".
    assert "cg-at-end" in page.locator(".cg-reopen").get_attribute("class")
    page.locator(".cg-reopen").click()
    assert page.get_by_role("dialog", name=banner_data(page)["texts"]["preferences"]).is_visible()
    assert not switch(page, "analytics").is_checked()
    switch(page, "advertising").check()
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, "save")
    settle(page, 300)
    assert sorted(ran(page)) == ["fb", "gads"]
    page.reload()
    settle(page, 300)
    assert sorted(ran(page)) == ["fb", "gads"]
    assert page.evaluate("cookiegate.consent.choices.advertising") is True


def test_change_listeners_and_dom_event_report_each_choice(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    page.evaluate(
        "window.__seen = []; cookiegate.on('change', c => __seen.push(['api', c.choices.analytics]));"
        "document.addEventListener('cookiegate:change', e => __seen.push(['dom', e.detail.choices.analytics]));"
    )
    choose(page, "accept")
    assert page.evaluate("__seen") == [["api", True], ["dom", True]]


def test_revision_bump_on_the_server_shows_the_banner_again(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("second.html"))
    choose(page, "accept")
    page.reload()
    settle(page)
    assert not banner_visible(page) and sorted(ran(page)) == ["fb", "ga"]
    live.set_revision(2)
    page.reload()
    wait_banner(page)
    settle(page)
    assert ran(page) == []
    choose(page, "reject")
    assert net.posts()[-1]["revision"] == 2


@pytest.mark.parametrize(
    "edit",
    ["garbage", "compressed", "other-site", "old-revision", "expired"],
)
def test_malformed_foreign_or_stale_cookie_counts_as_no_consent(
    page: t.Any, net: t.Any, live: t.Any, edit: str
) -> None:
    page.goto(live.url("second.html"))
    choose(page, "accept")
    token = _token(page.context)
    value = {
        "garbage": "not-a-token",
        "compressed": "." + token,
        "other-site": _forge(token, site="other"),
        "old-revision": _forge(token, rev=0),
        "expired": _forge(token, exp=1_000_000_000),
    }[edit]
    page.context.add_cookies([{"name": COOKIE, "value": value, "url": live.origin}])
    page.reload()
    wait_banner(page)
    settle(page)
    assert ran(page) == []


def test_gpc_refuses_advertising_and_records_method_gpc(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page.goto(live.url("tags.html"))
    wait_banner(page)
    notice = banner_data(page)["texts"]["gpc_notice"]
    assert page.locator(".cg-first").get_by_text(notice).is_visible()
    choose(page, "accept")
    settle(page, 300)
    post = net.posts()[-1]
    assert post["method"] == "gpc"
    assert post["choices"]["advertising"] is False and post["choices"]["analytics"] is True
    assert "ga" in ran(page) and not {"fb", "gads"} & set(ran(page))
    assert net.requested(*AD_SERVICES) == []
    # While the signal is on, the preferences keep advertising off: the signal is the
    # visitor's standing opt-out (the server refuses a grant from a request carrying it).
    page.evaluate("cookiegate.open()")
    assert switch(page, "advertising").is_disabled()
    assert not switch(page, "advertising").is_checked()
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, "save")
    assert net.posts()[-1]["method"] == "custom"
    assert net.posts()[-1]["choices"]["advertising"] is False


def test_strict_csp_page_works_with_no_violation(page: t.Any, net: t.Any, live: t.Any) -> None:
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(live.url("tags.html", csp="1"))
    choose(page, "accept")
    settle(page, 300)
    assert sorted(ran(page)) == sorted(["gads", "ga", "inline-analytics", "trustpilot", "fb"])
    assert page.evaluate("window.__order").count("pixel-snippet") == 1
    assert page.evaluate("window.__csp") == []
    assert not [m for m in console if "Content Security Policy" in m]
    assert page.locator("[style]").count() == 0
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.cg-reopen')).position") == "fixed"
    )


def test_banner_texts_are_inserted_as_text_never_as_markup(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    evil = "<img src=x onerror=window.__xss=1>"

    def patch(route: t.Any) -> None:
        # The banner file carries its texts as a JSON literal: swap two of them for markup.
        resp = route.fetch()
        body = resp.text()
        for text in ('"title":"We use cookies"', '"name":"Analytics"'):
            assert text in body
            body = body.replace(text, text.split(":")[0] + ":" + json.dumps(evil), 1)
        route.fulfill(response=resp, body=body)

    page.route(re.compile(r"/banner\.[0-9a-f]+\.[a-zA-Z_]+\.js$"), patch)
    # A site with [jurisdictions] shows the texts of the visitor's place, from banner.json.
    page.route(re.compile(r"/banner\.json\?"), patch)
    page.goto(live.url("tags.html"))
    wait_banner(page)
    settle(page)
    assert page.locator(".cg-first .cg-title").inner_text() == evil
    assert page.evaluate("window.__xss") is None
    assert page.locator(".cg-root img").count() == 0


@pytest.mark.parametrize("width", [1280, 360, 320])
def test_banner_and_preferences_fit_and_are_screenshotted(
    page: t.Any, net: t.Any, live: t.Any, artifacts: t.Any, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live.url("tags.html"))
    wait_banner(page)
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"banner-{width}.png"))
    click_action(page, "prefs")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator(DIALOG).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.screenshot(path=str(artifacts / f"preferences-{width}.png"))
    if width == 360:
        # Dark scheme: the banner follows prefers-color-scheme.
        light = page.locator(DIALOG).evaluate("e => getComputedStyle(e).backgroundColor")
        page.emulate_media(color_scheme="dark")
        assert page.locator(DIALOG).evaluate("e => getComputedStyle(e).backgroundColor") != light
        page.screenshot(path=str(artifacts / f"preferences-{width}-dark.png"))
