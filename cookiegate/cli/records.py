"""The ``cookiegate`` commands of compliance staff: accounts, exports and purges.

Each one (but a dry run) is recorded in the admin audit log with ``cli:<user>``
as actor, like its counterpart in the admin pages. They need only the store
and the site configs, so they run in a :func:`.factory.with_context`, without
the web app: an export's memory is the export's own.
"""

from __future__ import annotations

import contextlib
import sys
import typing as t
from datetime import datetime

import click

from ..consent import exports
from ..core.times import iso_utc
from ..services import audit
from ..services import exports as export_service
from ..services import records as reports
from ..services import retention
from ..services.context import Context
from .factory import output_option
from .factory import with_context

#: Roles of admin accounts (:data:`cookiegate.services.accounts.ROLES`), named
#: here so that loading this module does not load the password hashing.
ROLES = ("viewer", "admin")


@click.command("create-admin")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="admin",
    show_default=True,
    help="viewer: search, charts, export; admin: also purge, users and the audit log.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
@with_context
def create_admin(context: Context, email: str, role: str, password_stdin: bool) -> None:
    """Create an account for the /admin pages; the password is asked twice."""
    from ..services import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        made = accounts.create(context.store, email, password, role, now=iso_utc(context.clock()))
    except accounts.AccountError as e:
        raise click.UsageError(str(e)) from None
    _audit(context, "user_create", context.clock(), email=made.email, role=made.role)
    click.echo(f"Created {made.role} account {made.email}.")


def _audit(context: Context, action: str, now: datetime, **detail: t.Any) -> None:
    """Log a command in the admin audit log, with who ran it as the actor.

    A command does what an admin page does, so the log shows both alike;
    ``detail`` may carry ``outcome`` for a refused command.
    """
    audit.audit(context.store, actor=audit.cli_actor(), action=action, now=now, **detail)


@click.command("export")
@click.option("--site", required=True, help="Site id.")
@click.option("--from", "start", help="First day (YYYY-MM-DD, UTC); default 30 days before --to.")
@click.option("--to", "end", help="Last day, inclusive (YYYY-MM-DD, UTC); default today.")
@click.option("--method", help=f"Only this method ({', '.join(reports.METHODS)}).")
@click.option("--jurisdiction", help="Only records sealed with this place (GB, US-CA, unknown).")
@click.option("--regime", help="Only records sealed with this regime (opt_in, opt_out, notice).")
@click.option(
    "--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), default="csv", show_default=True
)
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte order mark (Excel).")
@output_option
@with_context
def export(
    context: Context,
    site: str,
    start: str | None,
    end: str | None,
    method: str | None,
    jurisdiction: str | None,
    regime: str | None,
    fmt: str,
    bom: bool,
    output: str,
) -> None:
    """Stream a site's proof records for a date range as CSV, JSON or NDJSON.

    The export ends with the chain head it was cut at; records appended
    while it runs are left out. A progress bar shows on a terminal.
    """
    try:
        query = reports.parse_query(
            context.sites,
            site,
            start,
            end,
            method,
            today=context.clock().date(),
            jurisdiction=jurisdiction,
            regime=regime,
        )
    except reports.QueryError as e:
        raise click.UsageError(str(e)) from None
    plan = export_service.plan_export(context.store, query.range)
    now = context.clock()
    _audit(context, "export", now, **export_service.export_detail(query, plan, fmt))
    with (
        _open_output(output) as out,
        click.progressbar(
            length=plan.count, label=f"Exporting {plan.count} records", file=sys.stderr
        ) as bar,
    ):
        for chunk in export_service.export_chunks(
            context.store,
            query,
            plan,
            fmt,
            categories=[c.id for c in context.sites[query.site_id].categories],
            secret_keys=context.secret_keys,
            now=now,
            batch=int(context.config["EXPORT_BATCH"]),
            bom=bom,
            progress=bar.update,
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


@click.command("purge")
@click.option("--site", "site_ids", multiple=True, help="Site to purge (repeatable); default all.")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@with_context
def purge(context: Context, site_ids: tuple[str, ...], dry_run: bool) -> None:
    """Delete proofs past each site's retention; the rest of the chain still verifies.

    Records are kept for the longer of the consent and refusal lifetimes plus the site's
    retention_months. A site whose log does not verify is not purged (exit 1).
    """
    unknown = sorted(set(site_ids) - set(context.sites))
    if unknown:
        raise click.UsageError(f"Unknown site {unknown[0]!r}; choose from {sorted(context.sites)}.")
    now, failed = context.clock(), False
    for site_id in site_ids or sorted(context.sites):
        config = context.sites[site_id]
        if dry_run:
            plan = retention.plan(context.store, config, now)
            click.echo(f"{site_id}: would purge {plan.count} records created before {plan.cutoff}")
            continue
        try:
            done = retention.purge(context.store, config, now, context.secret_keys)
        except retention.RetentionError as e:
            failed = True
            _audit(context, "purge", now, outcome="refused", site=site_id, reason=str(e))
            click.echo(str(e), err=True)
            continue
        _audit(
            context,
            "purge",
            now,
            site=site_id,
            deleted=done.count,
            through=done.through,
            cutoff=done.cutoff,
        )
        click.echo(f"{site_id}: purged {done.count} records created before {done.cutoff}")
    sys.exit(1 if failed else 0)
