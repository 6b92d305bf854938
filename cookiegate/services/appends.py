"""Appending proof records to their sites' hash chains, many per transaction.

The ledger (:mod:`.ledger`) prepares each record with every field but its
place in the chain; this module seals and stores it through the store's
group commit. Writes queued while another batch commits are stored together:
one chain-head lock per site, one multi-row ``INSERT`` of the sealed
records, one head move and one ``INSERT`` of their choices, whatever the
number of records, so a busy server spends its time on commits, not on
statements. Each record is sealed under its site's head lock, so two writers
never link to the same head, and :func:`append` returns only after the
commit, so a caller never acknowledges a record that could still be lost.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ..consent import proofs
from ..store import Store
from ..store import queries

if t.TYPE_CHECKING:
    import sqlalchemy as sa


@dataclass(frozen=True)
class Append:
    """One record to seal onto its site's chain, with what goes in with it."""

    #: Every sealed field but ``chain_index``, ``prev_hash`` and ``hash`` (optional ones None).
    record: t.Mapping[str, t.Any]
    #: The record's sealed text less its place in the chain, written before the lock.
    sealing: proofs.Unlinked
    #: Builds the shown-content row; None when this process saw it committed.
    shown_row: t.Callable[[], dict[str, t.Any]] | None
    #: Per-category choices, stored beside the record for aggregation in SQL.
    categories: t.Mapping[str, bool]
    #: This process saw the site's chain head row committed (no need to create it).
    head_known: bool


def append(
    store: Store,
    record: t.Mapping[str, t.Any],
    shown_row: t.Callable[[], dict[str, t.Any]],
    shown_hash: str,
    categories: t.Mapping[str, bool],
) -> int:
    """Seal ``record`` onto its site's chain and store it durably; return its chain index.

    Rows this process has seen committed need no "insert if missing" again:
    shown versions and chain heads are never deleted. The record's row and most of
    its seal are built here, before the write waits for the lock its batch holds
    while it commits (:class:`~cookiegate.consent.proofs.Unlinked`).
    """
    site_id = record["site_id"]
    shown_key, head_key = ("shown", shown_hash), ("head", site_id)
    item = Append(
        record={**dict.fromkeys(proofs.OPTIONAL_FIELDS), **record},
        sealing=proofs.unlinked(record),
        shown_row=None if shown_key in store.committed else shown_row,
        categories=categories,
        head_known=head_key in store.committed,
    )
    chain_index: int = store.write(
        lambda conn: append_many(conn, [item])[0], bulk=append_many, payload=item
    )
    store.committed.update((shown_key, head_key))
    return chain_index


def append_many(conn: sa.Connection, items: list[Append]) -> list[int]:
    """Store ``items`` inside the caller's transaction; return their chain indexes in order.

    Sites are locked in name order, so two processes writing batches for the
    same sites cannot deadlock on their head rows (PostgreSQL).
    """
    shown: dict[str, t.Callable[[], dict[str, t.Any]]] = {}
    by_site: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        if item.shown_row is not None:
            shown.setdefault(item.record["shown_hash"], item.shown_row)
        by_site.setdefault(item.record["site_id"], []).append(index)
    for build in shown.values():
        queries.put_shown(conn, build())
    indexes = [0] * len(items)
    for site_id in sorted(by_site):
        members = [items[i] for i in by_site[site_id]]
        create = not all(item.head_known for item in members)
        length, head_hash = queries.lock_head(conn, site_id, proofs.GENESIS, create=create)
        sealed = []
        for position, item in zip(by_site[site_id], members, strict=True):
            length += 1
            row = {**item.record, "chain_index": length, "prev_hash": head_hash}
            row["hash"] = head_hash = item.sealing.seal(length, head_hash)
            sealed.append(row)
            indexes[position] = length
        queries.append_proofs(conn, sealed)
        queries.move_head(conn, site_id, length, head_hash)
        queries.put_many_choices(
            conn,
            [(row["consent_id"], m.categories) for row, m in zip(sealed, members, strict=True)],
        )
    return indexes
