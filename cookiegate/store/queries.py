"""Rows in, rows out: the SQL of the consent chain (proofs, shown content, heads, checkpoints).

Functions take an open connection inside the caller's transaction; the
service layer decides what a transaction spans.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from .schema import chain_checkpoints
from .schema import chain_heads
from .schema import proof_choices
from .schema import proofs
from .schema import shown_versions

Row = dict[str, t.Any]


def _insert_ignore(conn: sa.Connection, table: sa.Table, values: Row) -> None:
    """Insert a row unless its primary key exists (portable ``ON CONFLICT DO NOTHING``)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).on_conflict_do_nothing(), values)


# The statements of the consent write, compiled once per database to the
# driver's SQL and run on the DBAPI cursor of the caller's transaction: a
# consent batch then costs the driver calls and nothing else (SQLAlchemy's
# statement caching still spent ~40 us per execution building cache keys and
# result objects, the largest share of a consent's CPU time in the profile).
_LOCK_HEAD = (
    sa.select(chain_heads.c.length, chain_heads.c.hash)
    .where(chain_heads.c.site_id == sa.bindparam("site_id"))
    .with_for_update()
)
_MOVE_HEAD = (
    chain_heads.update()
    .where(chain_heads.c.site_id == sa.bindparam("head_site"))
    .values(length=sa.bindparam("length"), hash=sa.bindparam("head_hash"))
)
_INSERT_PROOF = (
    proofs.insert()
    .inline()
    .values({c.name: sa.bindparam(c.name, type_=c.type) for c in proofs.columns if c.name != "seq"})
)
# Choices find their proof by its unique consent ID, so a batch needs no
# round trip to learn the new records' seqs.
_INSERT_CHOICES = proof_choices.insert().from_select(
    ["seq", "category", "granted"],
    sa.select(
        proofs.c.seq,
        sa.cast(sa.bindparam("category"), proof_choices.c.category.type),
        sa.cast(sa.bindparam("granted"), sa.Boolean),
    ).where(proofs.c.consent_id == sa.bindparam("consent_id")),
)
_SQLITE_NAMED = sqlite.dialect(paramstyle="named")
_COMPILED: dict[tuple[str, int], str] = {}


def _driver_sql(conn: sa.Connection, statement: sa.ClauseElement) -> str:
    """``statement`` as the driver's SQL with named parameters, compiled once per database."""
    key = (conn.dialect.name, id(statement))
    sql = _COMPILED.get(key)
    if sql is None:
        dialect = _SQLITE_NAMED if conn.dialect.name == "sqlite" else conn.dialect
        sql = _COMPILED[key] = str(statement.compile(dialect=dialect))
    return sql


def _run(
    conn: sa.Connection,
    statement: sa.ClauseElement,
    params: Row | list[Row],
    *,
    fetch: bool = False,
) -> t.Any:
    """Execute a prebuilt statement on the transaction's DBAPI cursor (many rows: executemany)."""
    cursor = conn.connection.cursor()
    try:
        if isinstance(params, list):
            cursor.executemany(_driver_sql(conn, statement), params)
            return None
        cursor.execute(_driver_sql(conn, statement), params)
        return cursor.fetchone() if fetch else None
    finally:
        cursor.close()


def lock_head(
    conn: sa.Connection, site_id: str, genesis: str, *, create: bool = True
) -> tuple[int, str]:
    """Return ``(length, hash)`` of a site's chain, holding its write lock until commit.

    On PostgreSQL the head row is locked with ``SELECT ... FOR UPDATE``; on
    SQLite the caller's ``BEGIN IMMEDIATE`` already holds the database lock.
    ``create=False`` skips creating the row, for callers who know it exists.
    """
    if create:
        _insert_ignore(conn, chain_heads, {"site_id": site_id, "length": 0, "hash": genesis})
    length, head_hash = _run(conn, _LOCK_HEAD, {"site_id": site_id}, fetch=True)
    return int(length), str(head_hash)


def append_proofs(conn: sa.Connection, records: t.Sequence[Row]) -> None:
    """Insert sealed proof records (one ``executemany``).

    The caller moves the chain head (:func:`move_head`) to the last of them.
    """
    _run(conn, _INSERT_PROOF, list(records))


def move_head(conn: sa.Connection, site_id: str, length: int, head_hash: str) -> None:
    """Point a site's chain head at its newest record."""
    _run(conn, _MOVE_HEAD, {"head_site": site_id, "length": length, "head_hash": head_hash})


def put_many_choices(
    conn: sa.Connection, proofs_choices: t.Iterable[tuple[str, t.Mapping[str, bool]]]
) -> None:
    """Store the per-category choices of several proofs, named by consent ID, in one go."""
    rows = [
        {"consent_id": consent_id, "category": c, "granted": bool(g)}
        for consent_id, categories in proofs_choices
        for c, g in categories.items()
    ]
    if rows:
        _run(conn, _INSERT_CHOICES, rows)


def put_shown(conn: sa.Connection, row: Row) -> None:
    """Store a shown-content version once; later inserts of the same hash are no-ops."""
    _insert_ignore(conn, shown_versions, row)


def get_head(conn: sa.Connection, site_id: str) -> tuple[int, str] | None:
    row = conn.execute(
        sa.select(chain_heads.c.length, chain_heads.c.hash).where(chain_heads.c.site_id == site_id)
    ).first()
    return (int(row.length), str(row.hash)) if row else None


def get_proof(conn: sa.Connection, site_id: str, consent_id: str) -> Row | None:
    row = conn.execute(
        sa.select(proofs).where(proofs.c.site_id == site_id, proofs.c.consent_id == consent_id)
    ).first()
    return dict(row._mapping) if row else None


def get_shown(conn: sa.Connection, content_hash: str) -> Row | None:
    row = conn.execute(
        sa.select(shown_versions).where(shown_versions.c.hash == content_hash)
    ).first()
    return dict(row._mapping) if row else None


def iter_chain(conn: sa.Connection, site_id: str, batch: int = 1000) -> t.Generator[Row]:
    """Yield a site's proofs in chain order, streamed with a server-side cursor."""
    return stream(
        conn,
        sa.select(proofs).where(proofs.c.site_id == site_id).order_by(proofs.c.chain_index),
        batch,
    )


def stream(conn: sa.Connection, query: sa.Select[t.Any], batch: int = 1000) -> t.Generator[Row]:
    """Yield the rows of ``query`` as dicts through a server-side cursor, ``batch`` at a time."""
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
    try:
        for row in result:
            yield dict(row._mapping)
    finally:
        # A caller that stops early must not leave the server-side cursor open.
        result.close()


def site_ids(conn: sa.Connection) -> list[str]:
    return list(
        conn.execute(sa.select(chain_heads.c.site_id).order_by(chain_heads.c.site_id)).scalars()
    )


def get_checkpoint(conn: sa.Connection, site_id: str) -> Row | None:
    """Where a site's chain starts after a purge, or None when nothing was purged."""
    row = conn.execute(
        sa.select(chain_checkpoints).where(chain_checkpoints.c.site_id == site_id)
    ).first()
    return dict(row._mapping) if row else None


def put_checkpoint(conn: sa.Connection, row: Row) -> None:
    """Insert or move a site's checkpoint (purges only ever move it forward)."""
    conn.execute(chain_checkpoints.delete().where(chain_checkpoints.c.site_id == row["site_id"]))
    conn.execute(chain_checkpoints.insert().values(**row))


def first_index_from(conn: sa.Connection, site_id: str, created_at: str) -> int | None:
    """The lowest chain index of a site's records created at or after ``created_at``."""
    value = conn.execute(
        sa.select(sa.func.min(proofs.c.chain_index)).where(
            proofs.c.site_id == site_id, proofs.c.created_at >= created_at
        )
    ).scalar()
    return None if value is None else int(value)


def chain_span(conn: sa.Connection, site_id: str, through: int) -> tuple[int, Row | None]:
    """How many records of a site have ``chain_index <= through``, and the last of them."""
    count = conn.execute(
        sa.select(sa.func.count()).where(
            proofs.c.site_id == site_id, proofs.c.chain_index <= through
        )
    ).scalar_one()
    last = conn.execute(
        sa.select(proofs).where(proofs.c.site_id == site_id, proofs.c.chain_index == through)
    ).first()
    return int(count), (dict(last._mapping) if last else None)


def delete_through(conn: sa.Connection, site_id: str, through: int) -> int:
    """Delete a site's records up to chain index ``through`` (and their choices)."""
    doomed = sa.select(proofs.c.seq).where(
        proofs.c.site_id == site_id, proofs.c.chain_index <= through
    )
    conn.execute(proof_choices.delete().where(proof_choices.c.seq.in_(doomed)))
    result = conn.execute(
        proofs.delete().where(proofs.c.site_id == site_id, proofs.c.chain_index <= through)
    )
    return int(result.rowcount)
