"""CORS for the consent routes: only the site's own origins may write or read a consent."""

from __future__ import annotations

import typing as t

from flask import Response
from flask import request

from ..errors import Forbidden
from ..state import get_state

if t.TYPE_CHECKING:
    from ...siteconfig.model import SiteConfig

_CORS_METHODS = "GET, POST, OPTIONS"
_CORS_HEADERS = "Content-Type, Authorization"
_CORS_FIXED = (
    ("Access-Control-Allow-Methods", _CORS_METHODS),
    ("Access-Control-Allow-Headers", _CORS_HEADERS),
    ("Access-Control-Max-Age", "600"),
    # Lets a fetch with credentials store the consent cookie set by a consent POST.
    ("Access-Control-Allow-Credentials", "true"),
)


def require_origin(config: SiteConfig) -> str:
    """The request's ``Origin`` when it is one of the site's; else 403.

    Browsers send Origin on every cross-origin POST and on preflights, so a
    missing one means a non-browser client or an old form trick; refusing it
    keeps other sites from writing consents on a visitor's behalf.
    """
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        raise Forbidden("An Origin header from one of this site's domains is required.")
    state = get_state()
    if not state.memo(("origin", config.id, origin), lambda: config.allows_origin(origin)):
        raise Forbidden(f"Origin {origin!r} is not one of this site's domains.")
    return origin


def cors(resp: Response, origin: str) -> Response:
    """Let the site's own pages read this answer (and keep the cookie it sets)."""
    headers = resp.headers
    # Views call this on fresh responses: add, without looking for old values.
    headers.add("Access-Control-Allow-Origin", origin)
    headers.extend(_CORS_FIXED)
    if "Vary" in headers:
        resp.vary.add("Origin")
    else:
        headers.add("Vary", "Origin")
    return resp
