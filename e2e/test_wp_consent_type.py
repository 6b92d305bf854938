"""The WP Consent API's consent type follows the visitor's regime: ``optin`` until cookiegate
knows it, then ``optout`` for an opt-out or notice regime and ``optin`` otherwise, announced
with ``wp_consent_type_defined`` as the API's README asks of a consent plugin that learns the
type late in the page load (https://github.com/WordPress/wp-consent-level-api, readme.txt).

Real Chromium, a WordPress shop page with the WP Consent API stub (e2e/platform_stubs.py), the
server trusting ``CF-IPCountry`` / ``CF-Region-Code``, which Playwright routing adds to the
requests sent to it, as Cloudflare would. The demo site's ``[jurisdictions]`` puts US privacy-law
states under opt_out; the test's config adds a notice overlay for Japan.
"""

from __future__ import annotations

import re
import typing as t

import pytest

from .conftest import LiveServer
from .helpers import choose
from .helpers import settle
from .platform_stubs import page_html
from .platform_stubs import route_platform

NOTICE_OVERLAY = '\n[jurisdictions.elsewhere]\nregime = "notice"\nplaces = ["JP"]\n'
GEO = {
    "COOKIEGATE_GEO_COUNTRY_HEADER": "CF-IPCountry",
    "COOKIEGATE_GEO_REGION_HEADER": "CF-Region-Code",
}
#: Records every ``wp_consent_type_defined`` with the type in force when it fired.
LISTEN = """document.addEventListener("wp_consent_type_defined", () => {
  (window.__typeDefined = window.__typeDefined || []).push(window.wp_consent_type);
});"""
DEFINED = "() => (window.__typeDefined || []).length > 0"


def _wordpress(text: str) -> str:
    return text.replace('id = "demo"\n', 'id = "demo"\nplatform = "wordpress"\n', 1)


def _shop(tmp: t.Any, edit: t.Callable[[str], str]) -> tuple[LiveServer, str]:
    """A shop whose server trusts the geo headers (read from the environment at start)."""
    with pytest.MonkeyPatch.context() as env:
        for key, value in GEO.items():
            env.setenv(key, value)
        server = LiveServer(tmp, edit=edit)
    return server, server.add_page("wordpress.html", page_html("wordpress"))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[tuple[LiveServer, str]]:
    server, url = _shop(
        tmp_path_factory.mktemp("wptype"), lambda text: _wordpress(text) + NOTICE_OVERLAY
    )
    yield server, url
    server.stop()


@pytest.fixture(scope="module")
def unplaced(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[tuple[LiveServer, str]]:
    """The same shop without ``[jurisdictions]``: opt_in for every visitor."""
    server, url = _shop(
        tmp_path_factory.mktemp("wpnoplace"),
        lambda text: _wordpress(text)[: _wordpress(text).index("[jurisdictions]")],
    )
    yield server, url
    server.stop()


def _from(context: t.Any, server: LiveServer, headers: dict[str, str]) -> None:
    """Send ``headers`` with every request to the cookiegate server, as a CDN would (read at
    each request: a test moves the visitor by changing the dict)."""
    api = re.compile(re.escape(server.api_origin) + "/")
    context.route(api, lambda route: route.fallback(headers={**route.request.headers, **headers}))


def _open(page: t.Any, context: t.Any, url: str) -> t.Any:
    route_platform(context, "wordpress")
    page.add_init_script(LISTEN)
    page.goto(url)
    page.wait_for_function(DEFINED)
    settle(page, 200)
    return page


def _lookups(net: t.Any) -> int:
    return sum(1 for _, url, _ in net.log if url.endswith("/v1/sites/demo/jurisdiction"))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"CF-IPCountry": "US", "CF-Region-Code": "CA"}, "optout"),
        ({"CF-IPCountry": "JP"}, "optout"),
        ({"CF-IPCountry": "DE"}, "optin"),
        ({"CF-IPCountry": "US", "CF-Region-Code": "ZZ"}, "optin"),
        ({"CF-IPCountry": "XX"}, "optin"),
        ({}, "optin"),
    ],
    ids=["california", "japan-notice", "germany", "bad-region", "unknown", "no-header"],
)
def test_the_consent_type_follows_the_regime_of_the_visitors_place(
    shop: tuple[LiveServer, str],
    page: t.Any,
    context: t.Any,
    net: t.Any,
    headers: dict[str, str],
    expected: str,
) -> None:
    server, url = shop
    _from(context, server, headers)
    page = _open(page, context, url)
    # Defined once, with its final value, from the banner's own answer (banner.json, which
    # a first visit asks anyway): the bridge does not ask the jurisdiction lookup as well.
    assert page.evaluate("window.__typeDefined") == [expected]
    assert page.evaluate("window.wp_consent_type") == expected
    assert _lookups(net) == 0
    assert sum(1 for _, u, _ in net.log if "/banner.json" in u) == 1
    if expected == "optin":
        # Before any choice a plugin reading the API sees no consent, and none is handed over.
        assert page.evaluate("wp_has_consent('statistics')") is False
        assert page.evaluate("window.__platform.calls") == []
    else:
        # The notice's proof (recorded on arrival, as the type becomes known) puts the
        # overlay's categories in force; the API gets them (California: analytics on; the
        # notice overlay: nothing pre-granted).
        page.wait_for_function("() => window.__platform.calls.length >= 5")
        granted = page.evaluate("cookiegate.granted('analytics')")
        assert granted is (headers.get("CF-Region-Code") == "CA")
        assert page.evaluate("wp_has_consent('statistics')") is granted


def test_a_returning_visitor_gets_the_type_again_and_their_refusal_still_holds(
    shop: tuple[LiveServer, str], page: t.Any, context: t.Any, net: t.Any
) -> None:
    """Refused in Germany, back from Texas: the type is the new place's, the refusal stays."""
    server, url = shop
    place = {"CF-IPCountry": "DE"}
    _from(context, server, place)
    page = _open(page, context, url)
    choose(page, "reject")
    page.wait_for_function("() => window.__platform.calls.length >= 5")
    place.update({"CF-IPCountry": "US", "CF-Region-Code": "TX"})
    page.reload()
    page.wait_for_function(DEFINED)
    settle(page, 200)
    # The banner does not load for a stored decision: the bridge asked the server itself.
    assert page.evaluate("window.__typeDefined") == ["optout"]
    assert page.evaluate("cookiegate.consent.choices.advertising") is False
    assert page.evaluate("wp_has_consent('marketing')") is False
    assert page.evaluate("wp_has_consent('functional')") is True


def test_without_an_answer_the_type_stays_opt_in(
    shop: tuple[LiveServer, str], page: t.Any, context: t.Any, net: t.Any
) -> None:
    server, url = shop
    _from(context, server, {"CF-IPCountry": "US", "CF-Region-Code": "CA"})
    context.route(
        re.compile(r"/v1/sites/demo/(jurisdiction|banner\.json).*"),
        lambda route: route.fulfill(status=503, body="", headers={"Retry-After": "5"}),
    )
    page = _open(page, context, url)
    assert page.evaluate("window.__typeDefined") == ["optin"]
    assert page.evaluate("wp_has_consent('statistics')") is False


def test_a_site_without_jurisdictions_is_opt_in_without_asking(
    unplaced: tuple[LiveServer, str], page: t.Any, context: t.Any, net: t.Any
) -> None:
    server, url = unplaced
    _from(context, server, {"CF-IPCountry": "US", "CF-Region-Code": "CA"})
    page = _open(page, context, url)
    assert page.evaluate("window.__typeDefined") == ["optin"]
    assert _lookups(net) == 0
