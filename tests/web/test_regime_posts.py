"""Consent POSTs under the visitor's regime and signals (issue 16's follow-ups).

- The ADPC header (https://www.dataprotectioncontrol.org/spec/, section 7) withdrawing every
  consent or objecting to all is the visitor's standing decision, sent with the POST itself: a
  POST that grants anything optional is refused (400, nothing written), as one under
  ``Sec-GPC: 1`` that grants what GPC refuses; the banner then records ``signal:adpc``.
- ``signal:gpc`` claims the opt-out regime's standing opt-out; from an opt-in place it is
  refused (the dialog's GPC choice there is ``gpc``).
- A proof made under an overlay with the UK statistics exception gives a token that says so
  (``uk``), and the loader of such a site carries the exception's services (``ukt``) to run
  them for the returning visitor; no other token or loader changes.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from cookiegate.consent import tokens
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.loader.payload import loader_rules
from cookiegate.siteconfig import load_site
from tests.site_fragments import UK_SITE

from ..conftest import KEYS
from ..conftest import Visitor
from ..conftest import count_proofs

GEO = {"GEO_COUNTRY_HEADER": "CF-IPCountry", "GEO_REGION_HEADER": "CF-Region-Code"}
DE = {"CF-IPCountry": "DE"}
UK = {"CF-IPCountry": "GB", "CF-Region-Code": "ENG"}
CA = {"CF-IPCountry": "US", "CF-Region-Code": "CA"}


def _with_uk_exception(sites_dir: Path) -> None:
    """The demo site with its UK overlay using the UK statistics exception."""
    path = sites_dir / "demo.toml"
    site = path.read_text()
    site = site.replace('places = ["GB"]', 'places = ["GB"]\nuk_statistics_exception = true', 1)
    path.write_text(site + UK_SITE)


@pytest.fixture
def uk_app(make_app: t.Callable[..., t.Any], sites_dir: Path) -> t.Any:
    _with_uk_exception(sites_dir)
    return make_app(**GEO)


def _post(client: t.Any, place: dict[str, str], method: str, **changes: t.Any) -> t.Any:
    visitor = Visitor(client, headers=place)
    return visitor.post(visitor.body(method, **changes))


@pytest.mark.parametrize(
    "header", ["withdraw=*", "object=*", "object=direct-marketing, withdraw=*"]
)
@pytest.mark.parametrize(
    ("method", "category", "service"),
    [("accept_all", None, None), ("custom", "analytics", None), ("custom", None, "youtube")],
    ids=["accept_all", "one-category", "one-service"],
)
def test_a_post_under_an_adpc_objection_that_grants_anything_is_refused_and_nothing_written(
    make_app: t.Callable[..., t.Any],
    header: str,
    method: str,
    category: str | None,
    service: str | None,
) -> None:
    app = make_app(**GEO)
    client, before = app.test_client(), count_proofs(app.extensions["cookiegate"])
    visitor = Visitor(client, headers={**DE, "ADPC": header})
    body = visitor.body(method)
    if category:
        body["choices"][category] = True
    if service:
        body["services"] = {service: True}
    resp = visitor.post(body)
    assert resp.status_code == 400
    assert "ADPC header withdrawing every consent or objecting to all" in resp.json["message"]
    assert "send method 'signal:adpc'" in resp.json["message"]
    assert count_proofs(app.extensions["cookiegate"]) == before


@pytest.mark.parametrize("method", ["signal:adpc", "reject_all"])
def test_a_post_under_an_adpc_objection_that_refuses_everything_is_recorded(
    make_app: t.Callable[..., t.Any], method: str
) -> None:
    client = make_app(**GEO).test_client()
    for place in (DE, CA):
        assert _post(client, {**place, "ADPC": "withdraw=*"}, method).status_code == 201


@pytest.mark.parametrize("header", ["object=direct-marketing", 'consent="analytics"', "withdraw"])
def test_an_adpc_header_that_objects_to_less_than_everything_refuses_nothing(
    make_app: t.Callable[..., t.Any], header: str
) -> None:
    client = make_app(**GEO).test_client()
    assert _post(client, {**DE, "ADPC": header}, "accept_all").status_code == 201


def test_under_adpc_the_uk_exceptions_statistics_count_as_granted_until_objected(
    uk_app: t.Any,
) -> None:
    client = uk_app.test_client()
    adpc = {**UK, "ADPC": "object=*"}
    resp = _post(client, adpc, "reject_all")
    assert resp.status_code == 400
    assert "cannot grant ['voltline-stats']" in resp.json["message"]
    resp = _post(client, adpc, "signal:adpc", services={"voltline-stats": False})
    assert resp.status_code == 201, resp.json


def test_a_gpc_signal_proof_from_an_opt_in_place_is_refused(
    make_app: t.Callable[..., t.Any],
) -> None:
    client = make_app(**GEO).test_client()
    resp = _post(client, {**DE, "Sec-GPC": "1"}, "signal:gpc")
    assert resp.status_code == 400
    assert "under opt_in: record the dialog's choice as gpc" in resp.json["message"]
    assert _post(client, {**DE, "Sec-GPC": "1"}, "gpc").status_code == 201


def _token(resp: t.Any) -> tokens.ConsentToken:
    assert resp.status_code == 201, resp.json
    return tokens.verify(KEYS.split(","), resp.json["token"], "demo", now=None)


def test_a_token_given_under_the_uk_exception_says_so_and_no_other(uk_app: t.Any) -> None:
    client = uk_app.test_client()
    uk = _token(_post(client, UK, "reject_all"))
    assert uk.uk is True and uk.to_payload()["uk"] is True
    assert _token(_post(client, UK, "accept_all")).uk is True
    for place in (DE, {"CF-IPCountry": "XX"}):
        token = _token(_post(client, place, "reject_all"))
        assert token.uk is False and "uk" not in token.to_payload()


def test_the_loader_carries_the_uk_exception_for_tokens_only_on_sites_whose_overlay_uses_it(
    sites_dir: Path,
) -> None:
    _with_uk_exception(sites_dir)
    uk_site = load_site(sites_dir / "demo.toml")
    rules = loader_rules(uk_site, banner_version="v", reopen_label="Cookies")
    assert rules["uk"] == [] and rules["ukt"] == ["voltline-stats"]
    plain = loader_rules(
        load_site(DEMO_SITES_DIR / "demo.toml"), banner_version="v", reopen_label="Cookies"
    )
    assert "ukt" not in plain
