"""Choice validation and page-URL minimisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent.choices import Method
from cookiegate.consent.choices import parse_decision
from cookiegate.consent.choices import strip_url
from cookiegate.core.errors import ChoiceError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import load_site

CONFIG = load_site(DEMO_SITES_DIR / "demo.toml")
OPTIONAL = [c.id for c in CONFIG.optional_categories]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://shop.example/p/1?email=a@b.c&utm=x#top", "https://shop.example/p/1"),
        ("https://user:pw@shop.example:8443/basket", "https://shop.example:8443/basket"),
        ("http://SHOP.example", "http://shop.example/"),
        ("http://[2001:db8::1]:8080/a?b", "http://[2001:db8::1]:8080/a"),
    ],
)
def test_page_url_keeps_only_scheme_host_and_path(url: str, kept: str) -> None:
    assert strip_url(url) == kept


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "/relative", "https://", "http://a:notaport/"],
)
def test_page_url_must_be_a_web_address(url: str) -> None:
    with pytest.raises(ChoiceError):
        strip_url(url)


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


@given(st.text(max_size=200))
def test_strip_url_only_raises_choice_error(url: str) -> None:
    try:
        kept = strip_url(url)
    except ChoiceError:
        return
    assert "?" not in kept and "#" not in kept


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
