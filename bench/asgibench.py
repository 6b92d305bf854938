"""``bench/benchapp.py`` served the way ``serve --prod`` serves cookiegate (cookiegate/asgi.py).

For ``bench/slow_clients.py``: the same a2wsgi pool and body buffering, with
``/bench/hello`` so the ratios compare like for like.
"""

from __future__ import annotations

from a2wsgi import WSGIMiddleware
from benchapp import app as flask_app

from cookiegate.asgi import BufferedRequests
from cookiegate.core.settings import environ_int

app = BufferedRequests(
    WSGIMiddleware(flask_app, workers=environ_int("COOKIEGATE_THREADS", minimum=1)),  # type: ignore[arg-type]
    body_timeout=environ_int("COOKIEGATE_BODY_TIMEOUT", minimum=1),
    max_body=environ_int("COOKIEGATE_MAX_REQUEST_BODY", minimum=1024),
)
