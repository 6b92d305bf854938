"""Retention: purge deletes what is past retention and the rest still verifies;
a forged or missing checkpoint, or a tampered log, is caught."""

from __future__ import annotations

import typing as t
from datetime import UTC
from datetime import datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask

from cookiegate.cli.main import main
from cookiegate.core.errors import ConfigError
from cookiegate.services import ledger
from cookiegate.services import retention
from cookiegate.siteconfig.load import parse_site

from ..admin_helpers import AdminActions
from ..conftest import KEYS
from ..conftest import FrozenClock
from ..conftest import Visitor
from ..conftest import count_proofs

#: 180-day consents kept 24 months after expiry: gone after about 30 months.
PAST_RETENTION = {"days": 180 + 2 * 365 + 10}


def _sql(app: Flask, statement: str, **params: t.Any) -> None:
    with app.extensions["cookiegate"].store.begin(write=True) as conn:
        conn.execute(sa.text(statement), params)


def _old_and_new(visitor: Visitor, clock: FrozenClock, old: int = 3, new: int = 2) -> None:
    for _ in range(old):
        visitor.post()
    clock.advance(days=400)
    for _ in range(new):
        visitor.post()
    clock.advance(days=PAST_RETENTION["days"] - 400 + 1)


def test_purge_deletes_only_what_is_past_retention_and_verify_stays_green(
    db_app: Flask, db_visitor: Visitor, clock: FrozenClock
) -> None:
    _old_and_new(db_visitor, clock)
    state = db_app.extensions["cookiegate"]
    config = state.sites["demo"]
    plan = retention.plan(state.store, config, clock.now)
    assert (plan.through, plan.count) == (3, 3)
    done = retention.purge(state.store, config, clock.now, state.secret_keys)
    assert done.count == 3 and count_proofs(state) == 2
    report = ledger.verify_log(state.store, "demo", state.secret_keys)
    assert report.ok and (report.checked, report.purged, report.length) == (2, 3, 5)
    # New consents keep chaining after the checkpoint; a second purge is a no-op.
    db_visitor.post()
    assert retention.purge(state.store, config, clock.now, state.secret_keys).count == 0
    assert ledger.verify_log(state.store, "demo", state.secret_keys).ok


def test_purging_everything_leaves_a_verifiable_empty_chain(
    app: Flask, visitor: Visitor, clock: FrozenClock
) -> None:
    visitor.post()
    clock.advance(**PAST_RETENTION)
    state = app.extensions["cookiegate"]
    assert (
        retention.purge(state.store, state.sites["demo"], clock.now, state.secret_keys).count == 1
    )
    report = ledger.verify_log(state.store, "demo", state.secret_keys)
    assert report.ok and report.checked == 0 and report.purged == 1


def test_deleting_more_records_after_a_purge_is_detected(
    db_app: Flask, db_visitor: Visitor, clock: FrozenClock
) -> None:
    _old_and_new(db_visitor, clock, 3, 3)
    state = db_app.extensions["cookiegate"]
    retention.purge(state.store, state.sites["demo"], clock.now, state.secret_keys)
    _sql(db_app, "DELETE FROM proof_choices")
    _sql(db_app, "DELETE FROM proofs WHERE chain_index = 4")
    report = ledger.verify_log(state.store, "demo", state.secret_keys)
    assert not report.ok and "records were deleted" in report.problem.message


def test_a_forged_checkpoint_is_detected(app: Flask, visitor: Visitor, clock: FrozenClock) -> None:
    _old_and_new(visitor, clock, 2, 3)
    state = app.extensions["cookiegate"]
    retention.purge(state.store, state.sites["demo"], clock.now, state.secret_keys)
    # Someone deletes record 3 and moves the checkpoint over it without the key.
    with state.store.begin(write=True) as conn:
        h = conn.execute(sa.text("SELECT hash FROM proofs WHERE chain_index = 3")).scalar_one()
        conn.execute(sa.text("DELETE FROM proof_choices"))
        conn.execute(sa.text("DELETE FROM proofs WHERE chain_index = 3"))
        conn.execute(sa.text("UPDATE chain_checkpoints SET chain_index = 3, hash = :h"), {"h": h})
    report = ledger.verify_log(state.store, "demo", state.secret_keys)
    assert not report.ok and "not signed by this server's keys" in report.problem.message
    # The check needs the keys: without them a checkpoint cannot be trusted.
    assert not ledger.verify_log(state.store, "demo").ok


def test_a_checkpoint_signed_with_an_older_key_still_verifies(
    make_app: t.Callable[..., Flask], visitor: Visitor, clock: FrozenClock, app: Flask
) -> None:
    _old_and_new(visitor, clock)
    state = app.extensions["cookiegate"]
    retention.purge(state.store, state.sites["demo"], clock.now, state.secret_keys)
    rotated = ("brand-new-key-0123456789abcdef", *KEYS.split(","))
    assert ledger.verify_log(state.store, "demo", rotated).ok
    assert not ledger.verify_log(state.store, "demo", ("unrelated-key-0123456789",)).ok


def test_a_tampered_log_is_not_purged(app: Flask, visitor: Visitor, clock: FrozenClock) -> None:
    _old_and_new(visitor, clock)
    _sql(app, "UPDATE proofs SET method = 'custom' WHERE chain_index = 4")
    state = app.extensions["cookiegate"]
    with pytest.raises(retention.RetentionError, match="does not verify"):
        retention.purge(state.store, state.sites["demo"], clock.now, state.secret_keys)
    assert count_proofs(state) == 5


def test_cli_purge_dry_run_then_purge(
    runner: CliRunner, app: Flask, visitor: Visitor, clock: FrozenClock, monkeypatch: t.Any
) -> None:
    _old_and_new(visitor, clock)
    # The CLI opens its own store on the real clock; move "now" past retention.
    import cookiegate.services.context

    frozen = clock.now
    monkeypatch.setattr(
        cookiegate.services.context,
        "datetime",
        type("D", (), {"now": staticmethod(lambda tz=None: frozen)}),
    )
    result = runner.invoke(main, ["purge", "--dry-run"])
    assert result.exit_code == 0 and "demo: would purge 3 records" in result.output
    assert count_proofs(app.extensions["cookiegate"]) == 5
    result = runner.invoke(main, ["purge", "--site", "demo"])
    assert result.exit_code == 0 and "demo: purged 3 records" in result.output
    result = runner.invoke(main, ["verify-log"])
    assert result.exit_code == 0
    assert "demo: OK, 2 records (after 3 purged by retention)" in result.output
    assert runner.invoke(main, ["purge", "--site", "nope"]).exit_code == 2


def test_admin_purges_from_the_retention_page(
    staff: AdminActions, visitor: Visitor, clock: FrozenClock, app: Flask
) -> None:
    _old_and_new(visitor, clock)
    staff.as_admin()
    page = staff.client.get("/admin/retention").get_data(as_text=True)
    assert "<td>3</td>" in page and "Purge now" in page
    resp = staff.post("/admin/retention", {"site": "demo"})
    assert resp.status_code == 302
    assert "demo: 3 records purged." in staff.client.get("/admin/retention").get_data(as_text=True)
    assert count_proofs(app.extensions["cookiegate"]) == 2
    entry = staff.audit()[0]
    assert entry["action"] == "purge" and '"deleted":3' in entry["detail"]
    assert "<td>OK</td>" in staff.client.get("/admin/integrity").get_data(as_text=True)


@pytest.mark.parametrize(
    ("value", "message"),
    [(0, "Must be at least 1"), (121, "more than 10 years"), ("24", "Expected a whole number")],
)
def test_retention_months_is_validated(
    demo_data: dict[str, t.Any], value: t.Any, message: str
) -> None:
    demo_data["retention_months"] = value
    with pytest.raises(ConfigError) as e:
        parse_site(demo_data)
    assert e.value.paths == ["retention_months"] and message in str(e.value)


def test_retention_months_defaults_to_24(demo_data: dict[str, t.Any]) -> None:
    assert parse_site(demo_data).retention_months == 24
    demo_data["retention_months"] = 6
    assert parse_site(demo_data).retention_months == 6


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        ((2026, 3, 31), 1, (2026, 2, 28)),
        ((2026, 1, 15), 24, (2024, 1, 15)),
        ((2024, 2, 29), 12, (2023, 2, 28)),
        ((2026, 11, 26), 11, (2025, 12, 26)),
    ],
)
def test_months_before_clamps_to_the_end_of_the_month(
    moment: tuple[int, int, int], months: int, expected: tuple[int, int, int]
) -> None:
    got = retention.months_before(datetime(*moment, tzinfo=UTC), months)
    assert (got.year, got.month, got.day) == expected


def test_the_first_record_after_a_purge_links_to_the_checkpoint(
    staff: AdminActions, visitor: Visitor, clock: FrozenClock, app: Flask
) -> None:
    _old_and_new(visitor, clock)
    state = app.extensions["cookiegate"]
    retention.purge(state.store, state.sites["demo"], clock.now, state.secret_keys)
    with state.store.begin() as conn:
        first = conn.execute(sa.text("SELECT consent_id FROM proofs ORDER BY chain_index")).first()
    staff.as_viewer()
    page = staff.client.get(f"/admin/consents/{first[0]}").get_data(as_text=True)
    assert "Chain link verifies." in page and "record #4 of its chain" in page
