"""Does a page's Content-Security-Policy let the loader run and post a consent?

Only what ``cookiegate doctor`` needs: parse the policy's directives and
match a URL (or a script tag's nonce or integrity) against the source list of
``script-src`` / ``connect-src``, each falling back to ``default-src``, as
CSP Level 3 says (https://www.w3.org/TR/CSP3/#match-url-to-source-expression,
https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy).
Every policy a page sends must allow a load, so callers check each one.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from urllib.parse import SplitResult
from urllib.parse import urlsplit

#: The directive each kind of load falls back to when the policy lacks it.
FALLBACK = "default-src"


@dataclass(frozen=True)
class Policy:
    """One parsed policy: directive name (lower case) -> source expressions."""

    directives: dict[str, list[str]]
    text: str

    def sources(self, directive: str) -> list[str] | None:
        """The source list governing ``directive``, or None when nothing restricts it."""
        if directive in self.directives:
            return self.directives[directive]
        return self.directives.get(FALLBACK)


def parse_policy(text: str) -> Policy:
    """Parse one serialized policy (a header may hold several, comma-separated).

    The first occurrence of a directive wins, later duplicates are ignored
    (CSP3 "parse a serialized CSP").
    """
    directives: dict[str, list[str]] = {}
    for part in text.split(";"):
        tokens = part.split()
        if tokens and tokens[0].lower() not in directives:
            directives[tokens[0].lower()] = tokens[1:]
    return Policy(directives, text.strip())


def parse_header(value: str) -> list[Policy]:
    """Every policy in one header value (policies are separated by commas)."""
    return [parse_policy(p) for p in value.split(",") if p.strip()]


@dataclass(frozen=True)
class Load:
    """A load to check: the URL, and for a script the tag's nonce and integrity."""

    url: str
    page_url: str
    nonce: str = ""
    integrity: str = ""


def allows(sources: t.Sequence[str], load: Load, *, script: bool) -> bool:
    """Whether the source list ``sources`` allows ``load``.

    With ``'strict-dynamic'`` in a script list, host and scheme sources are
    ignored and only a nonce or hash lets a parser-inserted script run.
    """
    lowered = [s.lower() for s in sources]
    if script and _nonce_or_hash(sources, load):
        return True
    if script and "'strict-dynamic'" in lowered:
        return False
    if "'none'" in lowered and len(lowered) == 1:
        return False
    return any(_matches(source, load) for source in sources)


def _nonce_or_hash(sources: t.Sequence[str], load: Load) -> bool:
    for source in sources:
        inner = source.strip("'")
        if load.nonce and source.startswith("'nonce-") and inner[6:] == load.nonce:
            return True
        # CSP3: a hash source allows an external script whose integrity lists it.
        if load.integrity and inner.split("-", 1)[0].lower() in ("sha256", "sha384", "sha512"):
            if inner in load.integrity.split():
                return True
    return False


def _matches(source: str, load: Load) -> bool:
    url = urlsplit(load.url)
    page = urlsplit(load.page_url)
    lowered = source.lower()
    if lowered == "*":
        # Matches any URL whose scheme is a network scheme (not data:, blob:).
        return url.scheme in ("http", "https", "ws", "wss", "ftp")
    if lowered == "'self'":
        return _same_origin_or_upgrade(url, page)
    if lowered.startswith("'"):
        return False  # keywords, nonces and hashes do not match URLs
    if lowered.endswith(":") and "/" not in lowered:
        scheme = lowered[:-1]
        return url.scheme == scheme or (scheme == "http" and url.scheme == "https")
    return _host_source(lowered, url, page)


def _same_origin_or_upgrade(url: SplitResult, page: SplitResult) -> bool:
    if url.hostname != page.hostname or url.port != page.port:
        return (
            url.hostname == page.hostname
            and page.scheme == "http"
            and url.scheme == "https"
            and _port(url) == 443
            and _port(page) == 80
        )
    return url.scheme == page.scheme or (page.scheme == "http" and url.scheme == "https")


def _port(parts: SplitResult) -> int:
    port: int | None = parts.port
    return port if port is not None else {"http": 80, "https": 443}.get(parts.scheme, 0)


def _host_source(source: str, url: SplitResult, page: SplitResult) -> bool:
    """CSP3 "does url match expression in origin": scheme, host (``*.`` wildcard), port, path."""
    scheme = ""
    if "://" in source:
        scheme, source = source.split("://", 1)
    host, _, rest = source.partition("/")
    path = "/" + rest if rest or source.endswith("/") else ""
    port = ""
    if ":" in host:
        host, port = host.rsplit(":", 1)
    if scheme:
        if url.scheme != scheme and not (scheme == "http" and url.scheme == "https"):
            return False
    elif url.scheme != page.scheme and not (page.scheme == "http" and url.scheme == "https"):
        return False
    hostname = url.hostname or ""
    if host.startswith("*."):
        if not hostname.endswith(host[1:]):
            return False
    elif hostname != host:
        return False
    if port == "*":
        pass
    elif port:
        if _port(url) != int(port):
            return False
    elif _port(url) != {"http": 80, "https": 443}.get(url.scheme, 0):
        # No port in the source: the scheme's default (http's 80 also allows https' 443).
        return False
    if path:
        url_path: str = url.path
        return url_path.startswith(path) if path.endswith("/") else url_path == path
    return True
