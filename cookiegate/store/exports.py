"""Export lines written by the database itself: finished CSV lines, a batch at a time.

An export of a million records spent most of its time in Python, turning
each cell into text, neutralising it and quoting it. Now the database does
that work, in C, and the process only joins finished lines into chunks:

- PostgreSQL neutralises each cell in the query and its own CSV writer
  (``COPY (SELECT …) TO STDOUT (FORMAT csv)``) quotes and streams the rows;
  the process turns each line end into CRLF.
- SQLite joins each record's cells as they stand
  (:func:`.csvsql.plain_parts`), and the process checks a whole batch at
  once with C string searches: when no cell of the batch holds a comma,
  quote or line break and none starts like a formula, the plain lines *are*
  the CSV, byte for byte. A batch that fails the check is read again with
  every cell checked in SQL (:func:`.csvsql.exact_line`), so any content
  comes out right and ordinary records pay only for the joins.

The rules (which first characters make a formula) are passed in from
:mod:`cookiegate.consent.exports`, whose Python writer is the reference all
of this is tested against. Rows are read through the DB-API cursor itself: a
SQLAlchemy row object per record would cost as much as the formatting saved.
"""

from __future__ import annotations

import contextlib
import csv
import io
import operator
import re
import typing as t

import sqlalchemy as sa

from .copyout import copy_out
from .csvsql import CRLF
from .csvsql import Cells
from .csvsql import copy_cells
from .csvsql import exact_line
from .csvsql import plain_parts
from .reports import Range
from .reports import _where
from .schema import proofs

#: The only characters of a category part that passes: true, false and commas.
_CHOICE_CHARACTERS = str.maketrans(dict.fromkeys("truefals,"))
_LINE = operator.itemgetter(0, 1, 2, 3, 4)


def csv_lines(
    conn: sa.Connection,
    r: Range,
    through: int,
    *,
    columns: t.Sequence[str],
    categories: t.Sequence[str],
    formula_start: t.Sequence[str],
    batch: int,
    trailing: t.Sequence[str] = (),
    quoted: str = "choices",
) -> t.Generator[tuple[str, int]]:
    """The records of ``r`` up to chain index ``through`` as CSV lines, ``batch`` at a time.

    Yields ``(text, records)``: ``records`` complete CRLF-ended lines joined
    into one string, in chain order. Each line holds ``columns``, then one
    ``true``/``false`` cell per category of the stored choices, then the
    ``trailing`` columns.

    :param formula_start: a cell starting with one of these gets a leading ``'``.
    :param quoted: the column whose cells always need quotes (the stored JSON).
    """
    if conn.dialect.name == "postgresql":
        cells_sql, source = copy_cells(columns, categories, formula_start, trailing)
        yield from _copied(conn, r, through, cells_sql, source, batch)
        return
    cells = Cells(formula_start)
    parts = plain_parts(cells, columns, categories, quoted, trailing)
    query = sa.select(*parts, proofs.c.chain_index).where(
        *_where(r), proofs.c.chain_index <= through
    )
    split = columns.index(quoted)
    check = _Check(split, len(columns) - split - 1, len(categories), len(trailing), formula_start)
    shape = (columns, categories, trailing)
    with sqlite_cursor(conn, query.order_by(proofs.c.chain_index)) as cursor:
        rows = cursor.fetchmany(batch)
        while rows:
            if check.plain(rows):
                text = "".join(map("".join, map(_LINE, rows)))
            else:
                text = _exact(conn, cells, r, (rows[0][5], rows[-1][5]), shape)
            count, rows = len(rows), []
            yield text, count
            # Memory holds one batch: the last one is let go before the next is read.
            del text
            rows = cursor.fetchmany(batch)


def _copied(
    conn: sa.Connection,
    r: Range,
    through: int,
    cells: t.Sequence[sa.ColumnElement[t.Any]],
    source: sa.FromClause,
    batch: int,
) -> t.Iterator[tuple[str, int]]:
    """PostgreSQL: the rows as its CSV writer streams them, ``batch`` lines at a time."""
    query = sa.select(*cells).select_from(source)
    query = query.where(*_where(r), proofs.c.chain_index <= through).order_by(proofs.c.chain_index)
    for text, rows in copied_blocks(conn, query, "csv", batch):
        yield _crlf(text, rows)


def copied_blocks(
    conn: sa.Connection, query: sa.Select[t.Any], fmt: str, batch: int
) -> t.Generator[tuple[str, int]]:
    """PostgreSQL: ``COPY (query) TO STDOUT (FORMAT fmt)`` as ``(text, rows)``, ``batch`` rows each.

    The rows, one block each as the server sends them, are read through
    libpq (:func:`.copyout.copy_out`): psycopg's ``Copy`` cost the client
    about 3 µs a row. Each batch's blocks are let go once joined, so memory
    holds one batch's text. Closing the generator cancels the COPY.
    """
    import psycopg  # only PostgreSQL exports load it

    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    pg = t.cast("psycopg.Connection[t.Any]", conn.connection.dbapi_connection)
    with pg.cursor() as cursor:
        # The query's cost makes PostgreSQL compile its expressions with LLVM
        # first, which took 2.5 s of a 5 s export of a million records and
        # saved nothing; off for this transaction only.
        # https://www.postgresql.org/docs/current/jit-decision.html
        cursor.execute("SET LOCAL jit = off")
        # Its parallel plan (two workers and a Gather Merge in chain order)
        # cost 2 s of wall time where the plain index scan took 0.3 s for
        # 200,000 records: every row crosses a shared-memory queue only to be
        # sent down one connection. https://www.postgresql.org/docs/current/when-can-parallel-query-be-used.html
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        # COPY takes no parameters: they are bound here, as psycopg's own
        # cursor.copy(statement, params) binds them, client side.
        copy = f"COPY ({compiled}) TO STDOUT (FORMAT {fmt})"
        statement = psycopg.ClientCursor(pg).mogrify(copy, compiled.params)
    rows = copy_out(pg.pgconn, statement.encode(pg.info.encoding))
    # Closed with this generator: a reader that stops early cancels the COPY.
    with contextlib.closing(rows):
        blocks: list[t.Any] = []
        for block in rows:
            blocks.append(block)
            if len(blocks) >= batch:
                count, text = len(blocks), b"".join(blocks)
                blocks.clear()
                yield text.decode(), count
        if blocks:
            yield b"".join(blocks).decode(), len(blocks)


def _crlf(text: str, rows: int) -> tuple[str, int]:
    """``rows`` lines of PostgreSQL's CSV (LF-ended) as ``(CRLF-ended text, lines)``.

    When the text holds one LF per row no cell holds one and every LF ends
    a line. Otherwise the batch is read and written again by the csv module,
    which keeps line breaks inside quoted cells as they are.
    """
    if text.count("\n") == rows:
        return text.replace("\n", CRLF), rows
    lines = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator=CRLF).writerows(lines)
    return out.getvalue(), len(lines)


class _Check:
    """Whether the plain parts of a batch are exactly its CSV lines.

    They are when no cell holds a comma (the commas counted are the
    separators), a quote or a line break (the only ones are the line ends),
    and no cell starts with a formula character: every cell follows a comma,
    so ``,=`` found anywhere means a cell starting with ``=``.
    """

    def __init__(
        self,
        before: int,
        after: int,
        categories: int,
        trailing: int,
        formula_start: t.Sequence[str],
    ) -> None:
        self.before, self.after, self.categories = before, after, categories
        self.trailing = trailing
        # A cell starting with CR or LF holds one, which the counts find. One
        # regular expression scans a batch about eight times faster than a
        # substring search per character.
        starts = "".join(re.escape(c) for c in formula_start if c not in "\r\n")
        self.starts = re.compile(f",[{starts}]")

    def plain(self, rows: t.Sequence[t.Sequence[t.Any]]) -> bool:
        n = len(rows)
        head = "," + "".join(map(operator.itemgetter(0), rows))
        tail = "".join(map(operator.itemgetter(2), rows))
        chosen = "".join(map(operator.itemgetter(3), rows))
        last = "".join(map(operator.itemgetter(4), rows))
        return (
            self._cells(head, 1 + n * self.before)
            and self._cells(tail, n * self.after)
            and not chosen.translate(_CHOICE_CHARACTERS)
            and chosen.count(",") == n * self.categories
            and self._ends(last, n)
        )

    def _cells(self, text: str, commas: int) -> bool:
        return (
            text.count(",") == commas
            and '"' not in text
            and "\r" not in text
            and "\n" not in text
            and not self.starts.search(text)
        )

    def _ends(self, text: str, n: int) -> bool:
        """The trailing cells of ``n`` lines, each line ended by CRLF (the only CR and LF)."""
        return (
            text.count(",") == n * self.trailing
            and '"' not in text
            and text.count("\r") == text.count("\n") == text.count(CRLF) == n
            and not self.starts.search(text)
        )


def _exact(
    conn: sa.Connection,
    cells: Cells,
    r: Range,
    between: tuple[int, int],
    shape: tuple[t.Sequence[str], t.Sequence[str], t.Sequence[str]],
) -> str:
    """The lines of chain indexes ``between`` (inclusive), every cell checked in SQL.

    :param shape: the line's ``(columns, categories, trailing)``.
    """
    query = (
        sa.select(exact_line(cells, *shape))
        .where(*_where(r), proofs.c.chain_index.between(*between))
        .order_by(proofs.c.chain_index)
    )
    with sqlite_cursor(conn, query) as cursor:
        return "".join(row[0] for row in cursor.fetchall())


@contextlib.contextmanager
def sqlite_cursor(conn: sa.Connection, query: sa.Select[t.Any]) -> t.Iterator[t.Any]:
    """A SQLite cursor of ``query``, run in ``conn``'s transaction, closed after use.

    SQLite steps through the result as rows are fetched: nothing is buffered.
    """
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    cursor = dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        yield cursor
    finally:
        cursor.close()
