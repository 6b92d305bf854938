"""The cross-process write lock that orders SQLite group commits."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
from pathlib import Path

from cookiegate.store import Store
from cookiegate.store.writelock import WriteLock
from cookiegate.store.writelock import for_database


def _try_lock(path: str, queue: multiprocessing.Queue[bool]) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        queue.put(False)
    else:
        queue.put(True)
    finally:
        os.close(fd)


def _other_process_can_lock(path: str) -> bool:
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[bool] = ctx.Queue()
    child = ctx.Process(target=_try_lock, args=(path, queue))
    child.start()
    child.join(10)
    return queue.get(timeout=5)


def test_another_process_waits_while_a_group_commit_holds_the_lock(tmp_path: Path) -> None:
    lock = WriteLock(str(tmp_path / "db-writelock"))
    with lock.held():
        assert not _other_process_can_lock(lock.path)
    assert _other_process_can_lock(lock.path)
    lock.close()


def test_a_forked_process_opens_its_own_lock_instead_of_sharing_the_parents(
    tmp_path: Path,
) -> None:
    """A descriptor inherited through fork would share the parent's lock: no exclusion."""
    lock = WriteLock(str(tmp_path / "db-writelock"))
    with lock.held():
        ctx = multiprocessing.get_context("fork")
        queue: multiprocessing.Queue[bool] = ctx.Queue()

        def child() -> None:
            got = threading.Event()

            def take() -> None:
                with lock.held():
                    got.set()

            threading.Thread(target=take, daemon=True).start()
            queue.put(got.wait(0.5))

        proc = ctx.Process(target=child)
        proc.start()
        proc.join(10)
        assert queue.get(timeout=5) is False  # the child waited for the parent's lock
    lock.close()


def test_sqlite_file_stores_take_the_lock_beside_the_database(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store.upgrade()
    store.write(lambda conn: None)
    assert (tmp_path / "c.sqlite3-writelock").exists()
    store.dispose()
    assert for_database(":memory:") is None
    assert for_database(None) is None
