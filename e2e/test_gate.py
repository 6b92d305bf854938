"""The server-side gate in real Chromium: a Flask shop wrapped in ``ConsentGate``.

The shop's page has its tags written plainly, as a retailer pastes them: gtag.js, the Meta
Pixel snippet with its ``<noscript>`` pixel, and a YouTube iframe, with the cookiegate loader
first in ``<head>``. The loader comes from a real cookiegate server (the ``live`` fixture),
which also records the consent; the shop runs on its own port with the same secret keys.

Without the gate, the loader stops every one of these tags from *running*, but the browser's
preload scanner reads ahead of the parser while the (render-blocking) loader downloads, and
fetches ``<script src>`` and ``<img src>`` it finds there: those requests reach the hosts
before any script could act (the ungated test counts them). With the gate, the HTML already
carries the tags in their inert form (``type="text/plain"``, ``data-cg-src``), so there is
nothing to fetch: 0 requests to those hosts before consent.
"""

from __future__ import annotations

import logging
import threading
import typing as t

import pytest
from flask import Flask
from werkzeug.serving import make_server

from cookiegate.gate import ConsentGate

from .conftest import KEYS
from .helpers import choose
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

SHOP_SERVICES = ("google-analytics", "meta-pixel", "youtube")
PIXEL = "https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1"

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Voltline – 4K TV</title>
  <script src="{loader}"></script>
  <!-- Google tag (gtag.js) -->
  <script async src="https://www.googletagmanager.com/gtag/js?id=G-SHOP1"></script>
  <script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){{dataLayer.push(arguments);}}
    gtag('js', new Date());
    gtag('config', 'G-SHOP1');
  </script>
  <!-- Meta Pixel Code -->
  <script>
  !function(f,b,e,v,n,t,s)
  {{if(f.fbq)return;n=f.fbq=function(){{n.callMethod?
  n.callMethod.apply(n,arguments):n.queue.push(arguments)}};
  if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
  n.queue=[];t=b.createElement(e);t.async=!0;
  t.src=v;s=b.getElementsByTagName(e)[0];
  s.parentNode.insertBefore(t,s)}}(window, document,'script',
  'https://connect.facebook.net/en_US/fbevents.js');
  fbq('init', '123456789012345');
  fbq('track', 'PageView');
  </script>
  <noscript><img height="1" width="1" style="display:none"
  src="{pixel}"
  /></noscript>
  <!-- End Meta Pixel Code -->
</head>
<body>
  <h1>Voltline 55" 4K TV</h1>
  <p class="price">£499.00</p>
  <iframe id="video" width="560" height="315" src="https://www.youtube.com/embed/shop1"
    title="Product video" allowfullscreen></iframe>
  <script>window.__parsed = true;</script>
</body>
</html>
"""


class Shop:
    """A retailer's Flask app on its own loopback port: ``/gated/…`` through ``ConsentGate``,
    ``/plain/…`` the same page as the app wrote it."""

    def __init__(self, loader: str) -> None:
        app = Flask("shop")

        @app.get("/<path:name>")
        def page(name: str) -> tuple[str, int, dict[str, str]]:
            html = PAGE.format(loader=loader, pixel=PIXEL.replace("&", "&amp;"))
            return html, 200, {"Content-Type": "text/html; charset=utf-8"}

        plain = app.wsgi_app
        gated = ConsentGate(plain, site="demo", secret_keys=KEYS)

        def dispatch(environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
            gate = environ.get("PATH_INFO", "").startswith("/gated/")
            return (gated if gate else plain)(environ, start_response)

        self._server = make_server("127.0.0.1", 0, dispatch, threaded=True)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture(scope="module")
def shop(server: t.Any) -> t.Iterator[Shop]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    s = Shop(f"{server.api_origin}/v1/sites/demo/loader.js")
    yield s
    s.stop()


def test_without_the_gate_the_preload_scanner_reaches_the_tag_hosts(
    page: t.Any, net: t.Any, live: t.Any, shop: Shop, record_property: t.Any
) -> None:
    """The floor the gate removes: the loader alone stops every tag from running, yet the
    browser fetched some of them while the loader was still downloading."""
    page.goto(f"{shop.origin}/plain/tv")
    wait_banner(page)
    settle(page, 300)
    assert ran(page) == []
    prefetched = net.requested(*SHOP_SERVICES)
    record_property("ungated_prefetches", len(prefetched))
    print(f"\nwithout the gate, requests to tag hosts before consent: {prefetched}")
    assert any("googletagmanager.com/gtag/js" in u for u in prefetched), prefetched


def test_with_the_gate_no_request_reaches_a_tag_host_before_consent(
    page: t.Any, net: t.Any, live: t.Any, shop: Shop
) -> None:
    page.goto(f"{shop.origin}/gated/tv")
    wait_banner(page)
    settle(page, 300)
    assert page.evaluate("window.__parsed") is True
    assert ran(page) == []
    assert net.requested(*SHOP_SERVICES) == []
    gtag = page.locator("script[data-cg-src*='gtag/js']")
    assert gtag.get_attribute("type") == "text/plain"
    assert gtag.get_attribute("src") is None
    assert page.locator("script[data-category=advertising]").count() == 1  # the pixel snippet
    assert page.locator("#video").get_attribute("src") is None
    assert page.locator(".cg-ph").count() == 1  # the loader's placeholder for the held video


def test_after_accept_all_each_tag_runs_exactly_once_here_and_on_the_next_page(
    page: t.Any, net: t.Any, live: t.Any, shop: Shop
) -> None:
    page.goto(f"{shop.origin}/gated/tv")
    choose(page, "accept")
    settle(page, 300)
    # Released by the loader on the page where consent was given: once each.
    assert sorted(ran(page)) == ["fb", "ga"]
    page.frame_locator("#video").locator("#video").wait_for()

    net.log.clear()
    page.goto(f"{shop.origin}/gated/basket")
    settle(page, 300)
    # The gate saw the signed cookie and let every tag through as the shop wrote it.
    assert sorted(ran(page)) == ["fb", "ga"]
    assert page.locator("script[type='text/plain']").count() == 0
    page.frame_locator("#video").locator("#video").wait_for()
    requested = net.requested(*SHOP_SERVICES)
    assert len([u for u in requested if "gtag/js" in u]) == 1
    assert len([u for u in requested if "fbevents.js" in u]) == 1
    assert len([u for u in requested if "youtube.com/embed/shop1" in u]) == 1
    # With scripting on, a <noscript> body is text: its pixel never loads.
    assert PIXEL not in requested
