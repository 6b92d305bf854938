"""Each visitor under their own law, in real Chromium: the geo headers a CDN would set decide
the regime the banner applies (issue 16's "Done when").

The server reads ``CF-IPCountry`` / ``CF-Region-Code`` (COOKIEGATE_GEO_*); the test adds them
to every request for the consent server through Playwright routing, as a CDN in front of it
would. The demo site's UK overlay has the UK statistics exception switched on, with a
self-hosted statistics service (tests/site_fragments.py), so one server shows every regime.
Proofs are read back from the server's own store.
"""

from __future__ import annotations

import typing as t

import pytest

from cookiegate import measure
from cookiegate.services import ledger
from tests.site_fragments import UK_SITE

from . import test_uk_statistics
from .conftest import LiveServer
from .helpers import RECORDED
from .helpers import banner_visible
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner
from .test_gpc import GPC_JS

GEO_ENV = {
    "COOKIEGATE_GEO_COUNTRY_HEADER": "CF-IPCountry",
    "COOKIEGATE_GEO_REGION_HEADER": "CF-Region-Code",
}
GERMANY = {"CF-IPCountry": "DE"}
UK = {"CF-IPCountry": "GB", "CF-Region-Code": "ENG"}
CALIFORNIA = {"CF-IPCountry": "US", "CF-Region-Code": "CA"}
NOTICE = ".cg-notice"
#: The notice is drawn and its proof recorded.
NOTICE_RECORDED = (
    "() => !!document.querySelector('.cg-notice') && window.cookiegate.consent"
    " && !window.cookiegate.consent.pending"
)


def with_uk_exception(site: str) -> str:
    """The demo site with its UK overlay using the UK statistics exception."""
    site = site.replace('places = ["GB"]', 'places = ["GB"]\nuk_statistics_exception = true', 1)
    return site + UK_SITE


class GeoServer(LiveServer):
    """The live server reading the visitor's place from Cloudflare's geo headers."""

    def _build(self, revision: int) -> t.Any:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in GEO_ENV.items():
                patch.setenv(name, value)
            return super()._build(revision)


@pytest.fixture(scope="module")
def geo(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[GeoServer]:
    server = GeoServer(tmp_path_factory.mktemp("geo"), edit=with_uk_exception)
    yield server
    server.stop()


# The first-party statistics host, answered by a fake tracker (its requests, in order).
stats = test_uk_statistics.stats


def place(context: t.Any, geo: GeoServer, headers: dict[str, str]) -> None:
    """Every request to the consent server carries ``headers``, as from a CDN (routing, so
    no CORS preflight: the browser never sent them). Registered after ``net``: runs first."""
    context.route(
        f"{geo.api_origin}/**",
        lambda route: route.fallback(headers={**route.request.headers, **headers}),
    )


def sealed(geo: GeoServer, page: t.Any) -> tuple[str, str, str]:
    """Method, jurisdiction and regime of the stored proof of the page's consent."""
    consent_id = page.evaluate("cookiegate.consent.id")
    found = ledger.find_proof(geo.app.extensions["cookiegate"].store, "demo", consent_id)
    assert found is not None
    return found["method"], found["jurisdiction"], found["regime"]


def notice_texts(page: t.Any) -> dict[str, str]:
    bundle = page.evaluate("cookiegate._.texts()")
    return {**bundle["texts"], **bundle["overlay"]["texts"]}


@pytest.mark.parametrize(
    ("headers", "jurisdiction"),
    [(GERMANY, "DE"), ({}, "unknown"), ({"CF-IPCountry": "XX"}, "unknown")],
)
def test_germany_no_header_or_an_unknown_country_get_the_opt_in_dialog(
    page: t.Any,
    context: t.Any,
    net: t.Any,
    stats: list[str],
    geo: GeoServer,
    headers: dict[str, str],
    jurisdiction: str,
) -> None:
    place(context, geo, headers)
    page.goto(geo.url("stats.html"))
    wait_banner(page)
    settle(page, 300)
    assert page.evaluate("[cookiegate.regime, cookiegate.jurisdiction]") == ["opt_in", jurisdiction]
    assert not page.locator(NOTICE).count()
    # Nothing runs before a choice, not even the UK-exempt statistics, and nothing is recorded.
    assert ran(page) == [] and stats == []
    assert not page.locator(".cg-uk").count()
    assert net.posts() == []


def test_a_uk_visitor_gets_the_statistics_notice_driven_by_the_uk_overlay(
    page: t.Any, context: t.Any, net: t.Any, stats: list[str], geo: GeoServer
) -> None:
    place(context, geo, UK)
    page.goto(geo.url("stats.html"))
    wait_banner(page)
    page.wait_for_function("(window.__ran || []).includes('stats')")
    assert page.evaluate("[cookiegate.regime, cookiegate.jurisdiction]") == ["opt_in", "GB"]
    assert page.locator(".cg-first .cg-uk").is_visible()
    assert any("/collect" in u for u in stats)
    assert net.requested("google-analytics", "meta-pixel") == []
    # The objection is checked against the UK overlay's exception, and sealed with the place.
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        page.locator(".cg-first [data-cg-action=object]").click()
    assert answer.value.status == 201
    page.wait_for_function(RECORDED)
    assert sealed(geo, page) == (
        "objection",
        "GB",
        "opt_in",
    )


def test_california_without_gpc_gets_the_opt_out_notice_and_its_categories_run(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, CALIFORNIA)
    page.goto(geo.url("tags.html"))
    page.wait_for_function(NOTICE_RECORDED)
    settle(page, 300)
    texts = notice_texts(page)
    assert not banner_visible(page)
    notice = page.locator(NOTICE)
    assert notice.get_by_role("heading", name=texts["notice_title"]).is_visible()
    dns = notice.get_by_role("button", name=texts["do_not_sell"], exact=True)
    assert dns.is_visible() and texts["do_not_sell"] == (
        "Do Not Sell or Share My Personal Information"
    )
    # The overlay's granted categories run without a click: analytics and advertising.
    assert {"ga", "fb"} <= set(ran(page))
    post = net.posts()[-1]
    assert post["method"] == "notice" and post["regime"] == "opt_out"
    assert sealed(geo, page) == (
        "notice",
        "US-CA",
        "opt_out",
    )
    assert page.evaluate("cookiegate.consent.method") == "notice"

    # Do Not Sell: advertising (sale/sharing, targeted ads) off, recorded, analytics kept.
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        dns.click()
    assert answer.value.status == 201
    page.wait_for_function(
        "() => cookiegate.consent.method === 'opt_out' && !cookiegate.consent.pending"
    )
    assert page.evaluate("cookiegate.granted('advertising')") is False
    assert page.evaluate("cookiegate.granted('analytics')") is True
    assert not dns.is_visible()
    assert sealed(geo, page) == ("opt_out", "US-CA", "opt_out")

    # The next page: advertising stays off, no request to its hosts.
    net.log.clear()
    later = context.new_page()
    later.goto(geo.url("tags.html"))
    settle(later, 300)
    assert "ga" in ran(later) and "fb" not in ran(later)
    assert net.requested("meta-pixel", "google-ads") == []


def test_your_privacy_choices_opens_the_preferences(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, CALIFORNIA)
    page.goto(geo.url("tags.html"))
    page.wait_for_function(NOTICE_RECORDED)
    texts = notice_texts(page)
    page.locator(NOTICE).get_by_role("button", name=texts["privacy_choices"]).click()
    prefs = page.locator(".cg-prefs")
    prefs.wait_for(state="visible")
    # The preferences show what is in force: the overlay's categories on.
    assert page.locator("#cg-cat-advertising").is_checked()
    assert not page.locator("#cg-cat-social").is_checked()


def test_california_with_gpc_gets_no_dialog_advertising_off_and_a_signal_proof(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, CALIFORNIA)
    page.add_init_script(GPC_JS)
    page.set_extra_http_headers({"Sec-GPC": "1"})
    page.goto(geo.url("tags.html"))
    page.wait_for_function(NOTICE_RECORDED)
    settle(page, 300)
    assert not banner_visible(page)
    assert "ga" in ran(page) and not {"fb", "gads"} & set(ran(page))
    assert net.requested("meta-pixel", "google-ads") == []
    post = net.posts()[-1]
    assert post["method"] == "signal:gpc" and post["choices"]["advertising"] is False
    assert sealed(geo, page) == (
        "signal:gpc",
        "US-CA",
        "opt_out",
    )
    # The signal already opted out: the notice says so and offers no Do Not Sell link.
    texts = notice_texts(page)
    assert page.locator(NOTICE).get_by_text(texts["gpc_notice"]).is_visible()
    assert not page.locator(NOTICE).get_by_role("button", name=texts["do_not_sell"]).is_visible()


ADPC_OBJECTS = (
    "Object.defineProperty(Navigator.prototype, 'dataProtectionControl', {get: () => ({"
    "request: () => Promise.resolve({consent: [], withdraw: ['*'], object: ['*']})})})"
)


@pytest.mark.parametrize(
    ("headers", "via"),
    [(GERMANY, "js"), (CALIFORNIA, "js"), (GERMANY, "header"), (CALIFORNIA, "header")],
)
def test_an_adpc_objection_refuses_everything_optional_without_asking(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer, headers: dict[str, str], via: str
) -> None:
    # The JS interface, or the request header (a browser extension sends it; here it is added
    # to the requests for the consent server, which tells the banner through banner.json).
    if via == "js":
        page.add_init_script(ADPC_OBJECTS)
    else:
        headers = {**headers, "ADPC": "withdraw=*, object=direct-marketing"}
    place(context, geo, headers)
    page.goto(geo.url("tags.html"))
    page.wait_for_function(RECORDED)
    settle(page, 300)
    assert not banner_visible(page) and not page.locator(NOTICE).count()
    assert ran(page) == []
    assert net.requested("google-analytics", "meta-pixel", "google-ads") == []
    assert sealed(geo, page)[0] == "signal:adpc"


def test_axe_finds_no_wcag_22_aa_violation_in_the_opt_out_notice(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, CALIFORNIA)
    page.goto(geo.url("tags.html"))
    page.wait_for_function(NOTICE_RECORDED)
    check = measure.axe_violations(page, include=[NOTICE])
    assert check.passed, check.evidence


def test_an_adpc_interface_that_does_not_answer_does_not_hold_the_banner_back(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, GERMANY)
    page.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'dataProtectionControl', {get: () => ({"
        "request: () => new Promise(() => {})})})"
    )
    page.goto(geo.url("tags.html"))
    wait_banner(page)
    assert net.posts() == []
