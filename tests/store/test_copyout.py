"""Reading ``COPY … TO STDOUT`` through libpq leaves the connection as psycopg's ``Copy`` would.

A failed COPY raises and leaves the connection idle in its (failed) transaction,
ready for the rollback; a reader that stops early cancels the rest.
"""

from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa

from cookiegate.store.copyout import CopyError
from cookiegate.store.copyout import copy_out

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(postgres_url: str) -> t.Iterator[t.Any]:
    """A psycopg connection of the test server (through SQLAlchemy, as the store makes them)."""
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        yield conn.connection.dbapi_connection
    engine.dispose()


def test_rows_come_as_the_server_sends_them(pg: t.Any) -> None:
    rows = copy_out(pg.pgconn, b"COPY (SELECT g FROM generate_series(1, 3) g) TO STDOUT")
    assert [bytes(r) for r in rows] == [b"1\n", b"2\n", b"3\n"]
    assert pg.execute("SELECT 4").fetchone() == (4,)


@pytest.mark.parametrize(
    "statement",
    [
        b"COPY (SELECT 1/0) TO STDOUT",
        b"COPY (SELECT 1/(g - 3) FROM generate_series(1, 5) g) TO STDOUT",
        b"COPY (SELECT nope) TO STDOUT",
    ],
)
def test_a_failing_copy_raises_and_leaves_the_connection_ready_for_rollback(
    pg: t.Any, statement: bytes
) -> None:
    with pytest.raises(CopyError):
        list(copy_out(pg.pgconn, statement))
    pg.rollback()
    assert pg.execute("SELECT 5").fetchone() == (5,)


def test_a_reader_that_stops_early_cancels_the_rest(pg: t.Any) -> None:
    rows = copy_out(pg.pgconn, b"COPY (SELECT g FROM generate_series(1, 10000000) g) TO STDOUT")
    assert bytes(next(rows)) == b"1\n"
    rows.close()
    pg.rollback()
    assert pg.execute("SELECT 6").fetchone() == (6,)
