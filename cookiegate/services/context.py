"""What a command needs of a server without building the web app: store, sites, keys.

``cookiegate export`` streams a million records; with the Flask app built
first it carried the app's 120 MB and several seconds of imports for nothing
it used. A command that needs only the store and the site configs opens them
here, from the same ``COOKIEGATE_*`` settings and with the same defaults as
the app factory (which uses :func:`signing_keys` too), and never imports
Flask.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import sys
import typing as t
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from pathlib import PurePath

from ..core import settings
from ..core.errors import SettingsError
from ..siteconfig.load import load_sites
from ..store import Store

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

PREFIX = "COOKIEGATE_"


@dataclass(frozen=True)
class Context:
    """The parts of the app's state a store-only command uses."""

    store: Store
    sites: dict[str, SiteConfig]
    #: Newest first: the first signs, all verify.
    secret_keys: tuple[str, ...]
    clock: t.Callable[[], datetime]
    #: :data:`~cookiegate.core.settings.DEFAULTS` overlaid with the environment.
    config: t.Mapping[str, t.Any]


def open_context(environ: t.Mapping[str, str] = os.environ) -> Context:
    """Open the store and load the sites named by the ``COOKIEGATE_*`` settings.

    A SQLite database that does not exist yet is created, as the server
    would; an existing one is used as it is (``cookiegate db upgrade`` and
    the server migrate it).

    :raises ConfigError: a site config is unreadable or breaks a rule.
    :raises SettingsError: a key is too short.
    :raises StoreError: the database URL cannot be used.
    """
    config = read_config(environ)
    instance = Path(settings.environ_value("COOKIEGATE_INSTANCE_PATH", environ) or instance_path())
    os.makedirs(instance, exist_ok=True)
    keys = signing_keys(str(config["SECRET_KEYS"] or ""), instance)
    sites = load_sites(Path(config["SITES_DIR"] or settings.DEMO_SITES_DIR))
    url = config["DATABASE_URL"] or f"sqlite:///{instance / 'cookiegate.sqlite3'}"
    store = Store(str(url))
    if store.is_sqlite and not store.has_schema():
        store.upgrade()
    return Context(store, sites, keys, lambda: datetime.now(UTC), config)


def read_config(environ: t.Mapping[str, str]) -> dict[str, t.Any]:
    """The settings as the app config holds them: defaults, then ``COOKIEGATE_*`` values.

    Each value is read as JSON when it parses and kept as text otherwise,
    as Flask's ``Config.from_prefixed_env`` does for the app.
    https://flask.palletsprojects.com/en/stable/api/#flask.Config.from_prefixed_env
    """
    config = dict(settings.DEFAULTS)
    for key in sorted(environ):
        if key.startswith(PREFIX):
            value: t.Any = environ[key]
            try:
                value = json.loads(value)
            except ValueError:
                pass
            config[key.removeprefix(PREFIX)] = value
    return config


def instance_path() -> Path:
    """Flask's default instance folder for the app, found without importing Flask.

    ``instance/`` beside the package in a source checkout, or
    ``<prefix>/var/cookiegate.app-instance`` when installed, as
    ``Flask.auto_find_instance_path`` decides it.
    https://flask.palletsprojects.com/en/stable/config/#instance-folders
    """
    spec = importlib.util.find_spec("cookiegate")
    assert spec is not None and spec.origin is not None
    package_path = os.path.dirname(os.path.dirname(spec.origin))
    prefix = _install_prefix(package_path)
    if prefix is None:
        return Path(package_path) / "instance"
    return Path(prefix) / "var" / "cookiegate.app-instance"


def _install_prefix(package_path: str) -> str | None:
    """Where the package is installed (system or virtualenv), or None for a checkout.

    Flask's ``sansio.scaffold.find_package``, step for step.
    """
    py_prefix = os.path.abspath(sys.prefix)
    if PurePath(package_path).is_relative_to(py_prefix):
        return py_prefix
    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() != "site-packages":
        return None
    parent, folder = os.path.split(site_parent)
    if folder.lower() == "lib":
        return parent
    if os.path.basename(parent).lower() == "lib":
        return os.path.dirname(parent)
    return site_parent


def signing_keys(
    raw: str, instance: Path, warn: t.Callable[[str], None] | None = None
) -> tuple[str, ...]:
    """Signing keys, newest first; a development key is made once if none is set.

    :param raw: ``COOKIEGATE_SECRET_KEYS``, comma-separated.
    :param instance: where the development key is kept.
    :param warn: told when a development key was generated.
    :raises SettingsError: a key is shorter than 16 characters.
    """
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if keys:
        short = [i for i, k in enumerate(keys) if len(k) < 16]
        if short:
            raise SettingsError(
                "COOKIEGATE_SECRET_KEYS",
                f"COOKIEGATE_SECRET_KEYS entry {short[0] + 1} is shorter than 16 characters; "
                "use e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'.",
            )
        return keys
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
        if warn:
            warn(
                f"COOKIEGATE_SECRET_KEYS is not set; generated a development key in {path}. "
                "Set COOKIEGATE_SECRET_KEYS in production."
            )
    return (path.read_text().strip(),)
