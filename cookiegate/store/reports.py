"""Read-only queries for compliance staff: lookups, history, exports and aggregates.

Every aggregate is a ``GROUP BY`` in the database, so a dashboard over
millions of records moves a few hundred rows to Python, on SQLite and on
PostgreSQL alike. Times are ISO text, so a day is its first ten characters.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from .queries import Row
from .queries import stream
from .schema import proof_choices
from .schema import proofs


class Range(t.NamedTuple):
    """A site and a half-open time range ``[start, end)`` in stored ISO text."""

    site_id: str
    start: str
    end: str
    #: Only this method (``accept_all`` ...), or all when None.
    method: str | None = None
    #: Only records sealed with this jurisdiction (``US-CA``) and regime, or all when None.
    jurisdiction: str | None = None
    regime: str | None = None


def _where(r: Range) -> list[sa.ColumnElement[bool]]:
    clauses = [
        proofs.c.site_id == r.site_id,
        proofs.c.created_at >= r.start,
        proofs.c.created_at < r.end,
    ]
    if r.method:
        clauses.append(proofs.c.method == r.method)
    if r.jurisdiction:
        clauses.append(proofs.c.jurisdiction == r.jurisdiction)
    if r.regime:
        clauses.append(proofs.c.regime == r.regime)
    return clauses


def find_by_id(conn: sa.Connection, consent_id: str) -> Row | None:
    row = conn.execute(sa.select(proofs).where(proofs.c.consent_id == consent_id)).first()
    return dict(row._mapping) if row else None


def later_changes(conn: sa.Connection, consent_id: str) -> list[Row]:
    """Records that name ``consent_id`` as the consent they replaced."""
    rows = conn.execute(
        sa.select(proofs).where(proofs.c.previous_id == consent_id).order_by(proofs.c.seq)
    )
    return [dict(r._mapping) for r in rows]


def neighbour(conn: sa.Connection, site_id: str, chain_index: int) -> Row | None:
    row = conn.execute(
        sa.select(proofs.c.consent_id, proofs.c.prev_hash, proofs.c.hash).where(
            proofs.c.site_id == site_id, proofs.c.chain_index == chain_index
        )
    ).first()
    return dict(row._mapping) if row else None


def search(conn: sa.Connection, r: Range, limit: int) -> list[Row]:
    """The newest ``limit`` records of a range."""
    rows = conn.execute(
        sa.select(proofs).where(*_where(r)).order_by(proofs.c.chain_index.desc()).limit(limit)
    )
    return [dict(row._mapping) for row in rows]


def count(conn: sa.Connection, r: Range, through: int | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(proofs).where(*_where(r))
    if through is not None:
        query = query.where(proofs.c.chain_index <= through)
    return int(conn.execute(query).scalar_one())


def iter_range(conn: sa.Connection, r: Range, through: int, batch: int = 2000) -> t.Generator[Row]:
    """Stream a range in chain order, up to chain index ``through`` (the head read first)."""
    query = (
        sa.select(proofs)
        .where(*_where(r), proofs.c.chain_index <= through)
        .order_by(proofs.c.chain_index)
    )
    return stream(conn, query, batch)


def _day() -> sa.ColumnElement[str]:
    return sa.func.substr(proofs.c.created_at, 1, 10)


def per_day_by_method(conn: sa.Connection, r: Range) -> list[tuple[str, str, int]]:
    """``(day, method, records)`` for each day and method with records."""
    day = _day().label("day")
    rows = conn.execute(
        sa.select(day, proofs.c.method, sa.func.count())
        .where(*_where(r))
        .group_by(day, proofs.c.method)
        .order_by(day)
    )
    return [(str(d), str(m), int(n)) for d, m, n in rows]


def _granted_sum() -> sa.ColumnElement[t.Any]:
    return sa.func.sum(sa.case((proof_choices.c.granted, 1), else_=0))


def grants_per_day(conn: sa.Connection, r: Range) -> list[tuple[str, str, int, int]]:
    """``(day, category, granted, records)`` from the per-category choice rows."""
    day = _day().label("day")
    rows = conn.execute(
        sa.select(day, proof_choices.c.category, _granted_sum(), sa.func.count())
        .select_from(proofs.join(proof_choices, proof_choices.c.seq == proofs.c.seq))
        .where(*_where(r))
        .group_by(day, proof_choices.c.category)
        .order_by(day)
    )
    return [(str(d), str(c), int(g or 0), int(n)) for d, c, g, n in rows]


def grants_total(conn: sa.Connection, r: Range) -> list[tuple[str, int, int]]:
    """``(category, granted, records)`` over the whole range."""
    rows = conn.execute(
        sa.select(proof_choices.c.category, _granted_sum(), sa.func.count())
        .select_from(proofs.join(proof_choices, proof_choices.c.seq == proofs.c.seq))
        .where(*_where(r))
        .group_by(proof_choices.c.category)
    )
    return [(str(c), int(g or 0), int(n)) for c, g, n in rows]


def breakdown(conn: sa.Connection, r: Range, column: str) -> list[tuple[str, int]]:
    """Records per value of a user-agent column (``ua_device`` or ``ua_browser``), largest first."""
    col = proofs.c[column]
    n = sa.func.count().label("n")
    rows = conn.execute(
        sa.select(col, n).where(*_where(r)).group_by(col).order_by(n.desc(), col).limit(20)
    )
    return [(str(v), int(c)) for v, c in rows]
