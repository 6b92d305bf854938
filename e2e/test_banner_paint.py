"""A first visit's banner waits for as few round trips as it can (issue 14, "banner painted").

On a site with ``[jurisdictions]`` (the demo) the banner needs the visitor's place (banner.json:
dialog or notice) before it paints. The loader asks for it beside the banner file, and the
banner file reuses that answer: one request each, in parallel, and the regime is still the
place's (e2e/test_regimes.py checks what each place sees).
"""

from __future__ import annotations

import typing as t

from . import test_regimes
from .helpers import settle
from .helpers import wait_banner
from .test_regimes import CALIFORNIA
from .test_regimes import GERMANY
from .test_regimes import NOTICE_RECORDED
from .test_regimes import GeoServer
from .test_regimes import place

geo = test_regimes.geo


def _banner_requests(net: t.Any) -> list[str]:
    """The banner file and banner.json requests, in the order the browser made them."""
    return [
        "banner.json" if "/banner.json?" in url else "banner file"
        for _, url, _ in net.log
        if "/banner." in url
    ]


def test_the_loader_asks_for_the_place_before_the_banner_file_runs(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, GERMANY)
    page.goto(geo.url("stats.html"))
    wait_banner(page)
    settle(page, 300)
    # Asked by the loader (before it inserts the banner file), not by the banner file once it
    # ran; and once: the banner reuses the answer.
    assert _banner_requests(net) == ["banner.json", "banner file"]
    assert page.evaluate("[cookiegate.regime, cookiegate.jurisdiction]") == ["opt_in", "DE"]


def test_an_opt_out_visitor_still_gets_the_notice_from_the_early_answer(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, CALIFORNIA)
    page.goto(geo.url("tags.html"))
    page.wait_for_function(NOTICE_RECORDED)
    assert _banner_requests(net) == ["banner.json", "banner file"]
    assert not page.locator(".cg-dialog:not([hidden])").count()


def test_a_failed_early_answer_keeps_the_strictest_overlay(
    page: t.Any, context: t.Any, net: t.Any, geo: GeoServer
) -> None:
    place(context, geo, CALIFORNIA)
    context.route("**/banner.json?*", lambda route: route.fulfill(status=503, body="down"))
    page.goto(geo.url("tags.html"))
    wait_banner(page)
    settle(page, 300)
    # No place known: the banner file's strictest overlay, the opt-in dialog, asks first.
    assert page.evaluate("cookiegate.regime") == "opt_in"
    assert net.posts() == []
