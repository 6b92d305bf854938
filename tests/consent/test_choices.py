"""Choice validation: choices that cover the site and agree with their method."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent.choices import Method
from cookiegate.consent.choices import parse_decision
from cookiegate.core.errors import ChoiceError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import load_site

CONFIG = load_site(DEMO_SITES_DIR / "demo.toml")
OPTIONAL = [c.id for c in CONFIG.optional_categories]


def test_custom_choice_with_service_override() -> None:
    choices = {c: c == "analytics" for c in OPTIONAL}
    decision = parse_decision(CONFIG, Method.CUSTOM, choices, {"youtube": True})
    assert decision.allows(CONFIG, "google-analytics")
    assert decision.allows(CONFIG, "youtube")
    assert not decision.allows(CONFIG, "facebook-login")
    assert decision.allows(CONFIG, "stripe")


def test_gpc_allows_everything_but_advertising() -> None:
    choices = {c: c != "advertising" for c in OPTIONAL}
    assert parse_decision(CONFIG, Method.GPC, choices, {}).categories["advertising"] is False
    with pytest.raises(ChoiceError, match="gpc must refuse"):
        parse_decision(CONFIG, Method.GPC, choices, {"meta-pixel": True})


def test_necessary_services_cannot_be_refused() -> None:
    with pytest.raises(ChoiceError, match="strictly necessary"):
        parse_decision(CONFIG, Method.CUSTOM, {c: False for c in OPTIONAL}, {"stripe": False})


@given(
    categories=st.dictionaries(
        st.sampled_from([*OPTIONAL, "necessary", "x"]), st.booleans() | st.integers() | st.none()
    ),
    services=st.dictionaries(st.sampled_from(["youtube", "stripe", "nope"]), st.booleans()),
    method=st.sampled_from(list(Method)),
)
def test_any_choice_object_is_accepted_or_refused_with_choice_error(
    categories: dict, services: dict, method: Method
) -> None:  # type: ignore[type-arg]
    try:
        decision = parse_decision(CONFIG, method, categories, services)
    except ChoiceError as e:
        assert e.field in {"method", "services", "choices"} or "." in e.field
        return
    assert set(decision.categories) == {c.id for c in CONFIG.categories}
    assert decision.categories["necessary"] is True
