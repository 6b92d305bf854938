"""Calling a gated WSGI app the way a server does, and signing consent cookies for it."""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass
from dataclasses import field

from cookiegate.consent.choices import Decision
from cookiegate.consent.tokens import ConsentToken
from cookiegate.consent.tokens import sign
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.gate import ConsentGate
from cookiegate.siteconfig.load import load_site

KEYS = ("gate-newest-key-0123456789", "gate-older-key-0123456789")
DEMO = load_site(DEMO_SITES_DIR / "demo.toml")
CATEGORIES = [c.id for c in DEMO.categories]


def token(
    *granted: str,
    services: dict[str, bool] | None = None,
    site: str = "demo",
    revision: int = DEMO.revision,
    keys: t.Sequence[str] = KEYS,
    expires_in: int = 3600,
) -> str:
    """A signed consent cookie value granting ``granted`` categories (``"all"``: every one)."""
    now = int(time.time())
    cats = {c: c == "necessary" or "all" in granted or c in granted for c in CATEGORIES}
    body = ConsentToken(
        "c-1", site, revision, Decision(cats, services or {}), now, now + expires_in
    )
    return sign(keys, body)


@dataclass
class Result:
    status: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    iterable: t.Any = None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def html_app(
    body: bytes | list[bytes],
    content_type: str = "text/html; charset=utf-8",
    extra: list[tuple[str, str]] | None = None,
) -> t.Callable[..., t.Any]:
    """A WSGI app answering every request with ``body`` (a list: one chunk per item)."""
    chunks = body if isinstance(body, list) else [body]
    length = sum(len(c) for c in chunks)

    def app(environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        headers = [("Content-Type", content_type), ("Content-Length", str(length))]
        start_response("200 OK", headers + (extra or []))
        return list(chunks)

    return app


def environ(
    cookie: str | None = None, gpc: bool = False, path: str = "/shop/tv"
) -> dict[str, t.Any]:
    env: dict[str, t.Any] = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "https",
        "HTTP_HOST": "www.voltline.example",
        "SERVER_NAME": "www.voltline.example",
        "SERVER_PORT": "443",
        "PATH_INFO": path,
        "QUERY_STRING": "",
    }
    if cookie is not None:
        env["HTTP_COOKIE"] = f"other=1; cookiegate_demo={cookie}; z=2"
    if gpc:
        env["HTTP_SEC_GPC"] = "1"
    return env


def call(app: t.Callable[..., t.Any], env: dict[str, t.Any] | None = None) -> Result:
    """Run ``app`` through :class:`ConsentGate` and collect the whole response."""
    gate = ConsentGate(app, site="demo", config=DEMO, secret_keys=KEYS)
    return call_gate(gate, env)


def call_gate(gate: ConsentGate, env: dict[str, t.Any] | None = None) -> Result:
    result = Result()

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Any:
        result.status, result.headers = status, headers
        return lambda data: None

    result.iterable = gate(env or environ(), start_response)
    result.body = b"".join(result.iterable)
    return result


def gated(html: bytes | str, cookie: str | None = None, **kw: t.Any) -> bytes:
    """The body the gate sends for ``html`` (UTF-8 when given as text)."""
    raw = html.encode() if isinstance(html, str) else html
    return call(html_app(raw, **kw), environ(cookie)).body
