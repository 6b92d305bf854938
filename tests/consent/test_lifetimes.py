"""Which choices are refusals, and how long each kind of choice is remembered."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent.choices import Decision
from cookiegate.consent.choices import Method
from cookiegate.consent.choices import parse_decision
from cookiegate.consent.lifetimes import is_refusal
from cookiegate.consent.lifetimes import token_fields
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.purposes import purposes_hash

DEMO = load_site(DEMO_SITES_DIR / "demo.toml")
OPTIONAL = [c.id for c in DEMO.optional_categories]
OPTIONAL_SERVICES = [s.id for s in DEMO.services if s.category in OPTIONAL]
LOCKED_SERVICES = [s.id for s in DEMO.services if s.category not in OPTIONAL]
NOW = 1_800_000_000


def _decision(granted: t.Iterable[str] = (), services: dict[str, bool] | None = None) -> Decision:
    cats = {c.id: c.locked or c.id in granted for c in DEMO.categories}
    return Decision(cats, services or {})


@given(
    refused_services=st.lists(st.sampled_from(OPTIONAL_SERVICES), unique=True),
    necessary=st.lists(st.sampled_from(LOCKED_SERVICES), unique=True),
)
def test_nothing_optional_granted_is_a_refusal_whatever_services_are_switched_off(
    refused_services: list[str], necessary: list[str]
) -> None:
    services = {s: False for s in refused_services} | {s: True for s in necessary}
    assert is_refusal(DEMO, _decision((), services))


@given(
    category=st.sampled_from(OPTIONAL),
    service=st.sampled_from(OPTIONAL_SERVICES),
    how=st.sampled_from(["category", "service"]),
)
def test_anything_optional_granted_makes_it_an_acceptance(
    category: str, service: str, how: str
) -> None:
    decision = _decision([category]) if how == "category" else _decision((), {service: True})
    assert not is_refusal(DEMO, decision)


@pytest.mark.parametrize(
    ("method", "granted", "refusal"),
    [
        (Method.REJECT_ALL, [], True),
        (Method.WITHDRAW, [], True),
        (Method.CUSTOM, [], True),
        (Method.GPC, [], True),
        (Method.GPC, ["analytics"], False),  # GPC refuses advertising only: a partial choice
        (Method.CUSTOM, ["functional"], False),
        (Method.ACCEPT_ALL, OPTIONAL, False),
    ],
)
def test_the_outcome_not_the_method_decides(
    method: Method, granted: list[str], refusal: bool
) -> None:
    choices = {c: c in granted for c in OPTIONAL}
    decision = parse_decision(DEMO, method, choices, {})
    assert is_refusal(DEMO, decision) is refusal


def test_a_refusal_lives_for_the_refusal_lifetime_and_an_acceptance_for_the_consent_lifetime() -> (
    None
):
    refusal = token_fields(DEMO, _decision(), NOW)
    assert refusal == {
        "expires_at": NOW + 182 * 86400,
        "refusal": True,
        "purposes": purposes_hash(DEMO),
    }
    partial = token_fields(DEMO, _decision(["analytics"]), NOW)
    assert partial["expires_at"] == NOW + 180 * 86400 and partial["refusal"] is False
    assert DEMO.longest_lifetime_days == 182


def test_a_config_with_other_services_gets_its_own_purposes_hash_and_categories() -> None:
    """The facts a token needs are kept per config object: one loaded again differs."""
    fewer = dataclasses.replace(DEMO, services=DEMO.services[1:])
    assert DEMO.purposes_hash == purposes_hash(DEMO)
    assert fewer.purposes_hash == purposes_hash(fewer) != DEMO.purposes_hash
    assert DEMO.services[0].id in DEMO.category_of
    assert DEMO.services[0].id not in fewer.category_of
    assert token_fields(fewer, _decision(), NOW)["purposes"] == purposes_hash(fewer)
