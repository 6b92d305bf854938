"""The declaration over HTTP (JSON, the HTML fragment per locale), in the published set, in
every proof of consent, and on the admin page with its history and drift."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

import pytest

from cookiegate.services import declarations
from cookiegate.services import ledger
from cookiegate.services import scans

from ..admin_helpers import AdminActions
from ..conftest import FrozenClock
from ..conftest import Visitor
from ..declaration.scans import days
from ..declaration.scans import report

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def app(make_app: t.Callable[..., t.Any], compiled_translations: Path) -> t.Any:
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations))


def test_declaration_json_lists_every_service_with_its_revision_and_hash(client: t.Any) -> None:
    resp = client.get("/v1/sites/demo/declaration.json")
    assert resp.status_code == 200 and resp.content_type == "application/json"
    body = resp.json
    assert body["revision"] == 1 and len(body["hash"]) == 64
    services = {s["id"]: s for c in body["categories"] for s in c["services"]}
    assert {"cookiegate", "voltline-shop", "stripe", "google-analytics", "meta-pixel"} <= set(
        services
    )
    ga = {c["name"]: c for c in services["google-analytics"]["cookies"]}
    assert ga["_ga"]["declared_seconds"] == 2 * 365 * 86400
    assert ga["_ga"]["observed_on"] is None  # "declared only": no scan yet
    assert services["google-analytics"]["recipients"] == ["Google Ireland Limited"]


def test_fragment_in_english_and_german(client: t.Any) -> None:
    en = client.get("/v1/sites/demo/declaration.html?locale=en_GB")
    assert en.headers["Content-Language"] == "en-GB"
    text = en.get_data(as_text=True)
    assert "Cookie declaration" in text and "Declared only" in text
    assert "<code>_ga</code></th><td>Cookie</td><td>This site</td><td>2 years</td>" in text
    assert "Until you close the browser" in text  # vl_session
    de = client.get("/v1/sites/demo/declaration.html", headers={"Accept-Language": "de-AT"})
    text = de.get_data(as_text=True)
    assert de.headers["Vary"].startswith("Accept-Language")
    assert "Cookie-Erklärung" in text and "Anbieter" in text and "Nur deklariert" in text
    assert "<td>2 Jahre</td>" in text and "Unbedingt erforderlich" in text
    assert "Vereinigte Staaten" in text  # Google's countries, named in German by CLDR
    assert "data-cookiegate-open" in text  # the button that reopens the preferences


def test_fragment_has_no_inline_style_or_script_and_escapes_config_text(
    sites_dir: Path, make_app: t.Callable[..., t.Any]
) -> None:
    demo = sites_dir / "demo.toml"
    demo.write_text(demo.read_text().replace('name = "Stripe"', f"name = '{HOSTILE}'"))
    client = make_app().test_client()
    text = client.get("/v1/sites/demo/declaration.html?locale=en").get_data(as_text=True)
    assert HOSTILE not in text and "&lt;script&gt;alert(" in text
    assert "<script" not in text and "style=" not in text and "<style" not in text
    assert not re.search(r"\son[a-z]+=", text)


def test_the_declaration_is_in_the_published_set(client: t.Any, state: t.Any) -> None:
    paths = set(state.published)
    assert "/v1/sites/demo/declaration.json" in paths
    assert "/v1/sites/demo/declaration.css" in paths
    assert {
        f"/v1/sites/demo/declaration.{loc}.html" for loc in state.sites["demo"].locales
    } <= paths
    css = client.get("/v1/sites/demo/declaration.css")
    assert css.status_code == 200 and css.content_type.startswith("text/css")


def test_unknown_site_is_a_404(client: t.Any) -> None:
    resp = client.get("/v1/sites/nope/declaration.html")
    assert resp.status_code == 404 and "nope" in resp.json["message"]


def test_a_consent_proof_names_the_declaration_revision_shown(
    visitor: Visitor, state: t.Any
) -> None:
    published = visitor.client.get("/v1/sites/demo/declaration.json").json
    consent_id = visitor.post().json["consent_id"]
    proof = ledger.find_proof(state.store, "demo", consent_id)
    assert proof is not None
    assert proof["declaration_revision"] == published["revision"]
    assert proof["declaration_hash"] == published["hash"]
    assert declarations.stored_facts(state.store, "demo", proof["declaration_hash"]) is not None
    assert ledger.verify_log(state.store, "demo").ok


def test_a_saved_scan_makes_a_new_revision_observed_on_its_date(
    make_app: t.Callable[..., t.Any], compiled_translations: Path, clock: FrozenClock
) -> None:
    first = make_app(BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations))
    state = first.extensions["cookiegate"]
    config = state.sites["demo"]
    scans.save_latest(
        state.store,
        "demo",
        report(config, cookies=[("_ga", ".voltline.example", days(300))]),
        clock(),
    )
    clock.advance(days=1)
    second = make_app(BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations)).test_client()
    body = second.get("/v1/sites/demo/declaration.json").json
    assert body["revision"] == 2 and body["scanned_on"] == "2026-11-26"
    html = second.get("/v1/sites/demo/declaration.html?locale=en_GB").get_data(as_text=True)
    assert "Observed on 26 November 2026" in html
    history = declarations.history(state.store, "demo")
    assert [v.revision for v in history] == [2, 1]
    assert history[0].live_from.startswith("2026-11-27")


def test_admin_page_shows_history_and_drift(db_admin: AdminActions, clock: FrozenClock) -> None:
    state = db_admin.app.extensions["cookiegate"]
    config = state.sites["demo"]
    scan = report(config, cookies=[("_hjSessionUser_1", ".voltline.example", days(365))])
    scans.save_latest(state.store, "demo", scan, clock())
    db_admin.as_viewer()
    page = db_admin.client.get("/admin/sites/demo/declaration").get_data(as_text=True)
    assert 'id="declaration-history"' in page
    assert "_hjSessionUser_1" in page and "domain .voltline.example" in page
    assert 'href="/admin/sites/demo/declaration"' in db_admin.client.get("/admin/scans").get_data(
        as_text=True
    )


def test_the_admin_consent_page_names_the_declaration_revision(staff: AdminActions) -> None:
    consent_id = Visitor(staff.client).post().json["consent_id"]
    staff.as_viewer()
    page = staff.client.get(f"/admin/consents/{consent_id}").get_data(as_text=True)
    assert 'id="declaration"' in page and "Revision 1" in page
