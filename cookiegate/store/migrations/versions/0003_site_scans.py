"""The latest scan report of each site (``cookiegate scan --site``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_scans",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("scanned_at", sa.String(32), nullable=False),
        sa.Column("start_url", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("report", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("site_scans")
