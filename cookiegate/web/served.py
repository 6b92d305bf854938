"""The prepared answers of the public read path: loader, banner assets, banner texts, liveness.

Each answer is built once per process and variant (:class:`~.fast.Prepared`)
and kept in the app's state. The Flask routes build and return them; the
:class:`~.fast.FastPaths` middleware serves the ones already built for the
plain URLs browsers ask for, without entering Flask. A variant not built
yet, or a URL with anything unusual, goes through the route, so the first
request of each variant (and every error) takes the full path.
"""

from __future__ import annotations

import functools
import json
import typing as t

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ..loader.assets import build_asset
from . import adpc
from . import geo
from . import gpc
from .fast import IMMUTABLE
from .fast import FastPaths
from .fast import Prepared
from .fast import prepare
from .fast import query
from .i18n import negotiate

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from ..jurisdiction import Resolution
    from ..loader.assets import Asset
    from ..siteconfig.model import SiteConfig
    from .state import State

JSON = "application/json"
#: Browsers and shared caches may reuse banner texts for five minutes.
BANNER_MAX_AGE = 300


def asset_response(asset: Asset, max_age: int | None) -> Prepared:
    """A loader or banner asset; ``max_age=None`` means immutable (its versioned URL)."""
    cache = IMMUTABLE if max_age is None else f"public, max-age={int(max_age)}"
    return prepare(asset.encodings, asset.content_type, cache, version=asset.version)


def loader(state: State, site_id: str, *, pinned: bool, max_age: int) -> Prepared:
    """A site's loader, unversioned (``max_age``) or pinned to its current version."""
    asset = state.loaders[site_id]
    key = ("loader", site_id, pinned)
    return state.served(key, lambda: asset_response(asset, None if pinned else max_age))


def asset(state: State, name: str, *, current: bool) -> Prepared:
    """The banner script or stylesheet: immutable under its current version, else 5 minutes."""
    found = state.assets[name]
    return state.served(
        ("asset", name, current), lambda: asset_response(found, None if current else 300)
    )


def banner(
    state: State,
    config: SiteConfig,
    locale: str,
    *,
    gpc_sent: bool,
    place: Resolution | None = None,
    adpc_sent: bool = False,
) -> Prepared:
    """``banner.json`` for one site, locale and ``Sec-GPC`` value, precompressed.

    ``gpc`` says whether this request carried ``Sec-GPC: 1``, so the banner
    honours a signal the browser sends but does not expose to scripts; the
    shown content, and its hash, are the same either way. For a site with
    ``[jurisdictions]``, ``place`` is where the visitor is: the answer then
    reports it, shows that overlay, and may be kept by the visitor's browser only;
    ``adpc`` then says whether the request's ADPC header objects to everything (:mod:`.adpc`).
    """
    if config.jurisdictions is not None and place is not None:
        return _placed_banner(state, config, locale, (gpc_sent, adpc_sent), place)

    def build() -> Prepared:
        content, shown_hash = state.banner(config, locale)
        body = {**content, "shown_hash": shown_hash, "gpc": gpc_sent}
        built = build_asset(json.dumps(body, sort_keys=True, separators=(",", ":")).encode(), JSON)
        return prepare(
            built.encodings,
            JSON,
            f"public, max-age={BANNER_MAX_AGE}",
            headers=[("Content-Language", locale.replace("_", "-"))],
            vary=["Accept-Language", "Sec-GPC"],
            version=built.version,
        )

    return state.served(("banner", config.id, locale, gpc_sent), build)


def _placed_banner(
    state: State, config: SiteConfig, locale: str, sent: tuple[bool, bool], place: Resolution
) -> Prepared:
    """``banner.json`` for a visitor's place: kept among the most recently used only.

    One per jurisdiction x locale x GPC x ADPC would be about 30,000 prepared bodies per
    process in the worst case; the overlay's content and hash stay cached
    (:meth:`State.banner`), so a dropped answer costs one JSON dump and compression when
    asked for again.
    """
    gpc_sent, adpc_sent = sent

    def build() -> Prepared:
        content, shown_hash = state.banner(config, locale, place.overlay)
        body = {
            **content,
            "shown_hash": shown_hash,
            "gpc": gpc_sent,
            "adpc": adpc_sent,
            "jurisdiction": place.jurisdiction,
        }
        built = build_asset(json.dumps(body, sort_keys=True, separators=(",", ":")).encode(), JSON)
        return prepare(
            built.encodings,
            JSON,
            geo.PLACE_CACHE,
            headers=[("Content-Language", locale.replace("_", "-"))],
            vary=["Accept-Language", "Sec-GPC", "ADPC", *geo.vary(state)],
            version=built.version,
        )

    key = ("banner", config.id, locale, gpc_sent, adpc_sent, place.jurisdiction, place.overlay)
    return state.recent(key, build)


def published(state: State, path: str) -> Prepared:
    """A file of the published set (:mod:`.published`), with the headers nginx sends for it."""
    found = state.published[path]
    return state.served(("published", path), lambda: asset_response(found.asset, found.max_age))


def health(state: State) -> Prepared:
    """Liveness: this process is up and serves its sites; no database round trip."""

    def build() -> Prepared:
        body = json.dumps({"status": "ok", "sites": sorted(state.sites)}).encode()
        return prepare({"identity": body}, JSON, "no-store", cors=False)

    return state.served(("health",), build)


def negotiated(state: State, config: SiteConfig, explicit: str | None, accept: str) -> str:
    """The banner locale for an explicit tag and an ``Accept-Language`` header, memoised."""
    return state.memo(
        ("locale", config.id, explicit, accept),
        lambda: negotiate(config, explicit, parse_accept_header(accept, LanguageAccept)),
    )


def install(fast: FastPaths, state: State, loader_max_age: int) -> None:
    """Give ``fast`` a handler for each plain URL of the read path of every site."""
    handlers = fast.handlers
    for site_id, config in state.sites.items():
        base = f"/v1/sites/{site_id}"
        handlers[f"{base}/loader.js"] = functools.partial(_loader, state, site_id, loader_max_age)
        handlers[f"{base}/banner.json"] = functools.partial(_banner, state, config)
    for name in state.assets:
        handlers[f"/v1/assets/{name}"] = functools.partial(_asset, state, name)
    for path in state.published:
        handlers.setdefault(path, functools.partial(_published, state, path))
    handlers["/healthz"] = functools.partial(_health, state)
    geo.install(fast, state)


def _loader(state: State, site_id: str, max_age: int, environ: WSGIEnvironment) -> Prepared | None:
    params = query(environ, "v")
    if params is None:
        return None
    version = params.get("v")
    if version is not None and version != state.loaders[site_id].version:
        return None  # the route answers the 404 naming the current version
    return state.built(("loader", site_id, version is not None))


def _asset(state: State, name: str, environ: WSGIEnvironment) -> Prepared | None:
    params = query(environ, "v")
    if params is None:
        return None
    return state.built(("asset", name, params.get("v") == state.assets[name].version))


def _banner(state: State, config: SiteConfig, environ: WSGIEnvironment) -> Prepared | None:
    params = query(environ, "locale")
    if params is None:
        return None
    accept = environ.get("HTTP_ACCEPT_LANGUAGE", "")
    locale = negotiated(state, config, params.get("locale"), accept)
    sent = gpc.signalled(environ.get("HTTP_SEC_GPC", ""))
    if config.jurisdictions is not None:
        place = geo.where(state, config, environ)
        objects = adpc.objects(environ.get("HTTP_ADPC", ""))
        key = ("banner", config.id, locale, sent, objects, place.jurisdiction, place.overlay)
        return state.recent_built(key)
    return state.built(("banner", config.id, locale, sent))


def _published(state: State, path: str, environ: WSGIEnvironment) -> Prepared | None:
    return None if environ.get("QUERY_STRING") else published(state, path)


def _health(state: State, environ: WSGIEnvironment) -> Prepared | None:
    return state.built(("health",)) if not environ.get("QUERY_STRING") else None
