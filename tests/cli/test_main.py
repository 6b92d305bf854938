"""The ``cookiegate`` group: the entry point and a help that names every command."""

from __future__ import annotations

import click
from click.testing import CliRunner

import cookiegate.cli
from cookiegate.cli.main import main

COMMANDS = (
    "catalogue",
    "check-config",
    "compliance",
    "create-admin",
    "db",
    "declaration",
    "doctor",
    "export",
    "publish",
    "purge",
    "scan",
    "serve",
    "verify-log",
)


def test_the_entry_point_is_the_group() -> None:
    assert cookiegate.cli.main is main


def test_the_help_lists_every_command_and_where_settings_are(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert main.list_commands(click.Context(main)) == list(COMMANDS)
    for name in COMMANDS:
        assert f"\n  {name} " in result.output
    assert "COOKIEGATE_* environment variables" in result.output
    assert "docs/deploying.md" in result.output
