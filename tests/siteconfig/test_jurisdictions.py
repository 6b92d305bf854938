"""``[jurisdictions]``: overlays load, and the settings regulators refuse are refused by name."""

from __future__ import annotations

import tomllib
import typing as t

import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main
from cookiegate.core.errors import ConfigError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.jurisdiction import resolve
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.load import parse_site
from tests.site_fragments import UK_SITE

DEMO = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")


def _demo(extra: str = "", **overlays: dict[str, t.Any]) -> dict[str, t.Any]:
    data = tomllib.loads(DEMO + extra)
    for name, table in overlays.items():
        data["jurisdictions"][name] = table
    return data


def _problems(data: dict[str, t.Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_site(data)
    return {p.path: p.message for p in info.value.problems}


def test_the_demo_has_uk_eu_and_us_overlays() -> None:
    config = load_site(DEMO_SITES_DIR / "demo.toml")
    assert config.jurisdictions is not None
    by_name = {o.name: o for o in config.jurisdictions.overlays}
    assert set(by_name) == {"eu", "uk", "us"}
    assert by_name["us"].regime == "opt_out" and by_name["us"].banner == "notice"
    assert "US-CA" in by_name["us"].places and "DE" in by_name["eu"].places
    rules = config.jurisdictions.rules
    assert resolve(rules, "US", "CA").regime == "opt_out"
    assert resolve(rules, "GB", None).overlay == "uk"
    assert resolve(rules, "XX", None).regime == "opt_in"
    assert config.refusal_lifetime_days == 182
    assert all(config.jurisdictions.overlay(name) is o for name, o in by_name.items())


def test_a_site_without_the_table_has_no_jurisdictions_and_the_default_refusal_lifetime() -> None:
    data = tomllib.loads(DEMO)
    del data["jurisdictions"]
    del data["refusal_lifetime_days"]
    config = parse_site(data)
    assert config.jurisdictions is None
    assert config.refusal_lifetime_days == 182


def test_overlay_defaults_follow_the_regime() -> None:
    config = parse_site(_demo(ca={"regime": "notice", "places": ["CA"]}))
    assert config.jurisdictions is not None
    ca = config.jurisdictions.overlay("ca")
    assert (ca.banner, ca.gpc, ca.granted) == ("notice", "opt_out_of_sale", ())


BAD: list[tuple[dict[str, t.Any], str, str]] = [
    (
        {"us": {"regime": "opt_out", "places": ["US-CA", "DE"]}},
        "jurisdictions.us.regime",
        "'opt_out' cannot apply to DE",
    ),
    (
        {"eu": {"regime": "notice", "places": ["EU"]}},
        "jurisdictions.eu.regime",
        "'notice' cannot apply to AT, BE",
    ),
    (
        {"uk": {"regime": "opt_out", "places": ["GB"]}},
        "jurisdictions.uk.regime",
        "cannot apply to GB",
    ),
    (
        {"ch": {"regime": "notice", "places": ["CH"]}},
        "jurisdictions.ch.regime",
        "cannot apply to CH",
    ),
    (
        {"uk": {"regime": "opt_in", "places": ["GB"], "granted": ["analytics"]}},
        "jurisdictions.uk.granted",
        "cannot start granted under opt_in",
    ),
    (
        {"uk": {"regime": "opt_in", "places": ["GB"], "banner": "notice"}},
        "jurisdictions.uk.banner",
        "must be 'dialog'",
    ),
    (
        {"eu": {"regime": "opt_in", "places": ["EEA", "CH"], "uk_statistics_exception": True}},
        "jurisdictions.eu.uk_statistics_exception",
        "cannot apply to AT",
    ),
    (
        {"us": {"regime": "opt_out", "places": ["us-ca"]}},
        "jurisdictions.us.places",
        "'us-ca' is not an ISO 3166 country",
    ),
    (
        {"us": {"regime": "opt_out", "places": ["US-XX"]}},
        "jurisdictions.us.places",
        "'US-XX' is not an ISO 3166",
    ),
    (
        {"us": {"regime": "opt_sideways", "places": ["US-CA"]}},
        "jurisdictions.us.regime",
        "not a regime",
    ),
    (
        {"us": {"regime": "opt_out", "places": ["US-CA"], "granted": ["necessary"]}},
        "jurisdictions.us.granted",
        "'necessary' is not an optional category",
    ),
    (
        {"us": {"regime": "opt_out", "places": ["US-CA"], "gpc": "ignore"}},
        "jurisdictions.us.gpc",
        "not a GPC meaning",
    ),
    (
        {"us": {"regime": "opt_out", "places": ["US-CA"], "texts": {"en": {"titel": "x"}}}},
        "jurisdictions.us.texts.en.titel",
        "Unknown text key",
    ),
    (
        {"us": {"regime": "opt_out", "places": ["US-CA"], "colour": "red"}},
        "jurisdictions.us.colour",
        "Unknown field",
    ),
    (
        {"uk": {"regime": "opt_in", "places": ["GB", "DE"]}},
        "jurisdictions.uk.places",
        "'DE' is also listed by 'eu'",
    ),
    (
        {"default": "mars"},
        "jurisdictions.default",
        "'mars' is not one of the overlays",
    ),
    (
        {"default": "us", "eu": {"regime": "opt_in", "places": ["EU"]}},
        "jurisdictions.default",
        "'us' is 'opt_out', so it would apply to CH, IS, LI, NO",
    ),
]


@pytest.mark.parametrize(("overlays", "path", "message"), BAD)
def test_unsafe_or_malformed_overlays_are_refused_by_field_path(
    overlays: dict[str, t.Any], path: str, message: str
) -> None:
    data = tomllib.loads(DEMO)
    data["jurisdictions"].update(overlays)
    problems = _problems(data)
    assert path in problems, problems
    assert message in problems[path]


def test_the_uk_exception_in_an_overlay_needs_the_site_exception() -> None:
    problems = _problems(
        _demo(uk={"regime": "opt_in", "places": ["GB"], "uk_statistics_exception": True})
    )
    assert (
        "Enable [uk_statistics_exception]" in problems["jurisdictions.uk.uk_statistics_exception"]
    )


def test_the_uk_exception_in_a_uk_overlay_loads() -> None:
    data = _demo(
        UK_SITE, uk={"regime": "opt_in", "places": ["GB"], "uk_statistics_exception": True}
    )
    config = parse_site(data)
    assert config.jurisdictions is not None
    assert config.jurisdictions.overlay("uk").uk_statistics


@pytest.mark.parametrize(("days", "ok"), [(181, False), (30, False), (182, True), (400, True)])
def test_a_refusal_is_remembered_for_at_least_six_months(days: int, ok: bool) -> None:
    data = _demo()
    data["refusal_lifetime_days"] = days
    if ok:
        assert parse_site(data).refusal_lifetime_days == days
    else:
        assert "shorter than 6 months (182 days)" in _problems(data)["refusal_lifetime_days"]


def test_check_config_names_the_unsafe_overlay(tmp_path: t.Any) -> None:
    site = tmp_path / "demo.toml"
    site.write_text(
        DEMO.replace('places = ["GB"]', 'places = ["GB"]\ngranted = ["advertising"]'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check-config", str(site)])
    assert result.exit_code != 0
    assert "jurisdictions.uk.granted" in result.output
    assert "pre-ticked boxes are not consent" in result.output
