"""Export formats, pure: formula cells neutralised, every format streamed in chunks.

Round trips through the admin download are in tests/web/test_admin_exports.py,
through the command in tests/cli/test_records.py, and the lines the database
writes are checked against :func:`cookiegate.consent.exports.csv_chunks` in
tests/services/test_exports.py.
"""

from __future__ import annotations

import typing as t

import pytest

from cookiegate.consent import exports


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(cell: str, expected: str) -> None:
    assert exports.neutralise(cell) == expected


def test_exports_stream_in_chunks() -> None:
    """A generator that yields before it has read every row: memory holds one chunk."""
    consumed = 0

    def rows() -> t.Iterator[dict[str, t.Any]]:
        nonlocal consumed
        for i in range(5000):
            consumed += 1
            yield {f: "x" for f in exports.FIELDS} | {
                "chain_index": i,
                "ua_bot": False,
                "choices": '{"categories":{}}',
            }

    for fmt in ("csv", "json", "ndjson"):
        consumed = 0
        stream = exports.chunks(fmt, rows(), {}, {"site_id": "s", "length": 0, "hash": "h"})
        next(stream)
        assert 0 < consumed < 5000
