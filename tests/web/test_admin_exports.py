"""The admin download of exports: every format round-trips to the stored
records, CSV is inert in spreadsheets, bad requests export nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
from flask import Flask

from cookiegate.consent import exports
from cookiegate.consent.proofs import SignedHead
from cookiegate.consent.proofs import seal

from ..admin_helpers import CUSTOM
from ..admin_helpers import AdminActions
from ..conftest import KEYS
from ..conftest import FrozenClock
from ..conftest import Visitor
from ..export_helpers import DAY
from ..export_helpers import comparable as _comparable
from ..export_helpers import parse as _parse
from ..export_helpers import stored as _stored


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_every_format_round_trips_to_the_stored_records(
    db_app: Flask, db_admin: AdminActions, db_visitor: Visitor, fmt: str
) -> None:
    db_visitor.post()
    db_visitor.post(db_visitor.body("reject_all"))
    first = db_visitor.post(
        db_visitor.body(
            "custom",
            choices=CUSTOM,
            services={"youtube": True},
        )
    ).json
    db_visitor.post(db_visitor.body("withdraw", previous_token=first["token"]))
    db_admin.as_viewer()
    resp = db_admin.client.get(f"/admin/export/download?site=demo&from={DAY}&to={DAY}&format={fmt}")
    assert resp.status_code == 200 and resp.mimetype == exports.FORMATS[fmt].split(";")[0]
    assert "attachment" in resp.headers["Content-Disposition"]
    records, head = _parse(fmt, resp.get_data(as_text=True))
    stored = _stored(db_app)
    assert records == [_comparable(r) for r in stored]
    # Every record re-seals from the export alone, and the trailer is the chain head.
    assert all(seal(r) == r["hash"] for r in records)
    signed = head.pop("signed")
    assert head == {"site_id": "demo", "length": 4, "hash": stored[-1]["hash"]}
    assert SignedHead.read(KEYS.split(","), signed).hash == stored[-1]["hash"]
    assert resp.headers["X-Cookiegate-Chain-Head"] == f"4 {stored[-1]['hash']}"
    entry = db_admin.audit()[0]
    assert entry["action"] == "export" and json.loads(entry["detail"])["records"] == 4


def test_export_filters_by_method_and_day(
    staff: AdminActions, visitor: Visitor, clock: FrozenClock, app: Flask
) -> None:
    visitor.post()
    visitor.post(visitor.body("reject_all"))
    clock.advance(days=1)
    visitor.post()
    staff.as_viewer()
    resp = staff.client.get(
        f"/admin/export/download?site=demo&from={DAY}&to={DAY}&format=ndjson&method=accept_all"
    )
    records, _ = _parse("ndjson", resp.get_data(as_text=True))
    assert [r["method"] for r in records] == ["accept_all"]
    assert records[0]["chain_index"] == 1


def test_csv_export_of_a_hostile_record_opens_as_text(
    staff: AdminActions, visitor: Visitor, app: Flask
) -> None:
    visitor.post()
    with app.extensions["cookiegate"].store.begin(write=True) as conn:
        conn.execute(
            sa.text("UPDATE proofs SET page_url = :u, ua_browser = :b"),
            {"u": "=cmd|' /C calc'!A0", "b": "@SUM(1+1)"},
        )
    staff.as_viewer()
    resp = staff.client.get(f"/admin/export/download?site=demo&from={DAY}&to={DAY}&format=csv")
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True), newline="")))
    cells = [c for row in rows for c in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1+1)" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_csv_byte_order_mark_is_optional(staff: AdminActions, visitor: Visitor) -> None:
    visitor.post()
    staff.as_viewer()
    url = f"/admin/export/download?site=demo&from={DAY}&to={DAY}&format=csv"
    assert staff.client.get(url).get_data().startswith(b"consent_id,")
    assert staff.client.get(url + "&bom=1").get_data().startswith(b"\xef\xbb\xbfconsent_id,")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("site=demo&from=2026-13-01&to=2026-11-26&format=csv", "must be a date like"),
        ("site=demo&from=yesterday&format=csv", "must be a date like"),
        ("site=demo&from=2026-11-27&to=2026-11-26&format=csv", "starts (2026-11-27) after it ends"),
        ("site=nope&from=2026-11-26&to=2026-11-26&format=csv", "Unknown site &#39;nope&#39;"),
        ("site=demo&from=2026-11-26&to=2026-11-26&format=xlsx", "is not offered"),
        ("site=demo&from=2026-11-26&to=2026-11-26", "is not offered"),
        ("site=demo&method=maybe&format=csv", "Unknown method"),
    ],
)
def test_bad_export_requests_get_400_and_export_nothing(
    staff: AdminActions, visitor: Visitor, query: str, message: str
) -> None:
    visitor.post()
    staff.as_viewer()
    resp = staff.client.get(f"/admin/export/download?{query}")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert message in resp.get_data(as_text=True)
    assert "export" not in [e["action"] for e in staff.audit()]
