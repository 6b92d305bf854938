"""One SQLite writer at a time across processes, queued by the kernel instead of polled.

Each gunicorn worker runs its own group commit (:mod:`.group`), so on SQLite
several processes ask for the database's single write lock at once. SQLite
makes the losers poll: its busy handler sleeps 1, 2, 5, 10 … up to 100 ms
between tries (``sqliteDefaultBusyCallback``, https://sqlite.org/c3ref/busy_timeout.html),
so a batch waiting behind another process's commit of 2 ms often slept 10 ms
or more, and under load the processes took turns badly. An exclusive
``flock`` on a file beside the database (https://man7.org/linux/man-pages/man2/flock.2.html)
is taken before ``BEGIN IMMEDIATE`` and released after the commit: the next
process wakes as soon as the lock is free, and the writes it queued meanwhile
join its batch. SQLite's own locking stays in force; this only orders the
group commits, so a writer that does not take the file lock (a migration,
an admin command) is still safe, it just polls as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import typing as t


class WriteLock:
    """An exclusive ``flock`` on ``path``, opened per process.

    A descriptor inherited through ``fork`` shares its lock with the parent
    (flock locks belong to the open file description), so a process that
    finds a descriptor opened by another pid opens its own.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0

    @contextlib.contextmanager
    def held(self) -> t.Iterator[None]:
        """Hold the lock for the ``with`` block, waiting for it if another process has it."""
        fd = self._descriptor()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


def for_database(database: str | None) -> WriteLock | None:
    """The lock file beside an SQLite database file (``<file>-writelock``); None in memory."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return WriteLock(os.path.abspath(database) + "-writelock")
