"""The cookiegate app plus a hello-world JSON endpoint: the Flask ceiling.

Served by the same gunicorn with the same settings, ``/bench/hello`` shows
what the web stack itself can do, so every figure is a ratio to it.
"""

from __future__ import annotations

from flask import jsonify

from cookiegate import create_app

app = create_app()


@app.get("/bench/hello")
def hello():  # type: ignore[no-untyped-def]
    return jsonify({"hello": "world"})
