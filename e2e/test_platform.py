"""Platform bridges: Shopify's Customer Privacy API and the WP Consent API receive the same
decision the proof records, on the first choice, on every change and on a GPC refusal, and
the platform's own state is read on load only to bring it in line with cookiegate's.

Real Chromium against stubs of each platform's documented surface (e2e/platform_stubs.py),
loaded after the loader as the platforms' own scripts are; the site config names the platform
(``platform = "shopify" | "wordpress"``), so the served loader carries the bridges.
"""

from __future__ import annotations

import typing as t

import pytest

from cookiegate.services import ledger

from .conftest import LiveServer
from .helpers import RECORDED
from .helpers import banner_visible
from .helpers import choose
from .helpers import choose_categories
from .helpers import click_action
from .helpers import settle
from .helpers import switch
from .platform_stubs import SHOPIFY_STATE
from .platform_stubs import page_html
from .platform_stubs import route_platform

PLATFORMS = ("shopify", "wordpress")


class Shop(t.NamedTuple):
    name: str
    server: LiveServer
    url: str


@pytest.fixture(scope="module", params=PLATFORMS)
def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> t.Any:
    name = request.param
    server = LiveServer(
        tmp_path_factory.mktemp(name),
        edit=lambda text: text.replace('id = "demo"\n', f'id = "demo"\nplatform = "{name}"\n', 1),
    )
    yield Shop(name, server, server.add_page(f"{name}.html", page_html(name)))
    server.stop()


@pytest.fixture
def page_of(shop: Shop, page: t.Any, net: t.Any, context: t.Any) -> t.Any:
    """The shop's page with its platform's stub answering (after ``net``, so it wins)."""
    route_platform(context, shop.name)
    return page


def expected(shop: Shop, page: t.Any) -> t.Any:
    """The proof of the choice in force, in the platform's terms: what its stub must get."""
    consent_id = page.evaluate("cookiegate.consent.id")
    proof = ledger.find_proof(shop.server.app.extensions["cookiegate"].store, "demo", consent_id)
    assert proof is not None
    choices = proof["choices"]["categories"]
    platform = shop.server.app.extensions["cookiegate"].sites["demo"].platform
    decision = {
        key: bool(cats) and all(c == "necessary" or choices[c] for c in cats)
        for key, cats in platform.categories
    }
    if shop.name == "shopify":
        return [decision]
    return [[key, "allow" if on else "deny"] for key, on in decision.items()]


def calls(page: t.Any, wanted: int) -> list[t.Any]:
    """The stub's recorded calls, once there are at least ``wanted`` entries (or after 5 s)."""
    page.wait_for_function(
        f"() => window.__platform && window.__platform.calls.length >= {wanted}", timeout=5000
    )
    settle(page, 200)
    return list(page.evaluate("window.__platform.calls"))


def per_decision(shop: Shop) -> int:
    """Calls one decision makes: one setTrackingConsent, or one wp_set_consent per category."""
    return 1 if shop.name == "shopify" else 5


@pytest.mark.parametrize("first", ["accept", "reject", "custom"])
def test_first_choice_and_a_change_reach_the_platform_as_the_proof_records_them(
    shop: Shop, page_of: t.Any, first: str
) -> None:
    page = page_of
    page.goto(shop.url)
    if first == "custom":
        choose_categories(page, "analytics", "functional")
    else:
        choose(page, first)
    n = per_decision(shop)
    got = calls(page, n)
    assert got == expected(shop, page), "the first choice"
    # A change: advertising and marketing flip, a new proof is recorded, the platform follows.
    page.evaluate("cookiegate.open()")
    for category in ("advertising", "marketing"):
        switch(page, category).set_checked(not switch(page, category).is_checked())
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, "save")
    page.wait_for_function(RECORDED)
    got = calls(page, 2 * n)
    assert got[n:] == expected(shop, page), "the change"
    if shop.name == "wordpress":
        assert page.evaluate("window.wp_consent_type") == "optin"
        # Plugins listening to the API heard each category of each decision.
        assert len(page.evaluate("window.__platform.events")) == 2 * n
    else:
        # Shopify loaded its API on request and announced each collected decision.
        assert page.evaluate("window.__platform.loads") == [
            [{"name": "consent-tracking-api", "version": "0.1"}]
        ]
        assert len(page.evaluate("window.__platform.events")) == 2


def test_without_a_decision_nothing_is_sent_whatever_the_platform_holds(
    shop: Shop, page_of: t.Any
) -> None:
    """cookiegate is the source of truth: a platform's grant never becomes cookiegate's."""
    page = page_of
    page.goto(shop.url)
    _grant_everything_on_the_platform(shop, page)
    page.reload()
    settle(page, 500)
    assert banner_visible(page)
    assert page.evaluate("window.__platform.calls") == []
    assert page.evaluate("cookiegate.consent") is None


def test_on_load_the_platform_is_read_and_brought_in_line_only_when_it_differs(
    shop: Shop, page_of: t.Any
) -> None:
    page = page_of
    page.goto(shop.url)
    choose(page, "reject")
    n = per_decision(shop)
    calls(page, n)
    decision = expected(shop, page)
    # Same state on both sides: the platform is read, nothing is written.
    page.reload()
    page.wait_for_function("() => window.__platform && window.__platform.reads > 0")
    settle(page, 300)
    assert page.evaluate("window.__platform.calls") == []
    # The platform drifted (another script granted everything): cookiegate's decision wins.
    _grant_everything_on_the_platform(shop, page)
    page.reload()
    assert calls(page, n) == decision


def test_a_gpc_refusal_reaches_the_platform_as_recorded(shop: Shop, page_of: t.Any) -> None:
    page = page_of
    page.goto(shop.url)
    choose(page, "accept")
    n = per_decision(shop)
    calls(page, n)
    page.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.reload()
    page.wait_for_function(RECORDED)
    got = calls(page, n)
    assert got == expected(shop, page)
    assert page.evaluate("cookiegate.consent.choices.advertising") is False


def _grant_everything_on_the_platform(shop: Shop, page: t.Any) -> None:
    if shop.name == "shopify":
        state = dict.fromkeys(("analytics", "marketing", "preferences", "sale_of_data"), "yes")
        page.evaluate(
            "s => localStorage.setItem(s[0], JSON.stringify(s[1]))", [SHOPIFY_STATE, state]
        )
    else:
        page.evaluate(
            "['functional','preferences','statistics','statistics-anonymous','marketing']"
            ".forEach(c => { document.cookie = 'wp_consent_' + c + '=allow; path=/'; })"
        )
