"""``openapi.json``: the API's own description, for integrators and the schemathesis test."""

from __future__ import annotations

from pathlib import Path

from flask import Response

from .blueprint import bp

_OPENAPI = (Path(__file__).resolve().parent.parent / "openapi.json").read_bytes()


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API (kept true by a schemathesis test)."""
    resp = Response(_OPENAPI, mimetype="application/json")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp
