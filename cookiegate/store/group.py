"""Group commit: concurrent writes of one process share one transaction.

A durable commit costs an fsync (SQLite with ``synchronous=FULL``) or a WAL
flush (PostgreSQL), and writers of one site's chain take turns anyway. So
while one batch commits, newly arriving writes queue up; when it is done,
one of the waiting threads commits everything queued in a single
transaction. No caller returns before the transaction holding its write has
committed: an acknowledgement is as durable as before, only cheaper.
Nothing runs in the background, so it is safe with forking servers.

Writes of the same kind can also share their statements: a write submitted
with a ``bulk`` function is run together with the other queued writes of
that function in one call (one ``executemany`` for a whole batch of
consents, say). When that call fails, its writes are retried one by one,
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

    #: Opens a write transaction (``Store.begin(write=True)``).
    begin: t.Callable[[], t.ContextManager[sa.Connection]]
    #: Most writes per transaction, to bound how long one holds the lock.
    max_batch: int = 64
    #: How many transactions committed, and how many writes they held (for the bench).
    stats: dict[str, int] = field(default_factory=lambda: {"commits": 0, "writes": 0})
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _pending: list[_Item] = field(default_factory=list)
    _busy: bool = False

    def run(
        self, work: t.Callable[[sa.Connection], T], *, bulk: Bulk | None = None, payload: t.Any = None
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
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                self._cond.release()
                try:
                    self._commit(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    for done in batch:
                        done.done = True
                    self._cond.notify_all()
        if item.error is not None:
            raise item.error
        return t.cast(T, item.result)

    def _commit(self, batch: list[_Item]) -> None:
        uniform = _uniform(batch)
        if uniform and self._commit_bulk(batch):
            return
        try:
            with self.begin() as conn:
                if len(batch) == 1:  # alone, a savepoint would only cost round trips
                    batch[0].result = batch[0].work(conn)
                else:
                    for group in _groups(batch):
                        # A uniform batch's bulk call just failed: go write by write.
                        _run_group(conn, group, try_bulk=not uniform)
            self.stats["commits"] += 1
            self.stats["writes"] += len(batch)
        except Exception as e:  # the commit itself failed: nobody's write is durable
            for item in batch:
                item.error = item.error or e


    def _commit_bulk(self, batch: list[_Item]) -> bool:
        """Commit a batch of writes of one ``bulk`` function in one call, without savepoints.

        The usual case under load. False when the batch is mixed or the call
        failed (its transaction rolled back); the caller then runs the batch
        the careful way, each write in its own savepoint.
        """
        bulk = batch[0].bulk
        assert bulk is not None
        try:
            with self.begin() as conn:
                results = bulk(conn, [item.payload for item in batch])
        except Exception:  # noqa: S110 - retried write by write, which names the culprit
            return False
        for item, result in zip(batch, results, strict=True):
            item.result = result
        self.stats["commits"] += 1
        self.stats["writes"] += len(batch)
        return True


def _uniform(batch: list[_Item]) -> bool:
    """True when the batch has several writes, all of one ``bulk`` function."""
    bulk = batch[0].bulk
    return len(batch) > 1 and bulk is not None and all(item.bulk is bulk for item in batch)


def _groups(batch: list[_Item]) -> list[list[_Item]]:
    """The batch's writes, those sharing a ``bulk`` function together, in arrival order."""
    groups: dict[t.Any, list[_Item]] = {}
    for index, item in enumerate(batch):
        groups.setdefault(item.bulk if item.bulk is not None else index, []).append(item)
    return list(groups.values())


def _run_group(conn: sa.Connection, group: list[_Item], *, try_bulk: bool = True) -> None:
    """Run a group in bulk in one savepoint; if that fails, each write in its own."""
    bulk = group[0].bulk
    if try_bulk and bulk is not None and len(group) > 1:
        try:
            with conn.begin_nested():
                results = bulk(conn, [item.payload for item in group])
        except Exception:  # noqa: S110 - retried one by one below, which names the culprit
            pass
        else:
            for item, result in zip(group, results, strict=True):
                item.result = result
            return
    for item in group:
        try:
            with conn.begin_nested():
                item.result = item.work(conn)
        except Exception as e:  # handed to its caller, who re-raises it
            item.error = e
