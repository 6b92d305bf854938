"""``cookiegate serve``: the development server, or gunicorn with ``--prod``.

The app is built once before either starts, so a bad setting, site file or
database stops the command with a one-line error before any worker runs.
With ``--prod`` the server's own settings (workers, threads, the header and
body deadlines of slow clients) are checked the same way.
"""

from __future__ import annotations

import os
import sys

import click

from ..core.errors import SettingsError
from .factory import make_app


def check_server_settings() -> None:
    """Read the gunicorn settings as gunicorn will, so a bad one is a one-line error here.

    ``cookiegate/gunicorn_conf.py`` raises the same :class:`SettingsError`, but
    inside gunicorn, as a traceback in its log.

    :raises click.ClickException: a ``COOKIEGATE_*`` server setting is malformed.
    """
    import runpy

    try:
        runpy.run_module("cookiegate.gunicorn_conf")
    except SettingsError as e:
        raise click.ClickException(str(e)) from None


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--debug",
    is_flag=True,
    help="Reload on code changes and show the debugger (never in production).",
)
@click.option(
    "--prod",
    is_flag=True,
    help="Run gunicorn with cookiegate's production settings (cookiegate/gunicorn_conf.py).",
)
@click.option("--workers", type=click.IntRange(1, 256), help="With --prod: worker processes.")
def serve(host: str, port: int, debug: bool, prod: bool, workers: int | None) -> None:
    """Run the server: the development server, or gunicorn with --prod."""
    # Building the app once here validates every setting and site file, and
    # migrates SQLite, before any worker starts.
    app = make_app()
    sites = sorted(app.extensions["cookiegate"].sites)
    if prod:
        if debug:
            raise click.UsageError("--debug and --prod cannot be used together.")
        os.environ["COOKIEGATE_BIND"] = f"{host}:{port}"
        if workers:
            os.environ["COOKIEGATE_WORKERS"] = str(workers)
        check_server_settings()
        click.echo(f"cookiegate (gunicorn) serving sites {sites} on http://{host}:{port}/")
        args = [sys.executable, "-m", "gunicorn", "-c", "python:cookiegate.gunicorn_conf"]
        os.execv(sys.executable, args)
    click.echo(f"cookiegate serving sites {sites} on http://{host}:{port}/")
    click.echo(f"  demo shop page:  http://{host}:{port}/demo/")
    app.run(host=host, port=port, debug=debug, use_reloader=debug)
