"""``bench/benchapp.py`` through a2wsgi alone, for ``bench/slow_clients.py``'s ``asgi`` model."""

from __future__ import annotations

from a2wsgi import WSGIMiddleware
from benchapp import app as flask_app

app = WSGIMiddleware(flask_app, workers=4)  # type: ignore[arg-type]
