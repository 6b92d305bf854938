"""Group commit: concurrent writes of one process share one transaction.

A durable commit costs an fsync (SQLite with ``synchronous=FULL``) or a WAL
flush (PostgreSQL), and writers of one site's chain take turns anyway. So
while one batch commits, newly arriving writes queue up; when it is done,
one of the waiting threads commits everything queued in a single
transaction. Each write still runs in its own savepoint, so one failing
write does not fail the others, and no caller returns before the
transaction holding its write has committed: an acknowledgement is as
durable as before, only cheaper. Nothing runs in the background, so it is
safe with forking servers.
"""

from __future__ import annotations

import threading
import typing as t
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa

T = t.TypeVar("T")
Work = t.Callable[[sa.Connection], t.Any]


@dataclass
class _Item:
    work: Work
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
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _pending: list[_Item] = field(default_factory=list)
    _busy: bool = False

    def run(self, work: t.Callable[[sa.Connection], T]) -> T:
        """Run ``work(conn)`` in a committed transaction and return its result.

        :raises: whatever ``work`` raised, or the commit's error.
        """
        item = _Item(work)
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
        try:
            with self.begin() as conn:
                if len(batch) == 1:  # alone, a savepoint would only cost round trips
                    batch[0].result = batch[0].work(conn)
                    return
                for item in batch:
                    try:
                        with conn.begin_nested():
                            item.result = item.work(conn)
                    except Exception as e:  # handed to its caller, who re-raises it
                        item.error = e
        except Exception as e:  # the commit itself failed: nobody's write is durable
            for item in batch:
                item.error = item.error or e
