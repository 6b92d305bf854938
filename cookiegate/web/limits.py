"""Rate limits (Flask-Limiter), one limiter per app shared by every blueprint.

Counters live in memory by default (``memory://``, kept by
:mod:`.ratestore` without a timer thread): each gunicorn worker process
counts on its own, so with N workers a client can make up to N times
a limit before every process refuses it; that is the price of a counter that
costs a dictionary update instead of a network round trip per consent. With
several servers, or to count exactly, set ``COOKIEGATE_RATELIMIT_STORAGE_URL``
to a ``redis://`` URL so they share one count. Limits answer 429 with
``Retry-After``, rendered by the same JSON error handler as every API error.

Flask-Limiter hooks itself into every request of the app (before, after and
teardown), which cost every other request (loader, banner, health check) a
fifth of its time for limits it does not have. Here those hooks are
registered only on the blueprints that carry a limit; the limits themselves,
their keys and answers are Flask-Limiter's, unchanged.
"""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Flask
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .ratestore import storage_uri

_KEY = "cookiegate.limiter"
_KINDS = ("before", "after", "teardown")


class _Limiter(Limiter):
    """A Flask-Limiter whose request hooks run only on the blueprints with a limit."""

    def __init__(self, app: Flask, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._app = app
        registries = self._registries()
        known = {kind: list(registries[kind].get(None, ())) for kind in _KINDS}
        self.init_app(app)
        #: The hooks ``init_app`` added app-wide, taken off to be added per blueprint.
        self._hooks: dict[str, list[t.Callable[..., t.Any]]] = {}
        for kind in _KINDS:
            everywhere = registries[kind].get(None, [])
            self._hooks[kind] = [fn for fn in everywhere if fn not in known[kind]]
            registries[kind][None] = [fn for fn in everywhere if fn in known[kind]]

    def _registries(self) -> dict[str, dict[str | None, list[t.Any]]]:
        app = self._app
        return {
            "before": app.before_request_funcs,  # type: ignore[dict-item]
            "after": app.after_request_funcs,  # type: ignore[dict-item]
            "teardown": app.teardown_request_funcs,  # type: ignore[dict-item]
        }

    def hook_into(self, blueprint: str | None, *, before: bool) -> None:
        """Run the limiter's hooks on ``blueprint``'s requests (None: every request).

        :param before: also the check before the view, which blueprint-wide
            limits need; a decorated view checks its own limits.
        """
        for kind, registry in self._registries().items():
            if kind == "before" and not before:
                continue
            scoped = registry.setdefault(blueprint, [])
            scoped.extend(fn for fn in self._hooks[kind] if fn not in scoped)

    def limit(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        decorator = super().limit(*args, **kwargs)

        def apply(target: t.Any) -> t.Any:
            if isinstance(target, Blueprint):
                self.hook_into(target.name, before=True)
            return decorator(target)

        return apply


def get_limiter(app: Flask) -> _Limiter:
    """The app's limiter, created and attached on first use."""
    if _KEY not in app.extensions:
        app.extensions[_KEY] = _Limiter(
            app,
            key_func=get_remote_address,
            storage_uri=storage_uri(str(app.config["RATELIMIT_STORAGE_URL"])),
            headers_enabled=True,
            default_limits=[],
            # A rate-limit store that is down must not take consent recording
            # down with it: fail open, log, and keep serving.
            swallow_errors=True,
        )
    return t.cast(_Limiter, app.extensions[_KEY])


def limit_endpoint(app: Flask, endpoint: str, limit: str, **kwargs: t.Any) -> None:
    """Put ``limit`` on one registered endpoint (Flask-Limiter's decorator on its view).

    :param kwargs: passed to :meth:`flask_limiter.Limiter.limit` (``methods``, ``key_func``).
    """
    limiter = get_limiter(app)
    blueprint, _, _ = endpoint.rpartition(".")
    limiter.hook_into(blueprint or None, before=False)
    app.view_functions[endpoint] = limiter.limit(limit, **kwargs)(app.view_functions[endpoint])


def site_key() -> str:
    """Key for per-site limits: the ``site_id`` in the URL."""
    return "site:" + str((request.view_args or {}).get("site_id", ""))
