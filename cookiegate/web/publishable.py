"""The files ``cookiegate publish`` writes for a site, and whether a publish dir has them.

:func:`cookiegate.web.published.site_files` lists what the browser fetches
before a choice. A site's ``gpc.json`` is served from its config alone too, by
a view of :mod:`.gpc`; it joins the set here, built by that same view, unless
``site_files`` lists it already. The command, ``check-config`` and the admin
all read the set from :func:`publishable`, so they agree on what "current" means.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from flask import current_app

from ..loader.assets import build_asset
from ..services.freshness import Freshness
from ..services.freshness import freshness
from ..services.publishing import file_entry
from . import gpc
from .published import StaticFile
from .published import site_files
from .state import get_state

if t.TYPE_CHECKING:
    from flask import Response

    from ..siteconfig.model import SiteConfig

#: URL path -> the view that serves it for a site, for per-site files the
#: app serves from config alone that ``site_files`` may not list.
APP_SERVED: dict[str, t.Callable[[str], Response]] = {
    "/v1/sites/{site}/gpc.json": gpc.site_support,
}
_CACHE = "cookiegate.publishable"


def publishable(config: SiteConfig) -> list[StaticFile]:
    """Every file of the site's published set. Needs an app context."""
    state = get_state()
    files = site_files(state, config, loader_max_age=current_app.config["LOADER_MAX_AGE"])
    listed = {f.path for f in files}
    for template, view in APP_SERVED.items():
        path = template.format(site=config.id)
        if path not in listed:
            resp = view(config.id)
            asset = build_asset(resp.get_data(), resp.content_type)
            files.append(StaticFile(path, asset, resp.cache_control.max_age))
    return files


def publish_dir() -> Path | None:
    """``COOKIEGATE_PUBLISH_DIR``, or None when the site is not published."""
    value = current_app.config.get("PUBLISH_DIR")
    return Path(value) if value else None


def publish_freshness(config: SiteConfig) -> Freshness | None:
    """How the set in ``COOKIEGATE_PUBLISH_DIR`` compares with :func:`publishable`; None if unset.

    The set is built (and brotli-compressed) once per app and site: it
    depends only on what the app loaded at start, and an admin page must not
    compress two dozen files on every view. The manifest is read each time.
    """
    out = publish_dir()
    if out is None:
        return None
    cache: dict[str, list[dict[str, t.Any]]] = current_app.extensions.setdefault(_CACHE, {})
    if config.id not in cache:
        cache[config.id] = [file_entry(f) for f in publishable(config)]
    return freshness(out, config.id, config.revision, cache[config.id])
