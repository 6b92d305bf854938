"""Export lines as JSON objects written by the database, a batch at a time.

An NDJSON export of a million records spent 20-26 s in Python, one
``json.dumps`` of a dict per record, where the database's own dump of the
same rows takes 2-5 s. Here the database writes every field as JSON text
(SQLite's ``json_quote``, PostgreSQL's ``to_json``: both escape exactly as
Python's ``json.dumps(…, ensure_ascii=False)`` does, control characters and
all, checked by tests/services/test_exports_json.py) between fixed
``"name": `` pieces, so each line is the reference writer's byte for byte.

One field is not the database's: the stored choices, which the reference
parses and writes again with Python's spacing. That is done by the caller's
``choices`` function once per *distinct* stored text (records share a few
dozen), and the result is joined in with C-level list operations, so no
Python code runs per record.

On PostgreSQL a part of a line whose texts need no escaping (most: hashes,
UUIDs, times, known words) quotes them as they are, with one ``to_json``
of the part's texts joined to tell (:func:`_pg_parts`).

PostgreSQL streams the rows as ``COPY (…) TO STDOUT`` in its text format,
three columns a row. Its text format writes a backslash as two (and a tab,
line break … as ``\\t``, ``\\n``); the JSON text holds no raw control
character, so in the JSON columns the only escape is the doubled
backslash, undone for a whole batch at once, and the stored choices are
unescaped (:func:`copy_unescape`) before they are parsed.
https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2
"""

from __future__ import annotations

import itertools
import re
import typing as t

import sqlalchemy as sa

from .exports import sqlite_cursor
from .pgexport import copied_blocks
from .reports import Range
from .reports import _where
from .schema import proofs

#: How many distinct stored choices are kept written out (a few dozen in practice;
#: the bound keeps memory flat when every record's choices differ).
_CACHED = 1024
#: PostgreSQL's text-format COPY escapes (COPY TO writes no octal or hex ones).
_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_COPY_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def json_lines(
    conn: sa.Connection,
    r: Range,
    through: int,
    *,
    fields: t.Sequence[str],
    choices: t.Callable[[str], str],
    batch: int,
) -> t.Generator[tuple[str, int]]:
    """The records of ``r`` up to chain index ``through`` as JSON objects, one a line.

    Yields ``(text, records)``: ``records`` LF-ended lines, in chain order,
    each ``{"field": value, …}`` with ``fields`` in order, separated as
    ``json.dumps`` separates them (``", "`` and ``": "``).

    :param fields: the stored columns to write; ``choices`` must be one.
    :param choices: the JSON text of a stored choices text (the caller's
        rule, called once per distinct text).
    """
    split = fields.index("choices")
    if conn.dialect.name == "postgresql":
        written = _Written(lambda raw: choices(copy_unescape(raw)))
        query = _query(r, through, _pg_parts(fields[:split], fields[split + 1 :]))
        for text, count in copied_blocks(conn, query, "text", batch):
            yield _from_copy(text, count, written), count
        return
    written = _Written(choices)
    parts = _parts(fields[:split], fields[split + 1 :], _sqlite_value, _printf, "\n")
    with sqlite_cursor(conn, _query(r, through, parts)) as cursor:
        rows = cursor.fetchmany(batch)
        while rows:
            cells = list(itertools.chain.from_iterable(rows))
            cells[1::3] = map(written.__getitem__, cells[1::3])
            count, rows = len(rows), []
            text, cells = "".join(cells), []
            yield text, count
            # Memory holds one batch: the last one is let go before the next is read.
            del text
            written.trim()
            rows = cursor.fetchmany(batch)


def copy_unescape(text: str) -> str:
    """A value as PostgreSQL stored it, from its text-format COPY output."""
    if "\\" not in text:
        return text
    return _COPY_ESCAPE.sub(lambda m: _COPY_ESCAPES.get(m[1], m[1]), text)


class _Written(dict[str, str]):
    """Stored choices texts to their JSON text, written once each by ``write``."""

    def __init__(self, write: t.Callable[[str], str]) -> None:
        super().__init__()
        self.write = write

    def __missing__(self, stored: str) -> str:
        self[stored] = written = self.write(stored)
        return written

    def trim(self) -> None:
        """Forget them all past :data:`_CACHED` (between batches)."""
        if len(self) > _CACHED:
            self.clear()


def _from_copy(text: str, rows: int, written: _Written) -> str:
    """NDJSON lines from ``rows`` rows of COPY text ``head<TAB>choices<TAB>tail<LF>``.

    Split at the tabs, the pieces alternate: JSON text (a tail, its line
    end and the next head), then a row's stored choices.
    """
    escaped = "\\" in text
    pieces = text.split("\t")
    del text
    if len(pieces) != 2 * rows + 1:
        raise ValueError(f"COPY gave {len(pieces) - 1} tabs for {rows} rows of three columns.")
    if escaped:
        # The JSON pieces hold no tab (JSON escapes it): join them with tabs to undo the
        # doubled backslashes in one pass, then split them back.
        pieces[0::2] = "\t".join(pieces[0::2]).replace("\\\\", "\\").split("\t")
    pieces[1::2] = map(written.__getitem__, pieces[1::2])
    written.trim()
    return "".join(pieces)


def _query(
    r: Range, through: int, parts: tuple[sa.ColumnElement[str], sa.ColumnElement[str]]
) -> sa.Select[t.Any]:
    head, tail = parts
    return (
        sa.select(head, proofs.c.choices, tail)
        .where(*_where(r), proofs.c.chain_index <= through)
        .order_by(proofs.c.chain_index)
    )


def _parts(
    before: t.Sequence[str],
    after: t.Sequence[str],
    value: t.Callable[[str], sa.ColumnElement[str]],
    join: t.Callable[[str, list[sa.ColumnElement[str]]], sa.ColumnElement[str]],
    end: str,
) -> tuple[sa.ColumnElement[str], sa.ColumnElement[str]]:
    """A line's text before the choices (to ``"choices": ``) and after them (to ``end``).

    :param join: a template whose ``%s`` take the values in turn, and the values,
        as one expression.
    """
    head = "{" + "".join(f'"{name}": %s, ' for name in before) + '"choices": '
    tail = "".join(f', "{name}": %s' for name in after) + "}" + end
    return join(head, [value(n) for n in before]), join(tail, [value(n) for n in after])


def _printf(template: str, values: list[sa.ColumnElement[str]]) -> sa.ColumnElement[str]:
    """SQLite: one ``printf``, one allocation (``||`` makes one per piece).

    https://sqlite.org/printf.html
    """
    return sa.func.printf(sa.literal(template), *values)


def _concat(template: str, values: list[sa.ColumnElement[str]]) -> sa.ColumnElement[str]:
    """PostgreSQL: the template's pieces and the values joined by ``||``."""
    pieces = template.split("%s")
    out: sa.ColumnElement[str] = sa.literal(pieces[0], sa.Text)
    for v, piece in zip(values, pieces[1:], strict=True):
        out = out + v
        if piece:
            out = out + sa.literal(piece, sa.Text)
    return out


def _sqlite_value(name: str) -> sa.ColumnElement[str]:
    """A column as JSON text in SQLite: ``json_quote`` (NULL is ``null``), a flag true/false."""
    col = proofs.c[name]
    if isinstance(col.type, sa.Boolean):
        return sa.case((col, sa.literal("true")), else_=sa.literal("false"))
    return sa.func.json_quote(col)


def _pg_parts(
    before: t.Sequence[str], after: t.Sequence[str]
) -> tuple[sa.ColumnElement[str], sa.ColumnElement[str]]:
    """PostgreSQL: :func:`_parts` with each text quoted as it is when no text of the part
    needs escaping, else with ``to_json`` per value.

    Whether any does is one ``to_json`` of the part's texts joined: JSON escapes
    character by character, so the joined text grows by more than its two quotes
    exactly when some value's would. The 21 ``to_json`` calls cost 2.3-2.5 s per
    200,000 records; per part, the check and plain quoting cost about half.
    """
    plain = _parts(before, after, _pg_plain, _concat, "")
    exact = _parts(before, after, _pg_value, _concat, "")
    return (
        sa.case((_unescaped(before), plain[0]), else_=exact[0]),
        sa.case((_unescaped(after), plain[1]), else_=exact[1]),
    )


def _unescaped(names: t.Sequence[str]) -> sa.ColumnElement[bool]:
    """PostgreSQL: whether none of the texts of ``names`` holds a character JSON escapes."""
    texts: list[sa.ColumnElement[str]] = [
        sa.func.coalesce(proofs.c[n], sa.literal("")) if proofs.c[n].nullable else proofs.c[n]
        for n in names
        if isinstance(proofs.c[n].type, sa.String)
    ]
    if not texts:
        return sa.true()
    joined = texts[0]
    for text in texts[1:]:
        joined = joined + text
    quoted = sa.func.octet_length(sa.cast(sa.func.to_json(joined), sa.Text))
    return quoted == sa.func.octet_length(joined) + 2


def _pg_plain(name: str) -> sa.ColumnElement[str]:
    """A column as JSON text in PostgreSQL when it needs no escaping: a text between quotes."""
    col = proofs.c[name]
    if isinstance(col.type, sa.Boolean):
        value: sa.ColumnElement[str] = sa.case((col, sa.literal("true")), else_=sa.literal("false"))
    elif isinstance(col.type, sa.String):
        value = sa.literal('"', sa.Text) + col + sa.literal('"', sa.Text)
    else:
        value = sa.cast(col, sa.Text)
    return sa.func.coalesce(value, sa.literal("null")) if col.nullable else value


def _pg_value(name: str) -> sa.ColumnElement[str]:
    """A column as JSON text in PostgreSQL: ``to_json``, NULL as ``null``."""
    col = proofs.c[name]
    text = sa.cast(sa.func.to_json(col), sa.Text)
    return sa.func.coalesce(text, sa.literal("null")) if col.nullable else text
