"""banner.json and the jurisdiction lookup follow the operator's geo headers, safely."""

from __future__ import annotations

import gzip
import json
import tomllib
import typing as t
from pathlib import Path

import brotli
import pytest
from werkzeug.test import EnvironBuilder

from cookiegate.consent.proofs import content_hash
from cookiegate.core.errors import SettingsError
from cookiegate.services import ledger
from cookiegate.web.banner import banner_content

from ..conftest import Visitor
from ..conftest import count_proofs

GEO = {"GEO_COUNTRY_HEADER": "CF-IPCountry", "GEO_REGION_HEADER": "CF-Region-Code"}


def _cf(country: str | None, region: str | None = None) -> dict[str, str]:
    headers = {}
    if country is not None:
        headers["CF-IPCountry"] = country
    if region is not None:
        headers["CF-Region-Code"] = region
    return headers


@pytest.fixture
def geo_client(make_app: t.Callable[..., t.Any]) -> t.Any:
    return make_app(**GEO).test_client()


def _without_jurisdictions(sites_dir: Path) -> None:
    path = sites_dir / "demo.toml"
    text = path.read_text()
    path.write_text(text[: text.index("[jurisdictions]")])


@pytest.mark.parametrize(
    ("headers", "jurisdiction", "regime", "banner"),
    [
        (_cf("US", "CA"), "US-CA", "opt_out", "notice"),
        (_cf("DE"), "DE", "opt_in", "dialog"),
        (_cf("GB", "ENG"), "GB", "opt_in", "dialog"),
        (_cf("US", "FL"), "US-FL", "opt_in", "dialog"),  # no state law: the default overlay
        (_cf("XX"), "unknown", "opt_in", "dialog"),
        (_cf("us", "ca"), "unknown", "opt_in", "dialog"),
        (_cf(None, "CA"), "unknown", "opt_in", "dialog"),
        (_cf("US", "ENG"), "unknown", "opt_in", "dialog"),
        ({}, "unknown", "opt_in", "dialog"),
    ],
)
def test_banner_json_reports_the_jurisdiction_and_shows_its_overlay(
    geo_client: t.Any, headers: dict[str, str], jurisdiction: str, regime: str, banner: str
) -> None:
    resp = geo_client.get("/v1/sites/demo/banner.json?locale=en", headers=headers)
    assert resp.status_code == 200
    body = resp.json
    assert (body["jurisdiction"], body["regime"], body["overlay"]["banner"]) == (
        jurisdiction,
        regime,
        banner,
    )
    assert resp.headers["Cache-Control"] == "private, max-age=300"
    vary = {v.strip() for v in resp.headers["Vary"].split(",")}
    assert {"Accept-Language", "Sec-GPC", "CF-IPCountry", "CF-Region-Code"} <= vary


def test_the_overlay_shown_is_in_the_shown_hash(geo_client: t.Any) -> None:
    us = geo_client.get("/v1/sites/demo/banner.json?locale=en", headers=_cf("US", "CA")).json
    de = geo_client.get("/v1/sites/demo/banner.json?locale=en", headers=_cf("DE")).json
    assert us["shown_hash"] != de["shown_hash"]
    assert us["overlay"]["granted"] == ["functional", "analytics", "personalisation", "advertising"]
    assert de["overlay"]["granted"] == []


def test_a_forged_header_is_never_echoed(geo_client: t.Any) -> None:
    forged = {"CF-IPCountry": "<script>alert(1)</script>", "CF-Region-Code": "\u202eCA"}
    for path in ("banner.json?locale=en", "jurisdiction"):
        resp = geo_client.get(f"/v1/sites/demo/{path}", headers=forged)
        assert resp.status_code == 200
        assert resp.json["jurisdiction"] == "unknown" and resp.json["regime"] == "opt_in"
        assert b"alert(1)" not in resp.data and "\u202e".encode() not in resp.data


def test_a_site_without_jurisdictions_keeps_its_cacheable_banner_byte_for_byte(
    make_app: t.Callable[..., t.Any], sites_dir: Path
) -> None:
    _without_jurisdictions(sites_dir)
    app = make_app(**GEO)
    client = app.test_client()
    config = app.extensions["cookiegate"].sites["demo"]
    with app.test_request_context():
        content = banner_content(config, "en")
    # banner.json as it has always been built: content, its hash and the GPC flag.
    expected = {**content, "shown_hash": content_hash(content), "gpc": False}
    raw = json.dumps(expected, sort_keys=True, separators=(",", ":")).encode()
    for headers in ({}, _cf("US", "CA"), _cf("DE")):
        resp = client.get("/v1/sites/demo/banner.json?locale=en", headers=headers)
        assert resp.data == raw
        assert resp.headers["Cache-Control"] == "public, max-age=300"
        assert resp.headers["Vary"] == "Accept-Language, Sec-GPC, Accept-Encoding"


def test_the_lookup_answers_the_place_and_regime(geo_client: t.Any) -> None:
    resp = geo_client.get("/v1/sites/demo/jurisdiction", headers=_cf("US", "CA"))
    assert resp.status_code == 200
    assert resp.json == {
        "site": "demo",
        "jurisdiction": "US-CA",
        "regime": "opt_out",
        "overlay": "us",
    }
    assert resp.headers["Cache-Control"] == "private, max-age=300"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "CF-IPCountry" in resp.headers["Vary"]


def test_the_lookup_of_an_unknown_site_is_a_json_404(geo_client: t.Any) -> None:
    resp = geo_client.get("/v1/sites/nosuchsite/jurisdiction")
    assert resp.status_code == 404
    assert resp.json["error"] == "not_found"


def test_the_lookup_without_jurisdictions_is_opt_in_everywhere(
    make_app: t.Callable[..., t.Any], sites_dir: Path
) -> None:
    _without_jurisdictions(sites_dir)
    client = make_app(**GEO).test_client()
    resp = client.get("/v1/sites/demo/jurisdiction", headers=_cf("US", "CA"))
    assert resp.json == {"site": "demo", "jurisdiction": "US", "regime": "opt_in", "overlay": None}


def test_once_built_the_lookup_and_banner_are_served_on_the_fast_path(
    make_app: t.Callable[..., t.Any],
) -> None:
    app = make_app(**GEO)
    client = app.test_client()
    handlers = app.extensions["cookiegate_fast_paths"].handlers

    def environ(path: str, headers: dict[str, str]) -> dict[str, t.Any]:
        return t.cast(dict[str, t.Any], EnvironBuilder(path=path, headers=headers).get_environ())

    for path in ("/v1/sites/demo/jurisdiction", "/v1/sites/demo/banner.json"):
        assert handlers[path](environ(path, _cf("US", "CA"))) is None  # not built yet
        first = client.get(path, headers=_cf("US", "CA"))
        prepared = handlers[path](environ(path, _cf("US", "CA")))
        assert prepared is not None
        assert prepared.variants["identity"][0] == first.data
        # Another place is another answer, built by the route first.
        assert handlers[path](environ(path, _cf("DE"))) is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"GEO_COUNTRY_HEADER": "CF IPCountry"}, "is not an HTTP header name"),
        ({"GEO_REGION_HEADER": "CF-Region-Code"}, "without COOKIEGATE_GEO_COUNTRY_HEADER"),
    ],
)
def test_bad_geo_settings_stop_the_start(
    make_app: t.Callable[..., t.Any], settings: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        make_app(**settings)


def test_the_demo_config_is_valid_toml_with_overlays() -> None:
    from cookiegate.core.settings import DEMO_SITES_DIR

    data = tomllib.loads((DEMO_SITES_DIR / "demo.toml").read_text())
    assert set(data["jurisdictions"]) == {"default", "eu", "uk", "us"}


def _placed_body(client: t.Any, headers: dict[str, str], **changes: t.Any) -> dict[str, t.Any]:
    """A refusal of the banner shown to a visitor with these geo headers."""
    return Visitor(client, headers=headers).body("reject_all", **changes)


def _post(client: t.Any, body: dict[str, t.Any], headers: dict[str, str]) -> t.Any:
    return Visitor(client, headers=headers).post(body)


def _proof(app: t.Any, consent_id: str) -> dict[str, t.Any]:
    found = ledger.find_proof(app.extensions["cookiegate"].store, "demo", consent_id)
    assert found is not None
    return dict(found)


def test_a_proof_seals_the_place_the_server_resolved_not_the_clients_word(
    make_app: t.Callable[..., t.Any],
) -> None:
    app = make_app(**GEO)
    client = app.test_client()
    ca = _cf("US", "CA")
    resp = _post(client, _placed_body(client, ca, jurisdiction="GB", regime="opt_out"), ca)
    assert resp.status_code == 201, resp.json
    proof = _proof(app, resp.json["consent_id"])
    assert (proof["jurisdiction"], proof["regime"]) == ("US-CA", "opt_out")
    # A stricter claim is harmless; the server's place is what is sealed.
    resp = _post(client, _placed_body(client, ca, regime="opt_in"), ca)
    assert resp.status_code == 201
    assert _proof(app, resp.json["consent_id"])["regime"] == "opt_out"


def test_a_client_claiming_a_weaker_regime_is_refused_and_nothing_is_written(
    make_app: t.Callable[..., t.Any],
) -> None:
    app = make_app(**GEO)
    client = app.test_client()
    state = app.extensions["cookiegate"]
    before = count_proofs(state)
    de = _cf("DE")
    resp = _post(client, _placed_body(client, de, jurisdiction="US-CA", regime="opt_out"), de)
    assert resp.status_code == 400
    assert resp.json["message"] == (
        "The request claims the regime 'opt_out', but this visitor's place (DE) is under "
        "'opt_in'; reload the banner."
    )
    resp = _post(client, _placed_body(client, de, regime="lenient"), de)
    assert resp.status_code == 400
    assert "'regime' must be one of" in resp.json["message"]
    assert count_proofs(state) == before


def test_a_banner_shown_for_another_place_is_stale(make_app: t.Callable[..., t.Any]) -> None:
    client = make_app(**GEO).test_client()
    resp = _post(client, _placed_body(client, _cf("US", "CA")), _cf("DE"))
    assert resp.status_code == 409


def test_placed_banners_kept_per_process_stay_bounded_and_come_back_byte_for_byte(
    make_app: t.Callable[..., t.Any],
) -> None:
    """One prepared banner.json per jurisdiction x locale x GPC would grow to ~15,000 bodies
    per worker; only the most recently used are kept, and one dropped is rebuilt the same."""
    app = make_app(**GEO)
    state = app.extensions["cookiegate"]
    state.recent_limit = 3
    client = app.test_client()
    config = state.sites["demo"]
    places = [("US", "CA"), ("DE", None), ("GB", "ENG"), ("US", "FL"), ("FR", None)]
    first: dict[tuple[t.Any, ...], bytes] = {}
    for _ in range(2):  # the second pass asks again for answers dropped in the first
        for country, region in places:
            for gpc in (False, True):
                headers = {**_cf(country, region), **({"Sec-GPC": "1"} if gpc else {})}
                url = "/v1/sites/demo/banner.json?locale=de"
                plain = client.get(url, headers={**headers, "Accept-Encoding": "identity"})
                br = client.get(url, headers={**headers, "Accept-Encoding": "br"})
                gz = client.get(url, headers={**headers, "Accept-Encoding": "gzip"})
                assert brotli.decompress(br.data) == gzip.decompress(gz.data) == plain.data
                body = plain.json
                with app.test_request_context():
                    content = banner_content(config, "de", body["overlay"]["name"])
                expected = {
                    **content,
                    "shown_hash": content_hash(content),
                    "gpc": gpc,
                    "adpc": False,
                    "jurisdiction": body["jurisdiction"],
                }
                raw = json.dumps(expected, sort_keys=True, separators=(",", ":")).encode()
                assert plain.data == raw
                key = (country, region, gpc)
                assert first.setdefault(key, br.data + gz.data) == br.data + gz.data
                kept = [k for k in (*state._served, *state._recent) if k[0] == "banner"]
                assert 1 <= len(kept) <= 3
    assert len(first) == 10


def _opt_out_body(client: t.Any, headers: dict[str, str], method: str) -> dict[str, t.Any]:
    """What the banner chunk posts under the US overlay: its granted categories, advertising
    off unless the method is the notice itself."""
    banner = Visitor(client, headers=headers).banner()
    granted = banner["overlay"]["granted"]
    choices = {
        c["id"]: c["id"] in granted and (method == "notice" or c["id"] != "advertising")
        for c in banner["categories"]
        if not c["locked"]
    }
    return Visitor(client, headers=headers).body(method, choices=choices, regime="opt_out")


@pytest.mark.parametrize(
    ("method", "extra"),
    [("notice", {}), ("opt_out", {}), ("signal:gpc", {"Sec-GPC": "1"})],
)
def test_a_californian_proof_records_how_the_opt_out_regime_applied(
    make_app: t.Callable[..., t.Any], method: str, extra: dict[str, str]
) -> None:
    app = make_app(**GEO)
    client = app.test_client()
    ca = {**_cf("US", "CA"), **extra}
    resp = _post(client, _opt_out_body(client, ca, method), ca)
    assert resp.status_code == 201, resp.json
    proof = _proof(app, resp.json["consent_id"])
    assert (proof["method"], proof["jurisdiction"], proof["regime"]) == (
        method,
        "US-CA",
        "opt_out",
    )


def test_a_notice_proof_from_an_opt_in_place_is_refused_and_nothing_is_written(
    make_app: t.Callable[..., t.Any],
) -> None:
    app = make_app(**GEO)
    client = app.test_client()
    state = app.extensions["cookiegate"]
    before = count_proofs(state)
    de = _cf("DE")
    choices = {c: True for c in ("functional", "analytics", "personalisation", "advertising")}
    body = Visitor(client, headers=de).body("notice", choices={**choices, "social": False})
    body["choices"]["marketing"] = False
    resp = _post(client, body, de)
    assert resp.status_code == 400
    assert "notice is only for an opt-out or notice regime" in resp.json["message"]
    assert count_proofs(state) == before


def test_the_opt_out_notice_texts_have_catalog_defaults_in_the_visitors_language(
    geo_client: t.Any,
) -> None:
    de = geo_client.get("/v1/sites/demo/banner.json?locale=de", headers=_cf("US", "CA")).json
    assert de["overlay"]["texts"]["do_not_sell"] == (
        "Meine personenbezogenen Daten nicht verkaufen oder weitergeben"
    )
    assert set(de["overlay"]["texts"]) == {
        "do_not_sell",
        "privacy_choices",
        "notice_title",
        "notice_description",
    }
    eu = geo_client.get("/v1/sites/demo/banner.json?locale=de", headers=_cf("DE")).json
    assert eu["overlay"]["texts"] == {}


@pytest.mark.parametrize(
    ("header", "objects"),
    [
        ("withdraw=*", True),
        ("object=*", True),
        ("object=direct-marketing, withdraw=*", True),
        ('consent="analytics"', False),
        ("object=direct-marketing", False),
        ("withdraw", False),
        ("", False),
        ("withdraw=*" + " " * 2000, False),  # past any real header's length: not read
    ],
)
def test_banner_json_says_whether_the_adpc_header_objects_to_everything(
    geo_client: t.Any, header: str, objects: bool
) -> None:
    headers = {**_cf("DE"), **({"ADPC": header} if header else {})}
    resp = geo_client.get("/v1/sites/demo/banner.json?locale=en", headers=headers)
    assert resp.status_code == 200
    assert resp.json["adpc"] is objects
    assert "ADPC" in {v.strip() for v in resp.headers["Vary"].split(",")}
    # Built once, then served from memory on the fast path: the same answer.
    again = geo_client.get("/v1/sites/demo/banner.json?locale=en", headers=headers)
    assert again.json["adpc"] is objects
