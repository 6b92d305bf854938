"""The ``cookiegate`` command: run the server, check configs, migrate, verify the log.

User mistakes end in a one-line ``click`` error and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import typing as t
from pathlib import Path

import click
from flask import Flask
from flask import current_app

from . import accounts
from . import exports
from . import ledger
from . import proofs
from . import reports
from . import retention
from .catalogue_cli import catalogue_command
from .compliance.command import compliance
from .errors import ConfigError
from .errors import StoreError
from .ledger import iso_utc
from .scan.command import scan_command
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


main.add_command(scan_command)
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


@main.command("create-admin")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    default="admin",
    show_default=True,
    help="viewer: search, charts, export; admin: also purge, users and the audit log.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
@with_app
def create_admin(email: str, role: str, password_stdin: bool) -> None:
    """Create an account for the /admin pages; the password is asked twice."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    state = get_state()
    try:
        made = accounts.create(
            state.store, email, password, role, now=ledger.iso_utc(state.clock())
        )
    except accounts.AccountError as e:
        raise click.UsageError(str(e)) from None
    accounts.audit(
        state.store, actor=accounts.cli_actor(), action="user_create", now=state.clock(),
        email=made.email, role=made.role,
    )  # fmt: skip
    click.echo(f"Created {made.role} account {made.email}.")


@main.command("export")
@click.option("--site", required=True, help="Site id.")
@click.option("--from", "start", help="First day (YYYY-MM-DD, UTC); default 30 days before --to.")
@click.option("--to", "end", help="Last day, inclusive (YYYY-MM-DD, UTC); default today.")
@click.option(
    "--method", help="Only this method (accept_all, reject_all, custom, gpc, withdraw, objection)."
)
@click.option(
    "--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), default="csv", show_default=True
)
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte order mark (Excel).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    help="File to write; default standard output.",
)
@with_app
def export(
    site: str, start: str | None, end: str | None, method: str | None, fmt: str, bom: bool,
    output: str,
) -> None:  # fmt: skip
    """Stream a site's proof records for a date range as CSV, JSON or NDJSON.

    The export ends with the chain head it was cut at; records appended
    while it runs are left out. A progress bar shows on a terminal.
    """
    state = get_state()
    try:
        query = reports.parse_query(
            state.sites, site, start, end, method, today=state.clock().date()
        )
    except reports.QueryError as e:
        raise click.UsageError(str(e)) from None
    plan = reports.plan_export(state.store, query.range)
    accounts.audit(
        state.store, actor=accounts.cli_actor(), action="export", now=state.clock(),
        site=query.site_id, start=query.start.isoformat(), end=query.end.isoformat(),
        method=query.method, format=fmt, records=plan.count, head=plan.head[1],
    )  # fmt: skip
    header = {
        "site_id": query.site_id, "from": query.start.isoformat(), "to": query.end.isoformat(),
        "method": query.method, "exported_at": state.clock().isoformat(), "count": plan.count,
    }  # fmt: skip
    trailer = reports.head_trailer(query.site_id, plan, state.secret_keys, state.clock())
    config = state.sites[query.site_id]
    rows = reports.export_rows(state.store, plan, int(current_app.config["EXPORT_BATCH"]))
    with (
        _open_output(output) as out,
        click.progressbar(
            length=plan.count, label=f"Exporting {plan.count} records", file=sys.stderr
        ) as bar,
    ):
        counted = _counting(rows, bar)
        for chunk in exports.chunks(
            fmt, counted, header, trailer, categories=[c.id for c in config.categories], bom=bom
        ):
            out.write(chunk)
    if output != "-":
        click.echo(
            f"Wrote {plan.count} records to {output}; chain head #{plan.head[0]} {plan.head[1]}",
            err=True,
        )


@contextlib.contextmanager
def _open_output(path: str) -> t.Iterator[t.TextIO]:
    """A text file (``-``: standard output) that keeps CSV's CRLF line ends as written."""
    if path == "-":
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as f:
        yield f


def _counting(rows: t.Iterable[t.Any], bar: t.Any) -> t.Iterator[t.Any]:
    for n, row in enumerate(rows, 1):
        yield row
        if n % 1000 == 0:
            bar.update(1000)


@main.command("purge")
@click.option("--site", "site_ids", multiple=True, help="Site to purge (repeatable); default all.")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@with_app
def purge(site_ids: tuple[str, ...], dry_run: bool) -> None:
    """Delete proofs past each site's retention; the rest of the chain still verifies.

    Records are kept for the consent lifetime plus the site's
    retention_months. A site whose log does not verify is not purged (exit 1).
    """
    state = get_state()
    unknown = sorted(set(site_ids) - set(state.sites))
    if unknown:
        raise click.UsageError(f"Unknown site {unknown[0]!r}; choose from {sorted(state.sites)}.")
    now, failed = state.clock(), False
    for site_id in site_ids or sorted(state.sites):
        config = state.sites[site_id]
        if dry_run:
            plan = retention.plan(state.store, config, now)
            click.echo(f"{site_id}: would purge {plan.count} records created before {plan.cutoff}")
            continue
        try:
            done = retention.purge(state.store, config, now, state.secret_keys)
        except retention.RetentionError as e:
            failed = True
            accounts.audit(
                state.store, actor=accounts.cli_actor(), action="purge", outcome="refused",
                now=now, site=site_id, reason=str(e),
            )  # fmt: skip
            click.echo(str(e), err=True)
            continue
        accounts.audit(
            state.store, actor=accounts.cli_actor(), action="purge", now=now, site=site_id,
            deleted=done.count, through=done.through, cutoff=done.cutoff,
        )  # fmt: skip
        click.echo(f"{site_id}: purged {done.count} records created before {done.cutoff}")
    sys.exit(1 if failed else 0)
