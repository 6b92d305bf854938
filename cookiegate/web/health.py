"""The health check a load balancer asks before sending visitors to this server."""

from __future__ import annotations

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import jsonify

from ..core.errors import StoreError
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


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
