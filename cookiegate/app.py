"""The app factory: settings, site configs, store and loader payloads, then the blueprints.

:func:`create_app` reads as the list of steps; each ``register_*`` helper does
one of them, in the manner of cookiecutter-flask's ``app.py``.
"""

from __future__ import annotations

import os
import typing as t
from datetime import UTC
from datetime import datetime
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .core import settings
from .core.errors import SettingsError
from .jurisdiction.source import geo_source
from .loader.assets import build_asset
from .services.context import signing_keys
from .siteconfig.load import load_sites
from .store import Store
from .web import api
from .web import auth
from .web import declaration
from .web import demo
from .web import errors
from .web import geo
from .web import gpc
from .web import headers
from .web import health
from .web import i18n
from .web import published
from .web import served
from .web.admin import compliance as admin_compliance
from .web.admin import declarations as admin_declarations
from .web.admin import manage as admin_manage
from .web.admin import records as admin_records
from .web.admin import scans as admin_scans
from .web.admin import signin
from .web.fast import FastPaths
from .web.state import State

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from .loader.assets import Asset

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"


def create_app(test_config: t.Mapping[str, t.Any] | None = None) -> Flask:
    """Build the app: defaults, then ``COOKIEGATE_*`` environment, then ``test_config``.

    Site configs are loaded and validated here, so a bad config stops the
    server at start instead of failing visitors later.

    :raises ConfigError: a site config is unreadable or breaks a rule.
    :raises SettingsError: a ``COOKIEGATE_*`` setting has a value the server cannot start with.
    :raises StoreError: the database cannot be reached or migrated.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        # Where the SQLite file and a generated development key live.
        instance_path=settings.environ_value("COOKIEGATE_INSTANCE_PATH") or None,
        static_folder=str(settings.STATIC_DIR),
        static_url_path="/static",
    )
    configure(app, test_config)
    register_state(app)
    register_extensions(app)
    register_blueprints(app)
    register_middleware(app)
    return app


def configure(app: Flask, test_config: t.Mapping[str, t.Any] | None) -> None:
    """Fill ``app.config`` and apply the settings that change the app itself.

    The signing keys become Flask's ``SECRET_KEY`` (newest) and
    ``SECRET_KEY_FALLBACKS`` (older ones, still accepted), and the trusted
    proxies a :class:`~werkzeug.middleware.proxy_fix.ProxyFix`.
    """
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_prefixed_env("COOKIEGATE")
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    keys = _secret_keys(app)
    app.config["SECRET_KEY"] = keys[0]
    app.config["SECRET_KEY_FALLBACKS"] = list(keys[1:])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(settings.TRANSLATIONS_DIR))
    _proxy_count(app)  # checked now, so a bad value stops the start


def register_state(app: Flask) -> None:
    """Load the sites and open the store into the app's state (the loaders and the rest of the
    published set follow once translations are set up: :func:`register_blueprints`)."""
    sites = load_sites(Path(app.config["SITES_DIR"] or settings.DEMO_SITES_DIR))
    app.extensions["cookiegate"] = State(
        store=open_store(app),
        sites=sites,
        secret_keys=(app.config["SECRET_KEY"], *app.config["SECRET_KEY_FALLBACKS"]),
        loaders={},
        assets=build_assets(),
        clock=app.config.get("CLOCK") or (lambda: datetime.now(UTC)),
        geo=geo_source(app.config),
    )


def register_extensions(app: Flask) -> None:
    """Translations, security headers, error answers and the admin session."""
    i18n.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    auth.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The published set (loaders, banner files), the public API and health check, the admin
    pages, the demo shop."""
    published.init_app(app)
    api.init_app(app)
    declaration.init_app(app)
    health.init_app(app)
    gpc.init_app(app)
    geo.init_app(app)
    signin.init_app(app)
    admin_records.init_app(app)
    admin_scans.init_app(app)
    admin_manage.init_app(app)
    admin_compliance.init_app(app)
    admin_declarations.init_app(app)
    demo.init_app(app)


def register_middleware(app: Flask) -> None:
    """The read path's prepared answers before Flask, and the trusted proxies before them.

    :class:`~.web.fast.FastPaths` sits inside :class:`~werkzeug.middleware.proxy_fix.ProxyFix`,
    so it sees the scheme the visitor used (HSTS on https only).
    """
    fast = FastPaths(app.wsgi_app)
    served.install(fast, app.extensions["cookiegate"], int(app.config["LOADER_MAX_AGE"]))
    # Kept for the production server's event loop (cookiegate.asgi: web.front.PreparedFront).
    app.extensions["cookiegate_fast_paths"] = fast
    app.wsgi_app = trusted_proxies(app)(fast)  # type: ignore[method-assign,assignment]


def trusted_proxies(app: Flask) -> t.Callable[[WSGIApplication], WSGIApplication]:
    """What wraps the app for ``COOKIEGATE_PROXY_COUNT`` proxies: a ProxyFix, or nothing."""
    proxies = _proxy_count(app)
    if not proxies:
        return lambda inner: inner
    return lambda inner: t.cast(
        "WSGIApplication", ProxyFix(inner, x_for=proxies, x_proto=proxies, x_host=proxies)
    )


def open_store(app: Flask) -> Store:
    """The proof store at ``DATABASE_URL``, else a SQLite file in the instance folder."""
    url = (
        app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'cookiegate.sqlite3'}"
    )
    store = Store(str(url))
    if store.is_sqlite:
        # Nothing to set up: a SQLite database is created or migrated on start.
        store.upgrade()
    return store


def build_assets() -> dict[str, Asset]:
    """The bare banner script and stylesheet, compressed and versioned once per process: what
    loaders cached before the banner files existed fetch (with ``banner.json``)."""
    return {
        "banner.js": build_asset((settings.STATIC_DIR / "js" / "banner.js").read_bytes(), JS),
        "banner.css": build_asset((settings.STATIC_DIR / "css" / "banner.css").read_bytes(), CSS),
    }


def _secret_keys(app: Flask) -> tuple[str, ...]:
    """Signing keys, newest first; a development key is made once if none is set.

    :raises SettingsError: a key is shorter than 16 characters.
    """
    raw = str(app.config["SECRET_KEYS"] or "")
    return signing_keys(raw, Path(app.instance_path), app.logger.warning)


def _proxy_count(app: Flask) -> int:
    """How many reverse proxies' ``X-Forwarded-*`` headers to trust.

    :raises SettingsError: the value is not a whole number of 0 or more.
    """
    raw = app.config["PROXY_COUNT"]
    try:
        proxies = int(raw)
    except (TypeError, ValueError):
        proxies = -1
    if proxies < 0:
        raise SettingsError(
            "COOKIEGATE_PROXY_COUNT",
            f"COOKIEGATE_PROXY_COUNT must be the number of trusted proxies (0 or more), "
            f"not {raw!r}.",
        )
    return proxies
