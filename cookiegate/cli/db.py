"""``cookiegate db``: create or migrate the proof store's schema, or say where it is.

SQLite is migrated by the server at start; PostgreSQL only by ``db upgrade``,
run once per deploy (see docs/deploying.md).
"""

from __future__ import annotations

import click

from ..web.state import get_state
from .factory import with_app


@click.group("db")
def db() -> None:
    """Create or migrate the proof store's schema."""


@db.command("upgrade")
@with_app
def db_upgrade() -> None:
    """Bring the database schema up to date (safe to run on every deploy)."""
    store = get_state().store
    store.upgrade()
    click.echo(f"Database schema is at revision {store.current_revision()}.")


@db.command("current")
@with_app
def db_current() -> None:
    """Print the schema revision the database is at."""
    click.echo(get_state().store.current_revision() or "empty (run 'cookiegate db upgrade')")
