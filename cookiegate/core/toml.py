"""Reading the TOML files retailers and maintainers write: site configs and catalogue entries."""

from __future__ import annotations

import tomllib
import typing as t
from pathlib import Path

from .errors import ConfigError
from .errors import ConfigProblem


def read_toml(path: Path) -> dict[str, t.Any]:
    """The data of one TOML file (a site config or a catalogue entry).

    :raises ConfigError: naming the file when it cannot be read or parsed.
    """
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(str(path), [ConfigProblem("", f"Cannot read file: {e}")]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(str(path), [ConfigProblem("", f"Not valid TOML: {e}")]) from None
