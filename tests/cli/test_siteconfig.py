"""``cookiegate check-config``: every problem of every file, by field path."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cookiegate.cli.main import main
from cookiegate.core.settings import DEMO_SITES_DIR


def test_check_config_passes_the_demo_site(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check-config", str(DEMO_SITES_DIR / "demo.toml")])
    assert result.exit_code == 0
    assert "ok (site 'demo', revision 1, 7 categories, 12 services)" in result.output


def test_check_config_lists_problems_by_path_and_fails(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = (DEMO_SITES_DIR / "demo.toml").read_text()
    bad.write_text(
        text.replace("consent_lifetime_days = 180", "consent_lifetime_days = 500").replace(
            "[categories.analytics]", "[categories.analytics]\ndefault = true"
        )
    )
    result = runner.invoke(main, ["check-config", str(DEMO_SITES_DIR / "demo.toml"), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: 2 problem(s)" in result.output
    assert "consent_lifetime_days: 500 days is longer than 13 months" in result.output
    assert "categories.analytics.default:" in result.output
