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
registered only on the blueprints that carry a limit (the admin sign-in);
the consent POST checks its own limits through :class:`WriteLimits`.
"""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass

from flask import Blueprint
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem
from limits import parse_many

from .errors import TooManyRequests
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
            "before": app.before_request_funcs,
            "after": app.after_request_funcs,
            "teardown": app.teardown_request_funcs,
        }

    def hook_into(self, blueprint: str) -> None:
        """Run the limiter's hooks (check before, headers after) on ``blueprint``'s requests."""
        for kind, registry in self._registries().items():
            scoped = registry.setdefault(blueprint, [])
            scoped.extend(fn for fn in self._hooks[kind] if fn not in scoped)

    def limit(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        decorator = super().limit(*args, **kwargs)

        def apply(target: t.Any) -> t.Any:
            if isinstance(target, Blueprint):
                self.hook_into(target.name)
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


@dataclass(frozen=True)
class WriteLimits:
    """The consent write limits, per client address and per site, checked in one call.

    The consent POST is the one limited endpoint on the hot path, so it
    checks its limits itself with the ``limits`` strategy and storage of the
    app's Flask-Limiter (same ``COOKIEGATE_RATELIMIT_STORAGE_URL``, same key
    prefix): two counter increments, without Flask-Limiter's per-request
    resolution of which limits apply (a quarter of a consent's CPU time in
    the profile, bench/README.md).
    """

    limiter: _Limiter
    per_ip: tuple[RateLimitItem, ...]
    per_site: tuple[RateLimitItem, ...]
    prefix: str

    def check(self, address: str, site_id: str) -> None:
        """Count one write; raise :class:`TooManyRequests` when a limit is exceeded.

        A rate-limit store that is down must not take consent recording down
        with it: its errors are logged and the write goes on (fail open).
        """
        keyed = [(item, ("consent", address)) for item in self.per_ip]
        keyed += [(item, ("consent-site", site_id)) for item in self.per_site]
        try:
            strategy = self.limiter.limiter
            for item, key in keyed:
                if not strategy.hit(item, *self._keys(key)):
                    reset, _ = strategy.get_window_stats(item, *self._keys(key))
                    whose = "from this address" if key[0] == "consent" else "for this site"
                    raise TooManyRequests(
                        f"Too many consents {whose}: the limit is {item}; try again later.",
                        retry_after=max(1, int(reset - time.time())),
                    )
        except TooManyRequests:
            raise
        except Exception:  # the store is down: log and serve
            self.limiter.logger.exception("Rate-limit storage failed; consent write not limited.")

    def _keys(self, key: tuple[str, str]) -> tuple[str, ...]:
        return (self.prefix, *key) if self.prefix else key


def write_limits(app: Flask, per_ip: str, per_site: str) -> WriteLimits:
    """The consent write limits of ``app`` (Flask-Limiter syntax, ``;``-separated)."""
    return WriteLimits(
        limiter=get_limiter(app),
        per_ip=tuple(parse_many(per_ip)),
        per_site=tuple(parse_many(per_site)),
        prefix=str(app.config.get("RATELIMIT_KEY_PREFIX") or ""),
    )
