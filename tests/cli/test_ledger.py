"""``cookiegate verify-log``: the hash chain checked, and signed heads that expose deletions."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from cookiegate.cli.main import main

from ..conftest import Visitor


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
