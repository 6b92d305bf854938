"""A network-free stage for measuring a site's banner in real Chromium.

The browser is sent to ``https://<a host the site's domains allow>/``, which
Playwright routing answers with a minimal shop page embedding the site's loader
from a second origin. That origin is answered in-process by the Flask app
(``app.test_client()``, status, headers and body copied), so the measurement
works for any site config and any deployment with no server running and no
network: every other host is answered with an empty response and logged.

The page also inserts, by script as a tag manager would, one tag per pattern of
every optional service, so "nothing loads before consent" is measured on the
site's own services, and it may carry the shop's own stylesheets (``--css``),
which can make Reject all smaller or fainter than the banner ships it.
"""

from __future__ import annotations

import html
import json
import re
import typing as t
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

from ..catalogue import load_catalogue
from ..core.errors import CookiegateError
from ..core.hosts import host_within
from ..core.patterns import check_pattern

if t.TYPE_CHECKING:
    from playwright.sync_api import BrowserContext
    from playwright.sync_api import Route
    from werkzeug.test import Client

    from ..siteconfig.model import SiteConfig

#: The loader's origin: answered by the Flask app; ``.invalid`` can never be a real host.
API_ORIGIN = "https://cookiegate.invalid"
LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}
#: Request headers not passed to the app: it must answer uncompressed, for this host.
_DROP_REQUEST = {"host", "accept-encoding", "content-length"}
_DROP_RESPONSE = {"content-length", "content-encoding", "transfer-encoding"}


class InProcessApp(t.Protocol):
    """What the compliance checks need of the app: a client that calls it in-process.

    Flask's ``app.test_client()`` is one; typed by what is used, so this layer needs no Flask.
    """

    def test_client(self) -> Client: ...


class StageError(CookiegateError):
    """The site's config gives the stage no page to show its banner on."""


def page_origin(config: SiteConfig) -> str:
    """An https origin the site's ``domains`` allow, preferring a real shop host.

    ``*.shop.example`` becomes ``www.shop.example``; a host under the cookie
    domain is preferred (the loader's cookie must stick); loopback hosts come
    last, since a report about ``localhost`` says little about the shop.

    :raises StageError: no entry of ``domains`` names a host.
    """
    candidates = []
    for domain in config.domains:
        m = re.fullmatch(r"(\*\.)?(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?", domain)
        if not m:
            continue
        host = ("www." if m[1] else "") + m[2]
        port = f":{m[3]}" if m[3] else ""
        cookie_ok = not config.cookie_domain or host_within(host, config.cookie_domain)
        candidates.append((host in LOOPBACK, not cookie_ok, f"https://{host}{port}"))
    if not candidates:
        raise StageError(f"Site {config.id!r} lists no usable host in its domains.")
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def pattern_url(pattern: str) -> str:
    """A URL that a ``host[/path]`` service pattern matches (``*`` filled with ``x``)."""
    return "https://" + pattern.replace("*", "x")


@dataclass
class Stage:
    """Routes one browser context: the shop page, the app, and every third party."""

    app: InProcessApp
    config: SiteConfig
    #: Stylesheets of the shop's own, included on the page in this order.
    css: tuple[str, ...] = ()
    origin: str = ""
    #: Every third-party request: (method, url).
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: Every consent recorded through the app: the POSTed JSON bodies.
    consents: list[dict[str, t.Any]] = field(default_factory=list)
    #: The UK statistics exception is in force for this visit (False: a place it is not law).
    exempt_on: bool = True

    def __post_init__(self) -> None:
        self.origin = self.origin or page_origin(self.config)
        self._client = self.app.test_client()

    @property
    def url(self) -> str:
        return self.origin + "/"

    def planted(self) -> dict[str, list[str]]:
        """Service id -> the tag URLs the page inserts for it (optional services only)."""
        return {
            s.id: [pattern_url(p) for p in s.patterns if check_pattern(p) is None]
            for s in self.config.services
            if not self._locked(s.category) and s.patterns
        }

    @property
    def exempt(self) -> set[str]:
        """Services run without consent under the UK statistics exception (empty: off)."""
        return set(getattr(self.config, "uk_statistics", ())) if self.exempt_on else set()

    @property
    def containers(self) -> set[str]:
        """Tag managers' containers the site lets load before consent (``[tag_manager]
        before_consent``): they set nothing, and each tag they insert waits for its own
        service (e2e/test_blocking.py proves it for every insertion route)."""
        if not getattr(self.config, "tag_manager_early", False):
            return set()
        catalogue = load_catalogue()
        return {
            s.id
            for s in self.config.services
            if (entry := catalogue.get(s.catalogue_id)) is not None and entry.tag_manager
        }

    def banner(self, headers: t.Mapping[str, str] | None = None) -> dict[str, t.Any]:
        """banner.json in the site's default locale, as a request with ``headers`` gets it."""
        resp = self._client.get(
            f"/v1/sites/{self.config.id}/banner.json?locale={self.config.default_locale}",
            headers=dict(headers or {}),
        )
        return dict(resp.get_json())

    def banner_texts(self, headers: t.Mapping[str, str] | None = None) -> dict[str, str]:
        """The banner texts the page shows (the site's default locale, the overlay's over it)."""
        data = self.banner(headers)
        overlay = data.get("overlay") or {}
        return {**data["texts"], **(overlay.get("texts") or {})}

    def _locked(self, category: str) -> bool:
        c = self.config.category(category)
        return bool(c and c.locked)

    def page_html(self, path: str) -> str:
        c = self.config
        lang = c.default_locale.replace("_", "-")
        urls = [u for us in self.planted().values() for u in us]
        sheets = "".join(
            f'<link rel="stylesheet" href="/shop-{i}.css">' for i in range(len(self.css))
        )
        filler = "".join(f"<p>Product {i}: a paragraph of shop text.</p>" for i in range(60))
        return (
            f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(c.name)}</title>"
            f'<script src="{API_ORIGIN}/v1/sites/{c.id}/loader.js"></script>{sheets}</head>'
            f"<body><header><h1>{html.escape(c.name)}</h1></header><main>"
            f'<p>Compliance check page at {html.escape(path)}. <a href="/another-page">'
            "Another page</a></p>"
            f"{filler}</main><script>"
            # What a tag manager does: insert the tags after the loader has run.
            f"{json.dumps(urls)}.forEach(function(u){{var s=document.createElement('script');"
            "s.src=u;s.async=true;document.head.appendChild(s);});</script></body></html>"
        )

    def install(self, context: BrowserContext) -> None:
        context.route("**/*", self._handle)

    def _handle(self, route: Route) -> None:
        req = route.request
        parts = urlsplit(req.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin == self.origin:
            m = re.fullmatch(r"/shop-(\d+)\.css", parts.path)
            if m and int(m[1]) < len(self.css):
                route.fulfill(status=200, body=self.css[int(m[1])], content_type="text/css")
            elif req.resource_type == "document":
                route.fulfill(status=200, body=self.page_html(parts.path), content_type="text/html")
            else:
                route.fulfill(status=404, body="")
            return
        if origin == API_ORIGIN:
            self._forward(route)
            return
        self.requests.append((req.method, req.url))
        route.fulfill(status=204, body="", headers={"Access-Control-Allow-Origin": "*"})

    def _forward(self, route: Route) -> None:
        """Answer a request to cookiegate's origin from the app, in-process."""
        req = route.request
        parts = urlsplit(req.url)
        headers = {k: v for k, v in req.all_headers().items() if k.lower() not in _DROP_REQUEST}
        body = req.post_data_buffer
        resp = self._client.open(
            parts.path,
            query_string=parts.query,
            method=req.method,
            headers=headers,
            data=body,
            base_url=API_ORIGIN,
        )
        if req.method == "POST" and parts.path.endswith("/consents") and resp.status_code == 201:
            self.consents.append(json.loads(body or b"{}"))
        out = {k: v for k, v in resp.headers.items() if k.lower() not in _DROP_RESPONSE}
        route.fulfill(status=resp.status_code, headers=out, body=resp.get_data())

    def requested(self, urls: t.Iterable[str]) -> list[str]:
        """Which of ``urls`` the browser asked for (query strings included)."""
        wanted = {_normal(u) for u in urls}
        return sorted({u for _, u in self.requests if _normal(u) in wanted})


def _normal(url: str) -> str:
    """``https://host`` and ``https://host/`` are one request."""
    parts = urlsplit(url)
    return parts._replace(path=parts.path or "/", fragment="").geturl()
