"""Issue 16's regime follow-ups in real Chromium, with the geo headers a CDN would set:

- a returning UK visitor gets the UK statistics exception again (the token says where it was
  given; the loader cannot know the place), a returning German visitor does not;
- "Accept all" in the dialog under Global Privacy Control is recorded as the regime's GPC
  method (signal:gpc under opt_out, as the server and the audit expect);
- a choice that grants something while the browser sends ``ADPC: withdraw=*`` is refused by
  the server and the banner records the objection (signal:adpc) instead.

The server and routing are e2e/test_regimes.py's (the demo's UK overlay with the exception).
"""

from __future__ import annotations

import typing as t

from . import test_regimes
from .helpers import RECORDED
from .helpers import click_action
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner
from .test_gpc import GPC_JS
from .test_regimes import CALIFORNIA
from .test_regimes import GERMANY
from .test_regimes import NOTICE
from .test_regimes import NOTICE_RECORDED
from .test_regimes import UK
from .test_regimes import GeoServer
from .test_regimes import notice_texts
from .test_regimes import place
from .test_regimes import sealed

# The live server (the demo's UK overlay with the exception) and the statistics host's requests.
geo = test_regimes.geo
stats = test_regimes.stats
STATS_RAN = "(window.__ran || []).includes('stats')"


def _refuse_then_return(page: t.Any, context: t.Any, net: t.Any, geo: GeoServer) -> t.Any:
    """Reject all on a first visit; then the next page, as a returning visitor."""
    page.goto(geo.url("stats.html"))
    wait_banner(page)
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        click_action(page, "reject")
    assert answer.value.status == 201
    page.wait_for_function(RECORDED)
    net.log.clear()
    later = context.new_page()
    later.goto(geo.url("stats.html"))
    return later


def test_a_returning_uk_visitor_gets_the_statistics_exception_again(
    page: t.Any,
    context: t.Any,
    net: t.Any,
    stats: list[str],
    geo: GeoServer,
) -> None:
    place(context, geo, UK)
    later = _refuse_then_return(page, context, net, geo)
    later.wait_for_function(STATS_RAN)
    settle(later, 300)
    # The exception's statistics ran again; the refusal holds for everything else, and the banner
    # (which would ask the server for the place) is not loaded for a stored choice.
    assert net.requested("google-analytics", "meta-pixel") == []
    assert [url for _, url, _ in net.log if "banner.json" in url] == []


def test_a_returning_german_visitor_gets_no_statistics_without_consent(
    page: t.Any,
    context: t.Any,
    net: t.Any,
    stats: list[str],
    geo: GeoServer,
) -> None:
    place(context, geo, GERMANY)
    later = _refuse_then_return(page, context, net, geo)
    later.wait_for_function(RECORDED)
    settle(later, 400)
    assert ran(later) == [] and stats == []


def test_accept_all_under_gpc_in_california_is_recorded_as_the_gpc_signal(
    page: t.Any,
    context: t.Any,
    net: t.Any,
    geo: GeoServer,
) -> None:
    place(context, geo, CALIFORNIA)
    page.add_init_script(GPC_JS)
    page.goto(geo.url("tags.html"))
    page.wait_for_function(NOTICE_RECORDED)
    texts = notice_texts(page)
    page.locator(NOTICE).get_by_role("button", name=texts["privacy_choices"]).click()
    page.locator(".cg-prefs").wait_for(state="visible")
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        page.locator(".cg-prefs [data-cg-action=accept]").click()
    assert answer.value.status == 201
    post = net.posts()[-1]
    assert post["method"] == "signal:gpc" and post["choices"]["advertising"] is False
    page.wait_for_function(RECORDED)
    assert sealed(geo, page) == ("signal:gpc", "US-CA", "opt_out")
    assert page.evaluate("cookiegate.granted('advertising')") is False


def test_accept_all_under_an_adpc_withdrawal_grants_nothing_and_records_the_signal(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    """banner.json saw the header: the dialog reopened later grants nothing, not for a moment."""
    place(context, geo, {**GERMANY, "ADPC": "withdraw=*"})
    page.goto(geo.url("tags.html"))
    page.wait_for_function(RECORDED)
    page.evaluate("cookiegate.open()")
    page.locator(".cg-prefs").wait_for(state="visible")
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        click_action(page, "accept")
    assert answer.value.status == 201
    page.wait_for_function(RECORDED)
    settle(page, 300)
    assert [p["method"] for p in net.posts()] == ["signal:adpc", "signal:adpc"]
    assert ran(page) == [] and page.evaluate("cookiegate.granted('analytics')") is False
    assert sealed(geo, page)[0] == "signal:adpc"


def test_a_choice_the_server_refuses_for_its_adpc_header_is_recorded_as_the_signal(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    """Only the POST carries the header (banner.json did not see it): the server's 400 names
    ADPC and the banner records signal:adpc instead, for this page and the next."""
    place(context, geo, GERMANY)
    context.route(
        f"{geo.api_origin}/v1/sites/demo/consents",
        lambda route: route.fallback(headers={**route.request.headers, "ADPC": "object=*"}),
    )
    page.goto(geo.url("tags.html"))
    wait_banner(page)
    statuses: list[int] = []
    page.on("response", lambda r: r.url.endswith("/consents") and statuses.append(r.status))
    click_action(page, "accept")
    page.wait_for_function(
        "() => cookiegate.consent.method === 'signal:adpc' && cookiegate.consent.id"
    )
    assert statuses == [400, 201]
    assert [p["method"] for p in net.posts()] == ["accept_all", "signal:adpc"]
    assert page.evaluate("cookiegate.granted('analytics')") is False
    assert sealed(geo, page)[0] == "signal:adpc"
    net.log.clear()
    later = context.new_page()
    later.goto(geo.url("tags.html"))
    settle(later, 300)
    assert ran(later) == []
    assert net.requested("google-analytics", "meta-pixel", "google-ads") == []
