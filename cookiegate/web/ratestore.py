"""In-process rate-limit counters without a timer thread per burst.

The ``limits`` library's ``memory://`` storage expires counters from a
``threading.Timer`` that it starts again, 10 ms after the last one ended, on
every counter update: under steady traffic a consent write started a new
thread every few requests, a seventh of its time in the profile (bench/README.md).
This storage keeps the same counters and expiry but expires lazily: a counter
is dropped when it is read after its window, and all expired counters are
swept at most once a second, inline, so memory stays bounded by the clients
of the last window. ``memory://`` in ``COOKIEGATE_RATELIMIT_STORAGE_URL``
selects it (see :func:`storage_uri`); any other URL (``redis://``) is
Flask-Limiter's as given.
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

#: The URL scheme this storage registers with ``limits``.
SCHEME = "cookiegate-memory"
#: Seconds between sweeps of expired counters.
SWEEP_EVERY = 1.0


class LazyMemoryStorage(MemoryStorage):
    """``limits``' memory storage with expiry on read and a periodic inline sweep."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = time.time() + SWEEP_EVERY
        self._sweep_lock = threading.Lock()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        self._sweep(now)
        with self.locks[key]:
            if self.expirations.get(key, 0) <= now:
                self.storage.pop(key, None)
                self.expirations[key] = now + expiry
            self.storage[key] += amount
            return self.storage[key]

    def decr(self, key: str, amount: int = 1) -> int:
        with self.locks[key]:
            if self.expirations.get(key, 0) <= time.time():
                return 0
            self.storage[key] = max(self.storage[key] - amount, 0)
            return self.storage[key]

    def _sweep(self, now: float) -> None:
        """Drop every expired counter, at most once per :data:`SWEEP_EVERY` seconds."""
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_EVERY
            for key, expires in list(self.expirations.items()):
                if expires <= now:
                    self.storage.pop(key, None)
                    self.expirations.pop(key, None)
        finally:
            self._sweep_lock.release()


def storage_uri(configured: str) -> str:
    """The storage URL to give Flask-Limiter: ``memory://`` becomes this module's storage."""
    return f"{SCHEME}://" if configured.strip() == "memory://" else configured
