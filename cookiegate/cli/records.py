"""The ``cookiegate`` commands of compliance staff: accounts, exports and purges.

Each one (but a dry run) is recorded in the admin audit log with ``cli:<user>``
as actor, like its counterpart in the admin pages.
"""

from __future__ import annotations

import contextlib
import sys
import typing as t
from datetime import datetime

import click
from flask import current_app

from ..consent import exports
from ..core.times import iso_utc
from ..services import accounts
from ..services import exports as export_service
from ..services import records as reports
from ..services import retention
from ..web.state import get_state
from .factory import output_option
from .factory import with_app


@click.command("create-admin")
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
        made = accounts.create(state.store, email, password, role, now=iso_utc(state.clock()))
    except accounts.AccountError as e:
        raise click.UsageError(str(e)) from None
    _audit("user_create", state.clock(), email=made.email, role=made.role)
    click.echo(f"Created {made.role} account {made.email}.")


def _audit(action: str, now: datetime, **detail: t.Any) -> None:
    """Log a command in the admin audit log, with who ran it as the actor.

    A command does what an admin page does, so the log shows both alike;
    ``detail`` may carry ``outcome`` for a refused command.
    """
    accounts.audit(get_state().store, actor=accounts.cli_actor(), action=action, now=now, **detail)


@click.command("export")
@click.option("--site", required=True, help="Site id.")
@click.option("--from", "start", help="First day (YYYY-MM-DD, UTC); default 30 days before --to.")
@click.option("--to", "end", help="Last day, inclusive (YYYY-MM-DD, UTC); default today.")
@click.option("--method", help=f"Only this method ({', '.join(reports.METHODS)}).")
@click.option(
    "--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), default="csv", show_default=True
)
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte order mark (Excel).")
@output_option
@with_app
def export(
    site: str,
    start: str | None,
    end: str | None,
    method: str | None,
    fmt: str,
    bom: bool,
    output: str,
) -> None:
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
    plan = export_service.plan_export(state.store, query.range)
    now = state.clock()
    _audit("export", now, **export_service.export_detail(query, plan, fmt))
    with (
        _open_output(output) as out,
        click.progressbar(
            length=plan.count, label=f"Exporting {plan.count} records", file=sys.stderr
        ) as bar,
    ):
        for chunk in export_service.export_chunks(
            state.store,
            query,
            plan,
            fmt,
            categories=[c.id for c in state.sites[query.site_id].categories],
            secret_keys=state.secret_keys,
            now=now,
            batch=int(current_app.config["EXPORT_BATCH"]),
            bom=bom,
            counted=lambda rows: _counting(rows, bar),
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


@click.command("purge")
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
            _audit("purge", now, outcome="refused", site=site_id, reason=str(e))
            click.echo(str(e), err=True)
            continue
        _audit(
            "purge", now, site=site_id, deleted=done.count, through=done.through, cutoff=done.cutoff
        )
        click.echo(f"{site_id}: purged {done.count} records created before {done.cutoff}")
    sys.exit(1 if failed else 0)


#: Registered on the ``cookiegate`` group by :mod:`cookiegate.cli.main`.
RECORDS_COMMANDS = (create_admin, export, purge)
