"""The published set: every pre-choice file, by path, with the bytes the API serves."""

from __future__ import annotations

import json
import typing as t

from flask import Flask

from cookiegate.web.published import site_files
from cookiegate.web.state import get_state


def _files(app: Flask) -> dict[str, t.Any]:
    with app.app_context():
        state = get_state()
        return {f.path: f for f in site_files(state, state.sites["demo"], loader_max_age=300)}


def test_published_set_holds_the_loader_the_banner_assets_and_texts_per_locale(
    app: Flask,
) -> None:
    files = _files(app)
    with app.app_context():
        locales = get_state().sites["demo"].locales
    loader = files["/v1/sites/demo/loader.js"]
    assert loader.max_age == 300
    assert files[f"/v1/sites/demo/loader.{loader.asset.version}.js"].max_age is None
    assert sum(p.startswith("/v1/assets/banner.") for p in files) == 2
    for locale in locales:
        assert f"/v1/sites/demo/banner.{locale}.json" in files


def test_published_loader_and_texts_are_the_bytes_the_api_serves(app: Flask, client: t.Any) -> None:
    files = _files(app)
    served = client.get("/v1/sites/demo/loader.js", headers={"Accept-Encoding": "identity"})
    assert files["/v1/sites/demo/loader.js"].asset.body == served.data
    texts = client.get("/v1/sites/demo/banner.json?locale=de").get_json()
    del texts["gpc"]  # from the request's Sec-GPC header: not part of a static file
    assert json.loads(files["/v1/sites/demo/banner.de.json"].asset.body) == texts
