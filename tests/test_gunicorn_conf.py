"""The production gunicorn settings: defaults, overrides, and a bad value stopping the start."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from cookiegate.core.errors import SettingsError


def _conf() -> dict[str, object]:
    return runpy.run_module("cookiegate.gunicorn_conf")


def test_defaults_serve_one_machine_behind_a_local_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in (
        "BIND", "THREADS", "TIMEOUT", "FORWARDED_ALLOW_IPS", "ACCESS_LOG",
        "HEADER_TIMEOUT", "BODY_TIMEOUT", "MAX_REQUEST_BODY", "WRITE_THREADS",
    ):  # fmt: skip
        monkeypatch.delenv(f"COOKIEGATE_{key}", raising=False)
    conf = _conf()
    assert conf["bind"] == "127.0.0.1:8000"
    assert (conf["app_threads"], conf["timeout"]) == (4, 60)
    assert conf["write_threads"] == 16
    assert (conf["header_timeout"], conf["body_timeout"]) == (10, 10)
    assert conf["max_request_body"] == 1024 * 1024
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["accesslog"] == "-"


def test_slow_clients_are_read_by_an_event_loop_not_a_thread_each() -> None:
    conf = _conf()
    assert conf["worker_class"] == "cookiegate.asgi.CookiegateWorker"
    assert conf["wsgi_app"] == "cookiegate.asgi:create_asgi_app()"


def test_the_environment_overrides_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOKIEGATE_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("COOKIEGATE_WORKERS", "3")
    conf = _conf()
    assert (conf["bind"], conf["workers"]) == ("0.0.0.0:9000", 3)


def test_a_bad_number_names_the_setting_and_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOKIEGATE_WORKERS", "abc")
    with pytest.raises(SettingsError, match="COOKIEGATE_WORKERS='abc' is not a whole number"):
        _conf()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("COOKIEGATE_WORKERS", "abc", "COOKIEGATE_WORKERS='abc' is not a whole number."),
        (
            "COOKIEGATE_HEADER_TIMEOUT",
            "0",
            "COOKIEGATE_HEADER_TIMEOUT='0' is less than 1, the smallest allowed.",
        ),
        ("COOKIEGATE_BODY_TIMEOUT", "1.5", "COOKIEGATE_BODY_TIMEOUT='1.5' is not a whole number."),
    ],
)
def test_gunicorn_refuses_to_start_with_a_bad_value(
    tmp_path: Path, key: str, value: str, message: str
) -> None:
    env = {**os.environ, key: value}
    cmd = [sys.executable, "-m", "gunicorn", "-c", "python:cookiegate.gunicorn_conf"]
    done = subprocess.run(
        [*cmd, "--check-config"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert message in done.stderr + done.stdout


def test_a_worker_freezes_its_start_up_heap_once_the_app_is_built() -> None:
    """Full collections then skip what a worker built at start (bench/README.md, 'hello')."""
    import gc

    from cookiegate.asgi import CookiegateWorker

    class Loaded:
        def wsgi(self) -> str:
            return "the app"

    worker = CookiegateWorker.__new__(CookiegateWorker)
    worker.app = Loaded()
    gc.unfreeze()
    try:
        worker.load_wsgi()
        assert worker.asgi == "the app"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
