"""The app every ``cookiegate`` command works in, built from the environment, and shared options.

A site config, setting or store problem ends the command with a one-line
error, never a traceback.
"""

from __future__ import annotations

import functools
import typing as t

import click
from flask import Flask

from ..core.errors import ConfigError
from ..core.errors import SettingsError
from ..core.errors import StoreError


def make_app() -> Flask:
    """The app of the ``COOKIEGATE_*`` environment, or a one-line :class:`click.ClickException`."""
    from ..app import create_app

    try:
        return create_app()
    except (ConfigError, SettingsError, StoreError) as e:
        raise click.ClickException(str(e)) from None


F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def with_app(f: F) -> F:
    """Run the command inside an app context of a freshly created app."""

    @functools.wraps(f)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with make_app().app_context():
            return f(*args, **kwargs)

    return t.cast(F, wrapper)


#: ``--output/-o FILE``, shared by the commands that write a report or an export.
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    help="File to write; default standard output.",
)
