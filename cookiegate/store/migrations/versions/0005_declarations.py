"""Cookie declarations: their versions per site, and the one each proof records.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "declaration_versions",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("live_from", sa.String(32), nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.UniqueConstraint("site_id", "hash", name="uq_declaration_versions_site_hash"),
    )
    # Nullable: records written before this migration have none, and their hash covers
    # neither column, so they verify as they always did.
    with op.batch_alter_table("proofs") as batch:
        batch.add_column(sa.Column("declaration_revision", sa.Integer, nullable=True))
        batch.add_column(sa.Column("declaration_hash", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proofs") as batch:
        batch.drop_column("declaration_hash")
        batch.drop_column("declaration_revision")
    op.drop_table("declaration_versions")
