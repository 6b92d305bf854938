"""A site's Consent Mode and tag manager settings, and what the loader is given for them."""

from __future__ import annotations

import tomllib
import typing as t

import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main
from cookiegate.core.errors import ConfigError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.loader.payload import compiled_rules
from cookiegate.siteconfig.load import parse_site
from cookiegate.siteconfig.model import ConsentModeSettings
from tests.site_fragments import VENDOR_SERVICES
from tests.site_fragments import advanced_consent_mode

DEMO = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")


def _site(text: str) -> t.Any:
    return parse_site(tomllib.loads(text), "demo.toml")


def test_the_demo_is_basic_mode_with_its_tag_manager_loading_before_consent() -> None:
    config = _site(DEMO)
    assert config.consent_mode == ConsentModeSettings()
    rules = compiled_rules(config)
    ids = [s["id"] for s in rules["services"]]
    assert [ids[i] for i in rules["pre"]] == ["google-tag-manager"]
    # Google's block once (three Google services carry it), and first: dataLayer[0].
    assert [(b[0], b[1]) for b in rules["sig"]] == [("gtag", "dataLayer"), ("call", "fbq")]
    assert rules["sig"][0][3][0][2]["wait_for_update"] == 500


def test_only_google_services_grant_consent_mode_signals_on_their_own() -> None:
    """A Google service switched on alone grants its signals; the Meta Pixel, which the
    catalogue also files under ad_storage, and custom services do not."""
    rules = compiled_rules(_site(DEMO))
    ids = [s["id"] for s in rules["services"]]
    own = {ids[i]: signals for i, signals in rules["gs"]}
    assert own == {
        "google-analytics": ["analytics_storage"],
        "google-ads": ["ad_personalization", "ad_storage", "ad_user_data"],
    }


def test_advanced_mode_lets_only_the_google_tags_load_before_consent() -> None:
    config = _site(advanced_consent_mode(DEMO + VENDOR_SERVICES))
    rules = compiled_rules(config)
    ids = [s["id"] for s in rules["services"]]
    assert sorted(ids[i] for i in rules["pre"]) == [
        "google-ads",
        "google-analytics",
        "google-tag-manager",
    ]
    google = rules["sig"][0][3]
    assert ["set", "ads_data_redaction", True] in google
    assert ["set", "url_passthrough", True] in google
    assert {b[1] for b in rules["sig"]} == {"dataLayer", "uetq", "clarity", "fbq", "ttq"}


def test_the_region_and_wait_go_into_the_consent_default() -> None:
    text = DEMO.replace(
        'mode = "basic"', 'mode = "basic"\nregion = ["DE", "US-CA"]\nwait_for_update = 800'
    )
    [default] = compiled_rules(_site(text))["sig"][0][3]
    assert default[2]["region"] == ["DE", "US-CA"] and default[2]["wait_for_update"] == 800


@pytest.mark.parametrize(
    ("replace", "path", "message"),
    [
        ('mode = "hybrid"', "consent_mode.mode", "Use one of"),
        ('mode = "basic"\nregion = ["EU"]', "consent_mode.region[0]", "ISO 3166"),
        ('mode = "basic"\nregion = ["de"]', "consent_mode.region[0]", "ISO 3166"),
        ('mode = "basic"\nwait_for_update = 60000', "consent_mode.wait_for_update", "At most"),
        ('mode = "basic"\nredaction = true', "consent_mode.redaction", "Unknown field"),
        ('mode = "basic"\nurl_passthrough = "yes"', "consent_mode.url_passthrough", "true or"),
    ],
)
def test_bad_consent_mode_settings_are_refused_by_field(
    replace: str, path: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _site(DEMO.replace('mode = "basic"', replace))
    assert any(p.path == path and message in p.message for p in info.value.problems), (
        info.value.problems
    )


def test_an_unknown_tag_manager_key_is_refused() -> None:
    with pytest.raises(ConfigError) as info:
        _site(DEMO.replace("before_consent = true", "before_concent = true"))
    assert [p.path for p in info.value.problems] == ["tag_manager.before_concent"]


def test_check_config_states_the_mode_and_warns_of_advanced(tmp_path: t.Any) -> None:
    basic, advanced = tmp_path / "basic.toml", tmp_path / "advanced.toml"
    basic.write_text(DEMO)
    advanced.write_text(advanced_consent_mode(DEMO))
    out = CliRunner().invoke(main, ["check-config", str(basic), str(advanced)]).output
    assert "  [consent_mode] mode = basic: Google tags wait for consent" in out
    assert "  warning: [consent_mode] mode = advanced" in out and "DPO must sign off" in out
