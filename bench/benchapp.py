"""The cookiegate app plus a hello-world JSON endpoint inside it.

Served by gunicorn beside the bare Flask app of ``bench/barehello.py``,
``/bench/hello`` shows what cookiegate's app costs every request (hooks,
headers, extensions) before any view does real work.
"""

from __future__ import annotations

from flask import jsonify

from cookiegate import create_app

app = create_app()


@app.get("/bench/hello")
def hello():  # type: ignore[no-untyped-def]
    return jsonify({"hello": "world"})
