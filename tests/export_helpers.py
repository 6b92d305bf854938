"""Reading exports back: every format to the stored records and the chain head.

Shared by the tests of the admin download (tests/web/test_admin_exports.py)
and of the ``export`` command (tests/cli/test_records.py).
"""

from __future__ import annotations

import csv
import io
import json
import typing as t

import sqlalchemy as sa
from flask import Flask

from cookiegate.consent import exports

DAY = "2026-11-26"


def stored(app: Flask) -> list[dict[str, t.Any]]:
    with app.extensions["cookiegate"].store.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM proofs ORDER BY chain_index"))
        return [dict(r._mapping) for r in rows]


def parse(fmt: str, text: str) -> tuple[list[dict[str, t.Any]], dict[str, t.Any]]:
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
            revision = rec["declaration_revision"]
            rec["declaration_revision"] = int(revision) if revision else None
            rec["declaration_hash"] = rec["declaration_hash"] or None
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


def comparable(row: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    out = {f: row[f] for f in exports.FIELDS}
    out["ua_bot"] = bool(out["ua_bot"])
    return out
