"""The published set: every file a browser fetches before a visitor chooses.

A shop page waits on the loader, and the banner waits on its one file (script,
stylesheet and texts of one locale). None of these depends on the request:
each is a function of the site config, the catalogue, the shipped scripts and
the locale. So they are listed here once, addressed by URL path alone (no query
string, no header negotiation but ``Accept-Encoding``), and the same bytes are
served by the app from memory (this module's blueprint) or written to disk by
``cookiegate publish`` for nginx, Caddy or a CDN. The Python server is then
needed only to record a choice.

Global Privacy Control cannot be in a static file: the loader and banner read
``navigator.globalPrivacyControl``, and the server still honours a ``Sec-GPC``
header it sees on the consent POST (the banner then records the choice as a
GPC one; see ``static/js/src/banner/record.js``).
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass

from flask import Blueprint
from flask import Flask
from flask import request

from ..core import settings
from ..loader.assets import build_asset
from ..loader.payload import JS
from ..loader.payload import banner_file
from ..loader.payload import build_payload
from ..loader.payload import files_version
from ..loader.payload import loader_rules
from ..loader.payload import minify_css
from ..loader.payload import purge_lists
from ..loader.payload import with_bridges
from ..siteconfig.gpp import has_gpp
from . import declaration
from . import served
from .errors import NotFound
from .state import get_state

if t.TYPE_CHECKING:
    from ..loader.assets import Asset
    from ..siteconfig.model import SiteConfig
    from .fast import Prepared
    from .state import State

#: A banner file's name: ``banner.<version>.<locale>.js``.
BANNER_NAME = re.compile(r"banner\.([0-9a-f]{12})\.([a-z]{2,3}(?:_[A-Z]{2})?)\.js")
#: The IAB GPP API's file name: ``gpp.<version>.js``.
GPP_NAME = re.compile(r"gpp\.[0-9a-f]{20}\.js")
#: How long a cache keeps a banner file asked for under an outdated version.
STALE_MAX_AGE = 300

bp = Blueprint("published", __name__)


@dataclass(frozen=True)
class StaticFile:
    """One file of the published set."""

    #: Path-absolute URL, e.g. ``/v1/sites/demo/loader.js``; also its path under a publish dir.
    path: str
    asset: Asset
    #: Seconds a cache may reuse it before revalidating; ``None``: the URL names its
    #: content (a hash), so it is immutable and cached for a year.
    max_age: int | None


def pinned(loader: Asset) -> str:
    """The pinned loader's file name: named by its content, immutable (``embed.json`` gives it
    with its Subresource Integrity hash)."""
    return f"loader.{loader.version}.js"


def site_files(state: State, config: SiteConfig, *, loader_max_age: int) -> list[StaticFile]:
    """The published set of one site, in a stable order: the loader under its plain and its
    pinned (content-hashed) name, then one banner file per locale.

    Needs an app context: the banner texts come from the Babel catalogs.

    :param loader_max_age: how long browsers keep the unversioned loader
        (``COOKIEGATE_LOADER_MAX_AGE``); a config change reaches visitors
        within that time. Every other file is named by its content.
    """
    banner_script = (settings.STATIC_DIR / "js" / "banner.js").read_text(encoding="utf-8")
    css = minify_css((settings.STATIC_DIR / "css" / "banner.css").read_text(encoding="utf-8"))
    banners: dict[str, Asset] = {}
    labels: dict[str, str] = {}
    purge = purge_lists(config)
    # A static file cannot know where its visitor is: it shows what an unknown place gets,
    # the site's strictest overlay, which the consent POST of such a visitor resolves too.
    overlay = config.jurisdictions.rules.strictest if config.jurisdictions else None
    for locale in config.locales:
        content, shown_hash = state.banner(config, locale, overlay)
        texts = {**content, "shown_hash": shown_hash}
        banners[locale] = banner_file(banner_script, css, texts, purge)
        labels[locale] = content["texts"]["reopen"]
    version = files_version(banners.values())
    loader_script = (settings.STATIC_DIR / "js" / "loader.js").read_text(encoding="utf-8")
    gpp: Asset | None = None
    if has_gpp(config):
        # Only for a site with an opt_out overlay or [gpp] (cookiegate/siteconfig/gpp.py): the
        # IAB GPP __gpp stub rides in the same file, after the loader; the API itself is a
        # file beside it, named by its content, which the stub fetches when first needed.
        gpp = build_asset((settings.STATIC_DIR / "js" / "gpp.js").read_bytes(), JS)
        stub = (settings.STATIC_DIR / "js" / "gppstub.js").read_text(encoding="utf-8")
        loader_script = with_bridges(loader_script, stub)
    if config.platform is not None:
        # The platform bridges likewise (last), only for a site with a platform.
        bridges = (settings.STATIC_DIR / "js" / "platform.js").read_text(encoding="utf-8")
        loader_script = with_bridges(loader_script, bridges)
    rules = loader_rules(config, banner_version=version, reopen_label=labels[config.default_locale])
    if gpp is not None:
        rules["gf"] = gpp.version  # src/gppstub/main.js: gpp.<version>.js
    if config.jurisdictions is not None:
        # A first visit asks for banner.json (the place's regime) beside the banner file, not
        # after it (src/loader/api.js `placeRequest`).
        rules["j"] = 1
    loader = build_payload(loader_script, rules)
    base = f"/v1/sites/{config.id}/"
    return [
        StaticFile(base + "loader.js", loader, loader_max_age),
        StaticFile(base + pinned(loader), loader, None),
        *(
            StaticFile(base + f"banner.{version}.{locale}.js", asset, None)
            for locale, asset in banners.items()
        ),
        *([StaticFile(base + f"gpp.{gpp.version}.js", gpp, None)] if gpp else []),
        # The cookie declaration changes with a saved scan too: cached like the loader.
        *(
            StaticFile(path, asset, loader_max_age)
            for path, asset in declaration.files(state, config)
        ),
    ]


def build(app: Flask) -> None:
    """Build every site's published set into the app's state, once, at start.

    Also sets each site's loader (``State.loaders``), the very bytes of its
    published ``loader.js``.
    """
    state: State = app.extensions["cookiegate"]
    with app.app_context():
        for config in state.sites.values():
            files = site_files(state, config, loader_max_age=int(app.config["LOADER_MAX_AGE"]))
            state.loaders[config.id] = files[0].asset
            state.published.update((f.path, f) for f in files)


@bp.get("/v1/sites/<site_id>/<name>")
def published_file(site_id: str, name: str) -> Prepared:
    """A file of the published set, by its path.

    The plain paths are answered before Flask (:func:`.served.install`); this
    route serves the same prepared responses to the requests that reach it. A
    banner file asked for under an outdated version (a loader cached from before
    a config change) gets the current one for its locale, briefly cached, rather
    than no banner at all; so does the GPP API (``gpp.<version>.js``) after a release.
    """
    state = get_state()
    if request.path in state.published:
        return served.published(state, request.path)
    config = state.site(site_id)
    match = BANNER_NAME.fullmatch(name)
    # Likewise the GPP API a cached loader's stub asks for: its callers' queue waits on it.
    gpp = GPP_NAME.fullmatch(name)
    prefix, suffix = (
        ("banner.", f".{match[2]}.js") if match and match[2] in config.locales else ("gpp.", ".js")
    )
    current = next(
        (
            f
            for path, f in state.published.items()
            if path.startswith(f"/v1/sites/{site_id}/{prefix}") and path.endswith(suffix)
        ),
        None,
    )
    if current and (gpp or (match and match[2] in config.locales)):
        return state.served(
            ("stale banner", current.path),
            lambda: served.asset_response(current.asset, STALE_MAX_AGE),
        )
    raise NotFound(f"No file {name!r} is published for site {site_id!r}.")


def init_app(app: Flask) -> None:
    """Build the published set and serve it."""
    build(app)
    app.register_blueprint(bp)
