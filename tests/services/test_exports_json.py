"""NDJSON and JSON exports written by the database match the Python reference byte for byte.

Each record's line is built in SQL (SQLite's ``json_quote``, PostgreSQL's
``to_json`` read through a text-format ``COPY``) and only the stored choices
are written by Python, once per distinct text;
:func:`cookiegate.consent.exports.ndjson_chunks` and ``json_chunks`` (one
``json.dumps`` per record) are the reference they must equal, whatever the
fields and the stored choices hold, on both stores.
"""

from __future__ import annotations

import json
import typing as t

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate.store import Store
from cookiegate.store.jsonlines import copy_unescape
from cookiegate.store.schema import proofs

from .test_exports import CHARS
from .test_exports import PLAIN
from .test_exports import _both
from .test_exports import _insert
from .test_exports import records

#: Every control character, the characters JSON escapes, COPY's escapes, and text
#: JSON writers disagree on (DEL, the line and paragraph separators, a BOM, emoji).
ODD = "".join(map(chr, range(1, 32))) + '"\\/\x7f\u2028\u2029\ufeff😀é\\N\\.\t\\t'


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=records, first=st.integers(-5, 5), fmt=st.sampled_from(["ndjson", "json"]))
def test_database_written_json_equals_the_reference_writer(
    store: Store, rows: list[dict[str, t.Any]], first: int, fmt: str
) -> None:
    last = _insert(store, rows, first)
    made, reference = _both(store, fmt)
    assert made == reference
    if fmt == "json":
        records = json.loads(made)["records"]
    else:
        records = [json.loads(line) for line in made.split("\n")[:-2]]
    assert [r["chain_index"] for r in records] == list(range(first, last + 1))


@pytest.mark.parametrize("fmt", ["ndjson", "json"])
@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_every_escape_and_empty_or_null_field_is_written_as_json_dumps_writes_it(
    store: Store, fmt: str, batch: int
) -> None:
    hostile = {k: ODD[:64] for k in ("ip", "ua_browser", "ua_os", "hash", "prev_hash")}
    rows = [
        PLAIN | hostile | {"consent_id": "=1+1", "page_url": ODD * 100, "ua_bot": True},
        PLAIN | {"page_url": "", "locale": "", "previous_id": None, "jurisdiction": None},
        PLAIN | {"page_url": "x" * 200_000, "previous_id": "-2", "revision": -(2**31)},
    ]
    _insert(store, rows, 1)
    made, reference = _both(store, fmt, batch)
    assert made == reference
    line = made.split("\n")[0 if fmt == "ndjson" else 1]
    assert json.loads(line)["page_url"] == ODD * 100


@pytest.mark.parametrize(
    "stored",
    [
        # Not as the server writes them (canonical JSON), but exported as any JSON reader reads
        # them: spacing, escapes, a repeated key (the last wins), numbers, nesting.
        '{ "categories" : {"analytics":true,\t"marketing":false},\n"services":{} }',
        '{"categories":{"analytics":true},"categories":{"analytics":false},"services":{}}',
        '{"categories":{"a\\\\b\\"c\\t\\n\\u00e9\\ud83d\\ude00":1.50,"x":1e5,"y":-0},"s":[]}',
        '{"categories":{"tab\\tin":null},"note":' + json.dumps(ODD, ensure_ascii=False) + "}",
        '{"categories":{},"services":{"a,b:c":["=x","\\\\N"]}}',
    ],
)
@pytest.mark.parametrize("fmt", ["ndjson", "json"])
def test_stored_choices_are_written_as_the_reference_reads_and_writes_them(
    store: Store, stored: str, fmt: str
) -> None:
    _insert(store, [PLAIN | {"consent_id": f"c{i}"} for i in range(4)], 1, shown="a" * 64)
    with store.begin(write=True) as conn:
        conn.execute(sa.update(proofs).where(proofs.c.chain_index == 2).values(choices=stored))
    made, reference = _both(store, fmt, batch=3)
    assert made == reference
    assert json.loads(made.split("\n")[1 if fmt == "ndjson" else 2].lstrip(","))[
        "choices"
    ] == json.loads(stored)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL text holds no NUL
def test_nul_in_a_sqlite_field_is_escaped_as_python_escapes_it(store: Store) -> None:
    _insert(store, [PLAIN | {"ua_os": "a\x00b", "page_url": "\x00"}], 1)
    made, reference = _both(store, "ndjson")
    assert made == reference
    assert '"ua_os": "a\\u0000b"' in made


@pytest.mark.parametrize("fmt", ["ndjson", "json"])
def test_an_export_with_no_records_is_the_reference_too(store: Store, fmt: str) -> None:
    _insert(store, [PLAIN], 1)
    with store.begin(write=True) as conn:
        conn.execute(sa.delete(proofs))
    made, reference = _both(store, fmt)
    assert made == reference


@given(text=st.text(CHARS))
def test_copy_output_unescapes_to_the_stored_text(text: str) -> None:
    """COPY's text format, as PostgreSQL writes it (backslash, and six control characters)."""
    escaped = text.replace("\\", "\\\\")
    for char, letter in [("\b", "b"), ("\f", "f"), ("\n", "n"), ("\r", "r"), ("\t", "t")]:
        escaped = escaped.replace(char, "\\" + letter)
    assert copy_unescape(escaped.replace("\v", "\\v")) == text
