"""The proof store: SQLAlchemy Core over SQLite (default) or PostgreSQL.

The app factory opens it and only the service layer queries it. SQLite is
tuned for durability first: WAL with ``synchronous=FULL`` so an acknowledged
consent survives power loss, a busy timeout so concurrent writers wait instead
of failing, and ``BEGIN IMMEDIATE`` for writes so two processes never read the
same chain head.
"""

from __future__ import annotations

import contextlib
import functools
import time
import typing as t
from pathlib import Path

import sqlalchemy as sa

from ..core.errors import StoreError
from .group import Bulk
from .group import GroupCommit
from .writelock import WriteLock
from .writelock import for_database

if t.TYPE_CHECKING:
    from alembic.config import Config

T = t.TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_IMMEDIATE = "cookiegate_immediate"
#: Held by a PostgreSQL group commit from its first statement to its commit: one
#: writer at a time per schema (the key's first half spells "cgwt", the second is the
#: schema's), so that processes take turns before taking their queues.
_TAKE_TURNS = "SELECT pg_advisory_xact_lock(1667725172, hashtext(current_schema()))"


class Store:
    """A database engine plus the transactions and migrations cookiegate needs."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = sa.create_engine(url, **_engine_options(url))
        except (sa.exc.ArgumentError, ImportError) as e:
            raise StoreError(f"Cannot use database URL {_redact(url)!r}: {e}") from None
        #: Orders the group commits of this database's processes (SQLite files only).
        self._write_lock: WriteLock | None = None
        if self.engine.dialect.name == "sqlite":
            _tune_sqlite(self.engine)
            self._write_lock = for_database(self.engine.url.database)
        elif self.engine.dialect.name != "postgresql":
            raise StoreError(
                f"Database {self.engine.dialect.name!r} is not supported; use sqlite:/// or postgresql+psycopg://."
            )
        self._group = GroupCommit(self._writer_transaction)
        #: The group commit's own connection, and when it was last used (monotonic).
        self._writer: sa.Connection | None = None
        self._writer_used = 0.0
        #: Keys of rows this process saw committed and that are never deleted
        #: (shown versions, chain heads), so writers can skip re-inserting them.
        self.committed: set[tuple[str, str]] = set()

    def write(
        self,
        work: t.Callable[[sa.Connection], T],
        *,
        bulk: Bulk | None = None,
        payload: t.Any = None,
    ) -> T:
        """Run ``work(conn)`` in a write transaction shared with concurrent writers.

        Returns after the commit, with ``work``'s result; ``bulk`` and
        ``payload`` let it share statements with writes of the same kind
        (see :mod:`.group`).
        """
        return self._group.run(work, bulk=bulk, payload=payload)

    @property
    def write_stats(self) -> dict[str, int]:
        """Transactions committed by :meth:`write` in this process, and the writes they held."""
        return dict(self._group.stats)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def begin(self, *, write: bool = False) -> t.Iterator[sa.Connection]:
        """A connection in a transaction, committed on success, rolled back on error.

        :param write: on SQLite take the write lock up front (``BEGIN IMMEDIATE``),
            so a read-then-write transaction cannot deadlock or fork the chain.
        """
        with self.engine.connect() as conn:
            if write:
                conn = conn.execution_options(**{_IMMEDIATE: True})
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def _writer_transaction(self) -> t.Iterator[sa.Connection]:
        """A write transaction on the connection the group commit keeps between batches.

        Only the thread committing a batch uses it (one at a time, see
        :mod:`.group`), so it skips, per batch, the pool's checkout, its
        liveness ping and the rollback on return (each a round trip to
        PostgreSQL). After 10 s unused it goes back to the pool and the next
        batch checks out a pinged one, so a database restart during a quiet
        spell costs nothing; a connection the driver reports broken is
        dropped at once.

        The group commits of all processes take turns before they take their
        queues, so writes queued while another process commits join the next
        batch: on SQLite by the lock file (:mod:`.writelock`), on PostgreSQL by
        a transaction-scoped advisory lock per schema (:data:`_TAKE_TURNS`).
        Without it a PostgreSQL batch was taken first and then waited, inside
        its transaction, for the site's chain-head row (``FOR UPDATE``) while
        another process committed: 22.7 ms per commit held open, 5.7 writes
        per commit (bench/README.md).
        """
        now = time.monotonic()
        if self._writer is not None and (self._writer.invalidated or now - self._writer_used > 10):
            self._writer.close()
            self._writer = None
        if self._writer is None:
            self._writer = self.engine.connect().execution_options(**{_IMMEDIATE: True})
        conn = self._writer
        held = self._write_lock.held() if self._write_lock else contextlib.nullcontext()
        try:
            with held, conn.begin():
                if not self.is_sqlite:
                    cursor = conn.connection.cursor()
                    cursor.execute(_TAKE_TURNS)
                    cursor.close()
                yield conn
        except sa.exc.DBAPIError as e:
            if e.connection_invalidated or conn.invalidated:
                conn.close()
                self._writer = None
            raise
        finally:
            self._writer_used = time.monotonic()

    def ping(self) -> None:
        """Raise :class:`StoreError` unless the database answers and its schema is current."""
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(f"The database does not answer: {type(e).__name__}.") from None
        head = self.head_revision
        if current != head:
            raise StoreError(
                f"The database schema is at {current or 'nothing'}, not {head}; "
                "run 'cookiegate db upgrade'."
            )

    @functools.cached_property
    def head_revision(self) -> str | None:
        """The newest migration shipped with this code (read once: they do not change)."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def upgrade(self, revision: str = "head") -> None:
        """Create or migrate the schema with Alembic (one transaction, serialised)."""
        from alembic import command

        with self.begin(write=True) as conn:
            cfg = self._alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def has_schema(self) -> bool:
        """Whether the schema was ever created here (Alembic's version table exists).

        Asked without Alembic, which a command that only reads does not need to load.
        """
        with self.engine.connect() as conn:
            return sa.inspect(conn).has_table("alembic_version")

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def dispose(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._write_lock is not None:
            self._write_lock.close()
        self.engine.dispose()

    def _alembic_config(self) -> Config:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        return cfg


def _engine_options(url: str) -> dict[str, t.Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    # A small pool per process; pre-ping drops connections the server closed.
    return {"pool_size": 5, "max_overflow": 10, "pool_pre_ping": True, "pool_recycle": 1800}


def _tune_sqlite(engine: sa.Engine) -> None:
    """Set durability pragmas and take over transaction control from pysqlite."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: t.Any, _record: t.Any) -> None:
        # pysqlite's own implicit BEGIN would defeat BEGIN IMMEDIATE below.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "busy_timeout=30000",
            "foreign_keys=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _redact(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable URL>"
