"""Choice validation: choices that cover the site and agree with their method."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent.choices import Method
from cookiegate.consent.choices import in_force
from cookiegate.consent.choices import parse_decision
from cookiegate.core.errors import ChoiceError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.load import parse_site
from tests.site_fragments import UK_SITE

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


# ---- regimes: what an opt-out notice, Do Not Sell and browser signals may record

US = in_force(CONFIG, "us")
EU = in_force(CONFIG, "eu")
US_GRANTED = {c: c in US.granted for c in OPTIONAL}


def test_a_notice_proof_records_exactly_what_the_opt_out_overlay_starts_granted() -> None:
    decision = parse_decision(CONFIG, Method.NOTICE, US_GRANTED, {}, place=US)
    assert decision.categories["advertising"] is True and decision.categories["social"] is False


@pytest.mark.parametrize(
    ("choices", "services"),
    [
        ({c: True for c in OPTIONAL}, {}),  # more than the overlay grants
        ({**US_GRANTED, "advertising": False}, {}),  # less: that is an opt_out, not a notice
        (US_GRANTED, {"youtube": True}),
    ],
)
def test_a_notice_proof_that_differs_from_the_overlay_is_refused(
    choices: dict[str, bool], services: dict[str, bool]
) -> None:
    with pytest.raises(ChoiceError, match="notice must grant exactly"):
        parse_decision(CONFIG, Method.NOTICE, choices, services, place=US)


@pytest.mark.parametrize("method", [Method.NOTICE, Method.OPT_OUT])
def test_notice_and_do_not_sell_are_refused_where_consent_comes_first(method: Method) -> None:
    choices = {c: c in US.granted and c != "advertising" for c in OPTIONAL}
    with pytest.raises(ChoiceError, match="under opt_in"):
        parse_decision(CONFIG, method, choices, {}, place=EU)
    with pytest.raises(ChoiceError, match="under opt_in"):
        parse_decision(CONFIG, method, choices, {})  # a site's own rules: opt_in


@pytest.mark.parametrize("method", [Method.OPT_OUT, Method.SIGNAL_GPC])
def test_do_not_sell_and_gpc_signal_must_refuse_sale_and_targeted_ads(method: Method) -> None:
    kept = {**US_GRANTED, "advertising": False}
    assert parse_decision(CONFIG, method, kept, {}, place=US).categories["analytics"] is True
    with pytest.raises(ChoiceError, match="must refuse \\['advertising'\\]"):
        parse_decision(CONFIG, method, US_GRANTED, {}, place=US)
    with pytest.raises(ChoiceError, match="must refuse"):
        parse_decision(CONFIG, method, kept, {"meta-pixel": True}, place=US)


def test_a_gpc_signal_proof_is_accepted_with_sec_gpc() -> None:
    kept = {**US_GRANTED, "advertising": False}
    decision = parse_decision(CONFIG, Method.SIGNAL_GPC, kept, {}, gpc=True, place=US)
    assert decision.categories["advertising"] is False
    with pytest.raises(ChoiceError, match="Sec-GPC"):
        parse_decision(CONFIG, Method.NOTICE, US_GRANTED, {}, gpc=True, place=US)


def test_an_adpc_objection_refuses_everything_optional_in_any_regime() -> None:
    off = {c: False for c in OPTIONAL}
    for place in (US, EU):
        assert not any(parse_decision(CONFIG, Method.SIGNAL_ADPC, off, {}, place=place).services)
    with pytest.raises(ChoiceError, match="signal:adpc must refuse every optional"):
        parse_decision(CONFIG, Method.SIGNAL_ADPC, {**off, "analytics": True}, {}, place=US)


UK_CONFIG = parse_site(
    tomllib.loads(
        (DEMO_SITES_DIR / "demo.toml")
        .read_text()
        .replace('places = ["GB"]', 'places = ["GB"]\nuk_statistics_exception = true')
        + UK_SITE
    )
)


def test_the_uk_statistics_exception_is_the_visitors_places_not_the_sites() -> None:
    off = {c: False for c in OPTIONAL}
    uk, eu = in_force(UK_CONFIG, "uk"), in_force(UK_CONFIG, "eu")
    assert uk.exempt == ("voltline-stats",) and eu.exempt == ()
    decision = parse_decision(UK_CONFIG, Method.REJECT_ALL, off, {}, place=eu)
    assert decision.allows(UK_CONFIG, "voltline-stats", uk)
    assert not decision.allows(UK_CONFIG, "voltline-stats", eu)
    objected = {"voltline-stats": False}
    assert parse_decision(UK_CONFIG, Method.OBJECTION, off, objected, place=uk)
    with pytest.raises(
        ChoiceError, match="only for statistics run under the UK statistics exception"
    ):
        parse_decision(UK_CONFIG, Method.OBJECTION, off, objected, place=eu)
