"""The ``cookiegate`` command: run the server, check configs, migrate, verify the log.

User mistakes end in a one-line ``click`` error and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..consent import proofs
from ..core.errors import ConfigError
from ..core.times import iso_utc
from ..services import ledger
from ..siteconfig.load import load_site
from ..web.state import get_state
from .catalogue import catalogue_command
from .compliance import compliance
from .factory import make_app
from .factory import with_app
from .records import RECORDS_COMMANDS
from .scan import scan_command


@click.group()
@click.version_option(package_name="cookiegate")
def main() -> None:
    """cookiegate: cookie consent banner, tag blocker and proof-of-consent log.

    Settings come from COOKIEGATE_* environment variables (see docs/deploying.md).
    """


main.add_command(scan_command)
for command in RECORDS_COMMANDS:
    main.add_command(command)
main.add_command(compliance)
main.add_command(catalogue_command)


@main.command("serve")
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
            # Warnings never fail the check: they flag settings worth a second look.
            for warning in config.warnings:
                click.echo(f"  warning: {warning}")
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
@click.option(
    "--against",
    "heads",
    multiple=True,
    metavar="SIGNED_HEAD",
    help="A signed head printed by an earlier verify-log or export (repeatable): "
    "the log must still contain it unchanged.",
)
@with_app
def verify_log(site_ids: tuple[str, ...], heads: tuple[str, ...]) -> None:
    """Walk each site's hash chain; exit 1 naming the first bad record.

    Prints a signed head per site: keep it away from this server (in the audit
    file, a ticket, an e-mail) and pass it to --against later, so deleting the
    newest records shows even if the database's own head was rewritten too.
    """
    state = get_state()
    try:
        anchors = [proofs.SignedHead.read(state.secret_keys, h) for h in heads]
    except proofs.HeadError as e:
        raise click.UsageError(str(e)) from None
    targets = list(site_ids) or sorted(
        set(ledger.logged_sites(state.store)) | {a.site_id for a in anchors}
    )
    if not targets:
        click.echo("The log is empty; nothing to verify.")
        return
    failed = False
    for site_id in targets:
        report = ledger.verify_log(state.store, site_id, state.secret_keys, anchors)
        if report.ok:
            purged = f" (after {report.purged} purged by retention)" if report.purged else ""
            held = sum(a.site_id == site_id for a in anchors)
            matched = f", matches {held} signed head(s)" if held else ""
            click.echo(
                f"{site_id}: OK, {report.checked} records{purged}{matched}, head {report.head_hash}"
            )
            signed = proofs.SignedHead(
                site_id, report.length, report.head_hash, iso_utc(state.clock())
            )
            token = signed.sign(state.secret_keys)
            click.echo(f"{site_id}: signed head (keep it off this server): {token}")
        else:
            failed = True
            click.echo(
                f"{site_id}: TAMPERED after {report.checked} good records: {report.problem}",
                err=True,
            )
    sys.exit(1 if failed else 0)
