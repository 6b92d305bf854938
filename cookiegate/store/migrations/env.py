"""Alembic environment: migrations always run on a connection cookiegate provides.

``Store.upgrade`` opens the connection (with SQLite's write lock held) and
passes it in ``config.attributes``, so there is no alembic.ini and no second
place where the database URL lives.
"""

from __future__ import annotations

from alembic import context

from cookiegate.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through 'cookiegate db upgrade', not the alembic command.")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
