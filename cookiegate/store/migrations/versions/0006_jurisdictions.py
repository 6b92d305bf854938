"""Proofs record where the visitor was taken to be and the regime that applied.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: records written before this migration have neither, and their hash covers
    # neither column, so `verify-log` verifies them as it always did.
    with op.batch_alter_table("proofs") as batch:
        batch.add_column(sa.Column("jurisdiction", sa.String(16), nullable=True))
        batch.add_column(sa.Column("regime", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proofs") as batch:
        batch.drop_column("regime")
        batch.drop_column("jurisdiction")
