"""``cookiegate db``: migrate the schema and report its revision."""

from __future__ import annotations

from click.testing import CliRunner

from cookiegate.cli.main import main


def test_db_upgrade_and_current(runner: CliRunner) -> None:
    result = runner.invoke(main, ["db", "upgrade"])
    head = _migration_head()
    assert result.exit_code == 0 and f"schema is at revision {head}" in result.output
    assert runner.invoke(main, ["db", "current"]).output.strip() == head


def _migration_head() -> str:
    """The newest migration's revision, so adding a migration does not break this test."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from cookiegate.store import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return str(ScriptDirectory.from_config(cfg).get_current_head())
