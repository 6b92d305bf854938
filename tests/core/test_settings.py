"""Settings read from the environment: defaults, and bad values named at startup."""

from __future__ import annotations

import pytest

from cookiegate.core.errors import SettingsError
from cookiegate.core.settings import ENVIRON_DEFAULTS
from cookiegate.core.settings import environ_int
from cookiegate.core.settings import environ_value


def test_every_environment_setting_is_prefixed() -> None:
    assert all(key.startswith("COOKIEGATE_") for key in ENVIRON_DEFAULTS)


def test_an_unset_setting_has_its_default_and_a_set_one_its_value() -> None:
    assert environ_value("COOKIEGATE_BIND", {}) == "127.0.0.1:8000"
    assert environ_value("COOKIEGATE_BIND", {"COOKIEGATE_BIND": "0.0.0.0:80"}) == "0.0.0.0:80"
    assert environ_int("COOKIEGATE_THREADS", 1, {}) == 4
    assert environ_int("COOKIEGATE_THREADS", 1, {"COOKIEGATE_THREADS": "8"}) == 8
    assert environ_int("COOKIEGATE_WORKERS", 1, {}) >= 2


@pytest.mark.parametrize(
    ("key", "value", "minimum", "message"),
    [
        ("COOKIEGATE_WORKERS", "abc", 1, "COOKIEGATE_WORKERS='abc' is not a whole number."),
        ("COOKIEGATE_WORKERS", "", 1, "COOKIEGATE_WORKERS='' is not a whole number."),
        ("COOKIEGATE_THREADS", "2.5", 1, "COOKIEGATE_THREADS='2.5' is not a whole number."),
        (
            "COOKIEGATE_THREADS",
            "0",
            1,
            "COOKIEGATE_THREADS='0' is less than 1, the smallest allowed.",
        ),
        (
            "COOKIEGATE_TIMEOUT",
            "-5",
            0,
            "COOKIEGATE_TIMEOUT='-5' is less than 0, the smallest allowed.",
        ),
    ],
)
def test_a_bad_number_is_a_settings_error_naming_key_and_value(
    key: str, value: str, minimum: int, message: str
) -> None:
    with pytest.raises(SettingsError) as info:
        environ_int(key, minimum, {key: value})
    assert info.value.key == key
    assert str(info.value) == message


def test_an_unknown_key_is_a_mistake_in_the_code() -> None:
    with pytest.raises(KeyError):
        environ_value("COOKIEGATE_NO_SUCH_SETTING", {})
