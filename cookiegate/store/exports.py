"""Export lines written by the database itself: finished CSV lines, a batch at a time.

An export of a million records spent most of its time in Python, turning
each cell into text, neutralising it and quoting it. Now the database does
that work, in C, and the process only joins finished lines into chunks:

- PostgreSQL's own CSV writer (``COPY (SELECT …) TO STDOUT (FORMAT csv)``)
  quotes and streams the rows, and the process turns each line end into
  CRLF. The stored cells go out as they are, with a mark on a record that
  needs a rule, and a batch with one is copied again with every cell
  neutralised in the query (:mod:`.pgexport`).
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
import operator
import re
import typing as t

import sqlalchemy as sa

from . import reports
from .csvsql import CRLF
from .csvsql import Cells
from .csvsql import copy_cells
from .csvsql import exact_line
from .csvsql import plain_parts
from .pgexport import Queries
from .pgexport import csv_copied
from .pgexport import plain_copy_cells
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
        cut = (columns, categories, formula_start, trailing)
        queries = Queries(r, through, plain_copy_cells(*cut), copy_cells(*cut))
        yield from csv_copied(conn, queries, columns.index("chain_index"), batch)
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


def count(conn: sa.Connection, r: Range, through: int) -> int:
    """How many records of ``r`` there are up to chain index ``through``.

    Counted as the records of the site and days (an index-only scan of
    ``ix_proofs_site_created``) less those after ``through`` (a few, found by
    ``uq_proofs_site_chain``): counting with ``chain_index <= through`` read
    every record's row (a parallel scan, 0.43-0.50 s for a million).
    Filters by method, place or regime need the rows anyway.
    """
    if r.method or r.jurisdiction or r.regime:
        return reports.count(conn, r, through)
    days = sa.select(sa.func.count()).select_from(proofs).where(*_where(r))
    later = days.where(proofs.c.chain_index > through)
    return int(
        conn.execute(sa.select(days.scalar_subquery() - later.scalar_subquery())).scalar_one()
    )


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
