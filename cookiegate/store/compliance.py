"""The latest compliance report per site: one row each, replaced by the next run."""

from __future__ import annotations

import sqlalchemy as sa

from .queries import Row
from .schema import compliance_reports


def put_latest(conn: sa.Connection, row: Row) -> None:
    """Replace the site's report (delete + insert: the same SQL on SQLite and PostgreSQL)."""
    conn.execute(
        sa.delete(compliance_reports).where(compliance_reports.c.site_id == row["site_id"])
    )
    conn.execute(sa.insert(compliance_reports).values(**row))


def all_latest(conn: sa.Connection) -> list[Row]:
    rows = conn.execute(sa.select(compliance_reports).order_by(compliance_reports.c.site_id))
    return [dict(r._mapping) for r in rows]
