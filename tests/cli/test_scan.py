"""``cookiegate scan`` refuses bad options in one line, before any browser starts."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "report.txt"], "must end in .html or .json"),
        (["--output", "no/such/folder/report.html"], "does not exist"),
        (["--pages", "0"], "0 is not in the range 1<=x<=500"),
        (["--pages", "501"], "501 is not in the range 1<=x<=500"),
        (["--timeout", "0"], "0.0 is not in the range 1<=x<=300"),
        (["--site", "nope"], "Unknown site 'nope'"),
    ],
)
def test_bad_options_are_refused_naming_the_value(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["scan", "https://shop.example/", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.rglob("report*"))


def test_the_help_names_every_option(runner: CliRunner) -> None:
    text: t.Any = runner.invoke(main, ["scan", "--help"]).output
    for option in ("--pages", "--site", "--output", "--timeout", "--max-time"):
        assert option in text
