"""In-process rate-limit counters: same windows as limits' memory storage, no timer threads."""

from __future__ import annotations

import threading

import pytest

from cookiegate.web import ratestore
from cookiegate.web.ratestore import LazyMemoryStorage


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(ratestore, "time", fake)
    monkeypatch.setattr("limits.storage.memory.time", fake)
    return fake


def test_a_counter_counts_within_its_window_and_restarts_after_it(clock: FakeTime) -> None:
    storage = LazyMemoryStorage()
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    clock.now += 61
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1


def test_expired_counters_are_swept_so_memory_stays_bounded(clock: FakeTime) -> None:
    storage = LazyMemoryStorage()
    for n in range(100):
        storage.incr(f"client-{n}", 60)
    clock.now += 61
    storage.incr("newcomer", 60)  # the next write sweeps
    assert set(storage.storage) == {"newcomer"}
    assert set(storage.expirations) == {"newcomer"}


def test_counting_starts_no_thread(clock: FakeTime) -> None:
    storage = LazyMemoryStorage()
    before = threading.active_count()
    for n in range(50):
        storage.incr(f"k{n % 5}", 60)
        clock.now += 0.5
    assert threading.active_count() <= before


def test_memory_url_selects_it_and_others_pass_through() -> None:
    assert ratestore.storage_uri("memory://") == "cookiegate-memory://"
    assert ratestore.storage_uri("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379"
