"""Real Chromium against a live cookiegate server on loopback.

The test pages in ``e2e/pages`` are served by the same server under ``/e2e/``
on ``127.0.0.1``, while the loader comes from ``localhost`` (another origin, as
on a retailer's site) unless a page asks for ``?same=1``. Third-party tag hosts
never see the network: Playwright routing answers them with fake tags that
leave a marker in ``window.__ran`` and set their cookies, and every request is
logged so tests can assert what was never requested.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask import Response
from flask import request
from werkzeug.serving import make_server

from cookiegate import create_app
from cookiegate.core.browser import LAUNCH_ARGS
from cookiegate.core.browser import chromium_path
from cookiegate.core.browser import missing_chromium_reason
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.loader.payload import compiled_rules
from cookiegate.siteconfig.load import load_sites

# The leak table's recorder (e2e/leaks.py): hooks defined there, registered by being here.
from .leaks import pytest_collection_modifyitems as pytest_collection_modifyitems
from .leaks import pytest_runtest_logreport as pytest_runtest_logreport
from .leaks import pytest_sessionfinish as pytest_sessionfinish

PAGES = Path(__file__).parent / "pages"
ARTIFACTS = Path(__file__).parent / "artifacts"
KEYS = "e2e-newest-key-0123456789,e2e-older-key-0123456789"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# ------------------------------------------------------------------ browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, t.Any]) -> dict[str, t.Any]:
    """Use the system Chromium (Playwright's own download needs the internet)."""
    reason = missing_chromium_reason()
    if reason:
        if os.environ.get("COOKIEGATE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": list(LAUNCH_ARGS),
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """Replaces pytest-base-url's fixture, whose class-method form pytest now warns about."""
    return None


# ------------------------------------------------------------------ server


class LiveServer:
    """cookiegate on a free loopback port; the app can be rebuilt with another revision."""

    def __init__(
        self,
        tmp: Path,
        pages: Path = PAGES,
        edit: t.Callable[[str], str] | None = None,
        host: str = "127.0.0.1",
        api_host: str = "localhost",
    ) -> None:
        """``edit`` rewrites the demo site config's text (a test's own site); the pages are
        served as ``host`` and the loader and API as ``api_host`` (names that resolve to
        127.0.0.1, such as ``localhost`` or a name the browser maps there)."""
        self.tmp = tmp
        self.pages = pages
        self.edit = edit
        #: Pages a test made up (``add_page``), by name, served as if in ``pages``.
        self.extra_pages: dict[str, str] = {}
        self.db = f"sqlite:///{tmp / 'db.sqlite3'}"
        self.app = self._build(1)
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self.port = self._server.server_port
        self.origin = f"http://{host}:{self.port}"
        self.api_origin = f"http://{api_host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
        return self.app(environ, start_response)

    def set_revision(self, revision: int) -> None:
        """Swap in an app whose demo site is at ``revision`` (same database and keys)."""
        self.app = self._build(revision)

    def _build(self, revision: int) -> Flask:
        sites = self.tmp / f"sites-{revision}"
        if not sites.exists():
            sites.mkdir()
            text = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
            text = re.sub(r"(?m)^revision = \d+$", f"revision = {revision}", text)
            if self.edit:
                text = self.edit(text)
            (sites / "demo.toml").write_text(text, encoding="utf-8")
        app = create_app(
            {"TESTING": True, "SECRET_KEYS": KEYS, "DATABASE_URL": self.db, "SITES_DIR": str(sites)}
        )
        app.add_url_rule("/e2e/<name>", "e2e_page", self._page)
        return app

    def _page(self, name: str) -> Response:
        """A test page with the loader URL and a fresh CSP nonce filled in."""
        path = self.pages / name
        if name in self.extra_pages:
            html = self.extra_pages[name]
        elif re.fullmatch(r"[a-z0-9-]+\.html", name) and path.exists():
            html = path.read_text(encoding="utf-8")
        else:
            return Response("no such page", status=404)
        nonce = secrets.token_urlsafe(12)
        host = self.origin if request.args.get("same") else self.api_origin
        html = html.replace("{{LOADER}}", f"{host}/v1/sites/demo/loader.js")
        html = html.replace("{{API}}", host).replace("{{NONCE}}", nonce)
        html = html.replace("{{LANG}}", re.sub(r"[^A-Za-z_-]", "", request.args.get("lang", "")))
        resp = Response(html, mimetype="text/html")
        if request.args.get("csp"):
            resp.headers["Content-Security-Policy"] = (
                f"script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self' {self.api_origin}; "
                "object-src 'none'; base-uri 'none'"
            )
        return resp

    def add_page(self, name: str, html: str) -> str:
        """Serve ``html`` (with the placeholders of the pages in ``e2e/pages``) as ``name``;
        returns its URL. Served by this server, so the browser treats it as the other pages
        (a page fulfilled by Playwright routing may not load the loader from loopback)."""
        self.extra_pages[name] = html
        return self.url(name)

    def url(self, page: str, **query: str) -> str:
        q = "&".join(f"{k}={v}" for k, v in query.items())
        return f"{self.origin}/e2e/{page}" + (f"?{q}" if q else "")

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    live = LiveServer(tmp_path_factory.mktemp("live"))
    yield live
    live.stop()


@pytest.fixture
def live(server: LiveServer) -> t.Iterator[LiveServer]:
    """The live server, put back to revision 1 after the test."""
    yield server
    server.set_revision(1)


# ------------------------------------------------------------------ fake third parties


def _mark(name: str, extra: str = "") -> str:
    """A fake tag body: records that it ran and whether Consent Mode's default came first."""
    n = json.dumps(name)
    return (
        f"(function(){{var w=window;(w.__ran=w.__ran||[]).push({n});(w.__order=w.__order||[]).push({n});"
        "var d=w.dataLayer&&w.dataLayer[0];"
        "(w.__cmBefore=w.__cmBefore||[]).push(!!d&&d[0]==='consent'&&d[1]==='default');"
        f"{extra}}})();"
    )


#: Fake tags by URL: each leaves a marker, sets its service's cookies, and may insert more tags.
FAKES: list[tuple[str, str]] = [
    (
        r"googletagmanager\.com/gtag/js\?id=AW-",
        _mark("gads", "document.cookie='_gcl_au=1.1.1; path=/';"),
    ),
    (
        r"googletagmanager\.com/gtag/js",
        _mark(
            "ga",
            "document.cookie='_ga=GA1.1.42; path=/';document.cookie='_ga_TEST1=GS1.1; path=/';"
            "new Image().src='https://region1.google-analytics.com/g/collect?v=2&en=page_view';",
        ),
    ),
    (
        r"googletagmanager\.com/gtm\.js",
        _mark(
            "gtm",
            # What a GTM container does: insert tags later, by every route a blocker must cover.
            "var s=document.createElement('script');s.src='https://www.googletagmanager.com/gtag/js?id=G-GTM';"
            "document.head.appendChild(s);"
            "var a=document.createElement('script');a.setAttribute('src','https://www.googletagmanager.com/gtag/js?id=AW-GTM');"
            "document.head.insertBefore(a,document.head.firstChild);"
            "var f=document.createElement('script');f.async=true;f.src='https://connect.facebook.net/en_US/fbevents.js';"
            "document.body.append(f);"
            "var box=document.createElement('div');box.id='gtm-box';"
            'box.innerHTML=\'<iframe src="https://www.youtube.com/embed/gtm" title="gtm video"></iframe>\';'
            "document.body.appendChild(box);"
            "new Image().src='https://www.facebook.com/tr?id=1&ev=PageView';"
            "document.body.insertAdjacentHTML('beforeend',"
            '\'<img id="remarketing" alt="" src="https://googleads.g.doubleclick.net/pagead/1p-user-list/1">\');'
            "var x=new XMLHttpRequest();x.open('GET','https://googleads.g.doubleclick.net/pagead/id');x.send();",
        ),
    ),
    (
        r"connect\.facebook\.net/.*/fbevents\.js",
        _mark("fb", "document.cookie='_fbp=fb.1.1; path=/';"),
    ),
    (r"widget\.trustpilot\.com", _mark("trustpilot")),
    (r"cdn\.dynamicyield\.com", _mark("dy", "document.cookie='_dyid=1; path=/';")),
]
VIDEO = "<!doctype html><title>video</title><p id=video>video playing</p>"


class Net:
    """Answers third-party hosts with fake tags and logs every request the browser makes."""

    def __init__(self, rules: dict[str, t.Any]) -> None:
        self.log: list[tuple[str, str, str | None]] = []
        self.api_down = False
        #: True: third-party hosts are unreachable, as on a machine without internet.
        self.offline = False
        self._patterns = [(re.compile(p), i) for p, i in rules["patterns"]]
        self._services = [s["id"] for s in rules["services"]]

    def handle(self, route: t.Any) -> None:
        req = route.request
        self.log.append((req.method, req.url, req.post_data))
        if urlsplit(req.url).hostname in LOCAL_HOSTS:
            if self.api_down and "/consents" in req.url:
                route.abort("connectionrefused")
            else:
                route.continue_()
            return
        if self.offline:
            route.abort("internetdisconnected")
            return
        for pattern, body in FAKES:
            if re.search(pattern, req.url):
                route.fulfill(status=200, body=body, content_type="text/javascript")
                return
        if "youtube" in req.url:
            route.fulfill(status=200, body=VIDEO, content_type="text/html")
            return
        route.fulfill(status=204, body="", headers={"Access-Control-Allow-Origin": "*"})

    def service_of(self, url: str) -> str | None:
        """The service a URL belongs to, by the loader's rule: first pattern wins."""
        rest = url.split("//", 1)[-1]
        for pattern, i in self._patterns:
            if pattern.search(rest):
                return self._services[i]
        return None

    def requested(self, *services: str) -> list[str]:
        """URLs requested that belong to any of ``services``."""
        return [u for _, u, _ in self.log if self.service_of(u) in services]

    def posts(self) -> list[dict[str, t.Any]]:
        """Bodies of every consent POST, oldest first."""
        return [
            json.loads(b or "{}") for m, u, b in self.log if m == "POST" and u.endswith("/consents")
        ]


@pytest.fixture(scope="session")
def rules() -> dict[str, t.Any]:
    return compiled_rules(load_sites(DEMO_SITES_DIR)["demo"])


@pytest.fixture
def net(context: t.Any, rules: dict[str, t.Any]) -> Net:
    log = Net(rules)
    context.route("**/*", log.handle)
    return log


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


AD_SERVICES = ("google-ads", "meta-pixel")
BLOCKED_BY_DEFAULT = (
    "google-analytics",
    "google-ads",
    "meta-pixel",
    "youtube",
    "trustpilot",
    "dynamic-yield",
    "facebook-login",
    "salesforce-mc",
)
