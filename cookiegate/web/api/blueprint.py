"""The public API's one blueprint, ``api`` under ``/v1``, which every resource module adds to.

One blueprint keeps the endpoint names (``api.record``, ``api.loader_js`` …)
that ``url_for`` and the hooks use, whichever module a route lives in.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/v1")
