"""The ``cookiegate`` command group; each command lives in the module of its concept.

``serve`` in :mod:`.server`, ``db`` in :mod:`.db`, ``check-config`` in
:mod:`.siteconfig`, ``verify-log`` in :mod:`.ledger`, ``create-admin``,
``export`` and ``purge`` in :mod:`.records`, and ``scan``, ``compliance``,
``catalogue``, ``doctor``, ``publish`` and ``declaration`` in the modules of those
names.
User mistakes end in a one-line ``click`` error and a non-zero exit, never a
traceback.

A command's module is imported only when that command runs (or the help
lists it), so ``cookiegate export`` loads neither Flask nor the scanner: it
starts faster and its memory is the export's, not the web app's.
"""

from __future__ import annotations

import importlib
import typing as t

import click

#: Command name -> ``module:attribute`` under :mod:`cookiegate.cli`.
COMMANDS = {
    "serve": "server:serve",
    "check-config": "siteconfig:check_config",
    "db": "db:db",
    "verify-log": "ledger:verify_log",
    "create-admin": "records:create_admin",
    "export": "records:export",
    "purge": "records:purge",
    "scan": "scan:scan_command",
    "compliance": "compliance:compliance",
    "catalogue": "catalogue:catalogue_command",
    "doctor": "doctor:doctor_command",
    "publish": "publish:publish_command",
    "declaration": "declaration:declaration_command",
}


class LazyGroup(click.Group):
    """A group that imports a command's module when the command is asked for.

    The pattern of click's documentation, "Lazily Loading Subcommands":
    https://click.palletsprojects.com/en/stable/complex/#lazily-loading-subcommands
    """

    def __init__(self, *args: t.Any, lazy: t.Mapping[str, str], **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy[cmd_name].split(":")
        command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        assert isinstance(command, click.Command), f"{module}.{attribute} is not a command"
        return command


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(package_name="cookiegate")
def main() -> None:
    """cookiegate: cookie consent banner, tag blocker and proof-of-consent log.

    Settings come from COOKIEGATE_* environment variables (see docs/deploying.md,
    "Settings").
    """
