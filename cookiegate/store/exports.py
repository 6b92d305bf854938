"""Export lines written by the database itself: one finished CSV line per record.

An export of a million records spent most of its time in Python, turning
each cell into text, neutralising it and quoting it; the database does the
same in C, row by row, and the process only joins the finished lines into
chunks. The expressions here are the SQL form of the CSV rules the caller
passes (which first characters make a cell a formula); the rules themselves
live in :mod:`cookiegate.consent.exports`, whose Python writer is the
reference these lines are tested against, byte for byte.

Lines are read through the DB-API cursor itself (a server-side cursor on
PostgreSQL): a SQLAlchemy row object per record would cost as much as the
formatting it saves.
"""

from __future__ import annotations

import contextlib
import operator
import typing as t
from functools import reduce

import sqlalchemy as sa

from .reports import Range
from .reports import _where
from .schema import proofs

#: Columns stored as integers (or a boolean), turned to text before the text rules apply.
_NUMBERS = frozenset({"chain_index", "revision", "seq"})
#: Characters that make CSV quote a cell (``csv.QUOTE_MINIMAL`` with ``\r\n`` line ends).
_SPECIAL = (",", '"', "\r", "\n")


def csv_lines(
    conn: sa.Connection,
    r: Range,
    through: int,
    *,
    columns: t.Sequence[str],
    categories: t.Sequence[str],
    formula_start: t.Sequence[str],
    batch: int,
) -> t.Iterator[tuple[str, int]]:
    """The records of ``r`` up to chain index ``through`` as CSV lines, ``batch`` at a time.

    Yields ``(text, records)``: ``records`` complete ``\\r\\n``-ended lines
    joined into one string, in chain order. Each line holds ``columns``, then
    one ``true``/``false`` cell per category of the stored choices.

    :param formula_start: a cell starting with one of these gets a leading ``'``.
    """
    line = _line(conn.dialect.name, columns, categories, formula_start)
    query = sa.select(line).where(*_where(r), proofs.c.chain_index <= through)
    compiled = query.order_by(proofs.c.chain_index).compile(
        dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
    )
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        # A named cursor is a server-side one: the server keeps the result and
        # sends ``batch`` rows per fetch, so memory holds one batch.
        # https://www.psycopg.org/psycopg3/docs/advanced/cursors.html#server-side-cursors
        cursor = dbapi.cursor(name="cookiegate_export")  # type: ignore[union-attr]
        params: t.Any = compiled.params
    else:
        # SQLite steps through the result as rows are fetched, nothing is buffered.
        cursor = dbapi.cursor()  # type: ignore[union-attr]
        params = [compiled.params[name] for name in compiled.positiontup or ()]
    with contextlib.closing(cursor):
        cursor.execute(str(compiled), params)
        first = operator.itemgetter(0)
        while rows := cursor.fetchmany(batch):
            yield "".join(map(first, rows)), len(rows)


def _line(
    dialect: str,
    columns: t.Sequence[str],
    categories: t.Sequence[str],
    formula_start: t.Sequence[str],
) -> sa.ColumnElement[str]:
    """One record's CSV line, cells joined by commas and ended by ``\\r\\n``."""
    cells = Cells(dialect, formula_start)
    parts = [cells.column(name) for name in columns]
    parts += [cells.category(c) for c in categories]
    joined = [parts[0]]
    for part in parts[1:]:
        joined += [sa.literal(","), part]
    return reduce(operator.add, [*joined, sa.literal("\r\n")])


class Cells:
    """SQL expressions for CSV cells, in one database's dialect."""

    def __init__(self, dialect: str, formula_start: t.Sequence[str]) -> None:
        self.sqlite = dialect == "sqlite"
        self.formula_start = list(formula_start)

    def column(self, name: str) -> sa.ColumnElement[str]:
        """A stored column as a cell: NULL is empty, the flag ``true``/``false``."""
        col = proofs.c[name]
        if isinstance(col.type, sa.Boolean):
            return sa.case((col, sa.literal("true")), else_=sa.literal("false"))
        text = sa.cast(col, sa.Text) if name in _NUMBERS else col
        if col.nullable:
            text = sa.func.coalesce(text, sa.literal(""))
        return self.text(text)

    def category(self, category: str) -> sa.ColumnElement[str]:
        """The choice for ``category`` in the stored choices: ``true``, ``false`` or empty.

        A value other than a boolean (never written: choices are validated
        before they are sealed) is written as its JSON text, as a cell.
        """
        if self.sqlite:
            # json_extract gives 1/0 for JSON booleans, so ask for the type first.
            # https://sqlite.org/json1.html#jtype
            path = sa.literal(f'$.categories."{category}"')
            kind = sa.func.json_type(proofs.c.choices, path)
            value = sa.cast(sa.func.json_extract(proofs.c.choices, path), sa.Text)
            return sa.case(
                (kind == "true", sa.literal("true")),
                (kind == "false", sa.literal("false")),
                else_=self.text(sa.func.coalesce(value, sa.literal(""))),
            )
        # ->> gives a JSON boolean as true/false and a JSON null as NULL.
        # https://www.postgresql.org/docs/current/functions-json.html
        doc = sa.cast(proofs.c.choices, sa.JSON)
        found = doc.op("->")(sa.literal("categories")).op("->>")(sa.literal(category))
        return self.text(sa.func.coalesce(sa.type_coerce(found, sa.Text), sa.literal("")))

    def text(self, value: sa.ColumnElement[t.Any]) -> sa.ColumnElement[str]:
        """``value`` neutralised (a leading ``'`` if it starts like a formula), then quoted.

        Quoting is decided on ``value`` itself: the added ``'`` is never a
        character that needs quotes.
        """
        prefix = sa.case(
            (sa.func.substr(value, 1, 1).in_(self.formula_start), sa.literal("'")),
            else_=sa.literal(""),
        )
        find = sa.func.instr if self.sqlite else sa.func.strpos
        special = sa.or_(*(find(value, sa.literal(c)) > 0 for c in _SPECIAL))
        quoted = sa.func.replace(value, sa.literal('"'), sa.literal('""'))
        return sa.case(
            (special, reduce(operator.add, [sa.literal('"'), prefix, quoted, sa.literal('"')])),
            else_=prefix + value,
        )
