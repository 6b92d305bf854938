"""Liveness and readiness checks for load balancers and orchestrators.

``/healthz`` (liveness) answers from memory: the process is up and serves
its sites. A load balancer asks it every few seconds on every server, and a
database that is briefly slow must not take every server out of rotation at
once, so it never touches the database (and it is served before Flask, see
:mod:`.served`). ``/readyz`` (readiness) is the deep check: the database
answers and its schema is current; ask it before sending traffic to a new
server, e.g. after a deploy or a migration.
"""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import jsonify

from ..core.errors import StoreError
from . import served
from .state import get_state

if t.TYPE_CHECKING:
    from .fast import Prepared

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Prepared:
    """200 while this process serves; no database round trip."""
    return served.health(get_state())


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """200 when the database answers and its schema is current; else 503 saying why."""
    state = get_state()
    try:
        state.store.ping()
    except StoreError as e:
        resp = jsonify({"status": "unavailable", "message": str(e)})
        code = 503
    else:
        resp = jsonify({"status": "ok", "sites": sorted(state.sites)})
        code = 200
    resp.headers["Cache-Control"] = "no-store"
    return resp, code


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
