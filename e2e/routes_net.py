"""Shared by e2e/test_routes_net*.py: a page, a first-party tracker and answers for its hosts.

Workers must be same-origin, so a worker route can only reach a service whose pattern names
the shop's own host: the demo site gains one here, a first-party analytics proxy under
``/insights/`` on the shop's host (as server-side tagging serves it), and the test page is
served as ``https://www.voltline.example/e2e/…`` with cookiegate on that origin too (Playwright
hands on the live server's answers; Chromium refuses a public origin loopback requests).
Everything under ``https://www.google-analytics.com/route/`` and ``/insights/`` is answered
by ``Hosts``, which logs each request, so a test can say which were made before consent and
after.
"""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

import pytest

from cookiegate.core.settings import DEMO_SITES_DIR

from .conftest import LiveServer
from .helpers import choose_categories
from .helpers import wait_banner

INSIGHTS_SITE = """
[services.voltline-insights]
name = "Voltline insights"
provider = "Voltline Ltd"
category = "analytics"
description = "Counts visits through our own server (a first-party analytics proxy)."
patterns = ["www.voltline.example/insights"]
cookies = ["vl_insights"]
"""

#: The blocked host the routes reach (Google Analytics: analytics, refused until granted).
GA = "https://www.google-analytics.com/route"


class InsightsServer(LiveServer):
    """The live server with the demo site plus a first-party analytics service."""

    def _build(self, revision: int) -> t.Any:
        sites = self.tmp / f"sites-{revision}"
        if not sites.exists():
            sites.mkdir()
            text = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
            text = re.sub(r"(?m)^revision = \d+$", f"revision = {revision}", text)
            (sites / "demo.toml").write_text(text + INSIGHTS_SITE, encoding="utf-8")
        return super()._build(revision)


@pytest.fixture(scope="module", name="insights")
def insights_fixture(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    server = InsightsServer(tmp_path_factory.mktemp("insights"))
    yield server
    server.stop()


#: Answers by the last part of the path: (content type, body).
BODIES = {
    "module.js": ("text/javascript", "window.__imported = (window.__imported || 0) + 1;"),
    "worker.js": ("text/javascript", "postMessage('worker ran');"),
    "shared.js": ("text/javascript", "onconnect = (e) => e.ports[0].postMessage('shared ran');"),
    "worker-import.js": ("text/javascript", "self.__imported = 1;"),
    "events": ("text/event-stream", "data: event arrived\n\n"),
    "style.css": ("text/css", "#box { outline: 1px solid red }"),
    "bg.gif": (
        "image/gif",
        "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
        ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
    ),
}


class Hosts:
    """Answers the routes' hosts (HTTP and WebSocket) and logs what reached them."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def handle(self, route: t.Any) -> None:
        url = route.request.url
        self.seen.append(url)
        kind, body = BODIES.get(Path(url.split("?")[0]).name, ("text/plain", ""))
        route.fulfill(
            status=200,
            body=body.encode("latin-1"),
            content_type=kind,
            headers={"Access-Control-Allow-Origin": "*"},
        )

    def socket(self, ws: t.Any) -> None:
        self.seen.append(ws.url)  # answered by Playwright: never a real connection

    def made(self, part: str) -> list[str]:
        """Requests whose URL holds ``part``."""
        return [u for u in self.seen if part in u]


#: The shop's origin, as the test pages are served.
SHOP = "https://www.voltline.example"


@pytest.fixture(name="hosts")
def hosts_fixture(context: t.Any, net: t.Any, insights: LiveServer) -> Hosts:
    """Registered after ``net``, so these answer first."""
    log = Hosts()

    def shop(route: t.Any) -> None:
        path = route.request.url[len(SHOP) :]
        if path.startswith("/insights/"):
            log.handle(route)
        elif path.startswith("/e2e/"):  # the page, with the loader on the shop's origin too
            answer = route.fetch(url=f"{insights.origin}{path}?same=1")
            route.fulfill(response=answer, body=answer.text().replace(insights.origin, SHOP))
        else:  # the loader, banner files and consent API, from the live server
            route.fulfill(response=route.fetch(url=insights.origin + path))

    context.route(f"{GA}/**", log.handle)
    context.route(f"{SHOP}/**", shop)
    context.route_web_socket(re.compile(r"^wss://www\.google-analytics\.com/"), log.socket)
    return log


def open_page(page: t.Any) -> None:
    """The routes page, as the shop serves it; the banner is up (nothing granted yet)."""
    page.goto(f"{SHOP}/e2e/routes-net.html")
    wait_banner(page)


def grant_analytics(page: t.Any) -> None:
    """Consent to analytics (and nothing else) through the banner."""
    choose_categories(page, "analytics")
