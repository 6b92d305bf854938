"""What the server-side gate holds in the HTML, the loader releases: every URL attribute.

The gate (``cookiegate/gate/tags.py``) writes a blocked tag's URL attributes as
``data-cg-<attribute>``, and a module script as ``type="text/plain" data-cg-type="module"``.
The loader's one attribute table (``static/js/src/loader/attributes.js``) restores each of them
once the service's category is granted: here, on the page view where Accept all is clicked.
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
from .routes_dom import Hits
from .routes_dom import hits_fixture  # noqa: F401 (the hits fixture)
from .routes_dom import wait_requested

ROUTE = "https://googleads.g.doubleclick.net/cg-route/"

PAGE = f"""<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Voltline – soundbar</title>
  <script src="{{loader}}"></script>
  <link rel="preload" as="image" href="{ROUTE}gate-preload.png">
  <link rel="preload" as="image" imagesrcset="{ROUTE}gate-imageset.png 1x">
  <script type="module" src="{ROUTE}gate-module.js"></script>
</head>
<body>
  <h1>Soundbar</h1>
  <img alt="" srcset="{ROUTE}gate-srcset.png 1x">
  <video poster="{ROUTE}gate-poster.png"></video>
  <object type="text/html" data="{ROUTE}gate-object.html"></object>
</body>
</html>
"""
#: What the shop's page loads from the blocked host, by the attribute the gate holds.
HELD = {
    "gate-preload.png": "data-cg-href",
    "gate-imageset.png": "data-cg-imagesrcset",
    "gate-module.js": "data-cg-src",
    "gate-srcset.png": "data-cg-srcset",
    "gate-poster.png": "data-cg-poster",
    "gate-object.html": "data-cg-data",
}


@pytest.fixture(scope="module")
def shop(server: t.Any) -> t.Iterator[str]:
    """A Flask shop wrapped in ``ConsentGate`` on its own loopback port; yields its origin."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = Flask("gated-shop")
    loader = f"{server.api_origin}/v1/sites/demo/loader.js"

    @app.get("/<path:name>")
    def page(name: str) -> tuple[str, int, dict[str, str]]:
        return PAGE.format(loader=loader), 200, {"Content-Type": "text/html; charset=utf-8"}

    app.wsgi_app = ConsentGate(app.wsgi_app, site="demo", secret_keys=KEYS)  # type: ignore[method-assign]
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.mark.leak_route(
    "server-side gate: srcset, imagesrcset, link href, poster, object data, module script",
    section="Server-side gate",
)
def test_every_url_attribute_the_gate_holds_is_released_once_after_consent(
    page: t.Any, live: t.Any, hits: Hits, shop: str
) -> None:
    page.goto(f"{shop}/soundbar")
    wait_banner(page)
    settle(page, 400)
    for name, attribute in HELD.items():
        assert hits.requested(name) == [], name
        assert page.locator(f"[{attribute}*='{name}']").count() == 1, attribute
    assert page.locator("script[data-cg-type=module]").get_attribute("type") == "text/plain"
    assert ran(page) == []
    choose(page, "accept")
    for name in HELD:
        wait_requested(page, hits, name)
        assert len(hits.requested(name)) == 1, name
    assert ran(page) == ["gate-module.js"]
    assert page.locator("script[type=module][src*='gate-module.js']").count() == 1
