"""Proof records, shown-content versions and chain heads.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shown_versions",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "proofs",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("consent_id", sa.String(36), nullable=False, unique=True),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("chain_index", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column(
            "shown_hash", sa.String(64), sa.ForeignKey("shown_versions.hash"), nullable=False
        ),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("choices", sa.Text, nullable=False),
        sa.Column("page_url", sa.Text, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("ua_browser", sa.String(64), nullable=False),
        sa.Column("ua_os", sa.String(64), nullable=False),
        sa.Column("ua_device", sa.String(16), nullable=False),
        sa.Column("ua_bot", sa.Boolean, nullable=False),
        sa.Column("previous_id", sa.String(36), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("site_id", "chain_index", name="uq_proofs_site_chain"),
    )
    op.create_index("ix_proofs_site_created", "proofs", ["site_id", "created_at"])
    op.create_table(
        "chain_heads",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("length", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chain_heads")
    op.drop_index("ix_proofs_site_created", table_name="proofs")
    op.drop_table("proofs")
    op.drop_table("shown_versions")
