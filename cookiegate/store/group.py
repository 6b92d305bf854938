"""Group commit: concurrent writes of one process share one transaction.

A durable commit costs an fsync (SQLite with ``synchronous=FULL``) or a WAL
flush (PostgreSQL), and writers of one site's chain take turns anyway. So
while one batch commits, newly arriving writes queue up; when it is done,
one of the waiting threads commits everything queued in a single
transaction. It opens the transaction first and takes the queue only then:
on SQLite ``BEGIN IMMEDIATE`` waits while another process holds the write
lock, and every write queued during that wait joins the batch. No caller
returns before the transaction holding its write has committed: an
acknowledgement is as durable as before, only cheaper. Nothing runs in the
background, so it is safe with forking servers.

Waking is per write: each queued write waits on a lock of its own, released
when its batch has committed, or when it is its turn to lead the next batch.
A Condition's ``notify_all`` woke every waiting thread after each batch, most
of them only to wait again; with 16 writer threads per process that was the
largest self-time entry of the consent profile (``Condition.notify`` 9.7 %).

Writes of the same kind can also share their statements: a batch whose
writes all came with the same ``bulk`` function is run in one call of it
(one ``executemany`` for a whole batch of consents, say). When that call
fails, the transaction is rolled back and the writes are retried one by one,
each in its own savepoint, so one failing write does not fail the others.
"""

from __future__ import annotations

import threading
import time
import typing as t
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa

T = t.TypeVar("T")
Work = t.Callable[[sa.Connection], t.Any]
#: Runs many queued writes' payloads in one go; returns one result per payload, in order.
Bulk = t.Callable[[sa.Connection, list[t.Any]], list[t.Any]]


@dataclass
class _Item:
    work: Work
    bulk: Bulk | None = None
    payload: t.Any = None
    done: bool = False
    result: t.Any = None
    error: BaseException | None = None
    #: Held while the write waits; released when it is done or must lead the next batch.
    wake: t.Any = field(default_factory=threading.Lock)


@dataclass
class GroupCommit:
    """Runs queued writes of many threads in shared transactions."""

    #: Opens a write transaction (on SQLite holding the write lock once entered).
    begin: t.Callable[[], t.ContextManager[sa.Connection]]
    #: Most writes per transaction, to bound how long one holds the lock.
    max_batch: int = 64
    #: How many transactions committed, how many writes they held, and the microseconds
    #: spent opening them (on SQLite: waiting for the write lock) and holding them open
    #: (the writes and the commit), for the bench: two clock reads a batch.
    stats: dict[str, int] = field(
        default_factory=lambda: {"commits": 0, "writes": 0, "wait_us": 0, "held_us": 0}
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: list[_Item] = field(default_factory=list)
    #: A thread is committing a batch; while it is, :attr:`_pending` may only grow.
    _busy: bool = False

    def run(
        self,
        work: t.Callable[[sa.Connection], T],
        *,
        bulk: Bulk | None = None,
        payload: t.Any = None,
    ) -> T:
        """Run ``work(conn)`` in a committed transaction and return its result.

        The first writer to find nobody committing leads: it commits the queue
        (its own write first in it), wakes the writers of its batch, and hands
        the lead to the oldest write still queued. Everyone else waits on its
        own lock.

        :param bulk: with ``payload``: ``bulk(conn, [payload, ...])`` may run this
            write together with others queued with the same ``bulk``; ``work``
            must do the same for this payload alone.
        :raises: whatever ``work`` raised, or the commit's error.
        """
        item = _Item(work, bulk, payload)
        item.wake.acquire()
        with self._lock:
            self._pending.append(item)
            lead = not self._busy
            self._busy = True
        if not lead:
            item.wake.acquire()  # released by the leader: done, or now leading
        if not item.done:
            self._lead(item)
        if item.error is not None:
            raise item.error
        return t.cast(T, item.result)

    def _lead(self, item: _Item) -> None:
        """Commit the next batch (``item`` is first in the queue), then hand over."""
        batch: list[_Item] = []
        try:
            batch = self._commit_next()
        finally:
            with self._lock:
                if not batch and self._pending and self._pending[0] is item:
                    del self._pending[0]  # interrupted before taking the queue
                for done in batch:
                    done.done = True
                following = self._pending[0] if self._pending else None
                self._busy = following is not None
            for done in batch:
                if done.wake.locked():
                    done.wake.release()
            if following is not None:
                following.wake.release()

    def _take(self) -> list[_Item]:
        """The queued writes, oldest first, up to :attr:`max_batch`."""
        with self._lock:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            return batch

    def _commit_next(self) -> list[_Item]:
        """Open a transaction, take the queue, run and commit it; return the batch taken."""
        batch: list[_Item] = []
        asked = time.perf_counter()
        opened = asked
        try:
            with self.begin() as conn:
                opened = time.perf_counter()
                batch = self._take()
                if _uniform(batch):
                    bulk = t.cast(Bulk, batch[0].bulk)
                    results = bulk(conn, [item.payload for item in batch])
                    for item, result in zip(batch, results, strict=True):
                        item.result = result
                else:
                    _run_each(conn, batch)
        except Exception as e:
            batch = batch or self._take()
            if not _uniform(batch):  # the commit itself failed: nobody's write is durable
                for item in batch:
                    item.error = item.error or e
                return batch
            # The shared call failed and was rolled back: each write on its own.
            self._commit_each(batch)
            return batch
        self.stats["wait_us"] += int((opened - asked) * 1e6)
        self.stats["held_us"] += int((time.perf_counter() - opened) * 1e6)
        self._count(batch)
        return batch

    def _commit_each(self, batch: list[_Item]) -> None:
        try:
            with self.begin() as conn:
                _run_each(conn, batch)
        except Exception as e:
            for item in batch:
                item.error = item.error or e
            return
        self._count(batch)

    def _count(self, batch: list[_Item]) -> None:
        self.stats["commits"] += 1
        self.stats["writes"] += len(batch)


def _uniform(batch: list[_Item]) -> bool:
    """True when the batch has several writes, all of one ``bulk`` function."""
    bulk = batch[0].bulk if batch else None
    return len(batch) > 1 and bulk is not None and all(item.bulk is bulk for item in batch)


def _run_each(conn: sa.Connection, batch: list[_Item]) -> None:
    """Run each write of the batch in its own savepoint (alone: in the transaction itself)."""
    if len(batch) == 1:  # alone, a savepoint would only cost round trips
        batch[0].result = batch[0].work(conn)
        return
    for item in batch:
        try:
            with conn.begin_nested():
                item.result = item.work(conn)
        except Exception as e:  # handed to its caller, who re-raises it
            item.error = e
