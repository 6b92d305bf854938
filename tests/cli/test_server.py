"""``cookiegate serve`` refuses to start on a bad setting or flag, in one line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "COOKIEGATE_SECRET_KEYS",
            "a-long-enough-key-000,short",
            "COOKIEGATE_SECRET_KEYS entry 2 is shorter than 16 characters; "
            "use e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'.",
        ),
        (
            "COOKIEGATE_PROXY_COUNT",
            "two",
            "COOKIEGATE_PROXY_COUNT must be the number of trusted proxies (0 or more), not 'two'.",
        ),
    ],
)
def test_a_bad_setting_stops_serve_with_a_one_line_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, key: str, value: str, message: str
) -> None:
    monkeypatch.setenv(key, value)
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


def test_debug_and_prod_together_are_refused(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve", "--prod", "--debug"])
    assert result.exit_code == 2
    assert "--debug and --prod cannot be used together." in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "COOKIEGATE_HEADER_TIMEOUT",
            "soon",
            "COOKIEGATE_HEADER_TIMEOUT='soon' is not a whole number.",
        ),
        (
            "COOKIEGATE_BODY_TIMEOUT",
            "0",
            "COOKIEGATE_BODY_TIMEOUT='0' is less than 1, the smallest allowed.",
        ),
        (
            "COOKIEGATE_MAX_REQUEST_BODY",
            "10",
            "COOKIEGATE_MAX_REQUEST_BODY='10' is less than 1024, the smallest allowed.",
        ),
    ],
)
def test_a_bad_server_setting_stops_serve_prod_before_gunicorn(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, key: str, value: str, message: str
) -> None:
    monkeypatch.setenv(key, value)
    result = runner.invoke(main, ["serve", "--prod"])
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
