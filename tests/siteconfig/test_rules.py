"""Disclosure and lawful-basis rules: each refusal names its field, the fixes load."""

from __future__ import annotations

import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate.consent.choices import Decision
from cookiegate.core.errors import ConfigError
from cookiegate.siteconfig.load import parse_site
from cookiegate.siteconfig.model import SiteConfig
from cookiegate.siteconfig.rules import GOOGLE_HOSTS
from cookiegate.siteconfig.rules import is_google_host
from cookiegate.siteconfig.rules import is_google_partner_page

#: A self-hosted analytics service on the demo shop's own domain.
STATS = {
    "name": "Voltline statistics",
    "provider": "Voltline Ltd",
    "category": "analytics",
    "description": "Counts visits to see which pages work, on our own server.",
    "patterns": ["stats.voltline.example/js", "stats.voltline.example/collect"],
    "cookies": ["vl_stats_id"],
}
#: A service the site writes itself, run by Google.
MAPS = {
    "name": "Store finder map",
    "provider": "Google Ireland Ltd",
    "category": "functional",
    "description": "Shows our stores on a map.",
    "privacy_url": "https://business.safety.google/privacy/",
    "patterns": ["maps.googleapis.com/maps/api/js"],
}


def _problems(data: dict[str, t.Any]) -> dict[str, str]:
    """Field path -> its messages (joined); fails the test when the config loads."""
    with pytest.raises(ConfigError) as info:
        parse_site(data, "sites/demo.toml")
    found: dict[str, str] = {}
    for p in info.value.problems:
        found[p.path] = f"{found[p.path]} | {p.message}" if p.path in found else p.message
    return found


def _with(data: dict[str, t.Any], sid: str, **fields: t.Any) -> dict[str, t.Any]:
    data["services"][sid] = {k: v for k, v in fields.items() if v is not None}
    return data


def test_shipped_demo_config_satisfies_every_rule(demo_data: dict[str, t.Any]) -> None:
    config = parse_site(demo_data)
    assert all(s.description for s in config.services)
    assert all(s.necessary_because for s in config.services_in("necessary"))
    assert config.uk_statistics == ()


def test_a_service_without_a_purpose_is_refused(demo_data: dict[str, t.Any]) -> None:
    problems = _problems(_with(demo_data, "stats", **{**STATS, "description": None}))
    assert "needs a description of its purpose" in problems["services.stats.description"]


def test_a_purpose_written_in_every_enabled_locale_is_enough(
    demo_data: dict[str, t.Any],
) -> None:
    _with(demo_data, "stats", **{**STATS, "description": None})
    demo_data["locales"], demo_data["default_locale"] = ["en", "de"], "en"
    texts = {"services": {"stats": {"description": "Counts visits."}}}
    demo_data["texts"] = {"en": texts, "de": {"services": {"stats": {"description": "Zählt."}}}}
    assert parse_site(demo_data).services[-1].description == ""
    del demo_data["texts"]["de"]
    assert "services.stats.description" in _problems(demo_data)


def test_a_necessary_service_needs_a_written_reason_shown_to_visitors(
    demo_data: dict[str, t.Any],
) -> None:
    del demo_data["services"]["stripe"]["necessary_because"]
    problems = _problems(demo_data)
    assert "needs a written reason" in problems["services.stripe.necessary_because"]


def test_only_necessary_services_may_claim_to_be_necessary(demo_data: dict[str, t.Any]) -> None:
    _with(demo_data, "stats", **STATS, necessary_because="We need it.")
    assert "must not claim" in _problems(demo_data)["services.stats.necessary_because"]


def test_the_reason_is_in_the_banner_and_translatable(demo_data: dict[str, t.Any]) -> None:
    demo_data["texts"] = {
        "de": {"services": {"stripe": {"necessary_because": "Ohne geht's nicht"}}}
    }
    config = parse_site(demo_data)
    assert config.texts["de"]["services.stripe.necessary_because"] == "Ohne geht's nicht"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"cookies": ["vl_ab"]}, "cookies ['vl_ab']"),
        ({"patterns": ["ab.voltline.example"]}, "tags from ['ab.voltline.example']"),
        ({"consent_mode": ["personalization_storage"]}, "Consent Mode storage"),
    ],
)
def test_legitimate_interest_is_refused_for_anything_on_the_device(
    demo_data: dict[str, t.Any], fields: dict[str, t.Any], named: str
) -> None:
    service = {
        "name": "A/B tests",
        "provider": "Voltline Ltd",
        "category": "personalisation",
        "description": "Tries two versions of a page.",
        "basis": "legitimate_interest",
        **fields,
    }
    message = _problems(_with(demo_data, "ab", **service))["services.ab.basis"]
    assert "art. 5(3)" in message and named in message


def test_legitimate_interest_stands_for_a_service_that_touches_nothing_on_the_device(
    demo_data: dict[str, t.Any],
) -> None:
    service = {
        "name": "Fraud scoring",
        "provider": "Voltline Ltd",
        "category": "functional",
        "description": "Scores orders for fraud on our server.",
        "basis": "legitimate_interest",
    }
    config = parse_site(_with(demo_data, "fraud", **service))
    assert config.services[-1].basis == "legitimate_interest"


def test_an_unknown_basis_is_refused_by_name(demo_data: dict[str, t.Any]) -> None:
    _with(demo_data, "stats", **STATS, basis="contract")
    assert "'contract' is not a legal basis" in _problems(demo_data)["services.stats.basis"]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"provider": "Maps Inc."}, "services.maps.provider", "must name Google"),
        ({"privacy_url": None}, "services.maps.privacy_url", "got 'none'"),
        (
            {"privacy_url": "https://policies.google.com/privacy"},
            "services.maps.privacy_url",
            "partner-sites",
        ),
        # Named Google without a Google host is still Google's.
        (
            {"patterns": ["maps.voltline.example"], "privacy_url": None},
            "services.maps.privacy_url",
            "run by Google",
        ),
    ],
)
def test_a_google_service_names_google_and_links_its_partner_sites_page(
    demo_data: dict[str, t.Any], change: dict[str, t.Any], path: str, message: str
) -> None:
    problems = _problems(_with(demo_data, "maps", **{**MAPS, **change}))
    assert message in problems[path]


@pytest.mark.parametrize(
    "url",
    [
        "https://business.safety.google/privacy/",
        "https://policies.google.com/technologies/partner-sites",
        "https://policies.google.com/technologies/partner-sites?hl=en-GB",
        "https://www.google.com/policies/privacy/partners/",
    ],
)
def test_each_google_partner_sites_page_is_accepted(demo_data: dict[str, t.Any], url: str) -> None:
    assert parse_site(_with(demo_data, "maps", **{**MAPS, "privacy_url": url}))


@pytest.mark.parametrize(
    "url",
    [
        "http://business.safety.google/privacy/",
        "https://business.safety.google.evil.example/privacy/",
        "https://evil.example/business.safety.google/privacy/",
        "https://policies.google.com/privacy",
        "https://policies.google.com/technologies/partner-sites-not",
        "",
    ],
)
def test_look_alikes_of_the_partner_sites_page_are_refused(url: str) -> None:
    assert not is_google_partner_page(url)


@settings(max_examples=200)
@given(st.from_regex(r"https://[a-z.]{1,30}/[a-z/-]{0,40}", fullmatch=True))
def test_no_other_page_passes_as_googles_partner_sites_page(url: str) -> None:
    known = {
        "https://business.safety.google/privacy",
        "https://business.safety.google/privacy/",
        "https://policies.google.com/technologies/partner-sites",
        "https://policies.google.com/technologies/partner-sites/",
        "https://www.google.com/policies/privacy/partners",
        "https://www.google.com/policies/privacy/partners/",
    }
    assert is_google_partner_page(url) is (url in known)


@given(
    st.lists(st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True), max_size=3),
    st.sampled_from([*GOOGLE_HOSTS, "google.com", "google.co.uk", "google.de"]),
)
def test_google_hosts_and_their_subdomains_are_googles(labels: list[str], host: str) -> None:
    assert is_google_host(".".join([*labels, host]))
    # A look-alike that only ends with the same letters is not Google's.
    assert not is_google_host(f"not{host}.example")


# ------------------------------------------------------------ UK statistics exception


def _uk(data: dict[str, t.Any], services: list[str], enabled: bool = True) -> dict[str, t.Any]:
    data["uk_statistics_exception"] = {"enabled": enabled, "services": services}
    return data


def test_uk_statistics_exception_is_off_unless_switched_on(demo_data: dict[str, t.Any]) -> None:
    _with(demo_data, "stats", **STATS)
    assert parse_site(demo_data).uk_statistics == ()
    assert parse_site(_uk(demo_data, ["stats"], enabled=False)).uk_statistics == ()
    config: SiteConfig = parse_site(_uk(demo_data, ["stats"]))
    assert config.uk_statistics == ("stats",)


def test_uk_statistics_exception_runs_a_first_party_service_without_consent(
    demo_data: dict[str, t.Any],
) -> None:
    config = parse_site(_uk(_with(demo_data, "stats", **STATS), ["stats"]))
    nothing = Decision({c.id: c.locked for c in config.categories}, {})
    assert nothing.allows(config, "stats")
    assert not nothing.allows(config, "google-analytics")
    assert not Decision(nothing.categories, {"stats": False}).allows(config, "stats")


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ("google-analytics", "third-party analytics or advertising"),
        ("google-ads", "the service must be in 'analytics'"),
        ("missing", "is not one of the site's services"),
    ],
)
def test_uk_statistics_exception_refuses_what_is_not_first_party_statistics(
    demo_data: dict[str, t.Any], service: str, message: str
) -> None:
    problems = _problems(_uk(demo_data, [service]))
    assert message in problems["uk_statistics_exception.services[0]"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"patterns": ["stats.example-analytics.com/js"]}, "not on the site's own domains"),
        ({"patterns": ["stats.voltline.example", "hotjar.com"]}, "third-party"),
        ({"patterns": None}, "an objection could not stop it"),
        ({"consent_mode": ["ad_storage"]}, "advertising and profiling"),
        ({"category": "personalisation"}, "must be in 'analytics'"),
    ],
)
def test_uk_statistics_exception_refuses_a_stretched_service(
    demo_data: dict[str, t.Any], change: dict[str, t.Any], message: str
) -> None:
    problems = _problems(_uk(_with(demo_data, "stats", **{**STATS, **change}), ["stats"]))
    assert message in problems["uk_statistics_exception.services[0]"]


def test_uk_statistics_exception_switched_on_must_name_its_services(
    demo_data: dict[str, t.Any],
) -> None:
    assert "uk_statistics_exception.services" in _problems(_uk(demo_data, []))


def test_uk_statistics_exception_reports_a_misspelt_key(demo_data: dict[str, t.Any]) -> None:
    demo_data["uk_statistics_exception"] = {"enabled": True, "service": ["stats"]}
    assert "Unknown field" in _problems(demo_data)["uk_statistics_exception.service"]


def test_uk_statistics_exception_refuses_analytics_the_site_sells_or_shares(
    demo_data: dict[str, t.Any],
) -> None:
    demo_data["categories"]["analytics"]["gpc_refuses"] = True
    problems = _problems(_uk(_with(demo_data, "stats", **STATS), ["stats"]))
    assert "Global Privacy Control" in problems["uk_statistics_exception.services[0]"]
