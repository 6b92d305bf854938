"""``banner.json``: what the banner shows, in the visitor's locale and regime."""

from __future__ import annotations

import typing as t

from flask import request

from .. import adpc
from .. import geo
from .. import gpc
from .. import served
from ..state import get_state
from .blueprint import bp

if t.TYPE_CHECKING:
    from ..fast import Prepared


@bp.get("/sites/<site_id>/banner.json")
def banner_json(site_id: str) -> Prepared:
    """Categories, services and texts to show, in the negotiated locale, with their hash.

    ``gpc`` says whether this request carried ``Sec-GPC: 1`` (see
    :func:`..served.banner`); the answer is precompressed and has an ETag.
    """
    state = get_state()
    config = state.site(site_id)
    accept = request.headers.get("Accept-Language", "")
    locale = served.negotiated(state, config, request.args.get("locale"), accept)
    place = geo.where(state, config, request.environ) if config.jurisdictions else None
    return served.banner(
        state,
        config,
        locale,
        gpc_sent=gpc.sent(request.headers),
        place=place,
        adpc_sent=adpc.objects(request.headers.get("ADPC", "")),
    )
