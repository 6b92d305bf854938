"""Tables of the proof store, in one MetaData shared with the Alembic migrations.

Times are ISO-8601 UTC strings (``2026-11-26T10:00:00.123456Z``) rather than
DATETIME columns: they sort and compare as text on every database, and a
record's hash is computed over exactly the text that is stored, so a driver
that reformats timestamps cannot break the chain.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Exactly what a visitor was shown, stored once per distinct content.
shown_versions = sa.Table(
    "shown_versions",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("locale", sa.String(16), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

#: One row per consent given, changed or withdrawn; never updated or deleted.
proofs = sa.Table(
    "proofs",
    metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("consent_id", sa.String(36), nullable=False, unique=True),
    sa.Column("site_id", sa.String(64), nullable=False),
    sa.Column("chain_index", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("shown_hash", sa.String(64), sa.ForeignKey("shown_versions.hash"), nullable=False),
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
    # The cookie declaration the visitor could read (migration 0005; NULL on older records,
    # whose hash does not cover them: consent/proofs.py, seal).
    sa.Column("declaration_revision", sa.Integer, nullable=True),
    sa.Column("declaration_hash", sa.String(64), nullable=True),
    # Where the visitor was taken to be and the regime (migration 0006); sealed when set.
    sa.Column("jurisdiction", sa.String(16), nullable=True),
    sa.Column("regime", sa.String(16), nullable=True),
    # Two writers that both read the same head cannot both commit: the chain
    # cannot fork even if locking were misconfigured.
    sa.UniqueConstraint("site_id", "chain_index", name="uq_proofs_site_chain"),
    sa.Index("ix_proofs_site_created", "site_id", "created_at"),
    # Finds the later changes of a visitor's consent (admin history).
    sa.Index("ix_proofs_previous_id", "previous_id"),
)

#: The newest link of each site's chain; locked by every writer.
chain_heads = sa.Table(
    "chain_heads",
    metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("length", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

#: One row per category of each proof, so grant rates aggregate in SQL on any
#: database. Written in the proof's own transaction; derived data, not sealed.
proof_choices = sa.Table(
    "proof_choices",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        sa.ForeignKey("proofs.seq", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("category", sa.String(64), primary_key=True),
    sa.Column("granted", sa.Boolean, nullable=False),
)

#: Where a site's chain starts after a retention purge: the index and hash of
#: the last purged record, signed with the server's newest secret key, so the
#: remaining records still verify and a forged start is detected.
chain_checkpoints = sa.Table(
    "chain_checkpoints",
    metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("chain_index", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    #: ``created_at`` of the last purged record.
    sa.Column("purged_through", sa.String(32), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("signature", sa.String(255), nullable=False),
)

#: Compliance staff who may log in to /admin.
admins = sa.Table(
    "admins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    #: ``viewer`` (search, charts, export) or ``admin`` (also purge, users, audit).
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

#: Every login, export, purge, account change and refused action; append-only.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("at", sa.String(32), nullable=False),
    #: E-mail of the account, ``cli:<user>`` for commands, or the e-mail tried.
    sa.Column("actor", sa.String(254), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    #: Canonical JSON of what was done (site, range, format, counts ...).
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Index("ix_audit_at", "at"),
)

#: The latest ``cookiegate scan`` report of each site (replaced by the next scan).
site_scans = sa.Table(
    "site_scans",
    metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("scanned_at", sa.String(32), nullable=False),
    sa.Column("start_url", sa.Text, nullable=False),
    #: ``fail``, ``review`` or ``pass``: the report's verdict, for lists.
    sa.Column("verdict", sa.String(16), nullable=False),
    #: The whole report as JSON (format ``cookiegate-scan/1``).
    sa.Column("report", sa.Text, nullable=False),
)

#: The latest ``cookiegate compliance`` report of each site (replaced by the next run).
compliance_reports = sa.Table(
    "compliance_reports",
    metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("checked_at", sa.String(32), nullable=False),
    #: ``pass`` or ``fail``: whether any rule failed, for lists.
    sa.Column("status", sa.String(16), nullable=False),
    #: The whole report as JSON (:meth:`cookiegate.compliance.Report.to_json`).
    sa.Column("report", sa.Text, nullable=False),
)

#: Each distinct cookie declaration of a site, numbered in the order it went live.
declaration_versions = sa.Table(
    "declaration_versions",
    metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    #: SHA-256 of the declaration's facts (``cookiegate.declaration.facts``).
    sa.Column("hash", sa.String(64), nullable=False),
    #: When a server first served it (ISO 8601 UTC); live until the next revision's.
    sa.Column("live_from", sa.String(32), nullable=False),
    #: The facts as JSON, for the admin's history.
    sa.Column("facts", sa.Text, nullable=False),
    sa.UniqueConstraint("site_id", "hash", name="uq_declaration_versions_site_hash"),
)
