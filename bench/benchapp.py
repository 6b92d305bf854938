"""The cookiegate app plus a hello-world JSON endpoint inside it.

Served by gunicorn beside the bare Flask app of ``bench/barehello.py``,
``/bench/hello`` shows what cookiegate's app costs every request (hooks,
headers, extensions) before any view does real work. With
``COOKIEGATE_BENCH_STATS`` set to a file, each worker appends its group
commit figures there when it exits (how many consents shared a commit).
"""

from __future__ import annotations

import atexit
import json
import os

from flask import jsonify

from cookiegate import create_app
from cookiegate.asgi import serve_app

app = create_app()


@app.get("/bench/hello")
def hello():  # type: ignore[no-untyped-def]
    return jsonify({"hello": "world"})


def _write_stats() -> None:
    path = os.environ.get("COOKIEGATE_BENCH_STATS")
    stats = app.extensions["cookiegate"].store.write_stats
    if path and stats["commits"]:
        with open(path, "a") as f:
            f.write(json.dumps({"pid": os.getpid(), **stats}) + "\n")


atexit.register(_write_stats)

#: The same app as ``cookiegate serve --prod`` serves it (gunicorn_conf's ASGI worker).
asgi = serve_app(app)
