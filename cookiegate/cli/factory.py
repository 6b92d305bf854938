"""What every ``cookiegate`` command works in, built from the environment, and shared options.

Two ways in: :func:`with_app` builds the whole Flask app, for commands that
serve it or use its parts (``serve``, ``db``, ``scan``, ``compliance``);
:func:`with_context` opens only the store and the site configs, for
commands that need nothing else (``export``, ``purge``, ``create-admin``),
so a million-record export neither imports Flask nor carries its memory.
A site config, setting or store problem ends either in a one-line error,
never a traceback.
"""

from __future__ import annotations

import functools
import typing as t

import click

from ..core.errors import ConfigError
from ..core.errors import SettingsError
from ..core.errors import StoreError

if t.TYPE_CHECKING:
    from flask import Flask

    from ..services.context import Context


def make_app() -> Flask:
    """The app of the ``COOKIEGATE_*`` environment, or a one-line :class:`click.ClickException`."""
    from ..app import create_app

    try:
        return create_app()
    except (ConfigError, SettingsError, StoreError) as e:
        raise click.ClickException(str(e)) from None


def make_context() -> Context:
    """The store and sites of the ``COOKIEGATE_*`` environment, or a one-line error."""
    from ..services.context import open_context

    try:
        return open_context()
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


def with_context(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """Call the command with a :class:`~cookiegate.services.context.Context` first.

    The store's connections are closed when the command ends.
    """

    @functools.wraps(f)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        context = make_context()
        try:
            return f(context, *args, **kwargs)
        finally:
            context.store.dispose()

    return wrapper


#: ``--output/-o FILE``, shared by the commands that write a report or an export.
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    help="File to write; default standard output.",
)


def write_output(text: str, output: str, what: str) -> None:
    """``text`` to standard output for ``-``, else to the file ``output``.

    :raises click.ClickException: the file cannot be written (names ``what`` and the file).
    """
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise click.ClickException(f"Cannot write the {what} to {output!r}: {e}") from None
