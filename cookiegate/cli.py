"""The ``cookiegate`` command: run the server, check configs, migrate, verify the log.

User mistakes end in a one-line ``click`` error and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import functools
import os
import sys
import typing as t
from pathlib import Path

import click
from flask import Flask

from . import ledger
from .errors import ConfigError
from .errors import StoreError
from .siteconfig import load_site
from .state import get_state


def _make_app() -> Flask:
    from . import create_app

    try:
        return create_app()
    except (ConfigError, StoreError, ValueError) as e:
        raise click.ClickException(str(e)) from None


F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def with_app(f: F) -> F:
    """Run the command inside an app context of a freshly created app."""

    @functools.wraps(f)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with _make_app().app_context():
            return f(*args, **kwargs)

    return t.cast(F, wrapper)


@click.group()
@click.version_option(package_name="cookiegate")
def main() -> None:
    """cookiegate: cookie consent banner, tag blocker and proof-of-consent log.

    Settings come from COOKIEGATE_* environment variables (see the README).
    """


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--debug", is_flag=True, help="Reload on code changes and show the debugger (never in production)."
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
    app = _make_app()
    sites = sorted(app.extensions["cookiegate"].sites)
    if prod:
        if debug:
            raise click.UsageError("--debug and --prod cannot be used together.")
        os.environ["COOKIEGATE_BIND"] = f"{host}:{port}"
        if workers:
            os.environ["COOKIEGATE_WORKERS"] = str(workers)
        click.echo(f"cookiegate (gunicorn) serving sites {sites} on http://{host}:{port}/")
        args = [sys.executable, "-m", "gunicorn", "-c", "python:cookiegate.gunicorn_conf"]
        os.execv(sys.executable, args)
    click.echo(f"cookiegate serving sites {sites} on http://{host}:{port}/")
    click.echo(f"  demo shop page:  http://{host}:{port}/demo/")
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


@main.command("check-config")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_config(files: tuple[Path, ...]) -> None:
    """Validate site config FILES; print every problem by field path."""
    bad = 0
    for path in files:
        try:
            config = load_site(path)
        except ConfigError as e:
            bad += 1
            click.echo(f"{path}: {len(e.problems)} problem(s)", err=True)
            for problem in e.problems:
                click.echo(f"  {problem}", err=True)
        else:
            click.echo(
                f"{path}: ok (site {config.id!r}, revision {config.revision}, "
                f"{len(config.categories)} categories, {len(config.services)} services)"
            )
    if bad:
        raise SystemExit(1)


@main.group("db")
def db() -> None:
    """Create or migrate the proof store's schema."""


@db.command("upgrade")
@with_app
def db_upgrade() -> None:
    """Bring the database schema up to date (safe to run on every deploy)."""
    store = get_state().store
    store.upgrade()
    click.echo(f"Database schema is at revision {store.current_revision()}.")


@db.command("current")
@with_app
def db_current() -> None:
    """Print the schema revision the database is at."""
    click.echo(get_state().store.current_revision() or "empty (run 'cookiegate db upgrade')")


@main.command("verify-log")
@click.option(
    "--site",
    "site_ids",
    multiple=True,
    help="Site to verify (repeatable); default: every site in the log.",
)
@with_app
def verify_log(site_ids: tuple[str, ...]) -> None:
    """Walk each site's hash chain; exit 1 naming the first bad record."""
    store = get_state().store
    targets = list(site_ids) or ledger.logged_sites(store)
    if not targets:
        click.echo("The log is empty; nothing to verify.")
        return
    failed = False
    for site_id in targets:
        report = ledger.verify_log(store, site_id)
        if report.ok:
            click.echo(f"{site_id}: OK, {report.checked} records, head {report.head_hash}")
        else:
            failed = True
            click.echo(
                f"{site_id}: TAMPERED after {report.checked} good records: {report.problem}",
                err=True,
            )
    sys.exit(1 if failed else 0)
