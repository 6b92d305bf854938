"""``platform = "shopify" | "wordpress"``: validated, mapped to the platform's categories,
carried by the loader rules only for such a site, and explained by ``check-config``."""

from __future__ import annotations

import tomllib
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main
from cookiegate.core.errors import ConfigError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.loader.payload import compiled_rules
from cookiegate.siteconfig.load import parse_site

DEMO = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")


def with_platform(name: str, mapping: str = "") -> str:
    """The demo config with ``platform = name`` and an optional ``[platform_categories]``."""
    text = DEMO.replace('id = "demo"\n', f'id = "demo"\nplatform = "{name}"\n', 1)
    return text + (f"\n[platform_categories]\n{mapping}\n" if mapping else "")


def _site(text: str) -> t.Any:
    return parse_site(tomllib.loads(text), "demo.toml")


def test_a_site_without_platform_has_no_bridge_and_its_rules_do_not_change() -> None:
    config = _site(DEMO)
    assert config.platform is None
    assert "pf" not in compiled_rules(config)


def test_shopify_defaults_map_its_four_purposes_to_the_demo_categories() -> None:
    config = _site(with_platform("shopify"))
    assert dict(config.platform.categories) == {
        "analytics": ("analytics",),
        "marketing": ("advertising", "marketing"),
        "preferences": ("functional", "personalisation"),
        "sale_of_data": ("advertising",),
    }
    assert compiled_rules(config)["pf"] == [
        "shopify",
        {
            "analytics": ["analytics"],
            "marketing": ["advertising", "marketing"],
            "preferences": ["functional", "personalisation"],
            "sale_of_data": ["advertising"],
        },
        1,
    ]


def test_the_rules_say_whether_the_regime_can_vary_by_place() -> None:
    """Without ``[jurisdictions]`` every visitor is under opt_in: the bridge need not ask."""
    placed = _site(with_platform("wordpress"))
    assert placed.jurisdictions is not None
    assert compiled_rules(placed)["pf"][2:] == [1]
    cut = DEMO.index("[jurisdictions]")
    unplaced = _site(with_platform("wordpress").replace(DEMO[cut:], ""))
    assert unplaced.jurisdictions is None
    assert len(compiled_rules(unplaced)["pf"]) == 2


def test_wordpress_defaults_cover_the_five_wp_consent_api_categories() -> None:
    config = _site(with_platform("wordpress"))
    assert dict(config.platform.categories) == {
        "functional": ("necessary",),
        "preferences": ("functional", "personalisation"),
        "statistics": ("analytics",),
        "statistics-anonymous": ("analytics",),
        "marketing": ("advertising", "marketing"),
    }


def test_the_mapping_is_overridable_per_platform_category() -> None:
    config = _site(with_platform("shopify", 'marketing = ["advertising"]\npreferences = []'))
    mapping = dict(config.platform.categories)
    assert mapping["marketing"] == ("advertising",)
    assert mapping["preferences"] == ()
    assert mapping["analytics"] == ("analytics",)


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (with_platform("magento"), "platform", "'magento' is not a platform"),
        (
            with_platform("shopify", 'ads = ["advertising"]'),
            "platform_categories.ads",
            "no category",
        ),
        (
            with_platform("wordpress", 'marketing = ["adverts"]'),
            "platform_categories.marketing[0]",
            "'adverts' is not one of the site's categories",
        ),
        (
            with_platform("shopify", 'marketing = "advertising"'),
            "platform_categories.marketing",
            "Expected a list",
        ),
        (
            DEMO + '\n[platform_categories]\nmarketing = ["advertising"]\n',
            "platform_categories",
            "Set `platform` first",
        ),
    ],
)
def test_bad_platform_settings_are_refused_by_field_path(
    text: str, path: str, message: str
) -> None:
    with pytest.raises(ConfigError) as e:
        _site(text)
    assert any(p.path == path and message in p.message for p in e.value.problems), e.value.problems


def test_check_config_explains_the_mapping(runner: CliRunner, tmp_path: Path) -> None:
    site = tmp_path / "demo.toml"
    site.write_text(with_platform("shopify", "preferences = []"), encoding="utf-8")
    result = runner.invoke(main, ["check-config", str(site)])
    assert result.exit_code == 0, result.output
    assert "platform = shopify: every decision is forwarded" in result.output
    assert "marketing <- advertising + marketing" in result.output
    assert "preferences <- nothing (never granted)" in result.output
