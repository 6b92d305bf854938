"""What the DOM route tests (``test_routes_dom*.py``) share: a blocked host that counts its hits.

Every route test uses ``e2e/pages/routes.html``, whose ``U(name)`` is a URL on
``googleads.g.doubleclick.net`` (Google Ads, category advertising) under ``/cg-route/``. That
path is answered here, by Playwright routing on the page, with a body fit for what asked for
it (a script that records that it ran, a stylesheet, an image, a text track, a frame), and
every request for it is counted. ``prove`` runs one route before consent and checks the host
heard nothing, grants advertising, and checks it heard exactly one request (and that a script
ran exactly once).
"""

from __future__ import annotations

import base64
import re
import typing as t

import pytest

from .helpers import choose_categories
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

ROUTE_PATH = "/cg-route/"
HOST = re.compile(r"^https://googleads\.g\.doubleclick\.net/cg-route/")
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def script_body(name: str) -> str:
    """A fake tag that records its name in ``window.__ran`` (helpers.ran)."""
    return f"(window.__ran=window.__ran||[]).push({name!r});"


class Hits:
    """Answers the route host and keeps every URL it was asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def handle(self, route: t.Any) -> None:
        url = route.request.url
        self.urls.append(url)
        name = url.split(ROUTE_PATH, 1)[1].split("?")[0]
        ext = name.rsplit(".", 1)[-1]
        cors = {"Access-Control-Allow-Origin": "*"}
        if ext in ("js", "mjs"):
            body, kind = script_body(name).encode(), "text/javascript"
        elif ext == "css":
            body, kind = b"h1{color:#123}", "text/css"
        elif ext in ("png", "gif"):
            body, kind = GIF, "image/gif"
        elif ext == "vtt":
            body, kind = b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n", "text/vtt"
        elif ext == "html":
            body, kind = b"<!doctype html><title>frame</title><p>frame", "text/html"
        else:
            route.fulfill(status=204, body="", headers=cors)
            return
        route.fulfill(body=body, content_type=kind, headers=cors)

    def requested(self, name: str) -> list[str]:
        """Requests for ``U(name)`` (any query string)."""
        return [u for u in self.urls if u.split(ROUTE_PATH, 1)[1].split("?")[0] == name]


@pytest.fixture(name="hits")
def hits_fixture(page: t.Any, net: t.Any) -> Hits:
    """The route host, answered on this page (page routes win over ``net``'s context route)."""
    h = Hits()
    page.route(HOST, h.handle)
    return h


def wait_requested(page: t.Any, hits: Hits, name: str) -> None:
    """Wait (up to 10 s) until ``U(name)`` was requested, then let any second request come."""
    for _ in range(200):
        if hits.requested(name):
            break
        page.wait_for_timeout(50)
    settle(page, 400)


def prove(
    page: t.Any,
    live: t.Any,
    hits: Hits,
    name: str,
    script: str,
    *,
    runs: bool = False,
    after: str = "",
) -> None:
    """Take one route to ``U(name)`` before consent; grant advertising; it loads once.

    :param script: JavaScript that takes the route (in the page, before any choice)
    :param runs: ``name`` is a script: it must not run before, and run exactly once after
    :param after: JavaScript to run after granting (a click that sends a ping, say)
    """
    page.goto(live.url("routes.html"))
    wait_banner(page)
    page.evaluate(script)
    settle(page, 400)
    assert hits.requested(name) == [], "requested before consent"
    assert ran(page) == []
    choose_categories(page, "advertising")
    if after:
        page.evaluate(after)
    wait_requested(page, hits, name)
    assert len(hits.requested(name)) == 1, hits.requested(name)
    if runs:
        assert ran(page) == [name]
