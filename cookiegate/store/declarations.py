"""Versions of each site's cookie declaration: one row per distinct content, numbered."""

from __future__ import annotations

import sqlalchemy as sa

from .queries import Row
from .schema import declaration_versions as dv


def find(conn: sa.Connection, site_id: str, content_hash: str) -> Row | None:
    found = conn.execute(
        sa.select(dv).where(dv.c.site_id == site_id, dv.c.hash == content_hash)
    ).first()
    return dict(found._mapping) if found else None


def add(conn: sa.Connection, row: Row) -> None:
    conn.execute(sa.insert(dv).values(**row))


def newest_revision(conn: sa.Connection, site_id: str) -> int:
    found = conn.execute(
        sa.select(sa.func.max(dv.c.revision)).where(dv.c.site_id == site_id)
    ).scalar()
    return int(found or 0)


def history(conn: sa.Connection, site_id: str) -> list[Row]:
    """The site's versions, newest first, without their facts."""
    rows = conn.execute(
        sa.select(dv.c.site_id, dv.c.revision, dv.c.hash, dv.c.live_from)
        .where(dv.c.site_id == site_id)
        .order_by(dv.c.revision.desc())
    )
    return [dict(r._mapping) for r in rows]
