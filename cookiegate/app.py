"""The app factory: settings, site configs, store and loader payloads, then the blueprints."""

from __future__ import annotations

import os
import secrets
import typing as t
from datetime import UTC
from datetime import datetime
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .core import settings
from .loader.assets import build_asset
from .loader.payload import build_payload
from .loader.payload import loader_rules
from .siteconfig.load import load_sites
from .store import Store
from .web import api
from .web import auth
from .web import demo
from .web import gpc
from .web import headers
from .web import i18n
from .web.admin import compliance as admin_compliance
from .web.admin import manage as admin_manage
from .web.admin import records as admin
from .web.state import State

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"


def create_app(test_config: t.Mapping[str, t.Any] | None = None) -> Flask:
    """Build the app: defaults, then ``COOKIEGATE_*`` environment, then ``test_config``.

    Site configs are loaded and validated here, so a bad config stops the
    server at start instead of failing visitors later.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        # Where the SQLite file and a generated development key live.
        instance_path=settings.environ_value("COOKIEGATE_INSTANCE_PATH") or None,
        static_folder=str(settings.STATIC_DIR),
        static_url_path="/static",
    )
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_prefixed_env("COOKIEGATE")
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    keys = _secret_keys(app)
    app.config["SECRET_KEY"] = keys[0]
    app.config["SECRET_KEY_FALLBACKS"] = list(keys[1:])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(settings.TRANSLATIONS_DIR))
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    sites_dir = Path(app.config["SITES_DIR"] or settings.DEMO_SITES_DIR)
    sites = load_sites(sites_dir)
    url = (
        app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'cookiegate.sqlite3'}"
    )
    store = Store(str(url))
    if store.is_sqlite:
        # Nothing to set up: a SQLite database is created or migrated on start.
        store.upgrade()
    script = (settings.STATIC_DIR / "js" / "loader.js").read_text(encoding="utf-8")
    assets = {
        "banner.js": build_asset((settings.STATIC_DIR / "js" / "banner.js").read_bytes(), JS),
        "banner.css": build_asset((settings.STATIC_DIR / "css" / "banner.css").read_bytes(), CSS),
    }
    urls = {
        "ui": f"/v1/assets/banner.js?v={assets['banner.js'].version}",
        "css": f"/v1/assets/banner.css?v={assets['banner.css'].version}",
    }
    app.extensions["cookiegate"] = State(
        store=store,
        sites=sites,
        secret_keys=keys,
        loaders={sid: build_payload(script, loader_rules(c, urls)) for sid, c in sites.items()},
        assets=assets,
        clock=app.config.get("CLOCK") or (lambda: datetime.now(UTC)),
    )
    i18n.init_app(app)
    api.init_app(app)
    gpc.init_app(app)
    headers.init_app(app)
    auth.init_app(app)
    admin.init_app(app)
    admin_manage.init_app(app)
    admin_compliance.init_app(app)
    demo.init_app(app)
    return app


def _secret_keys(app: Flask) -> tuple[str, ...]:
    """Signing keys, newest first; a development key is made once if none is set."""
    raw = str(app.config["SECRET_KEYS"] or "")
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if keys:
        short = [i for i, k in enumerate(keys) if len(k) < 16]
        if short:
            raise ValueError(
                f"COOKIEGATE_SECRET_KEYS entry {short[0] + 1} is shorter than 16 characters; "
                "use e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'."
            )
        return keys
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
        app.logger.warning(
            "COOKIEGATE_SECRET_KEYS is not set; generated a development key in %s. "
            "Set COOKIEGATE_SECRET_KEYS in production.",
            path,
        )
    return (path.read_text().strip(),)
