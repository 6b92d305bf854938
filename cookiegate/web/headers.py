"""Security headers every response carries, and the stricter set for admin pages.

Kept in one place so no view can forget them. The public API's CORS and
caching headers are set by its own views, only where a browser needs them.
Responses served before Flask (:mod:`cookiegate.web.fast`) carry the same
headers, from :func:`base_headers`.
"""

from __future__ import annotations

import typing as t

from flask import Flask

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

#: Admin pages load only their own scripts, styles and images, and cannot be framed.
ADMIN_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: On every response.
BASE = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
#: On every response that came over https.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
_ADMIN = (
    ("Content-Security-Policy", ADMIN_CSP),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
)


def base_headers(secure: bool) -> tuple[tuple[str, str], ...]:
    """The headers every public response carries, HSTS only over https."""
    return (*BASE, HSTS) if secure else BASE


class SecureHeaders:
    """WSGI middleware: the security headers added to every answer of the Flask app.

    Done on the WSGI header list rather than in an ``after_request`` hook: a
    hook paid two request-proxy lookups, a scan of the response's ``Headers``
    and werkzeug's validation of each added value on every request, about 7 %
    of a minimal Flask request in cookiegate's profile (``bench/README.md``).
    Here it is one pass over the few header names the app already chose. A
    value a view set itself (an admin export's ``Cache-Control``) is kept.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
        extra = _PLAIN if environ.get("wsgi.url_scheme") != "https" else _SECURE
        if environ.get("PATH_INFO", "").startswith("/admin"):
            extra = extra + _ADMIN_LOWER

        def start(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Any:
            present = {key.lower() for key, _ in headers}
            missing = [(key, value) for low, key, value in extra if low not in present]
            return start_response(status, headers + missing, exc_info)

        return self.app(environ, start)


def _lower(headers: t.Iterable[tuple[str, str]]) -> tuple[tuple[str, str, str], ...]:
    return tuple((key.lower(), key, value) for key, value in headers)


_PLAIN = _lower(base_headers(False))
_SECURE = _lower(base_headers(True))
_ADMIN_LOWER = _lower(_ADMIN)


def init_app(app: Flask) -> None:
    """Wrap the Flask app's WSGI callable in :class:`SecureHeaders` (the prepared answers of
    :mod:`.fast`, in front of it, carry the same headers themselves)."""
    app.wsgi_app = SecureHeaders(app.wsgi_app)  # type: ignore[method-assign]
