"""The app factory: settings, secrets and per-app state."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from cookiegate import create_app
from cookiegate.core.errors import SettingsError
from cookiegate.services import ledger

from .conftest import KEYS
from .conftest import Visitor


def test_two_apps_in_one_process_keep_their_own_sites_and_stores(
    make_app: t.Callable[..., t.Any], tmp_path: Path, sites_dir: Path
) -> None:
    other_dir = tmp_path / "other-sites"
    other_dir.mkdir()
    (other_dir / "shop2.toml").write_text(
        (sites_dir / "demo.toml").read_text().replace('id = "demo"', 'id = "shop2"')
    )
    first = make_app()
    second = make_app(
        SITES_DIR=str(other_dir), DATABASE_URL=f"sqlite:///{tmp_path / 'two.sqlite3'}"
    )
    assert first.test_client().get("/v1/sites/demo/banner.json").status_code == 200
    assert first.test_client().get("/v1/sites/shop2/banner.json").status_code == 404
    assert second.test_client().get("/v1/sites/shop2/banner.json").status_code == 200
    assert first.extensions["cookiegate"].store is not second.extensions["cookiegate"].store


def test_without_keys_a_development_key_is_made_once_in_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sites_dir: Path
) -> None:
    monkeypatch.setenv("COOKIEGATE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("COOKIEGATE_SECRET_KEYS", raising=False)
    first = create_app({"SITES_DIR": str(sites_dir)})
    second = create_app({"SITES_DIR": str(sites_dir)})
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.extensions["cookiegate"].secret_keys == second.extensions["cookiegate"].secret_keys
    # The default database is a SQLite file beside it, migrated on start.
    assert (tmp_path / "instance" / "cookiegate.sqlite3").exists()
    assert first.test_client().get("/healthz").status_code == 200


def test_keys_come_from_the_environment_newest_first(
    monkeypatch: pytest.MonkeyPatch, sites_dir: Path, sqlite_url: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("COOKIEGATE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("COOKIEGATE_SECRET_KEYS", KEYS)
    app = create_app({"SITES_DIR": str(sites_dir), "DATABASE_URL": sqlite_url})
    assert app.extensions["cookiegate"].secret_keys == tuple(KEYS.split(","))
    assert app.secret_key == KEYS.split(",")[0]
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_short_keys_are_refused_at_start(make_app: t.Callable[..., t.Any]) -> None:
    with pytest.raises(SettingsError, match="entry 2 is shorter than 16 characters") as caught:
        make_app(SECRET_KEYS="a-long-enough-key-000,short")
    assert caught.value.key == "COOKIEGATE_SECRET_KEYS"


@pytest.mark.parametrize("value", ["two", -1, None])
def test_a_proxy_count_that_is_not_a_count_of_0_or_more_is_refused_at_start(
    make_app: t.Callable[..., t.Any], value: t.Any
) -> None:
    with pytest.raises(SettingsError, match=f"trusted proxies \\(0 or more\\), not {value!r}"):
        make_app(PROXY_COUNT=value)


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(
    make_app: t.Callable[..., t.Any],
) -> None:
    for proxies, expected in ((0, "10.0.0.0"), (1, "198.51.100.0")):
        app = make_app(PROXY_COUNT=proxies)
        visitor = Visitor(app.test_client())
        resp = visitor.post(
            headers={"X-Forwarded-For": "198.51.100.23"}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
        )
        record = ledger.find_proof(
            app.extensions["cookiegate"].store, "demo", resp.json["consent_id"]
        )
        assert record["ip"] == expected


def test_internal_errors_are_json_without_a_traceback(
    app: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("cookiegate.services.ledger.record_consent", explode)
    monkeypatch.setattr(app.logger, "disabled", True)
    resp = Visitor(app.test_client()).post()
    assert resp.status_code == 500
    assert resp.json == {"error": "internal_error", "message": "Something went wrong on our side."}
