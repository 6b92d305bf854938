"""The loader and the banner's files: ``loader.js``, ``embed.json`` and ``/v1/assets/<name>``.

The plain URLs are usually answered before Flask (:mod:`..served`,
:mod:`..fast`) with the same prepared bytes; these routes answer the rest
(pinned versions, unusual queries) and say why a stale version is refused.
"""

from __future__ import annotations

import typing as t

from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for

from .. import served
from ..errors import NotFound
from ..published import pinned
from ..state import get_state
from .blueprint import bp

if t.TYPE_CHECKING:
    from ..fast import Prepared


@bp.get("/sites/<site_id>/loader.js")
def loader_js(site_id: str) -> Prepared:
    """The loader with this site's rules.

    Unversioned, it is cached briefly and revalidated by ETag, so a config
    change reaches visitors within minutes. With ``?v=<version>`` (the URL
    ``embed.json`` publishes, with its integrity hash) it is immutable; an
    outdated version is a 404, not silently different bytes. The plain URLs
    are usually answered before Flask (:mod:`..served`) with the same bytes.
    """
    state = get_state()
    state.site(site_id)
    asset = state.loaders[site_id]
    version = request.args.get("v")
    if version is not None and version != asset.version:
        raise NotFound(
            f"Loader version {version!r} of site {site_id!r} is not current (now "
            f"{asset.version!r}); update the pinned URL and integrity from embed.json."
        )
    max_age = int(current_app.config["LOADER_MAX_AGE"])
    return served.loader(state, site_id, pinned=version is not None, max_age=max_age)


@bp.get("/sites/<site_id>/embed.json")
def embed_json(site_id: str) -> Response:
    """The tag to paste: the versioned loader URL with its Subresource Integrity hash."""
    state = get_state()
    state.site(site_id)
    asset = state.loaders[site_id]
    url = url_for("published.published_file", site_id=site_id, name=pinned(asset), _external=True)
    snippet = f'<script src="{url}" integrity="{asset.integrity}" crossorigin="anonymous"></script>'
    resp = jsonify(
        {
            "url": url_for("api.loader_js", site_id=site_id, _external=True),
            "pinned_url": url,
            "integrity": asset.integrity,
            "pinned_snippet": snippet,
        }
    )
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/assets/<name>")
def asset(name: str) -> Prepared:
    """The banner script and stylesheet, immutable under their versioned URL."""
    state = get_state()
    found = state.assets.get(name)
    if found is None:
        raise NotFound(f"No asset named {name!r}.")
    return served.asset(state, name, current=request.args.get("v") == found.version)
