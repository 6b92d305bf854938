"""Responses built once and served from memory, before Flask, for the page-blocking path.

Every page view of every shop asks for ``loader.js`` and a first visit for
``banner.json`` and the banner assets; none of them changes between config
reloads. So each answer is built once per process (body in every encoding,
ETag, cache, CORS and security headers) as a :class:`Prepared` response,
and :class:`FastPaths`, a WSGI middleware in front of Flask, answers the
exact URLs it knows with one dictionary lookup and a header pick. Anything
else (another method, an unexpected query, an unknown site, a stale pinned
version) goes on to the Flask routes, which return the same prepared
responses or the JSON errors; the two ways cannot drift, because the routes
serve the very same objects.
"""

from __future__ import annotations

import hashlib
import typing as t
from dataclasses import dataclass
from urllib.parse import parse_qsl

from werkzeug.http import parse_etags

from ..loader.assets import accepted_codings
from .headers import base_headers

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

#: Immutable for a year: for versioned URLs whose bytes never change.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Encodings in the order preferred when a client accepts several.
_PREFERRED = ("br", "gzip")
#: Accept-Encoding and query strings seen, and what they mean; bounded.
_MEMO_LIMIT = 4096


@dataclass(frozen=True)
class Prepared:
    """One response in every encoding, with all its headers, ready to send.

    It is itself a WSGI application, so a Flask view can return it too.
    """

    #: Encoding ("identity", "br", "gzip") -> (body, headers with ETag and length).
    variants: dict[str, tuple[bytes, tuple[tuple[str, str], ...]]]
    #: Encoding -> the quoted strong ETag of that body.
    etags: dict[str, str]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        encoding = pick_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""), self.variants)
        body, headers = self.variants[encoding]
        secure = base_headers(environ.get("wsgi.url_scheme") == "https")
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match and _matches(match, self.etags[encoding]):
            kept = [h for h in headers if h[0] != "Content-Length"]
            start_response("304 NOT MODIFIED", [*kept, *secure])
            return []
        start_response("200 OK", [*headers, *secure])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def prepare(
    encodings: t.Mapping[str, bytes],
    content_type: str,
    cache_control: str,
    *,
    headers: t.Iterable[tuple[str, str]] = (),
    vary: t.Iterable[str] = (),
    version: str | None = None,
    cors: bool = True,
) -> Prepared:
    """A :class:`Prepared` response from a body's bytes per encoding.

    :param encodings: at least ``identity``; ``br`` and ``gzip`` when precompressed.
    :param version: the ETag base (a content hash); by default the identity body's hash.
    :param cors: readable by scripts of any origin (``Access-Control-Allow-Origin: *``).
    """
    identity = encodings["identity"]
    version = version or hashlib.sha256(identity).hexdigest()[:20]
    vary = [*vary, *(["Accept-Encoding"] if len(encodings) > 1 else [])]
    common = [
        ("Content-Type", content_type),
        ("Cache-Control", cache_control),
        *([("Access-Control-Allow-Origin", "*")] if cors else []),
        *headers,
        *([("Vary", ", ".join(vary))] if vary else []),
    ]
    variants, etags = {}, {}
    for encoding, body in encodings.items():
        etags[encoding] = f'"{version}-{encoding}"'
        coded = [("Content-Encoding", encoding)] if encoding != "identity" else []
        variants[encoding] = (
            body,
            (
                *common,
                *coded,
                ("ETag", etags[encoding]),
                ("Content-Length", str(len(body))),
            ),
        )
    return Prepared(variants, etags)


_accepted: dict[tuple[str, frozenset[str]], str] = {}


def pick_encoding(accept_encoding: str, offered: t.Collection[str]) -> str:
    """The smallest encoding offered that ``Accept-Encoding`` allows (brotli, gzip, none)."""
    key = (accept_encoding, frozenset(offered))
    found = _accepted.get(key)
    if found is None:
        allowed = accepted_codings(accept_encoding)
        found = next((e for e in _PREFERRED if e in allowed and e in offered), "identity")
        if len(_accepted) >= _MEMO_LIMIT:
            _accepted.clear()
        _accepted[key] = found
    return found


def _matches(if_none_match: str, etag: str) -> bool:
    """``If-None-Match`` names this ETag (weak comparison, as RFC 9110 asks for GET)."""
    if if_none_match == etag:
        return True
    return parse_etags(if_none_match).contains_weak(etag.strip('"'))


_queries: dict[str, dict[str, str] | None] = {}


def query(environ: WSGIEnvironment, *names: str) -> dict[str, str] | None:
    """The query's parameters when it has only ``names``, each once; else None.

    The fast path answers only the plain URLs browsers ask for; any other
    query goes to the Flask route, which has the complete rules.
    """
    raw = environ.get("QUERY_STRING", "")
    if not raw:
        return {}
    key = f"{raw}\0{'&'.join(names)}"
    if key not in _queries:
        pairs = parse_qsl(raw, keep_blank_values=True)
        params = dict(pairs)
        plain = len(params) == len(pairs) and set(params) <= set(names)
        if len(_queries) >= _MEMO_LIMIT:
            _queries.clear()
        _queries[key] = params if plain else None
    return _queries[key]


Handler = t.Callable[["WSGIEnvironment"], "Prepared | None"]


class FastPaths:
    """WSGI middleware: exact GET/HEAD paths answered from memory, the rest passed on."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        #: Path -> a handler returning the prepared answer, or None to let Flask answer.
        self.handlers: dict[str, Handler] = {}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            handler = self.handlers.get(environ.get("PATH_INFO", ""))
            if handler is not None:
                prepared = handler(environ)
                if prepared is not None:
                    return prepared(environ, start_response)
        return self.app(environ, start_response)
