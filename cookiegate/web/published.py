"""The published set: every file a browser fetches before a visitor chooses.

A shop page waits on the loader, and the banner waits on its script, style
and texts. None of these depends on the request: each is a function of the
site config, the catalogue and the shipped scripts. So they are listed here
once, addressed by URL path alone (no query string, no header negotiation
but ``Accept-Encoding``), and the same bytes can be served by the app from
memory or written to disk by ``cookiegate publish`` for nginx, Caddy or a CDN.
The Python server is then needed only to record a choice.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass

from ..loader.assets import build_asset

if t.TYPE_CHECKING:
    from ..loader.assets import Asset
    from ..siteconfig.model import SiteConfig
    from .state import State

JSON = "application/json"


@dataclass(frozen=True)
class StaticFile:
    """One file of the published set."""

    #: Path-absolute URL, e.g. ``/v1/sites/demo/loader.js``; also its path under a publish dir.
    path: str
    asset: Asset
    #: Seconds a cache may reuse it before revalidating; ``None``: the URL names its
    #: content (a hash), so it is immutable and cached for a year.
    max_age: int | None


def site_files(state: State, config: SiteConfig, *, loader_max_age: int) -> list[StaticFile]:
    """The published set of one site, in a stable order.

    Needs an app context: the banner texts come from the Babel catalogs.

    :param loader_max_age: how long browsers keep the unversioned loader
        (``COOKIEGATE_LOADER_MAX_AGE``); a config change reaches visitors
        within that time.
    """
    loader = state.loaders[config.id]
    files = [
        StaticFile(f"/v1/sites/{config.id}/loader.js", loader, loader_max_age),
        StaticFile(f"/v1/sites/{config.id}/loader.{loader.version}.js", loader, None),
    ]
    for name, asset in sorted(state.assets.items()):
        stem, _, suffix = name.rpartition(".")
        files.append(StaticFile(f"/v1/assets/{stem}.{asset.version}.{suffix}", asset, None))
    for locale in config.locales:
        content, shown_hash = state.banner(config, locale)
        body = json.dumps({**content, "shown_hash": shown_hash}, ensure_ascii=False)
        files.append(
            StaticFile(
                f"/v1/sites/{config.id}/banner.{locale}.json",
                build_asset(body.encode(), JSON),
                loader_max_age,
            )
        )
    return files
