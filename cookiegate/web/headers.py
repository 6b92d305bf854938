"""Security headers every response carries, and the stricter set for admin pages.

Kept in one place so no view can forget them. The public API's CORS and
caching headers are set by its own views, only where a browser needs them.
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


def _secure_headers(resp: Response) -> Response:
    headers = resp.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith("/admin"):
        headers.setdefault("Content-Security-Policy", ADMIN_CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cache-Control", "no-store")
    return resp


def init_app(app: Flask) -> None:
    app.after_request(_secure_headers)
