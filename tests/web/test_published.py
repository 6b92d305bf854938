"""The published set: every pre-choice file, by path, with the bytes the app serves."""

from __future__ import annotations

import json
import re
import typing as t

from flask import Flask

from cookiegate.web.published import site_files
from cookiegate.web.state import get_state

from ..conftest import inlined_rules


def _files(app: Flask) -> dict[str, t.Any]:
    with app.app_context():
        state = get_state()
        return {f.path: f for f in site_files(state, state.sites["demo"], loader_max_age=300)}


def _bundle(body: bytes) -> dict[str, t.Any]:
    """What a banner file carries inline (its `/*@bundle@*/` literal)."""
    text = body.decode()
    start = text.index('{"css":')
    bundle, _ = json.JSONDecoder().raw_decode(text, start)
    return t.cast(dict[str, t.Any], bundle)


def _inline_texts(body: bytes) -> dict[str, t.Any]:
    """The texts a banner file carries."""
    return t.cast(dict[str, t.Any], _bundle(body)["texts"])


def test_published_set_is_the_loader_and_one_banner_file_per_locale(app: Flask) -> None:
    files = _files(app)
    with app.app_context():
        locales = get_state().sites["demo"].locales
    loader = files["/v1/sites/demo/loader.js"]
    assert loader.max_age == 300
    assert files[f"/v1/sites/demo/loader.{loader.asset.version}.js"].max_age is None
    version = inlined_rules(loader.asset.body.decode())["v"]
    banners = {p: f for p, f in files.items() if "/banner." in p}
    assert sorted(banners) == sorted(f"/v1/sites/demo/banner.{version}.{loc}.js" for loc in locales)
    assert all(f.max_age is None for f in banners.values())
    # The demo's US overlay is opt_out: the full GPP API, named by its content, which the
    # loader's __gpp stub fetches when first needed (e2e/test_gpp.py).
    gpp = inlined_rules(loader.asset.body.decode())["gf"]
    assert files[f"/v1/sites/demo/gpp.{gpp}.js"].max_age is None
    # The cookie declaration, cached like the loader (tests/web/test_declaration.py).
    declaration = {p for p in files if "/declaration." in p}
    assert declaration == {
        "/v1/sites/demo/declaration.json",
        "/v1/sites/demo/declaration.css",
        *(f"/v1/sites/demo/declaration.{loc}.html" for loc in locales),
    }
    assert all(files[p].max_age == 300 for p in declaration)
    # No query strings: a static server maps each path to a file.
    assert all(re.fullmatch(r"/v1/sites/demo/[a-zA-Z0-9_.]+\.(js|json|css|html)", p) for p in files)


def test_published_files_are_the_bytes_the_app_serves(app: Flask, client: t.Any) -> None:
    files = _files(app)
    for path, published in files.items():
        served = client.get(path, headers={"Accept-Encoding": "identity"})
        assert served.status_code == 200 and served.data == published.asset.body, path
    brotli = client.get("/v1/sites/demo/loader.js", headers={"Accept-Encoding": "br"})
    assert brotli.headers["Content-Encoding"] == "br"


def test_a_cached_loaders_stub_still_gets_the_gpp_api_after_a_release(
    app: Flask, client: t.Any
) -> None:
    """A loader cached from before a release names an older gpp.<version>.js: its callers'
    queue waits on that file, so the current one answers, briefly cached."""
    current = next(f for p, f in _files(app).items() if "/gpp." in p)
    stale = client.get("/v1/sites/demo/gpp.0123456789abcdef0123.js")
    assert stale.status_code == 200 and stale.data == current.asset.body
    assert "max-age=300" in stale.headers["Cache-Control"]
    assert client.get("/v1/sites/demo/gpp.nope.js").status_code == 404


def test_banner_file_texts_are_what_banner_json_serves(app: Flask, client: t.Any) -> None:
    files = _files(app)
    version = inlined_rules(files["/v1/sites/demo/loader.js"].asset.body.decode())["v"]
    texts = client.get("/v1/sites/demo/banner.json?locale=de").get_json()
    del texts["gpc"]  # from the request's Sec-GPC header: not part of a static file
    del texts["adpc"]  # from its ADPC header, likewise
    # Where the visitor is, neither: the static file shows what an unknown place gets.
    assert texts.pop("jurisdiction") == "unknown"
    assert _inline_texts(files[f"/v1/sites/demo/banner.{version}.de.js"].asset.body) == texts


def test_the_loader_carries_every_locale_and_the_default_reopen_label(app: Flask) -> None:
    rules = inlined_rules(_files(app)["/v1/sites/demo/loader.js"].asset.body.decode())
    with app.app_context():
        config = get_state().sites["demo"]
    assert rules["l"].split(" ") == list(config.locales) and rules["d"] == config.default_locale
    assert rules["r"] == "Cookie settings"


def test_banner_files_send_non_ascii_texts_as_utf8(app: Flask) -> None:
    files = _files(app)
    version = inlined_rules(files["/v1/sites/demo/loader.js"].asset.body.decode())["v"]
    # Non-ASCII is sent as UTF-8, not as six-byte escapes.
    assert "Настройки".encode() in files[f"/v1/sites/demo/banner.{version}.bg.js"].asset.body


def test_published_set_changes_with_the_config(make_app: t.Any, sites_dir: t.Any) -> None:
    before = _files(make_app())
    path = sites_dir / "demo.toml"
    path.write_text(path.read_text() + '\n[texts.de]\ntitle = "Wir nutzen Cookies"\n')
    after = _files(make_app())
    changed = set(after) - set(before)
    assert "/v1/sites/demo/loader.js" not in changed and len(changed) > 2


def test_banner_files_carry_each_services_storage_keys_and_databases_outside_the_texts(
    make_app: t.Any, sites_dir: t.Any
) -> None:
    path = sites_dir / "demo.toml"
    before = _files(make_app())
    path.write_text(
        path.read_text() + '\n[services.hotjar]\n\n[services.shop-db]\nname = "Recently viewed"\n'
        'category = "personalisation"\ndescription = "Shows what you looked at."\n'
        'indexeddb = ["recent-*"]\n'
    )
    files = _files(make_app())
    banner = next(f for p, f in files.items() if p.endswith(".de.js"))
    purge = _bundle(banner.asset.body)["purge"]
    assert purge["hotjar"] == {
        "storage": ["_hj*", "hjViewportId", "hjActiveViewportIds"],
        "indexeddb": [],
    }
    assert purge["shop-db"] == {"storage": [], "indexeddb": ["recent-*"]}
    # Services that store nothing besides cookies are not listed.
    assert "google-ads" not in purge
    # The lists are not part of what the visitor is shown (the proof's shown_hash)...
    texts = _inline_texts(banner.asset.body)
    assert "purge" not in texts and "indexeddb" not in json.dumps(texts)
    # ...nor of the loader, which every page view downloads.
    loader = files["/v1/sites/demo/loader.js"].asset.body
    assert b"recent-*" not in loader and b"hjViewportId" not in loader
    assert before["/v1/sites/demo/loader.js"].asset.body != loader  # new services: new rules
