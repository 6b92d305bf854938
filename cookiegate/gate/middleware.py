"""``ConsentGate``: WSGI middleware that makes blocked tags inert in the HTML itself.

Wrap any WSGI app (Flask, Django, Pyramid …)::

    app.wsgi_app = ConsentGate(app.wsgi_app, site="voltline")          # Flask
    application = ConsentGate(get_wsgi_application(), site="voltline")  # Django

Each ``text/html`` response is rewritten as the app's iterable yields it; every
other response is returned as the app made it, the same object and bytes.
"""

from __future__ import annotations

import logging
import os
import typing as t
from pathlib import Path
from wsgiref.util import request_uri

from ..core.errors import SettingsError
from ..core.settings import DEMO_SITES_DIR
from ..siteconfig.load import load_site
from . import charset
from .policy import Policy
from .policy import Rules
from .rewrite import Rewriter

if t.TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Iterator

    from ..siteconfig.model import SiteConfig

    StartResponse = t.Callable[..., t.Callable[[bytes], object]]
    WSGIApp = t.Callable[[dict[str, t.Any], StartResponse], Iterable[bytes]]

log = logging.getLogger("cookiegate.gate")

#: Small chunks (a streamed template yields one per fragment, often a few dozen bytes) are
#: gathered up to this size before the tokenizer reads them: each feed has a fixed cost.
COALESCE_BYTES = 4096
#: Headers that describe the app's exact bytes, which the gate may change.
_DROPPED = {"content-length", "content-md5", "etag"}


class ConsentGate:
    """Rewrite HTML responses so tags of services the visitor has not granted arrive inert.

    :param app: the WSGI application to wrap.
    :param site: the site id (``id`` in its config file).
    :param site_file: the site config file; by default ``<site>.toml`` in
        ``COOKIEGATE_SITES_DIR`` (the directory the consent server reads), else the demo's.
    :param config: an already loaded :class:`~cookiegate.siteconfig.SiteConfig`
        instead of ``site_file``.
    :param secret_keys: the consent server's signing keys, newest first (a list or the
        comma-separated ``COOKIEGATE_SECRET_KEYS`` form); by default that variable.
    :raises SettingsError: no secret key is given or set.
    :raises ConfigError: the site config file is invalid.
    :raises ValueError: the config is another site's.
    """

    def __init__(
        self,
        app: WSGIApp,
        site: str,
        *,
        site_file: str | os.PathLike[str] | None = None,
        config: SiteConfig | None = None,
        secret_keys: str | t.Sequence[str] | None = None,
    ) -> None:
        self.app = app
        if config is None:
            sites_dir = os.environ.get("COOKIEGATE_SITES_DIR") or DEMO_SITES_DIR
            config = load_site(Path(site_file or Path(sites_dir) / f"{site}.toml"))
        if config.id != site:
            raise ValueError(
                f"The site config {config.source!r} is for site {config.id!r}, not {site!r}."
            )
        self.rules = Rules.from_config(config)
        self.secret_keys = _keys(secret_keys)
        self._warned: set[str] = set()

    def __call__(self, environ: dict[str, t.Any], start_response: StartResponse) -> Iterable[bytes]:
        response = _Response(self, environ, start_response)
        result = self.app(environ, response.start_response)
        if response.passing:
            return result  # decided already: not HTML, returned as the app made it
        return response.iterate(result)

    def policy(self, environ: dict[str, t.Any]) -> Policy:
        """The visitor's policy from the request's consent cookie and Sec-GPC header."""
        cookie = _cookie(environ.get("HTTP_COOKIE", ""), self.rules.cookie)
        gpc = environ.get("HTTP_SEC_GPC", "").strip() == "1"
        return Policy.for_cookie(self.rules, cookie, self.secret_keys, gpc)

    def warn_once(self, key: str, message: str, *args: object) -> None:
        """Log a configuration problem once per gate, not once per response."""
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)


class _Response:
    """One response on its way out: the headers' verdict, then the body, chunk by chunk."""

    def __init__(self, gate: ConsentGate, environ: dict[str, t.Any], start: StartResponse) -> None:
        self.gate = gate
        self.environ = environ
        self._start = start
        self.passing = False
        self._rw: Rewriter | None = None
        self._header_charset: str | None = None
        self._head = b""
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._active = False

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], object]:
        self._active = self._wants(status, headers)
        self.passing = not self._active
        if self._active:
            headers = [(k, v) for k, v in headers if k.lower() not in _DROPPED]
            _add_vary(headers, "Cookie, Sec-GPC")
        write = self._start(status, headers, exc_info) if exc_info else self._start(status, headers)
        if not self._active:
            return write

        def gated_write(data: bytes) -> None:
            out = self.process(data)
            if out:
                write(out)

        return gated_write

    def _wants(self, status: str, headers: list[tuple[str, str]]) -> bool:
        """Is this a response whose HTML the gate rewrites?"""
        if status[:3] in ("204", "304") or self.environ.get("REQUEST_METHOD") == "HEAD":
            return False
        found = {k.lower(): v for k, v in headers}
        kind = found.get("content-type", "")
        if kind.split(";")[0].strip().lower() != "text/html":
            return False
        encoding = found.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            self.gate.warn_once(
                "encoding:" + encoding,
                "cookiegate gate: an HTML response is %s-compressed, so it passes unchanged; "
                "compress after the gate (docs/gate.md).",
                encoding,
            )
            return False
        self._header_charset = charset.from_header(kind)
        if self._header_charset and not charset.ascii_compatible(self._header_charset):
            return False
        return True

    def iterate(self, result: Iterable[bytes]) -> Iterator[bytes]:
        try:
            for chunk in result:
                yield self.process(chunk) if self._active else chunk
            if self._active:
                yield self.finish()
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def process(self, chunk: bytes) -> bytes:
        if not self._active:
            return chunk
        if self._rw is None:
            self._head += chunk
            if not (self._header_charset or charset.from_bom(self._head)):
                if len(self._head) < charset.PRESCAN_BYTES:
                    return b""  # the first 1024 bytes may hold a <meta charset>
            return self._begin()
        if len(chunk) < COALESCE_BYTES or self._pending:
            self._pending.append(chunk)
            self._pending_size += len(chunk)
            if self._pending_size < COALESCE_BYTES:
                return b""
            chunk, self._pending, self._pending_size = b"".join(self._pending), [], 0
        return self._rw.feed(chunk)

    def finish(self) -> bytes:
        out = self._begin() if self._rw is None else b""
        if self._rw is None:
            return out
        rest = b"".join(self._pending)
        self._pending = []
        return out + (self._rw.feed(rest) if rest else b"") + self._rw.close()

    def _begin(self) -> bytes:
        """Pick the page's encoding (BOM, header, meta, default) and start rewriting."""
        head, self._head = self._head, b""
        name = (
            charset.from_bom(head)
            or self._header_charset
            or charset.from_meta(head)
            or charset.DEFAULT
        )
        if not charset.ascii_compatible(name):
            self._active = False  # "<" may be half of another character: leave it alone
            return head
        self._rw = Rewriter(self.gate.policy(self.environ), request_uri(self.environ), name)
        return self._rw.feed(head)


def _keys(secret_keys: str | t.Sequence[str] | None) -> tuple[str, ...]:
    raw = secret_keys if secret_keys is not None else os.environ.get("COOKIEGATE_SECRET_KEYS", "")
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    keys = tuple(k.strip() for k in parts if k.strip())
    if not keys:
        raise SettingsError(
            "COOKIEGATE_SECRET_KEYS",
            "ConsentGate needs the consent server's secret keys to verify consent cookies; "
            "pass secret_keys= or set COOKIEGATE_SECRET_KEYS.",
        )
    return keys


def _cookie(header: str, name: str) -> str | None:
    """The first cookie called ``name`` in a ``Cookie`` header (the loader reads the first)."""
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip()
    return None


def _add_vary(headers: list[tuple[str, str]], names: str) -> None:
    """The gated page differs by consent cookie and GPC: shared caches must keep them apart."""
    for i, (k, v) in enumerate(headers):
        if k.lower() == "vary":
            headers[i] = (k, f"{v}, {names}" if v.strip() and v.strip() != "*" else v or names)
            return
    headers.append(("Vary", names))
