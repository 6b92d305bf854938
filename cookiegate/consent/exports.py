"""Proof records as CSV, JSON or NDJSON, streamed chunk by chunk.

Pure generators over an iterable of stored rows: memory holds one chunk, not
the export, whatever the number of records. Every format carries every
sealed field exactly as stored, so an auditor can recompute each record's
hash from the export, and ends with the chain head the export was cut at, to
tie it to a later ``verify-log``.

CSV is written for spreadsheets: a cell that starts with ``=``, ``+``, ``-``,
``@``, tab or carriage return is prefixed with ``'`` so Excel and LibreOffice
show it as text instead of running it as a formula (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import json
import typing as t

from .proofs import DECLARATION_FIELDS
from .proofs import JURISDICTION_FIELDS
from .proofs import OPTIONAL_FIELDS
from .proofs import SEALED_FIELDS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
}
#: Fields of every export: the sealed fields (the declaration's empty on records written
#: before it was sealed), then the record's own hash, so an auditor can recompute it; the
#: jurisdiction and regime come last, so files read by column position keep their columns.
FIELDS = (*SEALED_FIELDS, *DECLARATION_FIELDS, "hash", *JURISDICTION_FIELDS)
#: CSV columns before the per-category ones: the fields up to the record's hash.
CSV_LEADING = FIELDS[: FIELDS.index("hash") + 1]
#: CSV columns after the per-category ones: the jurisdiction and regime, last as in
#: JSON, so the ``category:<id>`` columns keep the positions they had before these
#: existed (until 2026-12 a CSV had them between ``hash`` and the categories).
CSV_TRAILING = FIELDS[FIELDS.index("hash") + 1 :]
#: The first cell of the CSV's last row, which holds the chain head.
CSV_TRAILER = "#chain_head"
#: First characters that make a spreadsheet run a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ROWS_PER_CHUNK = 500


def neutralise(cell: str) -> str:
    """Make a cell inert in spreadsheets: formula-like text gets a leading ``'``."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _cell(value: t.Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def _field(row: t.Mapping[str, t.Any], name: str) -> t.Any:
    """A column of ``row``; the optional ones may be absent (a record from before them)."""
    return row.get(name) if name in OPTIONAL_FIELDS else row[name]


def _record(row: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """A row as a JSON object: choices decoded, the flag as a boolean."""
    out = {f: _field(row, f) for f in FIELDS}
    if isinstance(out["choices"], str):
        out["choices"] = json.loads(out["choices"])
    out["ua_bot"] = bool(out["ua_bot"])
    return out


def csv_chunks(
    rows: t.Iterable[t.Mapping[str, t.Any]],
    trailer: t.Mapping[str, t.Any],
    *,
    categories: t.Sequence[str] = (),
    bom: bool = False,
) -> t.Iterator[str]:
    """CSV text: a header, one line per record, then the chain-head row.

    The reference for the lines the database writes itself
    (:func:`cookiegate.store.exports.csv_lines`), which must match it byte
    for byte.

    :param categories: add one ``category:<id>`` column per category
        (``true``/``false``) after the hash, so a spreadsheet can filter on a
        choice; the jurisdiction and regime follow them (:func:`csv_columns`).
    :param bom: start with a UTF-8 byte order mark, which Excel on Windows
        needs to read non-ASCII text correctly.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    buf.write(csv_header(categories, bom=bom))
    for n, row in enumerate(rows, 1):
        cells = [_cell(_field(row, f)) for f in CSV_LEADING]
        if categories:
            chosen = json.loads(row["choices"])["categories"]
            cells += [_cell(chosen.get(c)) for c in categories]
        cells += [_cell(_field(row, f)) for f in CSV_TRAILING]
        writer.writerow(cells)
        if n % _ROWS_PER_CHUNK == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue() + csv_trailer(trailer)


def csv_columns(categories: t.Sequence[str]) -> list[str]:
    """The CSV's column names: the fields to the hash, one per category, jurisdiction, regime."""
    return [*CSV_LEADING, *(f"category:{c}" for c in categories), *CSV_TRAILING]


def csv_header(categories: t.Sequence[str], *, bom: bool = False) -> str:
    """The CSV's first line: the column names (after a byte order mark if ``bom``)."""
    return ("\ufeff" if bom else "") + _csv_line(csv_columns(categories))


def csv_trailer(trailer: t.Mapping[str, t.Any]) -> str:
    """The CSV's last line: :data:`CSV_TRAILER`, then the chain head's values."""
    return _csv_line([CSV_TRAILER, *(_cell(v) for v in trailer.values())])


def _csv_line(cells: t.Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def json_chunks(
    rows: t.Iterable[t.Mapping[str, t.Any]],
    header: t.Mapping[str, t.Any],
    trailer: t.Mapping[str, t.Any],
) -> t.Iterator[str]:
    """One JSON document: ``header`` fields, ``records`` and last the ``chain_head``.

    The reference for the lines the database writes
    (:func:`cookiegate.store.jsonlines.json_lines` through :func:`json_records`).
    """
    yield from _joined(
        json_opening(header),
        (
            ("," if n else "") + json.dumps(_record(row), ensure_ascii=False) + "\n"
            for n, row in enumerate(rows)
        ),
        json_closing(trailer),
    )


def json_opening(header: t.Mapping[str, t.Any]) -> str:
    """The JSON document up to its first record: the header's fields, then ``"records": [``."""
    head = json.dumps(dict(header), ensure_ascii=False)[:-1]
    return head + (", " if header else "") + '"records": [\n'


def json_closing(trailer: t.Mapping[str, t.Any]) -> str:
    """The JSON document after its last record: the array's end and the ``chain_head``."""
    return '], "chain_head": ' + json.dumps(dict(trailer), ensure_ascii=False) + "}\n"


def json_records(lines: t.Iterator[str]) -> t.Iterator[str]:
    """Batches of NDJSON lines as the JSON document's records: a comma before all but the first.

    A record's JSON text holds no line break (JSON escapes it), so each LF
    ends a record: one replace per batch (all but its last LF), no Python
    per record, one copy of the batch.
    """
    first = True
    for text in lines:
        if text:
            if not first:
                yield ","
            yield text.replace("\n", "\n,", text.count("\n") - 1)
            first = False


def ndjson_chunks(
    rows: t.Iterable[t.Mapping[str, t.Any]], trailer: t.Mapping[str, t.Any]
) -> t.Iterator[str]:
    """One record per line, then a last line ``{"chain_head": {...}}``."""
    yield from _joined(
        "",
        (json.dumps(_record(row), ensure_ascii=False) + "\n" for row in rows),
        ndjson_trailer(trailer),
    )


def ndjson_trailer(trailer: t.Mapping[str, t.Any]) -> str:
    """The NDJSON's last line: ``{"chain_head": {...}}``."""
    return json.dumps({"chain_head": dict(trailer)}, ensure_ascii=False) + "\n"


def choices_json(stored: str) -> str:
    """The stored choices (canonical JSON) as every format's record writes them.

    Parsed and written again, as :func:`_record` does: Python's spacing, and
    what any JSON reader makes of the text (the last of repeated keys).
    """
    return json.dumps(json.loads(stored), ensure_ascii=False)


def _joined(first: str, lines: t.Iterable[str], last: str) -> t.Iterator[str]:
    """``first``, ``lines`` and ``last`` as chunks of ``_ROWS_PER_CHUNK`` lines each.

    A write per record would mean a million small sends for a large export,
    and one string would hold the whole export in memory.
    """
    parts = [first] if first else []
    for line in lines:
        parts.append(line)
        if len(parts) >= _ROWS_PER_CHUNK:
            yield "".join(parts)
            parts.clear()
    parts.append(last)
    yield "".join(parts)


def chunks(
    fmt: str,
    rows: t.Iterable[t.Mapping[str, t.Any]],
    header: t.Mapping[str, t.Any],
    trailer: t.Mapping[str, t.Any],
    *,
    categories: t.Sequence[str] = (),
    bom: bool = False,
) -> t.Iterator[str]:
    """The export of ``rows`` in ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt == "csv":
        return csv_chunks(rows, trailer, categories=categories, bom=bom)
    if fmt == "json":
        return json_chunks(rows, header, trailer)
    if fmt == "ndjson":
        return ndjson_chunks(rows, trailer)
    raise ValueError(f"Format {fmt!r} is not one of {sorted(FORMATS)}.")
