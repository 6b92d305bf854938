"""Global Privacy Control on the server: the ``Sec-GPC`` header and ``gpc.json``.

Browsers with GPC on send ``Sec-GPC: 1`` with every request and expose
``navigator.globalPrivacyControl``; the loader reads the latter, the API the
former, so a request cookiegate can see proves the signal even when a script
cannot. A site declares that it honours the signal at
``/.well-known/gpc.json`` on its own origin (GPC specification, "site support
representation"); cookiegate serves that file for its own host and one per
site for the retailer's proxy to forward.
"""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import jsonify

from .state import get_state

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Headers

    from ..siteconfig.model import SiteConfig

#: When cookiegate's handling of the signal last changed (the file's ``lastUpdate``).
LAST_UPDATE = "2026-11-30"
#: A day: the file changes only with a deployment.
MAX_AGE = 86400

bp = Blueprint("gpc", __name__)


def sent(headers: Headers) -> bool:
    """True when a request carries ``Sec-GPC: 1``, the only value the specification defines."""
    return signalled(headers.get("Sec-GPC", ""))


def signalled(value: str) -> bool:
    """True when a ``Sec-GPC`` header's value is the signal (``1``)."""
    return value.strip() == "1"


def honours(config: SiteConfig) -> bool:
    """True when the site refuses something under GPC (by default, advertising)."""
    return any(c.gpc_refuses for c in config.categories)


def _support(honoured: bool) -> Response:
    resp = jsonify({"gpc": honoured, "lastUpdate": LAST_UPDATE})
    resp.cache_control.public = True
    resp.cache_control.max_age = MAX_AGE
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.get("/.well-known/gpc.json")
def well_known() -> Response:
    """cookiegate's own host honours GPC when every site it serves does."""
    return _support(all(honours(c) for c in get_state().sites.values()))


@bp.get("/v1/sites/<site_id>/gpc.json")
def site_support(site_id: str) -> Response:
    """One site's support file, for its proxy to serve as ``/.well-known/gpc.json``."""
    return _support(honours(get_state().site(site_id)))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
