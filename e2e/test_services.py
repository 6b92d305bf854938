"""Per-service switches in real Chromium: a visitor grants one service of a category and not
another, by keyboard alone; the proof holds exactly that and the released tags match it.

The page (e2e/pages/services.html) carries the demo's two advertising services, Google Ads and
the Meta Pixel: marked with their category, as inline base codes naming their service
(``data-service``), and inserted later by a script; the fake tags leave a marker when they run
(conftest ``FAKES``).
"""

from __future__ import annotations

import typing as t

from cookiegate.services import ledger

from .helpers import DIALOG
from .helpers import RECORDED
from .helpers import banner_data
from .helpers import banner_visible
from .helpers import ran
from .helpers import settle
from .helpers import switch
from .helpers import wait_banner

INSIDE = f"document.querySelector('{DIALOG}').contains(document.activeElement)"
#: The Consent Mode update the dataLayer got last, as plain objects.
LAST_UPDATE = (
    "dataLayer.filter(e => e.length !== undefined && e[0] === 'consent' && e[1] === 'update')"
    ".map(e => e[2]).pop()"
)


def tab_to(page: t.Any, predicate: str) -> None:
    """Press Tab until ``predicate`` holds for the focused element; focus stays in the dialog."""
    for _ in range(60):
        page.keyboard.press("Tab")
        assert page.evaluate(INSIDE), "focus left the dialog"
        if page.evaluate(f"(e => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"never reached {predicate}")


def grant_google_ads_only(page: t.Any) -> None:
    """Keyboard only: Preferences, open Advertising, switch on Google Ads, save."""
    wait_banner(page)
    tab_to(page, "e.getAttribute('data-cg-action') === 'prefs'")
    page.keyboard.press("Enter")
    tab_to(page, "e.id === 'cg-cat-advertising-b'")
    assert page.get_attribute("#cg-cat-advertising-b", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.get_attribute("#cg-cat-advertising-b", "aria-expanded") == "true"
    tab_to(page, "e.id === 'cg-svc-google-ads'")
    page.keyboard.press("Space")
    tab_to(page, "e.getAttribute('data-cg-action') === 'save'")
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.keyboard.press("Enter")
    page.wait_for_function(RECORDED)


def open_advertising(page: t.Any, live: t.Any) -> None:
    """The services page's Preferences, with Advertising opened to its services."""
    page.goto(live.url("services.html"))
    wait_banner(page)
    page.locator(f"{DIALOG} [data-cg-action=prefs]").click()
    page.locator("#cg-cat-advertising-b").click()


def save(page: t.Any) -> None:
    """Save the preferences and wait until the choice is recorded."""
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.locator(f"{DIALOG} .cg-prefs [data-cg-action=save]").click()
    page.wait_for_function(RECORDED)


def test_the_category_opens_to_its_services_each_with_its_own_switch(
    page: t.Any, net: t.Any, live: t.Any, artifacts: t.Any
) -> None:
    page.goto(live.url("services.html"))
    wait_banner(page)
    page.locator(f"{DIALOG} [data-cg-action=prefs]").click()
    page.screenshot(path=str(artifacts / "services-closed.png"))
    # Built only when first opened, so the preferences stay small.
    assert page.locator("#cg-svc-google-ads").count() == 0
    disclosure = page.locator("#cg-cat-advertising-b")
    assert disclosure.evaluate("e => e.tagName") == "BUTTON"
    region = page.locator("#" + str(disclosure.get_attribute("aria-controls")))
    assert region.is_hidden()
    disclosure.click()
    assert region.is_visible()
    assert region.get_attribute("aria-labelledby") == "cg-cat-advertising-b"
    texts = {s["id"]: s for s in banner_data(page)["services"]}
    for sid in ("google-ads", "meta-pixel"):
        own = page.locator(f"#cg-svc-{sid}")
        assert own.get_attribute("role") == "switch" and not own.is_checked()
        assert page.locator(f"label[for=cg-svc-{sid}]").inner_text() == texts[sid]["name"]
        assert texts[sid]["description"] in region.inner_text()
    # The category switch sets all of them; one off again makes it mixed, announced as such.
    switch(page, "advertising").check()
    assert page.locator("#cg-svc-google-ads").is_checked()
    assert page.locator("#cg-svc-meta-pixel").is_checked()
    page.locator("#cg-svc-meta-pixel").uncheck()
    category = switch(page, "advertising")
    assert category.get_attribute("aria-checked") == "mixed"
    mixed = page.locator("#cg-cat-advertising-m")
    assert mixed.is_visible()
    assert mixed.inner_text() == banner_data(page)["texts"]["some_services"] == "Some services on"
    assert "cg-cat-advertising-m" in str(category.get_attribute("aria-describedby"))
    page.locator("#cg-cat-advertising").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "services-mixed.png"))
    # Clicking a mixed category switch turns every service on.
    category.click()
    assert category.get_attribute("aria-checked") is None and category.is_checked()
    assert page.locator("#cg-svc-meta-pixel").is_checked()
    disclosure.click()
    assert region.is_hidden() and disclosure.get_attribute("aria-expanded") == "false"
    settle(page)
    assert net.posts() == [] and ran(page) == []


def test_one_service_granted_and_not_another_the_proof_and_released_tags_match_exactly(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("services.html"))
    grant_google_ads_only(page)
    assert switch(page, "advertising").get_attribute("aria-checked") == "mixed"

    # The proof: the category refused, Google Ads granted by name, the Meta Pixel not.
    [post] = net.posts()
    assert post["method"] == "custom"
    assert post["services"] == {"google-ads": True}
    consent_id = page.evaluate("cookiegate.consent.id")
    proof = ledger.find_proof(live.app.extensions["cookiegate"].store, "demo", consent_id)
    assert proof is not None and proof["method"] == "custom"
    assert proof["choices"]["services"] == {"google-ads": True}
    assert proof["choices"]["categories"]["advertising"] is False
    granted = [c for c, on in proof["choices"]["categories"].items() if on]
    assert granted == ["necessary"]

    # Released: every Google Ads tag (marked, inline, inserted), nothing of the Meta Pixel.
    settle(page, 300)
    assert sorted(ran(page)) == ["gads", "gads", "gads-inline"]
    assert net.requested("google-ads")
    assert net.requested("meta-pixel") == []
    assert net.requested("google-analytics") == []
    # Google is told what the visitor granted: its ads signals, not analytics.
    update = page.evaluate(LAST_UPDATE)
    assert update["ad_storage"] == "granted" and update["ad_user_data"] == "granted"
    assert update["analytics_storage"] == "denied"
    assert "meta-pixel" not in page.evaluate("cookiegate.consent.services")

    # Reload: no banner, the same release, and the preferences show the same mixed state.
    net.log.clear()
    page.reload()
    settle(page, 300)
    assert not banner_visible(page)
    assert sorted(ran(page)) == ["gads", "gads", "gads-inline"]
    assert net.requested("meta-pixel") == [] and net.posts() == []
    page.evaluate("cookiegate.open()")
    wait_banner(page)
    category = switch(page, "advertising")
    assert category.get_attribute("aria-checked") == "mixed"
    page.locator("#cg-cat-advertising-b").click()
    assert page.locator("#cg-svc-google-ads").is_checked()
    assert not page.locator("#cg-svc-meta-pixel").is_checked()


def test_a_fully_granted_category_is_saved_at_category_level(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    """Both services on one by one: the category is granted, no service named apart."""
    open_advertising(page, live)
    page.locator("#cg-svc-google-ads").check()
    page.locator("#cg-svc-meta-pixel").check()
    category = switch(page, "advertising")
    assert category.is_checked() and category.get_attribute("role") == "switch"
    save(page)
    [post] = net.posts()
    assert post["choices"]["advertising"] is True and post["services"] == {}
    settle(page, 300)
    assert sorted(ran(page)) == ["fb", "fb", "fb", "fb-inline", "gads", "gads", "gads-inline"]


def test_the_meta_pixel_granted_alone_is_told_grant_and_google_stays_denied(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    """Vendor signals follow the per-service decision for each vendor."""
    open_advertising(page, live)
    page.locator("#cg-svc-meta-pixel").check()
    save(page)
    assert net.posts()[0]["services"] == {"meta-pixel": True}
    settle(page, 300)
    assert sorted(ran(page)) == ["fb", "fb", "fb", "fb-inline"]
    assert net.requested("google-ads") == []
    # Meta: revoked before its base code's init, then granted; Google's ads signals denied.
    consent = page.evaluate(
        "fbq.queue.map(a => Array.from(a)).filter(a => a[0] === 'consent').map(a => a[1])"
    )
    assert consent == ["revoke", "grant"]
    update = page.evaluate(LAST_UPDATE)
    assert update["ad_storage"] == "denied" and update["ad_user_data"] == "denied"
