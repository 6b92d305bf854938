"""CSV cells as SQL expressions: SQLite string functions, PostgreSQL's own CSV writer.

On PostgreSQL, ``COPY … (FORMAT csv)`` quotes and streams the cells in C,
with the same rule as Python's ``csv.QUOTE_MINIMAL``: :func:`copy_cells`
neutralises each cell (a leading ``'`` when it starts like a formula),
:func:`.pgexport.plain_copy_cells` leaves the stored ones as they are and
marks a record that needs a rule.

SQLite has no CSV writer, so two forms of a record's line:

- :func:`exact_line` decides, cell by cell, whether to add the ``'`` and
  whether to quote: right for any content, and about three times the
  database's own CSV dump in cost;
- :func:`plain_parts` only joins the cells as they are with ``printf`` (one
  allocation per part, not one per ``||``), in the parts
  :mod:`.exports` checks a whole batch at a time.
"""

from __future__ import annotations

import operator
import typing as t
from functools import reduce

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.selectable import LateralFromClause

from .schema import proofs

#: Characters that make CSV quote a cell (``csv.QUOTE_MINIMAL`` with ``\r\n`` line ends).
SPECIAL = (",", '"', "\r", "\n")
CRLF = "\r\n"


def _cat(*parts: sa.ColumnElement[t.Any]) -> sa.ColumnElement[str]:
    return reduce(operator.add, parts)


class Cells:
    """SQLite expressions for CSV cells."""

    def __init__(self, formula_start: t.Sequence[str]) -> None:
        self.formula_start = list(formula_start)

    def raw(self, name: str) -> sa.ColumnElement[t.Any]:
        """A stored column as its cell's text before the rules: the flag ``true``/``false``."""
        col = proofs.c[name]
        if isinstance(col.type, sa.Boolean):
            return sa.case((col, sa.literal("true")), else_=sa.literal("false"))
        return col

    def column(self, name: str) -> sa.ColumnElement[str]:
        """A stored column as a cell: NULL is empty, numbers are their digits."""
        value = self.raw(name)
        if isinstance(proofs.c[name].type, sa.Boolean):
            return value
        if not isinstance(proofs.c[name].type, sa.String):
            value = sa.cast(value, sa.Text)
        if proofs.c[name].nullable:
            value = sa.func.coalesce(value, sa.literal(""))
        return self.text(value)

    def category(self, category: str) -> sa.ColumnElement[str]:
        """The choice for ``category`` in the stored choices: ``true``, ``false`` or empty.

        A value other than a boolean (never written: choices are validated
        before they are sealed) is written as its JSON text, as a cell.
        """
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

    def text(self, value: sa.ColumnElement[t.Any]) -> sa.ColumnElement[str]:
        """``value`` neutralised (a leading ``'`` if it starts like a formula), then quoted.

        Quoting is decided on ``value`` itself: the added ``'`` is never a
        character that needs quotes.
        """
        prefix = sa.case(
            (sa.func.substr(value, 1, 1).in_(self.formula_start), sa.literal("'")),
            else_=sa.literal(""),
        )
        special = sa.or_(*(sa.func.instr(value, sa.literal(c)) > 0 for c in SPECIAL))
        quoted = sa.func.replace(value, sa.literal('"'), sa.literal('""'))
        return sa.case(
            (special, _cat(sa.literal('"'), prefix, quoted, sa.literal('"'))),
            else_=prefix + value,
        )

    def joined(self, template: str, values: t.Sequence[sa.ColumnElement[t.Any]]) -> t.Any:
        """``template`` with each ``%s`` replaced by a value as text (NULL as nothing).

        https://sqlite.org/printf.html
        """
        if not values:
            return sa.literal(template)
        return sa.func.printf(sa.literal(template), *values)


def exact_line(
    cells: Cells,
    columns: t.Sequence[str],
    categories: t.Sequence[str],
    trailing: t.Sequence[str] = (),
) -> sa.ColumnElement[str]:
    """One record's CSV line, every cell checked, cells joined by commas and ended by CRLF.

    The cells: ``columns``, one per category, then the ``trailing`` columns.
    """
    parts = [cells.column(name) for name in columns]
    parts += [cells.category(c) for c in categories]
    parts += [cells.column(name) for name in trailing]
    joined: list[sa.ColumnElement[str]] = [parts[0]]
    for part in parts[1:]:
        joined += [sa.literal(","), part]
    return _cat(*joined, sa.literal(CRLF))


def plain_parts(
    cells: Cells,
    columns: t.Sequence[str],
    categories: t.Sequence[str],
    quoted: str,
    trailing: t.Sequence[str] = (),
) -> list[sa.ColumnElement[t.Any]]:
    """A record's line as it stands, in five parts.

    ``head`` (the cells before ``quoted``, each followed by a comma), the
    ``quoted`` cell with every rule applied (the stored choices always hold
    quotes), ``tail`` (a comma before each cell after it), ``choices`` (a
    comma before each category's value) and ``last`` (a comma before each
    ``trailing`` cell, then CRLF).
    """
    split = columns.index(quoted)
    head = cells.joined("%s," * split, [cells.raw(c) for c in columns[:split]])
    tail = cells.joined(
        ",%s" * (len(columns) - split - 1), [cells.raw(c) for c in columns[split + 1 :]]
    )
    last = cells.joined(",%s" * len(trailing) + CRLF, [cells.raw(c) for c in trailing])
    if not categories:
        chosen: sa.ColumnElement[t.Any] = sa.literal("")
    elif len(categories) > 1:
        # With several paths json_extract gives a JSON array, one value per path
        # (null when absent): "[true,false,null]" -> ",true,false," once the
        # brackets go. https://sqlite.org/json1.html#jex  Trimming brackets
        # (not cutting one off each end) reads the array once; a nested array
        # keeps a bracket, which the batch check refuses.
        paths = [sa.literal(f'$.categories."{c}"') for c in categories]
        found = sa.func.json_extract(proofs.c.choices, *paths)
        inner = sa.func.ltrim(sa.func.rtrim(found, "]"), "[")
        chosen = sa.literal(",") + sa.func.replace(inner, "null", "")
    else:
        chosen = sa.literal(",") + cells.category(categories[0])
    return [head, cells.text(proofs.c[quoted]), tail, chosen, last]


def copy_cells(
    columns: t.Sequence[str],
    categories: t.Sequence[str],
    formula_start: t.Sequence[str],
    trailing: t.Sequence[str] = (),
) -> tuple[list[sa.ColumnElement[t.Any]], sa.FromClause]:
    """PostgreSQL: each cell neutralised, empty as NULL, and what to select them from.

    The cells: ``columns``, one per category, then the ``trailing`` columns.
    ``COPY … (FORMAT csv)`` writes NULL as nothing, as Python's writer writes
    an empty cell (an empty string as ``""``).
    https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-CSV-FORMAT
    """
    cell = neutraliser(formula_start)

    def stored(name: str) -> sa.ColumnElement[t.Any]:
        col = proofs.c[name]
        if isinstance(col.type, sa.Boolean):
            return flag(col)
        return cell(col if isinstance(col.type, sa.String) else sa.cast(col, sa.Text))

    return with_categories(
        [stored(name) for name in columns], categories, cell, [stored(n) for n in trailing]
    )


def flag(col: sa.ColumnElement[t.Any]) -> sa.ColumnElement[str]:
    return sa.case((col, sa.literal("true")), else_=sa.literal("false"))


def neutraliser(
    formula_start: t.Sequence[str],
) -> t.Callable[[sa.ColumnElement[t.Any]], sa.ColumnElement[t.Any]]:
    """A cell's SQL: a leading ``'`` if it starts like a formula, NULL if empty."""
    codes = sorted(ord(c) for c in formula_start)
    # Every formula character sorts before this one: a cell that does not
    # (byte order, so most cells: letters, most digits, any non-ASCII) is
    # neither empty nor a formula and is written as it is, for one comparison.
    after = sa.literal(chr(codes[-1] + 1))

    def cell(value: sa.ColumnElement[t.Any]) -> sa.ColumnElement[t.Any]:
        formula = sa.func.ascii(value).in_(codes)
        checked = sa.case((formula, sa.literal("'") + value), else_=value)
        return sa.case((sa.collate(value, "C") < after, sa.func.nullif(checked, "")), else_=value)

    return cell


def with_categories(
    cells: list[sa.ColumnElement[t.Any]],
    categories: t.Sequence[str],
    cell: t.Callable[[sa.ColumnElement[t.Any]], sa.ColumnElement[t.Any]],
    last: list[sa.ColumnElement[t.Any]],
) -> tuple[list[sa.ColumnElement[t.Any]], sa.FromClause]:
    """``cells``, one neutralised cell per category, then ``last``; and the FROM they need."""
    if not categories:
        return cells + last, proofs
    chosen = _chosen(categories)
    cells = cells + [cell(chosen.c[f"c{n}"]) for n in range(len(categories))]
    return cells + last, proofs.join(chosen, sa.true())


def _chosen(categories: t.Sequence[str]) -> LateralFromClause:
    """Per record, the choice of each of ``categories`` as text: parsed once per distinct value.

    The stored choices are parsed as ``jsonb`` (which, like Python's reader,
    takes the last of repeated keys) in a ``LATERAL`` subquery that reads
    nothing but ``choices``, so PostgreSQL (14 and later) caches its result
    by that text (a ``Memoize`` node): records share a few dozen distinct
    choices, and each is parsed once. ``OFFSET 0`` keeps the planner from
    folding the expressions back into every cell that reads them.

    Measured (200,000 records, backend CPU): the same as the anchored
    regular expression this replaces when the cache holds, and where it does
    not (every record's choices distinct, or no statistics to plan the
    cache by) about 10 µs a record where the expression took 200-1,000 µs
    in PostgreSQL's regular expression engine.
    https://www.postgresql.org/docs/current/using-explain.html (Memoize)
    """
    doc = sa.cast(proofs.c.choices, JSONB).op("->", return_type=JSONB)(sa.literal("categories"))
    parsed = sa.select(doc.label("doc")).correlate(proofs).offset(0).subquery("parsed")
    values = [
        parsed.c.doc.op("->>", return_type=sa.Text)(sa.literal(c)).label(f"c{n}")
        for n, c in enumerate(categories)
    ]
    return sa.select(*values).offset(0).lateral("chosen")
