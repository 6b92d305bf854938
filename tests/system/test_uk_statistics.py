"""The UK statistics exception on the server: rules for the loader, objections recorded."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from cookiegate.services import records as reports

from ..conftest import Visitor
from ..conftest import count_proofs
from ..conftest import inlined_rules
from ..site_fragments import uk_only


@pytest.fixture
def uk_client(sites_dir: Path, make_app: t.Any) -> t.Any:
    path = sites_dir / "demo.toml"
    path.write_text(uk_only(path.read_text()))
    return make_app().test_client()


@pytest.fixture
def uk_visitor(uk_client: t.Any) -> Visitor:
    return Visitor(uk_client)


def _objection(v: Visitor, **services: bool) -> dict[str, t.Any]:
    return v.body("objection", services={"voltline-stats": False, **services})


def test_the_loader_lets_exempt_services_run_and_the_banner_names_them(uk_client: t.Any) -> None:
    rules = inlined_rules(uk_client.get("/v1/sites/demo/loader.js").get_data(as_text=True))
    assert rules["uk"] == ["voltline-stats"]
    banner = uk_client.get("/v1/sites/demo/banner.json?locale=en").json
    assert banner["uk_statistics"] == ["voltline-stats"]
    assert banner["texts"]["object"] == "Object"
    assert "object" in banner["texts"]["uk_stats_notice"]


def test_without_the_switch_nothing_runs_without_consent(client: t.Any) -> None:
    rules = inlined_rules(client.get("/v1/sites/demo/loader.js").get_data(as_text=True))
    assert rules["uk"] == []
    assert client.get("/v1/sites/demo/banner.json").json["uk_statistics"] == []


def test_an_objection_is_recorded_as_its_own_method(uk_visitor: Visitor, uk_client: t.Any) -> None:
    resp = uk_visitor.post(_objection(uk_visitor))
    assert resp.status_code == 201, resp.json
    proof = uk_client.get(
        f"/v1/sites/demo/consents/{resp.json['consent_id']}",
        headers={"Authorization": f"Bearer {resp.json['token']}"},
    ).json
    assert proof["method"] == "objection"
    assert proof["choices"]["services"] == {"voltline-stats": False}


def test_objections_are_counted_and_filtered_in_reports(
    uk_visitor: Visitor, uk_client: t.Any, clock: t.Any
) -> None:
    uk_visitor.post(_objection(uk_visitor))
    uk_visitor.post(uk_visitor.body("reject_all"))
    store = uk_client.application.extensions["cookiegate"].store
    day = clock.now.date().isoformat()
    query = reports.parse_query({"demo"}, "demo", day, day, "objection", today=clock.now.date())
    data = reports.dashboard(store, query.range, query.start, query.end)
    assert data.total == 1 and data.by_method[day]["objection"] == 1


def test_an_objection_keeps_the_visitors_other_choices(uk_visitor: Visitor) -> None:
    body = _objection(uk_visitor, **{"youtube": True})
    body["choices"]["analytics"] = True
    assert uk_visitor.post(body).status_code == 201


@pytest.mark.parametrize("services", [{}, {"voltline-stats": True}])
def test_an_objection_must_stop_every_exempt_service(
    uk_visitor: Visitor, services: dict[str, bool]
) -> None:
    resp = uk_visitor.post(uk_visitor.body("objection", services=services))
    assert resp.status_code == 400
    assert "objection must set every service" in resp.json["message"]


def test_an_objection_on_a_site_without_the_exception_is_refused(
    visitor: Visitor, state: t.Any
) -> None:
    resp = visitor.post(visitor.body("objection", services={"google-analytics": False}))
    assert resp.status_code == 400
    assert "which neither this site nor this visitor's place uses" in resp.json["message"]
    assert count_proofs(state) == 0


def test_an_objection_under_gpc_cannot_grant_advertising(uk_visitor: Visitor) -> None:
    body = _objection(uk_visitor)
    body["choices"]["advertising"] = True
    assert uk_visitor.post(body, headers={"Sec-GPC": "1"}).status_code == 400
    assert uk_visitor.post(body).status_code == 201


def test_reject_all_may_carry_an_objection_but_accept_all_lifts_it(uk_visitor: Visitor) -> None:
    kept = uk_visitor.body("reject_all", services={"voltline-stats": False})
    assert uk_visitor.post(kept).status_code == 201
    still = uk_visitor.body("accept_all", services={"voltline-stats": False})
    assert uk_visitor.post(still).status_code == 400
