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

Writes of the same kind can also share their statements: a batch whose
writes all came with the same ``bulk`` function is run in one call of it
(one ``executemany`` for a whole batch of consents, say). When that call
fails, the transaction is rolled back and the writes are retried one by one,
each in its own savepoint, so one failing write does not fail the others.
"""

from __future__ import annotations

import threading
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


@dataclass
class GroupCommit:
    """Runs queued writes of many threads in shared transactions."""

    #: Opens a write transaction (on SQLite holding the write lock once entered).
    begin: t.Callable[[], t.ContextManager[sa.Connection]]
    #: Most writes per transaction, to bound how long one holds the lock.
    max_batch: int = 64
    #: How many transactions committed, and how many writes they held (for the bench).
    stats: dict[str, int] = field(default_factory=lambda: {"commits": 0, "writes": 0})
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _pending: list[_Item] = field(default_factory=list)
    _busy: bool = False

    def run(
        self,
        work: t.Callable[[sa.Connection], T],
        *,
        bulk: Bulk | None = None,
        payload: t.Any = None,
    ) -> T:
        """Run ``work(conn)`` in a committed transaction and return its result.

        :param bulk: with ``payload``: ``bulk(conn, [payload, ...])`` may run this
            write together with others queued with the same ``bulk``; ``work``
            must do the same for this payload alone.
        :raises: whatever ``work`` raised, or the commit's error.
        """
        item = _Item(work, bulk, payload)
        with self._cond:
            self._pending.append(item)
            while not item.done:
                if self._busy:
                    self._cond.wait()
                    continue
                self._busy = True
                self._cond.release()
                batch: list[_Item] = []
                try:
                    batch = self._commit_next()
                finally:
                    self._cond.acquire()
                    self._busy = False
                    for done in batch:
                        done.done = True
                    self._cond.notify_all()
        if item.error is not None:
            raise item.error
        return t.cast(T, item.result)

    def _take(self) -> list[_Item]:
        """The queued writes, oldest first, up to :attr:`max_batch`."""
        with self._cond:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            return batch

    def _commit_next(self) -> list[_Item]:
        """Open a transaction, take the queue, run and commit it; return the batch taken."""
        batch: list[_Item] = []
        try:
            with self.begin() as conn:
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
