"""The app every command builds: a bad site, setting or database is one line, not a traceback."""

from __future__ import annotations

import typing as t
from pathlib import Path

from click.testing import CliRunner

from cookiegate.cli.main import main


def test_a_bad_site_stops_any_command_in_one_line(runner: CliRunner, sites_dir: Path) -> None:
    (sites_dir / "demo.toml").write_text('id = "demo"\n')
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "revision: This field is required." in result.output
    assert "Traceback" not in result.output


def test_bad_database_url_is_a_clear_error(runner: CliRunner, monkeypatch: t.Any) -> None:
    monkeypatch.setenv("COOKIEGATE_DATABASE_URL", "mysql://nobody@nowhere/db")
    result = runner.invoke(main, ["db", "current"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
