"""``[gpp]``: the MSPA fields a site declares for the usnat section, validated with messages
that name the field, and the ``gpp`` loader rule only for a site that gets the ``__gpp`` API
(an opt_out overlay or ``[gpp]``)."""

from __future__ import annotations

import tomllib
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main
from cookiegate.core.errors import ConfigError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.core.settings import STATIC_DIR
from cookiegate.loader.payload import compiled_rules
from cookiegate.siteconfig.gpp import has_gpp
from cookiegate.siteconfig.load import parse_site

from ..conftest import inlined_rules

DEMO = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
#: The demo without its [jurisdictions] (the last part of the file): opt_in everywhere.
NO_JURISDICTIONS = DEMO.split(
    "# ------------------------------------------------------------- jurisdictions"
)[0]


def _site(text: str) -> t.Any:
    return parse_site(tomllib.loads(text), "demo.toml")


def test_a_site_without_opt_out_or_gpp_gets_no_gpp_rule() -> None:
    config = _site(NO_JURISDICTIONS)
    assert config.gpp is None and not has_gpp(config)
    assert "gpp" not in compiled_rules(config)


def test_an_opt_out_overlay_alone_declares_no_covered_transaction() -> None:
    config = _site(DEMO)
    assert config.gpp is None and has_gpp(config)
    assert compiled_rules(config)["gpp"] == [2, 0, 0]


@pytest.mark.parametrize(
    ("table", "rule"),
    [
        ("mspa_covered_transaction = true\nmspa_opt_out_option_mode = true", [1, 1, 0]),
        (
            "mspa_covered_transaction = true\nmspa_opt_out_option_mode = false\n"
            "mspa_service_provider_mode = true",
            [1, 2, 1],
        ),
        ("mspa_covered_transaction = false", [2, 0, 0]),
    ],
)
def test_gpp_table_sets_the_mspa_fields_as_the_section_encodes_them(
    table: str, rule: list[int]
) -> None:
    config = _site(NO_JURISDICTIONS + f"\n[gpp]\n{table}\n")
    assert has_gpp(config)
    assert compiled_rules(config)["gpp"] == rule


@pytest.mark.parametrize(
    ("table", "path", "message"),
    [
        ("", "gpp.mspa_covered_transaction", "This field is required."),
        ('mspa_covered_transaction = "yes"', "gpp.mspa_covered_transaction", "true or false"),
        (
            "mspa_covered_transaction = true\nmspa_opt_out_option_mode = true\n"
            "mspa_service_provider_mode = true",
            "gpp.mspa_service_provider_mode",
            "not both",
        ),
        (
            "mspa_covered_transaction = false\nmspa_opt_out_option_mode = false",
            "gpp.mspa_opt_out_option_mode",
            "only to covered transactions",
        ),
        ("mspa_covered_transaction = true\nmspa_covered = true", "gpp.mspa_covered", "Unknown"),
    ],
)
def test_bad_gpp_tables_are_refused_naming_the_field(table: str, path: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        _site(DEMO + f"\n[gpp]\n{table}\n")
    problems = {p.path: p.message for p in error.value.problems}
    assert path in problems, problems
    assert message in problems[path]


GPP_SCRIPT = "__gppLocator"


def test_only_a_site_with_the_api_is_served_the_gpp_script_after_its_loader(
    make_app: t.Callable[..., t.Any], sites_dir: Path
) -> None:
    """The demo (a US opt_out overlay) gets __gpp in its loader file; the same site without
    [jurisdictions] pays not one byte for it, and gets it back with a [gpp] table."""
    with_overlay = make_app().test_client().get("/v1/sites/demo/loader.js").get_data(as_text=True)
    assert GPP_SCRIPT in with_overlay
    assert inlined_rules(with_overlay)["gpp"] == [2, 0, 0]
    (sites_dir / "demo.toml").write_text(NO_JURISDICTIONS)
    plain = make_app().test_client().get("/v1/sites/demo/loader.js").get_data(as_text=True)
    assert GPP_SCRIPT not in plain and "__gpp" not in plain
    # What the overlay costs is the CMP API's stub (gpp.js itself is fetched on first use).
    stub = (STATIC_DIR / "js" / "gppstub.js").read_text(encoding="utf-8").split("\n", 1)[1]
    assert stub.strip() in with_overlay
    assert len(plain) < len(with_overlay) - len(stub) + 200
    (sites_dir / "demo.toml").write_text(
        NO_JURISDICTIONS
        + "\n[gpp]\nmspa_covered_transaction = true\nmspa_service_provider_mode = true\n"
    )
    declared = make_app().test_client().get("/v1/sites/demo/loader.js").get_data(as_text=True)
    assert GPP_SCRIPT in declared
    assert inlined_rules(declared)["gpp"] == [1, 0, 1]


def test_check_config_says_the_site_has_the_api_and_its_mspa_fields(
    runner: CliRunner, tmp_path: Path
) -> None:
    site = tmp_path / "demo.toml"
    site.write_text(
        DEMO + "\n[gpp]\nmspa_covered_transaction = true\nmspa_opt_out_option_mode = true\n"
    )
    result = runner.invoke(main, ["check-config", str(site)])
    assert result.exit_code == 0, result.output
    assert "IAB GPP: the loader provides window.__gpp" in result.output
    assert (
        "covered transaction: yes, opt-out option mode: yes, service provider mode: not applicable"
        in result.output
    )
    site.write_text(NO_JURISDICTIONS)
    result = runner.invoke(main, ["check-config", str(site)])
    assert result.exit_code == 0, result.output
    assert "IAB GPP" not in result.output
