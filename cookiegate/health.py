"""The health check, and how every error reaches a client without a traceback.

API clients get a JSON ``{error, message}``; routing errors under ``/admin``
get the admin's HTML error page; unexpected exceptions are logged and answered
with a plain 500.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed

from . import auth
from .errors import StoreError
from .state import get_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers and its schema is current; else 503 saying why."""
    try:
        get_state().store.ping()
    except StoreError as e:
        return jsonify({"status": "unavailable", "message": str(e)}), 503
    return jsonify({"status": "ok", "sites": sorted(get_state().sites)}), 200


def json_error(e: HTTPException) -> tuple[Response, int] | tuple[str, int]:
    if request.path.startswith("/admin"):
        # Routing errors (404, 405) never reach the admin blueprint's own handler.
        return auth.error_page(e)
    code = e.code or 500
    resp = jsonify(
        {
            "error": getattr(e, "error", None) or (e.name or "error").lower().replace(" ", "_"),
            "message": e.description or e.name,
        }
    )
    resp.headers.update(getattr(e, "extra_headers", {}))
    if isinstance(e, MethodNotAllowed):
        resp.headers["Allow"] = ", ".join(e.valid_methods or [])
    return resp, code


def internal_error(e: Exception) -> tuple[Response, int] | tuple[str, int]:
    """Log the traceback; visitors get a plain JSON 500 without it."""
    if isinstance(e, HTTPException):
        return json_error(e)
    # repr() escapes CR/LF, so a crafted URL cannot forge extra log lines.
    current_app.logger.exception("Unhandled error on %s %r", request.method, request.path)
    return jsonify({"error": "internal_error", "message": "Something went wrong on our side."}), 500
