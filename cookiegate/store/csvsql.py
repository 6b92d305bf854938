"""CSV cells as SQL expressions, for SQLite and PostgreSQL alike.

Two forms of a record's line, both the SQL spelling of the CSV rules the
caller passes (which first characters make a cell a formula):

- :func:`exact_line` decides, cell by cell, whether to add the ``'`` that
  neutralises a formula and whether to quote: right for any content, and
  about three times the database's own CSV dump in cost;
- :func:`plain_parts` only joins the cells as they are, with ``printf`` on
  SQLite and ``format`` on PostgreSQL (one allocation per part, not one per
  ``||``), in the parts :mod:`.exports` checks a whole batch at a time.
"""

from __future__ import annotations

import operator
import typing as t
from functools import reduce

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from .schema import proofs

#: Characters that make CSV quote a cell (``csv.QUOTE_MINIMAL`` with ``\r\n`` line ends).
SPECIAL = (",", '"', "\r", "\n")
CRLF = "\r\n"


def _cat(*parts: sa.ColumnElement[t.Any]) -> sa.ColumnElement[str]:
    return reduce(operator.add, parts)


class Cells:
    """SQL expressions for CSV cells, in one database's dialect."""

    def __init__(self, dialect: str, formula_start: t.Sequence[str]) -> None:
        self.sqlite = dialect == "sqlite"
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
        special = sa.or_(*(find(value, sa.literal(c)) > 0 for c in SPECIAL))
        quoted = sa.func.replace(value, sa.literal('"'), sa.literal('""'))
        return sa.case(
            (special, _cat(sa.literal('"'), prefix, quoted, sa.literal('"'))),
            else_=prefix + value,
        )

    def joined(self, template: str, values: t.Sequence[sa.ColumnElement[t.Any]]) -> t.Any:
        """``template`` with each ``%s`` replaced by a value as text (NULL as nothing).

        https://sqlite.org/printf.html, and PostgreSQL's ``format``:
        https://www.postgresql.org/docs/current/functions-string.html#FUNCTIONS-STRING-FORMAT
        """
        if not values:
            return sa.literal(template)
        return (sa.func.printf if self.sqlite else sa.func.format)(sa.literal(template), *values)


def exact_line(
    cells: Cells, columns: t.Sequence[str], categories: t.Sequence[str]
) -> sa.ColumnElement[str]:
    """One record's CSV line, every cell checked, cells joined by commas and ended by CRLF."""
    parts = [cells.column(name) for name in columns]
    parts += [cells.category(c) for c in categories]
    joined: list[sa.ColumnElement[str]] = [parts[0]]
    for part in parts[1:]:
        joined += [sa.literal(","), part]
    return _cat(*joined, sa.literal(CRLF))


def plain_parts(
    cells: Cells, columns: t.Sequence[str], categories: t.Sequence[str], quoted: str
) -> tuple[list[sa.ColumnElement[t.Any]], sa.FromClause]:
    """A record's line as it stands, in four parts, and what to select them from.

    ``head`` (the cells before ``quoted``, each followed by a comma), the
    ``quoted`` cell with every rule applied (the stored choices always hold
    quotes), ``tail`` (a comma before each cell after it) and ``choices`` (a
    comma before each category's value, then CRLF).
    """
    split = columns.index(quoted)
    head = cells.joined("%s," * split, [cells.raw(c) for c in columns[:split]])
    tail = cells.joined(
        ",%s" * (len(columns) - split - 1), [cells.raw(c) for c in columns[split + 1 :]]
    )
    source: sa.FromClause = proofs
    if not categories:
        chosen: sa.ColumnElement[t.Any] = sa.literal(CRLF)
    elif cells.sqlite and len(categories) > 1:
        # With several paths json_extract gives a JSON array, one value per path
        # (null when absent): "[true,false,null]" -> ",true,false," once the
        # brackets go. https://sqlite.org/json1.html#jex  Trimming brackets
        # (not cutting one off each end) reads the array once; a nested array
        # keeps a bracket, which the batch check refuses.
        paths = [sa.literal(f'$.categories."{c}"') for c in categories]
        found = sa.func.json_extract(proofs.c.choices, *paths)
        inner = sa.func.ltrim(sa.func.rtrim(found, "]"), "[")
        chosen = _cat(sa.literal(","), sa.func.replace(inner, "null", ""), sa.literal(CRLF))
    elif cells.sqlite:
        chosen = _cat(sa.literal(","), cells.category(categories[0]), sa.literal(CRLF))
    else:
        # One parse of the choices per record, each category a text column.
        # https://www.postgresql.org/docs/current/functions-json.html (jsonb_to_record)
        doc = sa.cast(proofs.c.choices, JSONB).op("->")(sa.literal("categories"))
        record = (
            sa.func.jsonb_to_record(doc)
            .table_valued(*[sa.column(c, sa.Text) for c in categories])
            .render_derived(name="chosen", with_types=True)
        )
        source = proofs.outerjoin(record, sa.true())
        chosen = cells.joined(",%s" * len(categories) + CRLF, [record.c[c] for c in categories])
    return [head, cells.text(proofs.c[quoted]), tail, chosen], source
