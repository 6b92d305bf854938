"""Rate limits (Flask-Limiter), one limiter per app shared by every blueprint.

Counters live in memory by default, which is right for one process; with
several processes or servers set ``COOKIEGATE_RATELIMIT_STORAGE_URL`` to a
``redis://`` URL so they share one count. Limits answer 429 with
``Retry-After``, rendered by the same JSON error handler as every API error.
"""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

_KEY = "cookiegate.limiter"


def get_limiter(app: Flask) -> Limiter:
    """The app's limiter, created and attached on first use."""
    if _KEY not in app.extensions:
        limiter = Limiter(
            key_func=get_remote_address,
            storage_uri=str(app.config["RATELIMIT_STORAGE_URL"]),
            headers_enabled=True,
            default_limits=[],
            # A rate-limit store that is down must not take consent recording
            # down with it: fail open, log, and keep serving.
            swallow_errors=True,
        )
        limiter.init_app(app)
        app.extensions[_KEY] = limiter
    return t.cast(Limiter, app.extensions[_KEY])


def site_key() -> str:
    """Key for per-site limits: the ``site_id`` in the URL."""
    return "site:" + str((request.view_args or {}).get("site_id", ""))
