"""Stand-ins for the vendors' scripts, each implementing exactly the surface its vendor documents.

Each stub, when it runs, records the queue it finds (``window.__found[vendor]``: what
the vendor's real script would read first) and then takes over the vendor's global the way
the real script does, recording every later call (``window.__calls[vendor]``). The e2e
tests serve them for the vendors' hosts with Playwright routing (no internet).
"""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

from .conftest import LiveServer

_START = (
    "var w=window;w.__found=w.__found||{};w.__calls=w.__calls||{};"
    "(w.__ran=w.__ran||[]).push(%r);"
    "var plain=function(x){return JSON.parse(JSON.stringify(x))};"
    "var args=function(a){return plain(Array.prototype.slice.call(a))};"
)

#: (URL regex, vendor, stub body).
STUBS: list[tuple[str, str, str]] = [
    (
        # gtag.js reads the dataLayer, whose Consent Mode entries are `arguments` objects.
        r"googletagmanager\.com/gtag/js",
        "google",
        # It also tries what gtag.js does when granted (a cookie) and sends a ping, so a test
        # sees the loader still hold the cookie of a tag that loads early (advanced mode).
        "document.cookie='_ga=GA1.1.42; path=/';"
        "new Image().src='https://region1.google-analytics.com/g/collect?v=2&en=page_view';"
        "w.__found.google=w.dataLayer.map(function(e){return e.length!==undefined?args(e):plain(e)});"
        "w.__calls.google=[];var push=w.dataLayer.push;w.dataLayer.push=function(e){"
        "w.__calls.google.push(e.length!==undefined?args(e):plain(e));return push.apply(this,arguments)};",
    ),
    (
        # bat.js defines UET; the base code then builds one with the page's uetq as its queue.
        r"bat\.bing\.com/bat\.js",
        "uet",
        "w.__calls.uet=[];w.UET=function(o){w.__found.uet=plain(o.q);"
        "this.push=function(){w.__calls.uet.push(args(arguments))}};",
    ),
    (
        # Clarity's tag reads the queue of the snippet's clarity() stub, then replaces it.
        r"clarity\.ms/tag/",
        "clarity",
        "var c=w.clarity;w.__found.clarity=(c.q||[]).map(args);w.__calls.clarity=[];"
        "w.clarity=function(){w.__calls.clarity.push(args(arguments))};",
    ),
    (
        # fbevents.js reads fbq.queue and answers later calls through fbq.callMethod.
        r"connect\.facebook\.net/.*/fbevents\.js",
        "meta",
        "var f=w.fbq;w.__found.meta=f.queue.map(args);w.__calls.meta=[];"
        "f.callMethod=function(){w.__calls.meta.push(args(arguments))};",
    ),
    (
        # events.js reads the ttq array ([method, ...args] entries), then answers the methods.
        r"analytics\.tiktok\.com/i18n/pixel/events\.js",
        "tiktok",
        "var q=w.ttq;w.__found.tiktok=plain(Array.prototype.slice.call(q));w.__calls.tiktok=[];"
        "['holdConsent','grantConsent','revokeConsent'].forEach(function(m){"
        "q[m]=function(){w.__calls.tiktok.push([m].concat(args(arguments)))}});",
    ),
]


def route_stubs(context: t.Any) -> None:
    """Answer every vendor host with its stub (registered after ``net``, so these win)."""
    for pattern, vendor, body in STUBS:
        context.route(
            re.compile(pattern), _answer("(function(){" + _START % vendor + body + "})();")
        )


def _answer(script: str) -> t.Callable[[t.Any], None]:
    def handle(route: t.Any) -> None:
        route.fulfill(status=200, body=script, content_type="text/javascript")

    return handle


class VendorServer(LiveServer):
    """The live server with ``extra`` appended to the demo site's config, then ``edit`` applied."""

    def __init__(
        self, tmp: Path, extra: str, edit: t.Callable[[str], str] = lambda text: text
    ) -> None:
        super().__init__(tmp, edit=lambda text: edit(text + extra))
