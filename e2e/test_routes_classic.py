"""The insertion routes the loader has held from the start, one test each, for the leak table.

Each route reaches a blocked host by itself on a page with nothing else on it: before a
choice nothing is requested (or run, or stored); after Accept all it is requested or run
exactly once, and a second recorded choice does not run it again. Network calls and cookie
writes are refused rather than held, so for them "released" means the same call made after
the grant goes out, once.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

import pytest

from .helpers import choose
from .helpers import click_action
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle

GA = "https://www.googletagmanager.com/gtag/js?id=G-ROUTE"
VIDEO = "https://www.youtube.com/embed/route"
PIXEL = "https://www.facebook.com/tr?id=route&ev=PageView"
COLLECT = "https://region1.google-analytics.com/g/collect?v=2&en=route"


@dataclass(frozen=True)
class Route:
    """How a route reaches ``target``: ``html`` in the page as parsed, then ``script`` run once
    the page has loaded (and run again after the grant when ``again``)."""

    route: str
    section: str
    target: str
    html: str = ""
    script: str = ""
    #: The route refuses rather than holds: the same call is made again after the grant.
    again: bool = False
    #: A script that runs leaves the fake tag's "ga" mark; others are counted by requests.
    runs: bool = False
    #: What the platform offers no hook for (the leak table's limit); the test then shows
    #: that the tag is requested but never runs before consent, and runs once after.
    limit: str | None = None


ELEMENTS = "Elements inserted by script"
PARSING = "HTML text parsed into the page"
NETWORK = "Network and cookie APIs"

ROUTES = [
    Route(
        "<script> with its src property set, then appended",
        ELEMENTS,
        GA,
        script=f"var s = document.createElement('script'); s.src = {GA!r}; document.head.append(s);",
        runs=True,
    ),
    Route(
        "<script> with src set by setAttribute, then inserted with insertBefore",
        ELEMENTS,
        GA,
        script=(
            f"var s = document.createElement('script'); s.setAttribute('src', {GA!r});"
            " document.head.insertBefore(s, document.head.firstChild);"
        ),
        runs=True,
    ),
    Route(
        "<iframe> with its src property set, then appended",
        ELEMENTS,
        VIDEO,
        script=(
            f"var f = document.createElement('iframe'); f.title = 'v'; f.src = {VIDEO!r};"
            " document.body.append(f);"
        ),
    ),
    Route(
        "<img> with its src property set, then appended",
        ELEMENTS,
        PIXEL,
        script=f"var i = document.createElement('img'); i.alt = ''; i.src = {PIXEL!r}; document.body.append(i);",
    ),
    Route(
        "innerHTML with an <iframe>",
        PARSING,
        VIDEO,
        script=(
            "var d = document.createElement('div'); document.body.append(d);"
            f" d.innerHTML = '<iframe title=v src=\"{VIDEO}\"></iframe>';"
        ),
    ),
    Route(
        "insertAdjacentHTML with an <img>",
        PARSING,
        PIXEL,
        script=f"document.body.insertAdjacentHTML('beforeend', '<img alt=\"\" src=\"{PIXEL}\">');",
    ),
    Route(
        "document.write of a <script src> while the page is parsed",
        PARSING,
        GA,
        html=f"<script>document.write('<script src=\"{GA}\"><\\/script>');</script>",
        runs=True,
    ),
    Route(
        "<script src> written in the page's HTML after the loader (MutationObserver)",
        PARSING,
        GA,
        html=f'<script src="{GA}"></script>',
        runs=True,
        limit=(
            "the browser's preload scanner requests a <script src> written in the HTML before "
            "any script can see it; the loader keeps it from running, but the request goes "
            'out: write such tags inert (type="text/plain" data-category=…) or use the '
            "server-side gate (cookiegate.gate)"
        ),
    ),
    Route(
        "fetch()",
        NETWORK,
        COLLECT,
        script=f"fetch({COLLECT!r}, {{mode: 'no-cors'}}).catch(() => {{}});",
        again=True,
    ),
    Route(
        "XMLHttpRequest",
        NETWORK,
        COLLECT,
        script=f"var x = new XMLHttpRequest(); x.open('GET', {COLLECT!r}); x.send();",
        again=True,
    ),
    Route(
        "navigator.sendBeacon",
        NETWORK,
        COLLECT,
        script=f"navigator.sendBeacon({COLLECT!r});",
        again=True,
    ),
]


#: Test ids of ROUTES, in order.
KEYS = [
    "script-src",
    "script-setattribute",
    "iframe-src",
    "img-src",
    "innerhtml",
    "insertadjacenthtml",
    "document-write",
    "parsed-script",
    "fetch",
    "xhr",
    "sendbeacon",
]


def _page(route: Route) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>route</title>"
        '<script src="{{LOADER}}"></script></head><body><h1>route</h1>'
        f"{route.html}</body></html>"
    )


def _count(net: t.Any, target: str) -> int:
    return sum(1 for _, url, _ in net.log if url == target)


def _record_again(page: t.Any) -> None:
    """Record the same choice again (preferences, Save): applying it must not re-run tags."""
    page.evaluate("cookiegate.open()")
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, "save")
    settle(page, 200)


def _check_route(page: t.Any, net: t.Any, live: t.Any, route: Route) -> None:
    page.goto(live.add_page(f"route-{id(route)}.html", _page(route)))
    if route.script:
        page.evaluate(route.script)
    settle(page, 300)
    # Under a platform limit the request may go out (a prefetch), but nothing runs.
    assert _count(net, route.target) <= (1 if route.limit else 0), "requested before consent"
    assert ran(page) == []
    choose(page, "accept")
    if route.again:
        page.evaluate(route.script)
    settle(page, 300)
    requests = _count(net, route.target)
    assert requests >= 1 if route.limit else requests == 1, "not released once after Accept all"
    if route.runs:
        assert ran(page) == ["ga"]
    _record_again(page)
    assert _count(net, route.target) == requests, "requested again by a second choice"
    if route.runs:
        assert ran(page) == ["ga"], "run again by a second choice"


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(
            r, id=key, marks=pytest.mark.leak_route(r.route, section=r.section, limit=r.limit)
        )
        for key, r in zip(KEYS, ROUTES, strict=True)
    ],
)
def test_route_is_held_before_consent_and_runs_once_after(
    page: t.Any, net: t.Any, live: t.Any, route: Route
) -> None:
    _check_route(page, net, live, route)


@pytest.mark.leak_route("document.cookie write of a refused service's cookie", section=NETWORK)
def test_document_cookie_write_is_dropped_before_consent_and_kept_after(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("clean.html"))
    write = "document.cookie = '_ga=GA1.1.route; path=/'"
    page.evaluate(write)
    assert "_ga" not in cookie_names(page.context)
    choose(page, "accept")
    page.evaluate(write)
    assert ("_ga", "GA1.1.route") in {(c["name"], c["value"]) for c in page.context.cookies()}
