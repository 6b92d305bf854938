"""``cookiegate verify-log``: walk each site's hash chain and sign its head.

A signed head kept away from the server and passed back with ``--against``
shows newest records deleted even when the database's own head was rewritten.
"""

from __future__ import annotations

import sys

import click

from ..consent import proofs
from ..core.times import iso_utc
from ..services import ledger
from ..web.state import get_state
from .factory import with_app


@click.command("verify-log")
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
