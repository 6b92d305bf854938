"""CSV exports written by the database match the Python reference writer byte for byte.

The record lines of a CSV export are built in SQL (SQLite string functions,
PostgreSQL expressions); :func:`cookiegate.consent.exports.csv_chunks` is the
reference they must equal, whatever the cells hold: formula starts, quotes,
commas, line breaks, tabs and any Unicode text, on both stores.
"""

from __future__ import annotations

import csv
import io
import typing as t
from datetime import UTC
from datetime import datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate.consent import exports
from cookiegate.consent.proofs import canonical_json
from cookiegate.services import exports as export_service
from cookiegate.services.records import Query
from cookiegate.store import Store
from cookiegate.store import exports as lines
from cookiegate.store.reports import Range
from cookiegate.store.schema import chain_heads
from cookiegate.store.schema import proofs
from cookiegate.store.schema import shown_versions

from ..conftest import KEYS

CATEGORIES = ("necessary", "analytics", "marketing")
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
#: Cells a spreadsheet would run, and the characters CSV must quote.
HOSTILE = ["=", "+", "-", "@", "\t", "\r", "\n", "\r\n", '"', ",", "'", "\\", "\\.", " ", "é", "😀"]
# PostgreSQL text cannot hold NUL, and UTF-8 cannot hold lone surrogates.
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def cells(max_size: int) -> st.SearchStrategy[str]:
    """Text that starts, ends or is made of hostile pieces, within a column's size.

    Ordinary text too, so whole batches of plain records (which take the
    database's fast path) are checked as well as batches with hostile ones.
    """
    piece = st.one_of(st.sampled_from(HOSTILE), st.text(CHARS, max_size=6))
    hostile = st.lists(piece, max_size=6).map("".join)
    ordinary = st.from_regex(r"[a-z0-9./:]{0,12}", fullmatch=True)
    return st.one_of(ordinary, ordinary, hostile).map(lambda s: s[:max_size])


choice = st.one_of(
    st.booleans(),
    st.booleans(),
    st.none(),
    st.integers(-(2**31), 2**31),
    cells(20),
    st.just("absent"),
)
records = st.lists(
    st.fixed_dictionaries(
        {
            "consent_id": cells(36),
            "created_at": cells(8).map(lambda s: "2026-11-26T12" + s),
            "revision": st.integers(-(2**31), 2**31 - 1),
            "locale": cells(16),
            "choices": st.fixed_dictionaries({c: choice for c in CATEGORIES}),
            "page_url": cells(200),
            "ip": cells(64),
            "ua_browser": cells(64),
            "ua_os": cells(64),
            "ua_device": cells(16),
            "ua_bot": st.booleans(),
            "previous_id": st.one_of(st.none(), cells(36)),
            "prev_hash": cells(64),
            "hash": cells(64),
            # After the per-category cells in CSV: the line's last cells.
            "jurisdiction": st.one_of(st.none(), cells(16)),
            "regime": st.one_of(st.none(), cells(16)),
        }
    ),
    min_size=1,
    max_size=8,
)


def _insert(
    store: Store, rows: list[dict[str, t.Any]], first: int, shown: str = "=cmd|' /C calc'!A0"
) -> int:
    """Store ``rows`` as site ``demo``'s chain from index ``first``; returns the last index.

    :param shown: every record's ``shown_hash``; the default starts like a formula.
    """
    with store.begin(write=True) as conn:
        conn.execute(sa.delete(proofs))
        conn.execute(sa.delete(chain_heads))
        conn.execute(sa.delete(shown_versions))
        conn.execute(
            shown_versions.insert().values(
                hash=shown,
                site_id="demo",
                revision=1,
                locale="en",
                content="{}",
                created_at="2026-11-26T00:00:00.000000Z",
            )
        )
        for n, row in enumerate(rows):
            chosen = {c: v for c, v in row["choices"].items() if v != "absent"}
            conn.execute(
                proofs.insert().values(
                    row
                    | {
                        "site_id": "demo",
                        "method": "custom",
                        "consent_id": row["consent_id"][:32] + f"{n:04}",
                        "chain_index": first + n,
                        "shown_hash": shown,
                        "choices": canonical_json({"categories": chosen, "services": {}}),
                    }
                )
            )
        last = first + len(rows) - 1
        conn.execute(chain_heads.insert().values(site_id="demo", length=last, hash="h"))
    return last


def _both(store: Store, fmt: str = "csv", batch: int = 3) -> tuple[str, str]:
    """The export as the database writes it, and as the Python reference writes it."""
    query = Query("demo", NOW.date(), NOW.date(), None)
    plan = export_service.plan_export(store, query.range)
    made = "".join(
        export_service.export_chunks(
            store,
            query,
            plan,
            fmt,
            categories=CATEGORIES,
            secret_keys=KEYS.split(","),
            now=NOW,
            batch=batch,
        )
    )
    trailer = export_service.head_trailer(plan, KEYS.split(","), NOW)
    header = export_service.export_header(query, plan, NOW)
    rows = export_service.export_rows(store, plan)
    reference = "".join(exports.chunks(fmt, rows, header, trailer, categories=CATEGORIES))
    return made, reference


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=records, first=st.integers(-5, 5))
def test_database_written_csv_equals_the_reference_writer(
    store: Store, rows: list[dict[str, t.Any]], first: int
) -> None:
    last = _insert(store, rows, first)
    made, reference = _both(store)
    assert made == reference
    # Every record is there, in chain order, and parses back to its cells.
    parsed = list(csv.reader(io.StringIO(made, newline="")))
    assert len(parsed) == len(rows) + 2
    assert [int(line[2].lstrip("'")) for line in parsed[1:-1]] == list(range(first, last + 1))


def test_formula_cells_are_neutralised_by_the_database_too(store: Store) -> None:
    hostile = '=HYPERLINK("http://x","y")'
    row = {
        "consent_id": "+1",
        "created_at": "2026-11-26T10:00:00.000000Z",
        "revision": -3,
        "locale": "@en",
        "choices": {"necessary": True, "analytics": False, "marketing": "-1+1"},
        "page_url": hostile,
        "ip": "\t1",
        "ua_browser": "\rX",
        "ua_os": "a,b",
        "ua_device": 'say "hi"',
        "ua_bot": True,
        "previous_id": None,
        "prev_hash": "line\nbreak",
        "hash": "ok",
    }
    _insert(store, [row], 1)
    made, reference = _both(store)
    assert made == reference
    line = list(csv.reader(io.StringIO(made, newline="")))[1]
    columns = [*exports.CSV_LEADING, *CATEGORIES, *exports.CSV_TRAILING]
    assert dict(zip(columns, line, strict=True)) | {"choices": ""} == {
        "consent_id": "'+10000",
        "site_id": "demo",
        "chain_index": "1",
        "created_at": "2026-11-26T10:00:00.000000Z",
        "revision": "'-3",
        "shown_hash": "'=cmd|' /C calc'!A0",
        "locale": "'@en",
        "method": "custom",
        "choices": "",
        "page_url": "'" + hostile,
        "ip": "'\t1",
        "ua_browser": "'\rX",
        "ua_os": "a,b",
        "ua_device": 'say "hi"',
        "ua_bot": "true",
        "previous_id": "",
        "prev_hash": "line\nbreak",
        "declaration_revision": "",
        "declaration_hash": "",
        "hash": "ok",
        "jurisdiction": "",
        "regime": "",
        "necessary": "true",
        "analytics": "false",
        "marketing": "'-1+1",
    }


def test_an_export_stops_at_the_chain_head_it_was_planned_at(store: Store) -> None:
    base = {
        "created_at": "2026-11-26T10:00:00.000000Z",
        "revision": 1,
        "locale": "en",
        "choices": {},
        "page_url": "https://shop.example/",
        "ip": "192.0.2.0",
        "ua_browser": "Firefox",
        "ua_os": "Linux",
        "ua_device": "desktop",
        "ua_bot": False,
        "previous_id": None,
        "prev_hash": "p",
        "hash": "h",
    }
    _insert(store, [base | {"consent_id": f"c{i}"} for i in range(5)], 1)
    plan = export_service.plan_export(store, Range("demo", "2026-11-26", "2026-11-27"))
    plan = export_service.ExportPlan(plan.range, (3, "h"), 3)
    seen: list[int] = []
    text = "".join(
        export_service.export_chunks(
            store,
            Query("demo", NOW.date(), NOW.date(), None),
            plan,
            "csv",
            categories=(),
            secret_keys=KEYS.split(","),
            now=NOW,
            batch=2,
            progress=seen.append,
        )
    )
    body = list(csv.reader(io.StringIO(text, newline="")))[1:-1]
    assert [line[0] for line in body] == ["c00000", "c10001", "c20002"]
    assert seen == [2, 1]


PLAIN = {
    "consent_id": "c",
    "created_at": "2026-11-26T12:00:00.000000Z",
    "revision": 1,
    "locale": "en",
    "choices": {"necessary": True, "analytics": False, "marketing": True},
    "page_url": "https://shop.example/tv",
    "ip": "192.0.2.0",
    "ua_browser": "Firefox",
    "ua_os": "Linux",
    "ua_device": "desktop",
    "ua_bot": False,
    "previous_id": None,
    "prev_hash": "p",
    "hash": "h",
    "jurisdiction": "GB",
    "regime": "opt_in",
}
#: The text cells a visitor's request or the operator's config can fill.
TEXT_FIELDS = [k for k, v in PLAIN.items() if isinstance(v, str) and k != "created_at"]
hostile_cells = st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=3).map("".join)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from([*TEXT_FIELDS, *(f"category:{c}" for c in CATEGORIES)]),
    value=st.one_of(
        hostile_cells, st.tuples(st.text(CHARS, max_size=4), hostile_cells).map("".join)
    ),
    where=st.integers(0, 2),
)
def test_one_hostile_cell_in_a_batch_of_plain_records_is_still_written_right(
    store: Store, field: str, value: str, where: int
) -> None:
    """The database's quick path (plain cells joined as they are) must notice any one cell,
    in any column, that needs quotes or a leading ``'``, and write that batch exactly.

    (The other tests' records share a ``shown_hash`` that starts like a formula, so
    every batch of theirs takes the checked path.)"""
    rows = [dict(PLAIN) for _ in range(3)]
    if field.startswith("category:"):
        rows[where]["choices"] = PLAIN["choices"] | {field.split(":", 1)[1]: value}  # type: ignore[operator]
    else:
        rows[where][field] = value
    _insert(store, rows, 1, shown="a" * 64)
    made, reference = _both(store, batch=3)
    assert made == reference


def test_choices_stored_with_a_second_categories_key_read_as_json_readers_do(
    store: Store, request: pytest.FixtureRequest
) -> None:
    """Python's reader takes the last of repeated keys; the database's quick reading of the
    canonical choices must not trust the first one (a tampered row, but still exported)."""
    if store.is_sqlite:
        # Known and open: run anyway, so the day SQLite's path reads the last key this fails
        # and the mark goes (a strict xfail, not a skip).
        request.applymarker(
            pytest.mark.xfail(
                strict=True, reason="SQLite's json_extract reads the first of repeated keys"
            )
        )
    _insert(store, [dict(PLAIN)], 1, shown="a" * 64)
    doubled = (
        '{"categories":{"analytics":true,"marketing":true,"necessary":true},'
        '"categories":{"analytics":false},"services":{}}'
    )
    with store.begin(write=True) as conn:
        conn.execute(sa.update(proofs).values(choices=doubled))
    made, reference = _both(store, batch=3)
    assert made == reference
    assert "\r\n".join(made.split("\r\n")[1:2]).endswith(",,false,,GB,opt_in")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hostile=st.dictionaries(
        st.integers(0, 19),
        st.tuples(
            st.sampled_from([*TEXT_FIELDS, "prev_hash", "hash", "revision"]),
            st.sampled_from(["", "-1", "=1", "@a", "+a", "\ta", "\ra", "a=b", "b@c", "x"]),
        ),
        max_size=3,
    ),
    batch=st.sampled_from([1, 2, 3, 7, 50]),
)
def test_hostile_records_among_plain_batches_are_written_right_and_the_rest_after_them(
    store: Store, hostile: dict[int, tuple[str, str]], batch: int
) -> None:
    """PostgreSQL copies plain cells first and copies again, every cell checked, from the
    first batch that needs a rule; the batches after it go back to plain cells. Whatever the
    batch size and wherever the records needing a rule are, the file is the reference's.

    (The values cover each way a cell can need one: empty, each formula start, a negative
    number; and ``=``/``@`` inside a cell, which needs none.)"""
    rows = [PLAIN | {"consent_id": f"c{i}", "ip": f"192.0.2.{i}"} for i in range(20)]
    for n, (field, value) in hostile.items():
        rows[n][field] = -1 if field == "revision" and value == "-1" else value
        if field == "revision" and value != "-1":
            rows[n][field] = 2
    _insert(store, rows, 1, shown="a" * 64)
    made, reference = _both(store, batch=batch)
    assert made == reference


@pytest.mark.parametrize("filters", [{}, {"method": "custom"}, {"jurisdiction": "GB"}])
def test_a_plan_counts_the_records_of_its_days_up_to_the_head_it_read(
    store: Store, filters: dict[str, str]
) -> None:
    """Records of the same days after the head (appended while the plan was made) are not
    counted, nor records of other days; with or without a method or place filter."""
    days = ["2026-11-25T23:59:59.999999Z", "2026-11-26T00:00:00.000000Z", "2026-11-26T12:00:00Z"]
    days += ["2026-11-26T23:59:59.999999Z", "2026-11-27T00:00:00.000000Z"]
    rows = [PLAIN | {"consent_id": f"c{i}", "created_at": day} for i, day in enumerate(days * 2)]
    _insert(store, rows, 1, shown="a" * 64)
    r = Range("demo", "2026-11-26", "2026-11-27", **filters)
    for through, expected in [(0, 0), (1, 0), (2, 1), (5, 3), (7, 4), (10, 6), (99, 6)]:
        with store.begin() as conn:
            assert lines.count(conn, r, through) == expected


@pytest.mark.parametrize("every", [1, 2, 5])
@pytest.mark.parametrize("batch", [1, 2, 4])
def test_many_records_needing_a_rule_are_all_written_right(
    store: Store, every: int, batch: int
) -> None:
    """PostgreSQL stops its plain copy at most a few times, then copies the rest checked:
    records needing a rule everywhere, or every few records, still give the reference's file."""
    rows = [PLAIN | {"consent_id": f"c{i}"} for i in range(40)]
    for n in range(0, 40, every):
        rows[n]["ua_os"] = ["", "-x", "=x", "@x"][n % 4]
    _insert(store, rows, 1, shown="a" * 64)
    made, reference = _both(store, batch=batch)
    assert made == reference


@pytest.mark.parametrize("where", [0, 2, 5])
def test_a_line_break_in_a_record_needing_a_rule_does_not_lose_the_chain_index(
    store: Store, where: int
) -> None:
    """The copy goes on after the last record of a batch it stopped at: a cell with a line
    break followed by what looks like cells (``0,0,0``) must not be read as that record's
    chain index."""
    rows = [PLAIN | {"consent_id": f"c{i}"} for i in range(9)]
    rows[where]["page_url"] = "=x\n0,0,0,0"
    rows[where + 3]["page_url"] = "y\n0,0,0,0"
    _insert(store, rows, 1, shown="a" * 64)
    made, reference = _both(store, batch=3)
    assert made == reference
