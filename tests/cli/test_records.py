"""The ``export`` command: round trips, the same bytes as the admin download,
clear refusals, and a process that never loads the web app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from cookiegate.cli.main import main
from cookiegate.consent.proofs import SignedHead
from cookiegate.core import settings
from cookiegate.services import context

from ..admin_helpers import VIEWER
from ..admin_helpers import AdminActions
from ..conftest import KEYS
from ..conftest import Visitor
from ..export_helpers import DAY
from ..export_helpers import comparable as _comparable
from ..export_helpers import parse as _parse
from ..export_helpers import stored as _stored


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


def test_the_command_and_the_admin_page_write_the_same_csv_bytes(
    runner: CliRunner, staff: AdminActions, visitor: Visitor, tmp_path: t.Any
) -> None:
    """One generator for both: the same records give the same file, but for the
    moment signed into the chain-head trailer, and both signatures name the same head."""
    visitor.post()
    visitor.post(visitor.body("reject_all"))
    staff.as_viewer()
    page = staff.client.get(f"/admin/export/download?site=demo&from={DAY}&to={DAY}&format=csv")
    out = tmp_path / "export.csv"
    args = ["export", "--site", "demo", "--from", DAY, "--to", DAY, "--output", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    downloaded, written = page.get_data(), out.read_bytes()
    *body, trailer = downloaded.split(b"\r\n")[:-1]
    *cli_body, cli_trailer = written.split(b"\r\n")[:-1]
    assert body == cli_body and len(body) == 3
    heads = [line.decode().split(",") for line in (trailer, cli_trailer)]
    assert heads[0][:4] == heads[1][:4] == heads[0][:1] + ["demo", "2", heads[0][3]]
    signed = [SignedHead.read(KEYS.split(","), head[4]) for head in heads]
    assert signed[0].hash == signed[1].hash == heads[0][3]


def test_the_export_command_runs_without_the_web_app(
    runner: CliRunner, app: Flask, visitor: Visitor
) -> None:
    """Its process imports neither Flask nor the scanner, nor Alembic for a current database."""
    visitor.post()
    code = (
        "import sys\n"
        "from cookiegate.cli import main\n"
        f"try: main(['export', '--site', 'demo', '--from', '{DAY}', '--to', '{DAY}'])\n"
        "except SystemExit as e: assert not e.code, e.code\n"
        "heavy = ('flask', 'flask_babel', 'werkzeug', 'cookiegate.app', 'cookiegate.web',\n"
        "         'cookiegate.scan', 'playwright', 'alembic', 'babel', 'user_agents')\n"
        "print('loaded:', [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stderr
    assert done.stdout.startswith("consent_id,")


def test_commands_without_the_app_use_the_apps_instance_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without COOKIEGATE_INSTANCE_PATH both find the same folder (database, dev key)."""
    from cookiegate.app import create_app

    monkeypatch.delenv("COOKIEGATE_INSTANCE_PATH", raising=False)
    app = create_app({"SECRET_KEYS": KEYS, "DATABASE_URL": "sqlite://"})
    app.extensions["cookiegate"].store.dispose()
    assert context.instance_path() == Path(app.instance_path)


def test_settings_read_without_the_app_are_the_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same COOKIEGATE_* reading as Flask's from_prefixed_env (JSON when it parses)."""
    from flask import Config

    monkeypatch.setenv("COOKIEGATE_EXPORT_BATCH", "321")
    monkeypatch.setenv("COOKIEGATE_SITES_DIR", "/nowhere/sites")
    monkeypatch.setenv("COOKIEGATE_DATABASE_URL", "sqlite:////tmp/x.sqlite3")
    flask_config = Config(".")
    flask_config.from_mapping(settings.DEFAULTS)
    flask_config.from_prefixed_env("COOKIEGATE")
    assert context.read_config(os.environ) == dict(flask_config)


def test_the_roles_offered_are_the_account_roles() -> None:
    from cookiegate.cli import records
    from cookiegate.services import accounts

    assert records.ROLES == accounts.ROLES


def test_a_short_key_stops_the_command_in_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOKIEGATE_SECRET_KEYS", "short")
    result = runner.invoke(main, ["export", "--site", "demo"])
    assert result.exit_code == 1
    assert "COOKIEGATE_SECRET_KEYS entry 1 is shorter than 16 characters" in result.output
    assert "Traceback" not in result.output


def _placed_posts(make_app: t.Callable[..., Flask]) -> Flask:
    """Two consents on an app reading Cloudflare's headers: one from California, one from
    Germany."""
    app = make_app(GEO_COUNTRY_HEADER="CF-IPCountry", GEO_REGION_HEADER="CF-Region-Code")
    client = app.test_client()
    for headers in ({"CF-IPCountry": "US", "CF-Region-Code": "CA"}, {"CF-IPCountry": "DE"}):
        visitor = Visitor(client)
        banner = client.get("/v1/sites/demo/banner.json?locale=en", headers=headers).json
        body = visitor.body("reject_all", shown_hash=banner["shown_hash"])
        assert visitor.post(body, headers=headers).status_code == 201
    return app


def test_cli_export_filters_by_jurisdiction_and_regime_and_ends_with_the_columns(
    runner: CliRunner, make_app: t.Callable[..., Flask]
) -> None:
    _placed_posts(make_app)
    base = ["export", "--site", "demo", "--from", DAY, "--to", DAY, "--format", "json"]
    every = json.loads(runner.invoke(main, base).stdout)["records"]
    assert {(r["jurisdiction"], r["regime"]) for r in every} == {
        ("US-CA", "opt_out"),
        ("DE", "opt_in"),
    }
    assert list(every[0])[-2:] == ["jurisdiction", "regime"]
    ca = json.loads(runner.invoke(main, [*base, "--jurisdiction", "US-CA"]).stdout)
    assert [r["jurisdiction"] for r in ca["records"]] == ["US-CA"]
    assert ca["jurisdiction"] == "US-CA"
    opt_in = json.loads(runner.invoke(main, [*base, "--regime", "opt_in"]).stdout)["records"]
    assert [r["jurisdiction"] for r in opt_in] == ["DE"]
    # In CSV too they come last, after the per-category columns that follow the hash.
    csv_head = runner.invoke(main, base[:-2]).stdout.splitlines()[0]
    assert ",hash,category:necessary," in csv_head
    assert csv_head.endswith(",category:marketing,jurisdiction,regime")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--regime", "lenient"], "Unknown regime 'lenient'"),
        (["--jurisdiction", "us-ca"], "Unknown jurisdiction 'us-ca'"),
        (["--jurisdiction", "XX"], "Unknown jurisdiction 'XX'"),
    ],
)
def test_cli_export_refuses_a_bad_place_filter(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(main, ["export", "--site", "demo", *args])
    assert result.exit_code == 2 and message in result.output
