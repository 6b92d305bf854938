"""Proofs seal jurisdiction and regime; a log written before migration 0006 still verifies."""

from __future__ import annotations

import json
import typing as t
from datetime import UTC
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from cookiegate.consent.proofs import GENESIS
from cookiegate.consent.proofs import SEALED_FIELDS
from cookiegate.consent.proofs import canonical_json
from cookiegate.consent.proofs import content_hash
from cookiegate.consent.request import parse_request
from cookiegate.consent.useragent import parse as parse_agent
from cookiegate.services import ledger
from cookiegate.siteconfig.load import load_site
from cookiegate.store import Store

from ..conftest import KEYS

DEMO = Path(__file__).resolve().parents[2] / "cookiegate" / "sites" / "demo.toml"
SHOWN = {"texts": {"title": "We use cookies"}, "revision": 1}


def _old_records(n: int) -> list[dict[str, t.Any]]:
    """Records as the code before migration 0006 sealed them (and before 0005: no
    declaration either): the hash over the sealed fields only, computed here by hand."""
    records, prev = [], GENESIS
    for i in range(1, n + 1):
        record: dict[str, t.Any] = {
            "consent_id": f"00000000-0000-4000-8000-00000000000{i}",
            "site_id": "demo",
            "chain_index": i,
            "created_at": f"2026-11-0{i}T10:00:00Z",
            "revision": 1,
            "shown_hash": content_hash(SHOWN),
            "locale": "en",
            "method": "reject_all",
            "choices": json.dumps({"categories": {"analytics": False}}, separators=(",", ":")),
            "page_url": f"https://www.voltline.example/p/{i}",
            "ip": "192.0.2.0",
            "ua_browser": "Other",
            "ua_os": "Other",
            "ua_device": "other",
            "ua_bot": False,
            "previous_id": None,
            "prev_hash": prev,
        }
        record["hash"] = prev = content_hash([record[f] for f in SEALED_FIELDS])
        records.append(record)
    return records


def _database_before_0006(url: str) -> Store:
    """A store at migration 0005 holding three records, then migrated to the head."""
    store = Store(url)
    store.upgrade("0005")
    records = _old_records(3)
    columns = [*SEALED_FIELDS, "hash"]
    with store.begin(write=True) as conn:
        conn.execute(
            sa.text(
                "INSERT INTO shown_versions (hash, site_id, revision, locale, content, created_at)"
                " VALUES (:h, 'demo', 1, 'en', :c, '2026-11-01T10:00:00Z')"
            ),
            {"h": content_hash(SHOWN), "c": canonical_json(SHOWN)},
        )
        conn.execute(
            sa.text(
                f"INSERT INTO proofs ({', '.join(columns)}) "
                f"VALUES ({', '.join(':' + c for c in columns)})"
            ),
            records,
        )
        conn.execute(
            sa.text("INSERT INTO chain_heads (site_id, length, hash) VALUES ('demo', 3, :h)"),
            {"h": records[-1]["hash"]},
        )
    store.upgrade()
    return store


def _record(store: Store, place: tuple[str, str] | None) -> str:
    config = load_site(DEMO)
    req = parse_request(
        config,
        {
            "revision": config.revision,
            "shown_hash": content_hash(SHOWN),
            "locale": "en",
            "method": "reject_all",
            "choices": {c.id: False for c in config.optional_categories},
            "page_url": "https://www.voltline.example/",
        },
    )
    receipt = ledger.record_consent(
        store,
        config,
        req,
        SHOWN,
        ip="192.0.2.1",
        agent=parse_agent(""),
        secret_keys=KEYS.split(","),
        now=datetime.now(UTC),
        place=place,
    )
    return receipt.consent_id


def test_a_log_written_before_the_migration_verifies_and_grows_with_sealed_places(
    tmp_path: Path,
) -> None:
    store = _database_before_0006(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        report = ledger.verify_log(store, "demo")
        assert report.ok and report.checked == 3
        old = ledger.find_proof(store, "demo", "00000000-0000-4000-8000-000000000001")
        assert old is not None and old["jurisdiction"] is None and old["regime"] is None
        new_id = _record(store, ("US-CA", "opt_out"))
        assert ledger.verify_log(store, "demo").ok
        new = ledger.find_proof(store, "demo", new_id)
        assert new is not None and (new["jurisdiction"], new["regime"]) == ("US-CA", "opt_out")
        # The place is sealed: changing or removing it is an edit the chain shows.
        with store.begin(write=True) as conn:
            conn.execute(
                sa.text("UPDATE proofs SET regime = 'opt_in' WHERE consent_id = :id"),
                {"id": new_id},
            )
        report = ledger.verify_log(store, "demo")
        assert report.problem is not None and report.problem.chain_index == 4
    finally:
        store.dispose()


def test_a_record_without_a_place_is_sealed_as_before(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.upgrade()
    try:
        consent_id = _record(store, None)
        proof = ledger.find_proof(store, "demo", consent_id)
        assert proof is not None and proof["jurisdiction"] is None
        assert ledger.verify_log(store, "demo").ok
    finally:
        store.dispose()
