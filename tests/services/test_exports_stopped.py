"""An export whose reader goes away part way leaves the store ready for the next one.

On PostgreSQL the CSV rows come through ``COPY … TO STDOUT``, read through libpq
itself (:mod:`cookiegate.store.copyout`): a reader that stops early (a closed
download, a broken pipe) must not leave the connection inside a COPY that the
pool would hand to the next request. (That reader without its cancel-and-drain
failed this test with "another command is already in progress".)
"""

from __future__ import annotations

import typing as t

from cookiegate.consent import exports
from cookiegate.services import exports as export_service
from cookiegate.services.records import Query
from cookiegate.store import Store

from ..conftest import KEYS
from .test_exports import CATEGORIES
from .test_exports import NOW
from .test_exports import PLAIN
from .test_exports import _both
from .test_exports import _insert


def test_an_export_stopped_after_its_first_lines_leaves_the_store_usable(store: Store) -> None:
    _insert(store, [PLAIN | {"consent_id": f"c{i}"} for i in range(50)], 1)
    made, reference = _both(store)
    chunks = _chunks(store, "csv", 2)
    first = [next(chunks), next(chunks)]
    chunks.close()  # type: ignore[attr-defined]
    assert first[0] == exports.csv_header(CATEGORIES)
    assert first[1].count("\r\n") == 2
    for _ in range(3):
        assert _both(store) == (made, reference)
    assert made == reference


def test_an_ndjson_export_stopped_after_its_first_lines_leaves_the_store_usable(
    store: Store,
) -> None:
    _insert(store, [PLAIN | {"consent_id": f"c{i}"} for i in range(50)], 1)
    made = _ndjson(store, 2)
    chunks = _chunks(store, "ndjson", 2)
    first = next(chunks)
    chunks.close()  # type: ignore[attr-defined]
    assert first.count("\n") == 2
    for _ in range(3):
        assert _ndjson(store, 7) == made
    assert made.count("\n") == 51


def _chunks(store: Store, fmt: str, batch: int) -> t.Iterator[str]:
    plan = export_service.plan_export(store, _query().range)
    return export_service.export_chunks(
        store,
        _query(),
        plan,
        fmt,
        categories=CATEGORIES,
        secret_keys=KEYS.split(","),
        now=NOW,
        batch=batch,
    )


def _ndjson(store: Store, batch: int) -> str:
    return "".join(_chunks(store, "ndjson", batch))


def _query() -> Query:
    return Query("demo", NOW.date(), NOW.date(), None)
