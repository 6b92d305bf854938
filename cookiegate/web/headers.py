"""Security headers every response carries, and the stricter set for admin pages.

Kept in one place so no view can forget them. The public API's CORS and
caching headers are set by its own views, only where a browser needs them.
Responses served before Flask (:mod:`cookiegate.web.fast`) carry the same
headers, from :func:`base_headers`.
"""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import request

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


def _secure_headers(resp: Response) -> Response:
    # Every Flask response pays this: a case-insensitive lookup per header (setdefault) costs
    # a tenth of what collecting the names first did (callgrind, bench/README.md).
    headers = resp.headers
    for key, value in base_headers(request.is_secure):
        headers.setdefault(key, value)
    if request.path.startswith("/admin"):
        for key, value in _ADMIN:
            headers.setdefault(key, value)
    return resp


def init_app(app: Flask) -> None:
    app.after_request(_secure_headers)
