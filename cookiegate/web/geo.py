"""Where the visitor of a request is, and the ``GET /v1/sites/<site>/jurisdiction`` lookup.

The place comes from the configured geo headers (or the local GeoIP file,
looked up by the client address ProxyFix settled) and is resolved against the
site's ``[jurisdictions]`` (:mod:`cookiegate.jurisdiction`). It reads a WSGI
environ, not Flask's request, so the fast path and the event loop
(:mod:`.fast`, :mod:`.front`) resolve a request the same way the routes do.
The lookup's answer is prepared like ``banner.json``: built once per site
and resolved place, then served from memory.
"""

from __future__ import annotations

import functools
import json
import typing as t

from flask import Blueprint
from flask import request

from ..jurisdiction import OPT_IN
from ..jurisdiction import Resolution
from ..jurisdiction import Rules
from ..jurisdiction import resolve
from ..jurisdiction.regimes import check_regime
from ..jurisdiction.regimes import weaker
from .errors import BadRequest
from .fast import Prepared
from .fast import prepare
from .fast import query
from .state import get_state

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from flask import Flask

    from ..siteconfig.model import SiteConfig
    from .fast import FastPaths
    from .state import State

bp = Blueprint("geo", __name__, url_prefix="/v1")

#: A site without ``[jurisdictions]``: opt_in for every place.
EVERYWHERE_OPT_IN = Rules(places={}, overlays={OPT_IN: OPT_IN}, default=OPT_IN)
#: Answers that depend on the visitor's place: the visitor's browser may keep them, a
#: shared cache may not (it would hand one visitor's regime to another).
PLACE_CACHE = "private, max-age=300"


class _EnvironHeaders:
    """Request headers by name, read from a WSGI environ (only ``get`` is needed)."""

    def __init__(self, environ: WSGIEnvironment) -> None:
        self.environ = environ

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.environ.get("HTTP_" + name.upper().replace("-", "_"))
        return default if value is None else str(value)


def rules_of(config: SiteConfig) -> Rules:
    return config.jurisdictions.rules if config.jurisdictions else EVERYWHERE_OPT_IN


def where(state: State, config: SiteConfig, environ: WSGIEnvironment) -> Resolution:
    """The jurisdiction and regime of the request in ``environ`` for ``config``'s site."""
    country, region = state.geo.locate(
        t.cast(t.Mapping[str, str], _EnvironHeaders(environ)), environ.get("REMOTE_ADDR")
    )
    return resolve(rules_of(config), country, region)


def overlay_of(config: SiteConfig, place: Resolution) -> str | None:
    """The overlay whose banner the visitor saw (None: the site has no ``[jurisdictions]``)."""
    return place.overlay if config.jurisdictions else None


def recorded(
    state: State, config: SiteConfig, environ: WSGIEnvironment, body: t.Mapping[str, t.Any]
) -> Resolution:
    """The place sealed into a consent proof: the server's own resolution of the request.

    The body may repeat the regime its banner was told; it is never recorded. A claim
    of a weaker regime than the server resolves is refused, since the visitor was then
    shown (or the page assumed) less than the law of their place asks.

    :raises BadRequest: the claimed regime is not a regime, or is weaker.
    """
    place = where(state, config, environ)
    claimed = body.get("regime")
    if claimed is None:
        return place
    if not isinstance(claimed, str) or check_regime(claimed):
        raise BadRequest("Field 'regime' must be one of 'opt_in', 'opt_out' or 'notice'.")
    if weaker(claimed, place.regime):
        raise BadRequest(
            f"The request claims the regime {claimed!r}, but this visitor's place "
            f"({place.jurisdiction}) is under {place.regime!r}; reload the banner."
        )
    return place


def vary(state: State) -> list[str]:
    """The request headers an answer that depends on the place varies on."""
    return list(state.geo.vary)


def lookup(state: State, config: SiteConfig, found: Resolution) -> Prepared:
    """The lookup's answer for one site and resolved place, built once."""

    def build() -> Prepared:
        body = {
            "site": config.id,
            "jurisdiction": found.jurisdiction,
            "regime": found.regime,
            "overlay": found.overlay if config.jurisdictions else None,
        }
        raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return prepare({"identity": raw}, "application/json", PLACE_CACHE, vary=vary(state))

    return state.served(("jurisdiction", config.id, found.jurisdiction, found.overlay), build)


@bp.get("/sites/<site_id>/jurisdiction")
def jurisdiction(site_id: str) -> Prepared:
    """Where this visitor is taken to be and which regime applies, for the site's scripts.

    Never echoes a header: the answer holds an ISO code of the tables, or ``unknown``.
    """
    state = get_state()
    config = state.site(site_id)
    return lookup(state, config, where(state, config, request.environ))


def install(fast: FastPaths, state: State) -> None:
    """Answer each site's lookup on the fast path once it is built."""
    for site_id, config in state.sites.items():
        path = f"/v1/sites/{site_id}/jurisdiction"
        fast.handlers[path] = functools.partial(_lookup, state, config)


def _lookup(state: State, config: SiteConfig, environ: WSGIEnvironment) -> Prepared | None:
    if query(environ) != {}:
        return None
    found = where(state, config, environ)
    return state.built(("jurisdiction", config.id, found.jurisdiction, found.overlay))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
