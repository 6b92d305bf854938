"""A bare Flask app with one hello route and no cookiegate code: the bench's floor.

``bench/server_bench.py`` serves it with the same gunicorn config as
cookiegate (``cookiegate/gunicorn_conf.py``: workers, threads, keep-alive,
access log), side by side, so every cookiegate figure is a ratio to what
Flask and gunicorn alone do on this machine in the same minute.
"""

from __future__ import annotations

from flask import Flask
from flask import jsonify

from cookiegate.asgi import serve_wsgi

app = Flask(__name__)


@app.get("/hello")
def hello():  # type: ignore[no-untyped-def]
    return jsonify({"hello": "world"})


@app.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """What the bench polls to know the server is up."""
    return jsonify({"status": "ok"})


#: Served as cookiegate is under the shipped gunicorn config (the ASGI worker, a2wsgi's pool).
asgi = serve_wsgi(app)
