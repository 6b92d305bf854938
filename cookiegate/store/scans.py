"""The latest scan report per site: one row each, replaced by the next scan."""

from __future__ import annotations

import sqlalchemy as sa

from .queries import Row
from .schema import site_scans


def put_latest(conn: sa.Connection, row: Row) -> None:
    """Replace the site's scan (delete + insert: the same SQL on SQLite and PostgreSQL)."""
    conn.execute(sa.delete(site_scans).where(site_scans.c.site_id == row["site_id"]))
    conn.execute(sa.insert(site_scans).values(**row))


def get_latest(conn: sa.Connection, site_id: str) -> Row | None:
    found = conn.execute(sa.select(site_scans).where(site_scans.c.site_id == site_id)).first()
    return dict(found._mapping) if found else None


def all_latest(conn: sa.Connection) -> list[Row]:
    """Every site's latest scan without its report body (for lists)."""
    rows = conn.execute(
        sa.select(
            site_scans.c.site_id,
            site_scans.c.scanned_at,
            site_scans.c.start_url,
            site_scans.c.verdict,
        ).order_by(site_scans.c.site_id)
    )
    return [dict(r._mapping) for r in rows]
