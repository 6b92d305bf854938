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
    # Every Flask response pays this. One pass over the names, then appends: Headers.setdefault
    # costs about four times as much (it rebuilds the list on each set).
    headers = resp.headers
    present = {key.lower() for key, _ in headers.items()}
    extra = list(base_headers(request.is_secure))
    if request.path.startswith("/admin"):
        extra += _ADMIN
    for key, value in extra:
        if key.lower() not in present:
            headers.add(key, value)
    return resp


def init_app(app: Flask) -> None:
    app.after_request(_secure_headers)
