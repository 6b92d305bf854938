"""Admin accounts and the audit log: rows in, rows out."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from .queries import Row
from .schema import admins
from .schema import audit_log


def get_admin(
    conn: sa.Connection, *, email: str | None = None, id: int | None = None
) -> Row | None:
    where = admins.c.email == email if email is not None else admins.c.id == id
    row = conn.execute(sa.select(admins).where(where)).first()
    return dict(row._mapping) if row else None


def insert_admin(conn: sa.Connection, row: Row) -> int:
    result = conn.execute(admins.insert().values(**row))
    return int(t.cast(tuple[int], result.inserted_primary_key)[0])


def update_admin(conn: sa.Connection, admin_id: int, **values: object) -> None:
    conn.execute(admins.update().where(admins.c.id == admin_id).values(**values))


def list_admins(conn: sa.Connection) -> list[Row]:
    return [dict(r._mapping) for r in conn.execute(sa.select(admins).order_by(admins.c.email))]


def count_admins(conn: sa.Connection, role: str) -> int:
    query = sa.select(sa.func.count()).where(admins.c.role == role, admins.c.active)
    return int(conn.execute(query).scalar_one())


def append_audit(conn: sa.Connection, row: Row) -> None:
    conn.execute(audit_log.insert().values(**row))


def read_audit(conn: sa.Connection, limit: int, before: int | None = None) -> list[Row]:
    """The newest entries first, ``limit`` at a time, older than id ``before``."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    return [dict(r._mapping) for r in conn.execute(query)]
