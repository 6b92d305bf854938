"""Exports: every format round-trips to the stored records, CSV is inert in
spreadsheets, bad requests export nothing; from the admin UI and the CLI."""

from __future__ import annotations

import csv
import io
import json
import typing as t

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask

from cookiegate.cli.main import main
from cookiegate.consent import exports
from cookiegate.consent.proofs import SignedHead
from cookiegate.consent.proofs import seal

from ..admin_helpers import CUSTOM
from ..admin_helpers import VIEWER
from ..admin_helpers import AdminActions
from ..conftest import KEYS
from ..conftest import FrozenClock
from ..conftest import Visitor

DAY = "2026-11-26"


def _stored(app: Flask) -> list[dict[str, t.Any]]:
    with app.extensions["cookiegate"].store.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM proofs ORDER BY chain_index"))
        return [dict(r._mapping) for r in rows]


def _parse(fmt: str, text: str) -> tuple[list[dict[str, t.Any]], dict[str, t.Any]]:
    """Records and chain head of an export, with every field back in its stored form."""
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
        header, body, trailer = lines[0], lines[1:-1], lines[-1]
        assert trailer[0] == exports.CSV_TRAILER
        records = []
        for line in body:
            rec: dict[str, t.Any] = dict(zip(header, line, strict=True))
            for k in [k for k in rec if k.startswith("category:")]:
                rec.pop(k)
            rec["chain_index"] = int(rec["chain_index"])
            rec["revision"] = int(rec["revision"])
            rec["ua_bot"] = rec["ua_bot"] == "true"
            rec["previous_id"] = rec["previous_id"] or None
            records.append(rec)
        head = {
            "site_id": trailer[1],
            "length": int(trailer[2]),
            "hash": trailer[3],
            "signed": trailer[4],
        }
        return records, head
    if fmt == "json":
        doc = json.loads(text)
        records, head = doc["records"], doc["chain_head"]
    else:
        lines = [json.loads(line) for line in text.splitlines()]
        records, head = lines[:-1], lines[-1]["chain_head"]
    for rec in records:
        rec["choices"] = json.dumps(rec["choices"], sort_keys=True, separators=(",", ":"))
    return records, head


def _comparable(row: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    out = {f: row[f] for f in exports.FIELDS}
    out["ua_bot"] = bool(out["ua_bot"])
    return out


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


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_cli_export_round_trips(
    runner: CliRunner, app: Flask, visitor: Visitor, tmp_path: t.Any, fmt: str
) -> None:
    for method in ("accept_all", "reject_all", "accept_all"):
        visitor.post(visitor.body(method))
    out = tmp_path / f"export.{fmt}"
    result = runner.invoke(
        main,
        [
            "export",
            "--site",
            "demo",
            "--from",
            DAY,
            "--to",
            DAY,
            "--format",
            fmt,
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    records, head = _parse(fmt, out.read_text(encoding="utf-8"))
    assert records == [_comparable(r) for r in _stored(app)]
    assert head["length"] == 3
    entry = [e for e in _audit(app) if e["action"] == "export"][0]
    assert entry["actor"].startswith("cli")


def test_the_command_and_the_admin_page_write_the_same_header_and_audit_detail(
    runner: CliRunner, staff: AdminActions, visitor: Visitor, tmp_path: t.Any
) -> None:
    visitor.post()
    staff.as_viewer()
    page = staff.client.get(f"/admin/export/download?site=demo&from={DAY}&to={DAY}&format=json")
    out = tmp_path / "export.json"
    args = ["export", "--site", "demo", "--from", DAY, "--to", DAY, "--format", "json"]
    assert runner.invoke(main, [*args, "--output", str(out)]).exit_code == 0
    headers = [json.loads(text) for text in (page.get_data(as_text=True), out.read_text())]
    for doc in headers:
        del doc["records"], doc["chain_head"], doc["exported_at"]
    assert (
        headers[0]
        == headers[1]
        == {
            "site_id": "demo",
            "from": DAY,
            "to": DAY,
            "method": None,
            "count": 1,
        }
    )
    cli_entry, page_entry = [e for e in staff.audit() if e["action"] == "export"]  # newest first
    assert cli_entry["actor"].startswith("cli") and page_entry["actor"] == VIEWER
    assert json.loads(page_entry["detail"]) == json.loads(cli_entry["detail"])


def test_cli_export_to_stdout(runner: CliRunner, visitor: Visitor) -> None:
    visitor.post()
    result = runner.invoke(main, ["export", "--site", "demo", "--from", DAY, "--to", DAY])
    assert result.exit_code == 0
    assert result.stdout.startswith("consent_id,site_id,chain_index")
    assert "#chain_head,demo,1," in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "nope"], "Unknown site 'nope'"),
        (["--site", "demo", "--from", "2026-02-30"], "must be a date like"),
        (["--site", "demo", "--from", "2026-11-27", "--to", "2026-11-26"], "after it ends"),
        (["--site", "demo", "--format", "xml"], "'xml' is not one of"),
    ],
)
def test_cli_export_refuses_bad_input(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(main, ["export", *args])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def _audit(app: Flask) -> list[dict[str, t.Any]]:
    from cookiegate.services import accounts

    return accounts.read_audit(app.extensions["cookiegate"].store, 100)


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
