"""Admin accounts, audit log, retention checkpoints and per-category choices.

``proof_choices`` is backfilled from the proofs' stored choices JSON, in
batches, so dashboards aggregate in SQL for records written before it existed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer, "sqlite")
_BATCH = 5000


def upgrade() -> None:
    op.create_index("ix_proofs_previous_id", "proofs", ["previous_id"])
    choices = op.create_table(
        "proof_choices",
        sa.Column("seq", _SEQ, sa.ForeignKey("proofs.seq", ondelete="CASCADE"), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("granted", sa.Boolean, nullable=False),
    )
    op.create_table(
        "chain_checkpoints",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("chain_index", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("purged_through", sa.String(32), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("signature", sa.String(255), nullable=False),
    )
    op.create_table(
        "admins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _SEQ, primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_at", "audit_log", ["at"])
    _backfill(choices)


def _backfill(choices: sa.Table) -> None:
    conn = op.get_bind()
    proofs = sa.table("proofs", sa.column("seq"), sa.column("choices"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(proofs.c.seq, proofs.c.choices)
            .where(proofs.c.seq > last)
            .order_by(proofs.c.seq)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        values = [
            {"seq": seq, "category": category, "granted": bool(granted)}
            for seq, text in rows
            for category, granted in json.loads(text)["categories"].items()
        ]
        if values:
            conn.execute(choices.insert(), values)
        last = rows[-1].seq


def downgrade() -> None:
    op.drop_index("ix_audit_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("admins")
    op.drop_table("chain_checkpoints")
    op.drop_table("proof_choices")
    op.drop_index("ix_proofs_previous_id", table_name="proofs")
