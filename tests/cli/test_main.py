"""The ``cookiegate`` command: config checks, migrations and log verification."""

from __future__ import annotations

import typing as t
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from cookiegate.cli.main import main
from cookiegate.core.settings import DEMO_SITES_DIR

from ..conftest import Visitor


def test_check_config_passes_the_demo_site(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check-config", str(DEMO_SITES_DIR / "demo.toml")])
    assert result.exit_code == 0
    assert "ok (site 'demo', revision 1, 7 categories, 11 services)" in result.output


def test_check_config_lists_problems_by_path_and_fails(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = (DEMO_SITES_DIR / "demo.toml").read_text()
    bad.write_text(
        text.replace("consent_lifetime_days = 180", "consent_lifetime_days = 500").replace(
            "[categories.analytics]", "[categories.analytics]\ndefault = true"
        )
    )
    result = runner.invoke(main, ["check-config", str(DEMO_SITES_DIR / "demo.toml"), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: 2 problem(s)" in result.output
    assert "consent_lifetime_days: 500 days is longer than 13 months" in result.output
    assert "categories.analytics.default:" in result.output


def test_server_refuses_to_start_with_a_bad_site(runner: CliRunner, sites_dir: Path) -> None:
    (sites_dir / "demo.toml").write_text('id = "demo"\n')
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "revision: This field is required." in result.output
    assert "Traceback" not in result.output


def test_db_upgrade_and_current(runner: CliRunner) -> None:
    result = runner.invoke(main, ["db", "upgrade"])
    head = _migration_head()
    assert result.exit_code == 0 and f"schema is at revision {head}" in result.output
    assert runner.invoke(main, ["db", "current"]).output.strip() == head


def test_verify_log_reports_ok_then_names_the_tampered_record(
    runner: CliRunner, visitor: Visitor, sqlite_url: str
) -> None:
    assert "The log is empty" in runner.invoke(main, ["verify-log"]).output
    ids = [visitor.post().json["consent_id"] for _ in range(3)]
    ok = runner.invoke(main, ["verify-log", "--site", "demo"])
    assert ok.exit_code == 0 and "demo: OK, 3 records, head " in ok.output
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE proofs SET method = 'custom' WHERE consent_id = :id"), {"id": ids[1]}
        )
    engine.dispose()
    bad = runner.invoke(main, ["verify-log"])
    assert bad.exit_code == 1
    assert (
        f"demo: TAMPERED after 1 good records: record #2 (consent {ids[1]}): its content does not match its hash"
        in bad.output
    )


def test_verify_log_of_an_unknown_site_says_it_is_empty(runner: CliRunner) -> None:
    result = runner.invoke(main, ["verify-log", "--site", "ghost"])
    assert result.exit_code == 0
    assert "ghost: OK, 0 records" in result.output


def test_bad_database_url_is_a_clear_error(runner: CliRunner, monkeypatch: t.Any) -> None:
    monkeypatch.setenv("COOKIEGATE_DATABASE_URL", "mysql://nobody@nowhere/db")
    result = runner.invoke(main, ["db", "current"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output


def _migration_head() -> str:
    """The newest migration's revision, so adding a migration does not break this test."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from cookiegate.store import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return str(ScriptDirectory.from_config(cfg).get_current_head())


def _signed_head(output: str) -> str:
    return output.split("signed head (keep it off this server): ", 1)[1].split()[0]


def test_a_kept_signed_head_exposes_deleted_newest_records_even_with_the_head_rewritten(
    runner: CliRunner, visitor: Visitor, sqlite_url: str
) -> None:
    for _ in range(4):
        visitor.post()
    first = runner.invoke(main, ["verify-log", "--site", "demo"])
    kept = _signed_head(first.output)
    # Someone with database access deletes the two newest records and moves
    # the stored head back, leaving a shorter chain that is consistent.
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "DELETE FROM proof_choices WHERE seq IN (SELECT seq FROM proofs WHERE chain_index > 2)"
            )
        )
        conn.execute(sa.text("DELETE FROM proofs WHERE chain_index > 2"))
        new_head = conn.execute(
            sa.text("SELECT hash FROM proofs WHERE chain_index = 2")
        ).scalar_one()
        conn.execute(sa.text("UPDATE chain_heads SET length = 2, hash = :h"), {"h": new_head})
    engine.dispose()
    assert runner.invoke(main, ["verify-log", "--site", "demo"]).exit_code == 0
    caught = runner.invoke(main, ["verify-log", "--site", "demo", "--against", kept])
    assert caught.exit_code == 1
    assert "records #4; the newest records were deleted" in caught.output


def test_verify_log_against_an_intact_head_passes_and_a_forged_one_is_refused(
    runner: CliRunner, visitor: Visitor
) -> None:
    visitor.post()
    kept = _signed_head(runner.invoke(main, ["verify-log"]).output)
    visitor.post()
    later = runner.invoke(main, ["verify-log", "--against", kept])
    assert later.exit_code == 0 and "matches 1 signed head(s)" in later.output
    forged = runner.invoke(main, ["verify-log", "--against", kept[:-3] + "abc"])
    assert forged.exit_code == 2
    assert "not signed by this server's keys" in forged.output
