"""The proof log on SQLite and PostgreSQL: tamper detection and concurrent writers."""

from __future__ import annotations

import multiprocessing
import typing as t
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from cookiegate.consent.proofs import content_hash
from cookiegate.consent.request import parse_request
from cookiegate.consent.useragent import parse as parse_agent
from cookiegate.core.errors import StoreError
from cookiegate.services import ledger
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.model import SiteConfig
from cookiegate.store import Store

from ..conftest import KEYS

DEMO = Path(__file__).resolve().parents[2] / "cookiegate" / "sites" / "demo.toml"
SHOWN = {"texts": {"title": "We use cookies"}, "revision": 1}


def _write(store: Store, config: SiteConfig, n: int, start: int = 0) -> list[str]:
    """Record ``n`` consents directly through the ledger, as the API does."""
    ids = []
    for i in range(n):
        req = parse_request(
            config,
            {
                "revision": config.revision,
                "shown_hash": content_hash(SHOWN),
                "locale": "en",
                "method": "reject_all",
                "choices": {c.id: False for c in config.optional_categories},
                "page_url": f"https://www.voltline.example/p/{start + i}",
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
        )
        ids.append(receipt.consent_id)
    return ids


@pytest.fixture
def config() -> SiteConfig:
    return load_site(DEMO)


def _sql(store: Store, statement: str, **params: t.Any) -> None:
    with store.begin(write=True) as conn:
        conn.execute(sa.text(statement), params)


def test_untouched_chain_verifies(store: Store, config: SiteConfig) -> None:
    _write(store, config, 5)
    report = ledger.verify_log(store, "demo")
    assert report.ok and report.checked == 5


def test_editing_a_record_is_detected_at_that_record(store: Store, config: SiteConfig) -> None:
    ids = _write(store, config, 5)
    _sql(
        store,
        "UPDATE proofs SET choices = :c WHERE consent_id = :id",
        c='{"categories":{"advertising":true},"services":{}}',
        id=ids[2],
    )
    report = ledger.verify_log(store, "demo")
    assert not report.ok
    assert report.problem.chain_index == 3 and report.problem.consent_id == ids[2]
    assert "was edited" in report.problem.message


def test_editing_a_record_and_its_hash_breaks_the_next_link(
    store: Store, config: SiteConfig
) -> None:
    ids = _write(store, config, 4)
    _sql(
        store,
        "UPDATE proofs SET method = 'accept_all', hash = :h WHERE consent_id = :id",
        h="f" * 64,
        id=ids[1],
    )
    report = ledger.verify_log(store, "demo")
    assert report.problem.chain_index == 2  # its hash no longer matches its content


def test_deleting_a_record_is_detected_after_the_gap(store: Store, config: SiteConfig) -> None:
    ids = _write(store, config, 5)
    _sql(store, "DELETE FROM proofs WHERE consent_id = :id", id=ids[1])
    report = ledger.verify_log(store, "demo")
    assert report.problem.chain_index == 3
    assert "expected record #2" in report.problem.message and "deleted" in report.problem.message


def test_deleting_and_renumbering_is_detected_by_the_broken_link(
    store: Store, config: SiteConfig
) -> None:
    ids = _write(store, config, 4)
    _sql(store, "DELETE FROM proofs WHERE consent_id = :id", id=ids[1])
    _sql(
        store,
        "UPDATE proofs SET chain_index = chain_index - 1 WHERE chain_index > 2 AND site_id = 'demo'",
    )
    report = ledger.verify_log(store, "demo")
    assert report.problem.chain_index == 2 and report.problem.consent_id == ids[2]
    assert "link to the previous record is broken" in report.problem.message


def test_swapping_two_records_is_detected(store: Store, config: SiteConfig) -> None:
    ids = _write(store, config, 4)
    _sql(store, "UPDATE proofs SET chain_index = 100 WHERE consent_id = :id", id=ids[1])
    _sql(store, "UPDATE proofs SET chain_index = 2 WHERE consent_id = :id", id=ids[2])
    _sql(store, "UPDATE proofs SET chain_index = 3 WHERE consent_id = :id", id=ids[1])
    report = ledger.verify_log(store, "demo")
    assert report.problem.chain_index == 2 and report.problem.consent_id == ids[2]


def test_deleting_the_newest_records_is_detected_against_the_head(
    store: Store, config: SiteConfig
) -> None:
    ids = _write(store, config, 4)
    _sql(store, "DELETE FROM proofs WHERE consent_id IN (:a, :b)", a=ids[2], b=ids[3])
    report = ledger.verify_log(store, "demo")
    assert report.checked == 2
    assert "newest records were deleted" in report.problem.message


def _worker(url: str, n: int, offset: int) -> None:
    store = Store(url)
    _write(store, load_site(DEMO), n, start=offset)
    store.dispose()


def test_concurrent_writers_in_several_processes_keep_one_chain(store: Store) -> None:
    writers, each = 4, 25
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(store.url, each, i * 1000)) for i in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * writers
    report = ledger.verify_log(store, "demo")
    assert report.ok, report.problem
    assert report.checked == writers * each


def test_shown_content_is_stored_once_by_hash(store: Store, config: SiteConfig) -> None:
    _write(store, config, 3)
    with store.begin() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM shown_versions")).scalar_one() == 1
    proof_hash = SHOWN
    assert ledger.shown_content(store, content_hash(proof_hash)) == SHOWN


def test_ping_reports_an_unmigrated_database(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(StoreError, match="run 'cookiegate db upgrade'"):
        store.ping()
    store.upgrade()
    store.ping()


def test_sqlite_is_durable_by_configuration(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    with store.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_records_written_before_the_declaration_fields_still_verify(
    store: Store, config: SiteConfig
) -> None:
    # A record without a declaration (written before migration 0005) is sealed over the
    # original fields only; with one, over both: a chain mixing them verifies.
    _write(store, config, 2)
    receipt = ledger.record_consent(
        store,
        config,
        parse_request(
            config,
            {
                "revision": config.revision,
                "shown_hash": content_hash(SHOWN),
                "locale": "en",
                "method": "accept_all",
                "choices": {c.id: True for c in config.optional_categories},
                "page_url": "https://www.voltline.example/",
            },
        ),
        SHOWN,
        ip="192.0.2.1",
        agent=parse_agent(""),
        secret_keys=KEYS.split(","),
        now=datetime.now(UTC),
        declaration=(3, "d" * 64),
    )
    _write(store, config, 1)
    assert ledger.verify_log(store, "demo").ok
    proof = ledger.find_proof(store, "demo", receipt.consent_id)
    assert proof is not None and proof["declaration_revision"] == 3
    # Removing the declaration from the record that has one is an edit the chain shows.
    _sql(
        store,
        "UPDATE proofs SET declaration_revision = NULL, declaration_hash = NULL "
        "WHERE consent_id = :id",
        id=receipt.consent_id,
    )
    report = ledger.verify_log(store, "demo")
    assert report.problem is not None and report.problem.chain_index == 3
    assert "was edited" in report.problem.message
