"""The development page's "Where is X" table points at files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _where_is_x_paths() -> list[str]:
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    section = text.split("## Where is X", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    return [path for row in rows for path in re.findall(r"`([\w./-]+)`", row.split("|")[2])]


def test_where_is_x_names_fifteen_behaviours_by_existing_paths() -> None:
    paths = _where_is_x_paths()
    assert len({p for p in paths}) >= 15
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"docs/development.md 'Where is X' names missing paths: {missing}"
