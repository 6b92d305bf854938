"""Retention: delete proofs kept longer than a site's retention period.

A proof is kept for the longer of the consent and refusal lifetimes plus the site's
``retention_months`` (default 24), long enough to answer a complaint about a
consent after it expired. Purging deletes the oldest part of a site's chain
and leaves a checkpoint signed with the newest secret key, holding the index
and hash of the last deleted record, so the records that remain still verify
end to end and nobody can delete more without the key.
"""

from __future__ import annotations

import calendar
import typing as t
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from ..consent import proofs
from ..core.errors import CookiegateError
from ..core.times import iso_utc
from ..store import Store
from ..store import queries
from .ledger import get_checkpoint
from .ledger import verify_log

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig


class RetentionError(CookiegateError):
    """A purge was refused; nothing was deleted."""


@dataclass(frozen=True)
class PurgePlan:
    """What a purge of one site deletes (or, for a dry run, would delete)."""

    site_id: str
    #: Records created before this moment are past retention.
    cutoff: str
    #: Records with ``chain_index <= through`` go; 0 when none do.
    through: int
    count: int


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (clamped to the month's end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def cutoff(config: SiteConfig, now: datetime) -> str:
    """Records created before this are past their consent's lifetime plus retention.

    The longer of the two lifetimes (a refusal is usually remembered longer than an
    acceptance): a proof must outlive every token that names it.
    """
    moment = months_before(now, config.retention_months) - timedelta(
        days=config.longest_lifetime_days
    )
    return iso_utc(moment)


def plan(store: Store, config: SiteConfig, now: datetime) -> PurgePlan:
    """What :func:`purge` would delete now; changes nothing."""
    with store.begin() as conn:
        return _plan(conn, config, now)


def _plan(conn: t.Any, config: SiteConfig, now: datetime) -> PurgePlan:
    limit = cutoff(config, now)
    head = queries.get_head(conn, config.id)
    if head is None:
        return PurgePlan(config.id, limit, 0, 0)
    first_kept = queries.first_index_from(conn, config.id, limit)
    # Only a prefix of the chain can go: a record past retention that sits
    # after a younger one (clocks of two servers disagreeing) waits for it.
    through = head[0] if first_kept is None else first_kept - 1
    checkpoint = get_checkpoint(conn, config.id)
    if through <= (checkpoint.chain_index if checkpoint else 0):
        return PurgePlan(config.id, limit, 0, 0)
    count, _ = queries.chain_span(conn, config.id, through)
    return PurgePlan(config.id, limit, through, count)


def purge(
    store: Store,
    config: SiteConfig,
    now: datetime,
    secret_keys: t.Sequence[str],
) -> PurgePlan:
    """Delete a site's records past retention and move its signed checkpoint.

    The chain is verified first: purging a tampered log would destroy the
    evidence, so a broken chain refuses the purge.

    :raises RetentionError: the chain does not verify.
    """
    report = verify_log(store, config.id, secret_keys)
    if not report.ok:
        raise RetentionError(
            f"Site {config.id!r}: the log does not verify ({report.problem}); "
            "nothing was purged. Investigate before purging."
        )
    with store.begin(write=True) as conn:
        # Holds the site's chain lock: no consent is appended while we cut.
        queries.lock_head(conn, config.id, proofs.GENESIS)
        todo = _plan(conn, config, now)
        if not todo.through:
            return todo
        _, last = queries.chain_span(conn, config.id, todo.through)
        if last is None:
            raise RetentionError(
                f"Site {config.id!r}: record #{todo.through} is missing; nothing was purged."
            )
        checkpoint = proofs.sign_checkpoint(
            secret_keys,
            proofs.Checkpoint(config.id, todo.through, last["hash"], last["created_at"], ""),
        )
        queries.put_checkpoint(
            conn,
            {
                "site_id": config.id,
                "chain_index": checkpoint.chain_index,
                "hash": checkpoint.hash,
                "purged_through": checkpoint.purged_through,
                "created_at": iso_utc(now),
                "signature": checkpoint.signature,
            },
        )
        deleted = queries.delete_through(conn, config.id, todo.through)
    return PurgePlan(config.id, todo.cutoff, todo.through, deleted)
