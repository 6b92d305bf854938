"""Admin accounts and the CLI that creates them; the 0002 migration's backfill."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask

from cookiegate.cli.main import main
from cookiegate.services import accounts
from cookiegate.store import Store

from ..admin_helpers import PASSWORD

NOW = "2026-11-26T12:00:00.000000Z"


def test_passwords_are_stored_hashed(app: Flask) -> None:
    store = app.extensions["cookiegate"].store
    accounts.create(store, "DPO@Voltline.example ", PASSWORD, "admin", now=NOW)
    with store.begin() as conn:
        stored = conn.execute(sa.text("SELECT email, password_hash FROM admins")).one()
    assert stored.email == "dpo@voltline.example"
    assert PASSWORD not in stored.password_hash and stored.password_hash.startswith("scrypt:")
    assert accounts.authenticate(store, "dpo@voltline.example", PASSWORD) is not None
    assert accounts.authenticate(store, "dpo@voltline.example", PASSWORD + "x") is None


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("not-an-email", PASSWORD, "admin", "is not an e-mail address"),
        ("a@b.example", "short", "admin", "at least 12 characters"),
        ("a@b.example", PASSWORD, "root", "Role 'root' is not one of"),
    ],
)
def test_bad_accounts_are_refused(
    app: Flask, email: str, password: str, role: str, message: str
) -> None:
    store = app.extensions["cookiegate"].store
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create(store, email, password, role, now=NOW)
    assert accounts.all_accounts(store) == []


def test_the_last_admin_cannot_be_removed(app: Flask) -> None:
    store = app.extensions["cookiegate"].store
    only = accounts.create(store, "dpo@voltline.example", PASSWORD, "admin", now=NOW)
    with pytest.raises(accounts.AccountError, match="one active admin"):
        accounts.update(store, only.id, role="viewer")
    with pytest.raises(accounts.AccountError, match="one active admin"):
        accounts.update(store, only.id, active=False)
    assert accounts.get(store, only.id) == only


def test_cli_create_admin_from_stdin_then_duplicate(runner: CliRunner, app: Flask) -> None:
    result = runner.invoke(
        main, ["create-admin", "dpo@voltline.example", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0 and "Created admin account dpo@voltline.example." in result.output
    result = runner.invoke(
        main, ["create-admin", "dpo@voltline.example", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 2 and "already exists" in result.output
    store = app.extensions["cookiegate"].store
    assert accounts.authenticate(store, "dpo@voltline.example", PASSWORD) is not None
    entry = accounts.read_audit(store)[-1]
    assert entry["action"] == "user_create" and json.loads(entry["detail"])["role"] == "admin"


def test_cli_create_admin_prompts_twice(runner: CliRunner, app: Flask) -> None:
    result = runner.invoke(
        main,
        ["create-admin", "viewer@voltline.example", "--role", "viewer"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0 and "Created viewer account" in result.output
    assert PASSWORD not in result.output
    result = runner.invoke(
        main, ["create-admin", "x@voltline.example"], input=f"{PASSWORD}\nother\n" + "\n" * 4
    )
    assert result.exit_code != 0
    assert len(accounts.all_accounts(app.extensions["cookiegate"].store)) == 1


def test_cli_create_admin_refuses_a_short_password(runner: CliRunner) -> None:
    result = runner.invoke(main, ["create-admin", "a@b.example", "--password-stdin"], input="x\n")
    assert result.exit_code == 2 and "at least 12 characters" in result.output


def test_migration_0002_backfills_choices_of_existing_proofs(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.upgrade("0001")
        choices = json.dumps(
            {"categories": {"necessary": True, "analytics": False}, "services": {}},
            separators=(",", ":"),
        )
        with store.begin(write=True) as conn:
            conn.execute(
                sa.text("INSERT INTO shown_versions VALUES ('h', 'demo', 1, 'en', '{}', 't')")
            )
            for i in (1, 2):
                conn.execute(
                    sa.text(
                        "INSERT INTO proofs (consent_id, site_id, chain_index, created_at, revision,"
                        " shown_hash, locale, method, choices, page_url, ip, ua_browser, ua_os,"
                        " ua_device, ua_bot, previous_id, prev_hash, hash) VALUES (:id, 'demo', :i,"
                        " 't', 1, 'h', 'en', 'reject_all', :c, 'u', '', 'b', 'o', 'd', false, NULL,"
                        " 'p', 'h')"
                    ),
                    {"id": f"id-{i}", "i": i, "c": choices},
                )
        store.upgrade()
        with store.begin() as conn:
            rows = conn.execute(
                sa.text("SELECT category, granted FROM proof_choices ORDER BY seq, category")
            ).all()
        assert [(c, bool(g)) for c, g in rows] == [("analytics", False), ("necessary", True)] * 2
    finally:
        store.dispose()
