"""Group commit: concurrent writers of one process share transactions safely."""

from __future__ import annotations

import threading
import typing as t

import sqlalchemy as sa

from cookiegate.services import ledger
from cookiegate.siteconfig.load import load_site
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
