"""A small shop served on loopback for the scanner tests, with planted tags.

Pages carry the snippets as vendors give them (gtag.js, Google Tag Manager,
the Meta Pixel, a YouTube iframe), an unknown tracker, the shop's own
first-party cookies (an inline script, a same-site script, an HTTP
``Set-Cookie``), a localStorage key, a page linking to 30 others, a page
robots.txt disallows, a broken page, and links the crawler must not follow.
Third-party hosts never see the network: :func:`route_fakes` answers them.
"""

from __future__ import annotations

import re
import threading
import time
import typing as t

from flask import Flask
from flask import Response
from werkzeug.serving import make_server

GTAG = """<script async src="https://www.googletagmanager.com/gtag/js?id=G-SCAN1"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}
gtag('js', new Date()); gtag('config', 'G-SCAN1');</script>"""
GTM = """<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-SCAN1');</script>"""
PIXEL = """<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '000000000000001'); fbq('track', 'PageView');</script>"""
TRACKER = '<script src="https://cdn.unknown-tracker.example/t.js"></script>'
FIRST_PARTY = """<script>document.cookie = "shop_ab=variant-b; path=/; max-age=86400";</script>
<script src="/static/app.js"></script>"""
VIDEO = '<iframe src="https://www.youtube.com/embed/scan-video" title="video"></iframe>'

#: What each fake third-party script does when it runs.
FAKE_SCRIPTS: list[tuple[str, str]] = [
    (
        r"googletagmanager\.com/gtag/js",
        "document.cookie='_ga=GA1.1.1; path=/';document.cookie='_ga_SCAN1=GS1.1; path=/';"
        "new Image().src='https://region1.google-analytics.com/g/collect?v=2&en=page_view';",
    ),
    (
        # A container loads what it was set up with, here Hotjar.
        r"googletagmanager\.com/gtm\.js",
        "var h=document.createElement('script');"
        "h.src='https://static.hotjar.com/c/hotjar-1.js?sv=6';document.head.appendChild(h);",
    ),
    (r"static\.hotjar\.com/c/hotjar-", "sessionStorage.setItem('hjViewportId', 'v1');"),
    (
        r"connect\.facebook\.net/.*/fbevents\.js",
        "document.cookie='_fbp=fb.1.1; path=/';"
        "new Image().src='https://www.facebook.com/tr?id=1&ev=PageView';",
    ),
    (r"unknown-tracker\.example/t\.js", "document.cookie='_unk_id=42; path=/';"),
]


def _page(title: str, body: str, links: t.Sequence[str] = ()) -> str:
    anchors = "".join(f'<a href="{href}">{href}</a> ' for href in links)
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        f"{body}</head><body><h1>{title}</h1><nav>{anchors}</nav></body></html>"
    )


HOME_LINKS = (
    "/gtag",
    "/gtm",
    "/pixel",
    "/tracker",
    "/first-party",
    "/video",
    "/many",
    "/private/secret",
    "/account/logout",
    "/brochure.pdf",
    "/broken",
    "/old-gtag",
    "mailto:shop@example.com",
    "tel:+441234",
    "https://elsewhere.example/page",
    "#top",
)


def make_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def home() -> str:
        return _page("Home", "", HOME_LINKS)

    for path, body in {
        "gtag": GTAG,
        "gtm": GTM,
        "pixel": PIXEL,
        "tracker": TRACKER,
        "video": VIDEO,
    }.items():
        app.add_url_rule(f"/{path}", path, lambda body=body, path=path: _page(path, body, ["/"]))

    @app.get("/first-party")
    def first_party() -> Response:
        resp = Response(_page("First party", FIRST_PARTY, ["/"]), mimetype="text/html")
        resp.set_cookie("shop_session", "s1", httponly=True)
        return resp

    @app.get("/static/app.js")
    def app_js() -> Response:
        js = (
            "document.cookie = 'shop_pref=grid; path=/';"
            "localStorage.setItem('shop_recent', '[\"VL-OLED55\"]');"
        )
        return Response(js, mimetype="text/javascript")

    @app.get("/many")
    def many() -> str:
        return _page("Many", "", [f"/p/{n}" for n in range(1, 31)])

    @app.get("/p/<int:n>")
    def product(n: int) -> str:
        return _page(f"Product {n}", "", ["/", "/many"])

    @app.get("/old-gtag")
    def moved() -> Response:
        return Response("", status=301, headers={"Location": "/gtag"})

    @app.get("/broken")
    def broken() -> Response:
        return Response("database down", status=500)

    @app.get("/slow")
    def slow() -> str:
        time.sleep(4)
        return _page("Slow", "")

    @app.get("/hostile")
    def hostile() -> str:
        return _page("Hostile", "<script>document.cookie = '<b>x</b>=1; path=/';</script>")

    @app.get("/robots.txt")
    def robots() -> Response:
        return Response(
            "User-agent: *\nDisallow: /nothing\n\nUser-agent: cookiegate-scanner\n"
            "Disallow: /private/\n",
            mimetype="text/plain",
        )

    return app


class SiteServer:
    """The shop on a free loopback port, in a thread."""

    def __init__(self) -> None:
        self._server = make_server("127.0.0.1", 0, make_app(), threaded=True)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)[:/]")


def route_fakes(context: t.Any, fakes: t.Sequence[tuple[str, str]] = FAKE_SCRIPTS) -> None:
    """Answer every third-party host in ``context``: fake tags run, the rest get 204."""

    def handle(route: t.Any) -> None:
        url = route.request.url
        if LOOPBACK.match(url):
            route.continue_()
            return
        for pattern, body in fakes:
            if re.search(pattern, url):
                route.fulfill(status=200, body=body, content_type="text/javascript")
                return
        if "youtube.com/embed" in url:
            route.fulfill(status=200, body="<!doctype html><p>video</p>", content_type="text/html")
            return
        route.fulfill(status=204, body="")

    context.route("**/*", handle)
