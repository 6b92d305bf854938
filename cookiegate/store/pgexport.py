"""PostgreSQL exports: ``COPY (SELECT …) TO STDOUT`` read in batches, and CSV by it.

The CSV lines come from PostgreSQL's own CSV writer. Most records need no
rule (no cell starts like a formula, none is empty), so the rows are first
copied with their stored cells as they are and a mark per record, checked a
batch at a time in the process, and only a batch that fails the check is
copied again with every cell neutralised in SQL (:func:`csv_copied`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import typing as t

import sqlalchemy as sa

from .copyout import copy_out
from .csvsql import CRLF
from .csvsql import flag
from .csvsql import neutraliser
from .csvsql import with_categories
from .reports import Range
from .reports import _where
from .schema import proofs


def plain_copy_cells(
    columns: t.Sequence[str],
    categories: t.Sequence[str],
    formula_start: t.Sequence[str],
    trailing: t.Sequence[str] = (),
) -> tuple[list[sa.ColumnElement[t.Any]], sa.FromClause]:
    """PostgreSQL: :func:`.csvsql.copy_cells`, but the stored columns as they are, and a mark.

    The category cells are neutralised as there (in the cached ``LATERAL``).
    The stored columns are not: one ``LEAST`` of the texts and one of the
    numbers per record decide whether any needs a rule — a text that is
    empty or starts below ``.`` in byte order (TAB, CR, ``+``, ``-``), a
    negative number — and such a record's last cell ends with :data:`MARK`
    (U+0001, which COPY writes as it is). ``=`` and ``@`` sort above ``.``:
    the reader looks for them in the text itself (:func:`csv_copied`). Where
    neither shows, the line is ``copy_cells``'s byte for byte, for two
    ``LEAST`` per record instead of a ``CASE`` per cell.
    https://www.postgresql.org/docs/current/functions-conditional.html#FUNCTIONS-GREATEST-LEAST
    """
    if any(c >= "." for c in formula_start if c not in _FOUND_IN_TEXT):
        raise ValueError(f"The mark cannot tell formula starts {formula_start!r}.")
    texts, numbers = [], []
    for name in (*columns, *trailing):
        col = proofs.c[name]
        if isinstance(col.type, sa.String):
            texts.append(col)
        elif not isinstance(col.type, sa.Boolean):
            numbers.append(col)
    # LEAST ignores NULLs, which every writer leaves empty. Byte order for each
    # argument: in a locale's order the least text need not have the least first byte.
    plain = sa.func.least(*(sa.collate(col, "C") for col in texts)) >= sa.literal(".")
    if numbers:
        plain = sa.and_(plain, sa.func.least(*numbers) >= 0)

    def stored(name: str) -> sa.ColumnElement[t.Any]:
        col = proofs.c[name]
        return flag(col) if isinstance(col.type, sa.Boolean) else col

    cells, source = with_categories(
        [stored(name) for name in columns],
        categories,
        neutraliser(formula_start),
        [stored(n) for n in trailing],
    )
    marked = sa.func.coalesce(cells[-1], sa.literal("")) + sa.literal(MARK)
    return [*cells[:-1], sa.case((plain, cells[-1]), else_=marked)], source


#: Ends the last cell of a record :func:`plain_copy_cells` found needing a rule.
MARK = "\x01"
#: Formula characters the CSV reader looks for in the text, not the mark in SQL.
_FOUND_IN_TEXT = "=@"


class Queries(t.NamedTuple):
    """PostgreSQL: the records of ``r`` to ``through``, as plain cells and as checked ones."""

    r: Range
    through: int
    plain: tuple[list[sa.ColumnElement[t.Any]], sa.FromClause]
    exact: tuple[list[sa.ColumnElement[t.Any]], sa.FromClause]

    def select(self, exact: bool, after: int | None, through: int) -> sa.Select[t.Any]:
        """The records after chain index ``after`` (None: from the first) to ``through``."""
        cells, source = self.exact if exact else self.plain
        where = [*_where(self.r), proofs.c.chain_index <= through]
        if after is not None:
            where.append(proofs.c.chain_index > after)
        return sa.select(*cells).select_from(source).where(*where).order_by(proofs.c.chain_index)


def csv_copied(
    conn: sa.Connection, queries: Queries, index: int, batch: int
) -> t.Generator[tuple[str, int]]:
    """PostgreSQL: the rows as its CSV writer streams them, ``batch`` lines at a time.

    The rows come as plain cells with a mark (:func:`plain_copy_cells`)
    and each batch is checked (:func:`_plain`): the plain lines of a batch
    that passes are its CSV lines once the mark goes. The first batch that
    does not pass stops that COPY (the transaction goes back to a savepoint
    taken before it), is read again with every cell checked in SQL
    (:func:`.csvsql.copy_cells`), and a new plain COPY goes on after it: a
    record that needs a rule costs a batch read twice, never its bytes.

    Each stop costs a cancel and a new query (a few ms): once stops come
    more often than one in :data:`_STOPS_PER` batches (at least
    :data:`_STOPS` of them), the rest is copied checked in one go.

    :param index: the position of the chain index among the cells.
    """
    after: int | None = None
    stops = batches = 0
    while stops < _STOPS or stops * _STOPS_PER <= batches:
        savepoint = conn.begin_nested()
        rows = copied_blocks(conn, queries.select(False, after, queries.through), "csv", batch)
        stopped = None
        with contextlib.closing(rows):
            for text, count in rows:
                batches += 1
                if not _plain(text, count):
                    stopped = _last_cell(text, index, plain=False)
                    break
                after = _last_cell(text, index, plain=True)
                yield text.replace("\n", CRLF), count
        if stopped is None:
            savepoint.commit()
            return
        # Closing the reader cancelled its COPY, which fails the transaction: undone here.
        savepoint.rollback()
        stops += 1
        yield from _checked(conn, queries.select(True, after, stopped), batch)
        after = stopped
    yield from _checked(conn, queries.select(True, after, queries.through), batch)


#: Stops of the plain COPY allowed at any rate, and then at most one per so many batches.
_STOPS, _STOPS_PER = 3, 50


def _checked(
    conn: sa.Connection, query: sa.Select[t.Any], batch: int
) -> t.Iterator[tuple[str, int]]:
    """The CSV lines of ``query`` (every cell checked in SQL), CRLF-ended."""
    rows = copied_blocks(conn, query, "csv", batch)
    with contextlib.closing(rows):
        for text, count in rows:
            yield _crlf(text, count)


#: A cell starting with ``=`` or ``@`` (which the mark cannot see): after a
#: separator or a line end, quoted or not.
_STARTS = re.compile(f'(?:^|[,\\n])"?[{re.escape(_FOUND_IN_TEXT)}]')


def _plain(text: str, rows: int) -> bool:
    """Whether ``rows`` lines of plain cells are the CSV lines, LF-ended.

    They are when the text holds one LF per row (no cell holds one), no
    :data:`MARK` (no record needs a rule, and no cell holds the
    character), and no cell starts with ``=`` or ``@``: both are rare in any
    text, so the expression runs only when one is there. Each test is one C
    search for one character (a two-character search cost 0.5 s a million
    records: CPython finds a single character with ``memchr``).
    """
    return (
        text.count("\n") == rows
        and MARK not in text
        and not (("=" in text or "@" in text) and _STARTS.search(text))
    )


def _last_cell(text: str, index: int, *, plain: bool) -> int:
    """The integer in cell ``index`` of the last of these CSV lines (its chain index).

    :param plain: every LF of ``text`` ends a line (:func:`_plain`), so the last
        line is after the one before the end; otherwise the whole text is parsed.
    """
    if plain:
        text = text[text.rfind("\n", 0, -1) + 1 :]
    *_, last = csv.reader(io.StringIO(text, newline=""))
    return int(last[index])


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
