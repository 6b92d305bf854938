"""Exports of proof records, service side: what a file covers, its rows, header and trailer.

An export is fixed at the chain head read before the first byte (records
appended while it streams are left out), so the file ties to exactly that
head, which its trailer carries, signed. The admin page and the ``export``
command both build their files from here and log them alike; the formats
themselves are :mod:`cookiegate.consent.exports`.

The record lines of every format are written by the database itself
(:func:`cookiegate.store.exports.csv_lines`,
:func:`cookiegate.store.jsonlines.json_lines`), to the rules of
:mod:`cookiegate.consent.exports`, whose Python writers they are tested
against: a million records then cost about what the database's own CSV dump
costs, instead of some 20-50 µs of Python each.
"""

from __future__ import annotations

import contextlib
import typing as t
from dataclasses import dataclass
from datetime import datetime

from ..consent import exports
from ..consent import proofs
from ..core.times import iso_utc
from ..store import Store
from ..store import exports as lines
from ..store import jsonlines
from ..store import queries
from ..store import reports as q
from ..store.reports import Range
from .records import Query


@dataclass(frozen=True)
class ExportPlan:
    """What an export will contain, fixed before the first byte is sent."""

    range: Range
    #: ``(length, hash)`` of the chain head when the export started; records
    #: after it are left out so the export ties to exactly this head.
    head: tuple[int, str]
    count: int


def plan_export(store: Store, r: Range) -> ExportPlan:
    """Fix what an export of ``r`` holds: the chain head now, and how many records up to it."""
    with store.begin() as conn:
        head = queries.get_head(conn, r.site_id) or (0, proofs.GENESIS)
        return ExportPlan(r, head, lines.count(conn, r, through=head[0]))


def export_rows(store: Store, plan: ExportPlan, batch: int = 2000) -> t.Iterator[dict[str, t.Any]]:
    """Stream the planned records in chain order, through a server-side cursor.

    A generator: the transaction and cursor live while the caller iterates,
    and closing the generator (a client that disconnects) closes both.
    """
    with store.begin() as conn:
        with contextlib.closing(q.iter_range(conn, plan.range, plan.head[0], batch)) as rows:
            yield from rows


def export_header(query: Query, plan: ExportPlan, now: datetime) -> dict[str, t.Any]:
    """What opens an export (the JSON document's leading fields): what was asked and when.

    With the trailer's chain head, an auditor reading the file alone knows
    which site, days and method it covers and how many records to expect.
    """
    return {
        "site_id": query.site_id,
        "from": query.start.isoformat(),
        "to": query.end.isoformat(),
        "method": query.method,
        **_place_filters(query),
        "exported_at": now.isoformat(),
        "count": plan.count,
    }


def export_detail(query: Query, plan: ExportPlan, fmt: str) -> dict[str, t.Any]:
    """What the audit log keeps of an export, whether the admin page or the command made it."""
    return {
        "site": query.site_id,
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "method": query.method,
        **_place_filters(query),
        "format": fmt,
        "records": plan.count,
        "head": plan.head[1],
    }


def _place_filters(query: Query) -> dict[str, str]:
    """The jurisdiction and regime filters, named only when used (older readers see none)."""
    asked = {"jurisdiction": query.jurisdiction, "regime": query.regime}
    return {k: v for k, v in asked.items() if v}


def head_trailer(plan: ExportPlan, secret_keys: t.Sequence[str], now: datetime) -> dict[str, t.Any]:
    """What closes an export: the chain head it was cut at, also signed.

    The auditor keeps the signed head and later runs
    ``cookiegate verify-log --against <signed>``: records deleted since, even
    with the database's own head rewritten, then show.
    """
    site_id, (length, hash_) = plan.range.site_id, plan.head
    signed = proofs.SignedHead(site_id, length, hash_, iso_utc(now)).sign(secret_keys)
    return {"site_id": site_id, "length": length, "hash": hash_, "signed": signed}


def export_chunks(
    store: Store,
    query: Query,
    plan: ExportPlan,
    fmt: str,
    *,
    categories: t.Sequence[str],
    secret_keys: t.Sequence[str],
    now: datetime,
    batch: int,
    bom: bool = False,
    progress: t.Callable[[int], None] | None = None,
) -> t.Iterator[str]:
    """The planned export as ``fmt`` chunks: header, the rows streamed, the signed head.

    :param now: one moment for the header's ``exported_at`` and the signed head.
    :param progress: told how many more records were written after each chunk
        (the command's progress bar).
    """
    trailer = head_trailer(plan, secret_keys, now)
    if fmt == "csv":
        return _csv_chunks(store, plan, trailer, categories, batch, bom, progress)
    if fmt not in exports.FORMATS:
        raise ValueError(f"Format {fmt!r} is not one of {sorted(exports.FORMATS)}.")
    lines = _json_lines(store, plan, batch, progress)
    if fmt == "ndjson":
        return _framed("", lines, exports.ndjson_trailer(trailer))
    header = export_header(query, plan, now)
    opening, closing = exports.json_opening(header), exports.json_closing(trailer)
    return _framed(opening, lines, closing, records=exports.json_records)


def _csv_chunks(
    store: Store,
    plan: ExportPlan,
    trailer: t.Mapping[str, t.Any],
    categories: t.Sequence[str],
    batch: int,
    bom: bool,
    progress: t.Callable[[int], None] | None,
) -> t.Iterator[str]:
    """The CSV export: the header, the lines the database wrote, the chain-head line.

    A generator like :func:`export_rows`: closing it closes the cursor and
    the transaction.
    """
    yield exports.csv_header(categories, bom=bom)
    yield from _streamed(
        store,
        lambda conn: lines.csv_lines(
            conn,
            plan.range,
            plan.head[0],
            columns=exports.CSV_LEADING,
            categories=categories,
            trailing=exports.CSV_TRAILING,
            formula_start=exports.FORMULA_START,
            batch=batch,
        ),
        progress,
    )
    yield exports.csv_trailer(trailer)


def _json_lines(
    store: Store, plan: ExportPlan, batch: int, progress: t.Callable[[int], None] | None
) -> t.Generator[str]:
    """The records as NDJSON lines written by the database, ``batch`` at a time.

    A generator like :func:`export_rows`: closing it closes the cursor and
    the transaction.
    """
    yield from _streamed(
        store,
        lambda conn: jsonlines.json_lines(
            conn,
            plan.range,
            plan.head[0],
            fields=exports.FIELDS,
            choices=exports.choices_json,
            batch=batch,
        ),
        progress,
    )


def _streamed(
    store: Store,
    chunks_of: t.Callable[[t.Any], t.Generator[tuple[str, int]]],
    progress: t.Callable[[int], None] | None,
) -> t.Generator[str]:
    """The text of ``chunks_of(conn)``'s (text, records) batches in one read transaction,
    each batch's record count reported to ``progress``; closing the generator closes the
    database's cursor and the transaction."""
    with store.begin() as conn, contextlib.closing(chunks_of(conn)) as chunks:
        for text, count in chunks:
            yield text
            if progress:
                progress(count)


def _framed(
    first: str,
    lines: t.Generator[str],
    last: str,
    *,
    records: t.Callable[[t.Iterator[str]], t.Iterator[str]] = iter,
) -> t.Iterator[str]:
    """``first`` (if any), the ``lines`` as ``records`` writes them, then ``last``.

    Closing it closes ``lines``, and with them the cursor and transaction.
    """
    with contextlib.closing(lines):
        if first:
            yield first
        yield from records(lines)
    yield last
