"""Group commit: concurrent writers of one process share transactions safely."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest
import sqlalchemy as sa

from cookiegate.services import ledger
from cookiegate.siteconfig.load import load_site
from cookiegate.store import _TAKE_TURNS
from cookiegate.store import Store

from ..services.test_ledger import DEMO
from ..services.test_ledger import _write


def test_many_threads_share_commits_and_keep_one_valid_chain(store: Store) -> None:
    config = load_site(DEMO)
    commits = []
    sa.event.listen(store.engine, "commit", lambda conn: commits.append(1))
    threads = [
        threading.Thread(target=_write, args=(store, config, 10, i * 100)) for i in range(12)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    report = ledger.verify_log(store, "demo")
    assert report.ok, report.problem
    assert report.checked == 120
    assert len(commits) < 120  # writes were grouped


def test_a_failing_write_does_not_fail_the_others_in_its_batch(store: Store) -> None:
    barrier = threading.Barrier(6)
    results: dict[int, t.Any] = {}

    def work(n: int) -> None:
        def inner(conn: sa.Connection) -> int:
            if n == 3:
                conn.execute(sa.text("INSERT INTO no_such_table VALUES (1)"))
            conn.execute(
                sa.text("INSERT INTO chain_heads (site_id, length, hash) VALUES (:s, 0, 'x')"),
                {"s": f"site{n}"},
            )
            return n

        barrier.wait()
        try:
            results[n] = store.write(inner)
        except sa.exc.SQLAlchemyError as e:
            results[n] = e

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert isinstance(results.pop(3), sa.exc.SQLAlchemyError)
    assert results == {n: n for n in (0, 1, 2, 4, 5)}
    with store.begin() as conn:
        sites = set(conn.execute(sa.text("SELECT site_id FROM chain_heads")).scalars())
    assert sites == {"site0", "site1", "site2", "site4", "site5"}


def test_a_failing_write_in_a_bulk_batch_is_retried_alone_and_the_others_commit(
    store: Store,
) -> None:
    """Writes sharing one bulk call: when it fails, each is retried in its own savepoint."""
    entered, release = threading.Event(), threading.Event()
    bulk_calls: list[int] = []

    def insert(conn: sa.Connection, site: str) -> str:
        conn.execute(
            sa.text("INSERT INTO chain_heads (site_id, length, hash) VALUES (:s, 0, 'x')"),
            {"s": site},
        )
        return site

    def bulk(conn: sa.Connection, sites: list[str]) -> list[str]:
        bulk_calls.append(len(sites))
        return [insert(conn, site) for site in sites]

    def blocker(conn: sa.Connection) -> None:
        entered.set()
        release.wait(10)  # holds the group busy so the others queue up behind it

    results: dict[int, t.Any] = {}

    def submit(n: int, site: str) -> None:
        try:
            results[n] = store.write(lambda conn: insert(conn, site), bulk=bulk, payload=site)
        except sa.exc.SQLAlchemyError as e:
            results[n] = e

    first = threading.Thread(target=store.write, args=(blocker,))
    first.start()
    assert entered.wait(10)
    # "dup" twice in one batch: the second insert breaks the primary key.
    sites = ["a", "dup", "b", "dup", "c"]
    threads = [threading.Thread(target=submit, args=(n, s)) for n, s in enumerate(sites)]
    for th in threads:
        th.start()
    while len(store._group._pending) < len(sites):  # all queued behind the blocker
        threading.Event().wait(0.01)
    release.set()
    for th in [first, *threads]:
        th.join()
    assert bulk_calls == [5]  # tried together once
    assert [results[n] for n in (0, 2, 4)] == ["a", "b", "c"]
    dups = sorted((results[1], results[3]), key=lambda r: isinstance(r, Exception))
    assert dups[0] == "dup" and isinstance(dups[1], sa.exc.IntegrityError)
    with store.begin() as conn:
        stored = sorted(conn.execute(sa.text("SELECT site_id FROM chain_heads")).scalars())
    assert stored == ["a", "b", "c", "dup"]
    assert store.write_stats["writes"] == 6


@pytest.mark.postgres
def test_postgres_writes_queued_while_another_process_commits_join_one_batch(
    postgres_url: str,
) -> None:
    """On PostgreSQL, as with SQLite's lock file, a group commit takes its turn before it
    takes its queue: writes that arrive while another process commits share one batch."""
    store, other = Store(postgres_url), Store(postgres_url)
    store.upgrade()
    try:
        with other.engine.connect() as conn, conn.begin():
            conn.exec_driver_sql(_TAKE_TURNS)  # another process is committing
            threads = [
                threading.Thread(
                    target=store.write, args=(lambda c: c.exec_driver_sql("SELECT 1"),)
                )
                for _ in range(5)
            ]
            for th in threads:
                th.start()
            time.sleep(0.5)
            assert store.write_stats["commits"] == 0  # every write waits its turn
        for th in threads:
            th.join()
        assert store.write_stats["commits"] == 1
        assert store.write_stats["writes"] == 5
    finally:
        store.dispose()
        other.dispose()
