"""Global Privacy Control on the server: Sec-GPC on banner.json and consents, gpc.json."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent.choices import Method
from cookiegate.consent.choices import parse_decision
from cookiegate.core.errors import ChoiceError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import load_site

from ..conftest import Visitor
from ..conftest import count_proofs

GPC = {"Sec-GPC": "1"}
CONFIG = load_site(DEMO_SITES_DIR / "demo.toml")
REFUSED = {c.id for c in CONFIG.categories if c.gpc_refuses}


@given(
    method=st.sampled_from(list(Method)),
    choices=st.fixed_dictionaries({c.id: st.booleans() for c in CONFIG.optional_categories}),
    services=st.dictionaries(st.sampled_from([s.id for s in CONFIG.services]), st.booleans()),
)
def test_no_choice_under_sec_gpc_lets_a_refused_service_run(
    method: Method, choices: dict[str, bool], services: dict[str, bool]
) -> None:
    try:
        decision = parse_decision(CONFIG, method, choices, services, gpc=True)
    except ChoiceError:
        return
    assert not any(decision.allows(CONFIG, s.id) for s in CONFIG.services if s.category in REFUSED)


def test_banner_json_says_whether_the_request_carried_gpc(client: t.Any) -> None:
    url = "/v1/sites/demo/banner.json?locale=en"
    plain, signalled = client.get(url), client.get(url, headers=GPC)
    assert plain.json["gpc"] is False and signalled.json["gpc"] is True
    # Shared caches keep the two answers apart.
    assert "Sec-GPC" in signalled.headers["Vary"]
    # What the visitor is shown (and its hash in every proof) does not change.
    assert plain.json["shown_hash"] == signalled.json["shown_hash"]


@pytest.mark.parametrize("value", ["0", "", "true", "1, 1", "yes"])
def test_only_the_value_1_is_the_signal(client: t.Any, value: str) -> None:
    resp = client.get("/v1/sites/demo/banner.json", headers={"Sec-GPC": value})
    assert resp.json["gpc"] is False


def _grant_ads(visitor: Visitor, method: str) -> dict[str, t.Any]:
    body = visitor.body(method)
    body["choices"]["advertising"] = True
    return body


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("accept all", lambda v: v.body("accept_all")),
        ("custom granting advertising", lambda v: _grant_ads(v, "custom")),
        (
            "custom granting an ad service",
            lambda v: v.body("custom", services={"meta-pixel": True}),
        ),
    ],
)
def test_a_request_carrying_gpc_cannot_grant_what_gpc_refuses(
    visitor: Visitor, state: t.Any, name: str, body: t.Any
) -> None:
    resp = visitor.post(body(visitor), headers=GPC)
    assert resp.status_code == 400, name
    assert resp.json["error"] == "bad_request"
    assert "Sec-GPC: 1" in resp.json["message"] and "advertising" in resp.json["message"]
    assert count_proofs(state) == 0


def test_the_same_choice_without_the_signal_is_recorded(visitor: Visitor, state: t.Any) -> None:
    assert visitor.post(visitor.body("accept_all")).status_code == 201
    assert visitor.post(_grant_ads(visitor, "custom")).status_code == 201
    assert count_proofs(state) == 2


def test_a_request_carrying_gpc_records_gpc_custom_and_reject(
    visitor: Visitor, client: t.Any, state: t.Any
) -> None:
    gpc = visitor.body("gpc")
    gpc["choices"] = {**gpc["choices"], "analytics": True, "advertising": False}
    custom = visitor.body("custom")
    custom["choices"]["analytics"] = True
    for body in (gpc, custom, visitor.body("reject_all")):
        resp = visitor.post(body, headers=GPC)
        assert resp.status_code == 201, resp.json
    receipt = client.get(
        f"/v1/sites/demo/consents/{resp.json['consent_id']}",
        headers={"Authorization": f"Bearer {resp.json['token']}"},
    )
    assert receipt.json["method"] == "reject_all"
    assert count_proofs(state) == 3


def test_gpc_after_an_opt_in_is_recorded_as_a_new_proof_linked_to_the_old(
    visitor: Visitor, client: t.Any
) -> None:
    first = visitor.post(visitor.body("accept_all")).json
    body = visitor.body("gpc")
    body["choices"] = {**body["choices"], **{k: True for k in body["choices"]}}
    body["choices"]["advertising"] = False
    body["previous_token"] = first["token"]
    second = visitor.post(body, headers=GPC)
    assert second.status_code == 201
    proof = client.get(
        f"/v1/sites/demo/consents/{second.json['consent_id']}",
        headers={"Authorization": f"Bearer {second.json['token']}"},
    ).json
    assert proof["method"] == "gpc" and proof["previous_id"] == first["consent_id"]
    assert proof["choices"]["categories"]["advertising"] is False


@pytest.mark.parametrize("url", ["/.well-known/gpc.json", "/v1/sites/demo/gpc.json"])
def test_gpc_json_declares_support_per_the_gpc_spec(client: t.Any, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.json == {"gpc": True, "lastUpdate": "2026-11-30"}
    assert resp.cache_control.public and resp.cache_control.max_age == 86400
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_a_site_that_refuses_nothing_under_gpc_does_not_claim_to_honour_it(
    sites_dir: Path, make_app: t.Any
) -> None:
    path = sites_dir / "demo.toml"
    (sites_dir / "shop2.toml").write_text(path.read_text().replace('id = "demo"', 'id = "shop2"'))
    path.write_text(path.read_text().replace("gpc_refuses = true", "gpc_refuses = false"))
    client = make_app().test_client()
    assert client.get("/v1/sites/demo/gpc.json").json["gpc"] is False
    assert client.get("/v1/sites/shop2/gpc.json").json["gpc"] is True
    # The host-wide file speaks for every site it serves, so one exception makes it false.
    assert client.get("/.well-known/gpc.json").json["gpc"] is False


def test_gpc_json_of_an_unknown_site_is_a_json_404(client: t.Any) -> None:
    resp = client.get("/v1/sites/nope/gpc.json")
    assert resp.status_code == 404 and "nope" in resp.json["message"]
