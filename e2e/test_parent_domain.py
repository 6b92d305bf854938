"""Withdrawal deletes cookies on the shop's registrable domain, not only on the page's host.

A shop at ``www.shop.test`` with the consent API on ``cdn.shop.test`` (a subdomain of the same
site) and the consent cookie on ``shop.test``: the browser here maps ``shop.test`` and its
subdomains to 127.0.0.1 (Chromium's ``--host-resolver-rules``), so the cookies are set and
scoped by real host names, as on a production shop, and ``context.cookies()`` shows each
cookie's domain and path. Tags set their cookies on ``.shop.test`` and on the host, by script
and by a response header from ``cdn.shop.test``; after withdrawal none is left.

The launch argument is this file's own browser (``browser`` fixture below), so no other test
sees the mapped names.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask import Response

from .conftest import LiveServer
from .conftest import Net
from .helpers import choose
from .helpers import ran

HOST_RULES = "--host-resolver-rules=MAP *.shop.test 127.0.0.1, MAP shop.test 127.0.0.1"
SHOP = "www.shop.test"
TRACKERS = {"_ga", "_ga_TEST1", "_gcl_au", "_fbp"}


class ShopServer(LiveServer):
    """The live server as ``www.shop.test`` (pages) and ``cdn.shop.test`` (loader, API), with a
    pixel on the CDN host whose response sets a cookie on ``shop.test``."""

    def _build(self, revision: int) -> Flask:
        app = super()._build(revision)
        app.add_url_rule("/e2e-pixel", "e2e_pixel", _pixel)
        return app


def _pixel() -> Response:
    """What an ad tag's pixel on the shop's own CDN answers: a cookie for the whole site."""
    resp = Response(status=204)
    resp.headers["Set-Cookie"] = "_gcl_au=1.1.header; Domain=shop.test; Path=/; SameSite=Lax"
    return resp


def _site(text: str) -> str:
    """The demo site on shop.test, its consent cookie on the registrable domain."""
    text = text.replace(
        'domains = ["localhost"', 'domains = ["shop.test", "*.shop.test", "localhost"'
    )
    text = text.replace('\ndomain = ""\n', '\ndomain = "shop.test"\n')
    assert '"*.shop.test"' in text and 'domain = "shop.test"' in text, "demo.toml changed"
    return text


@pytest.fixture(scope="module")
def browser(browser_type: t.Any, browser_type_launch_args: dict[str, t.Any]) -> t.Iterator[t.Any]:
    """This file's Chromium, which resolves shop.test and its subdomains to 127.0.0.1."""
    args = [*browser_type_launch_args.get("args", []), HOST_RULES]
    launched = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[ShopServer]:
    live = ShopServer(
        tmp_path_factory.mktemp("shop"), edit=_site, host=SHOP, api_host="cdn.shop.test"
    )
    yield live
    live.stop()


class ShopNet(Net):
    """The shared fake third parties, except that shop.test is the shop's own (not faked) and
    the Google and Meta tags set their cookies on the site's domain and on the host."""

    def __init__(self, rules: dict[str, t.Any], port: int) -> None:
        super().__init__(rules)
        parent = "domain=shop.test; path=/"
        self.tags = {
            "gtag/js?id=AW-": _tag(
                "gads", f"new Image().src='http://cdn.shop.test:{port}/e2e-pixel';"
            ),
            "gtag/js": _tag(
                "ga",
                f"document.cookie='_ga=GA1.1.parent; {parent}';"
                "document.cookie='_ga=GA1.1.host; path=/';"
                "document.cookie='_ga_TEST1=GS1.1; domain=.shop.test; path=/e2e';",
            ),
            "fbevents.js": _tag(
                "fb", f"document.cookie='_fbp=fb.1.1; {parent}';document.cookie='_fbp=fb.1.2';"
            ),
        }

    def handle(self, route: t.Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if host == "shop.test" or host.endswith(".shop.test"):
            self.log.append((route.request.method, url, route.request.post_data))
            route.continue_()
            return
        body = next((b for key, b in self.tags.items() if key in url), None)
        if body is None:
            super().handle(route)
            return
        self.log.append((route.request.method, url, route.request.post_data))
        route.fulfill(status=200, body=body, content_type="text/javascript")


def _tag(name: str, code: str) -> str:
    return f"(function(){{(window.__ran=window.__ran||[]).push({name!r});{code}}})();"


def _cookies(context: t.Any) -> set[tuple[str, str, str]]:
    return {(c["name"], c["domain"], c["path"]) for c in context.cookies()}


@pytest.mark.leak_route(
    "cookies on the registrable domain (.shop.test) and on the host, set by script and by a "
    "response header: deleted on withdrawal",
    section="Withdrawal",
)
def test_withdrawal_deletes_tracker_cookies_on_the_parent_domain_and_on_the_host(
    page: t.Any, shop: ShopServer, rules: dict[str, t.Any]
) -> None:
    net = ShopNet(rules, shop.port)
    page.context.route("**/*", net.handle)
    page.goto(shop.url("second.html"))
    assert urlsplit(page.url).hostname == SHOP
    # The shop's own session cookie on the whole site: necessary, it must stay.
    page.evaluate("document.cookie = 'vl_session=abc; domain=shop.test; path=/'")
    page.evaluate(
        "var s = document.createElement('script');"
        " s.src = 'https://www.googletagmanager.com/gtag/js?id=AW-SHOP'; document.head.append(s);"
    )
    # Held before consent: no tag ran, no tracker cookie anywhere.
    assert ran(page) == [] and not {n for n, _, _ in _cookies(page.context)} & TRACKERS
    choose(page, "accept")
    page.wait_for_function("() => document.cookie.includes('_gcl_au=')")
    assert sorted(ran(page)) == ["fb", "ga", "gads"]
    set_cookies = _cookies(page.context)
    assert {
        ("_ga", ".shop.test", "/"),
        ("_ga", SHOP, "/"),
        ("_ga_TEST1", ".shop.test", "/e2e"),
        ("_fbp", ".shop.test", "/"),
        ("_fbp", SHOP, "/e2e"),
        ("_gcl_au", ".shop.test", "/"),
        ("cookiegate_demo", ".shop.test", "/"),
    } <= set_cookies

    page.evaluate("cookiegate.withdraw()")
    assert _cookies(page.context) == {
        ("vl_session", ".shop.test", "/"),
        ("cookiegate_demo", ".shop.test", "/"),
    }
