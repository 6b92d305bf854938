"""The development page's "Where is X" table points at files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _where_is_x_rows() -> list[tuple[str, list[str]]]:
    """Each row of the table: the behaviour, and the paths its "where" cell names."""
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    section = text.split("## Where is X", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| ")]
    return [(cells[1].strip(), re.findall(r"`([\w./-]+)`", cells[2])) for cells in rows[1:]]


def test_every_where_is_x_row_names_existing_paths() -> None:
    rows = _where_is_x_rows()
    assert len(rows) >= 15, "the table should map at least 15 behaviours"
    without = [behaviour for behaviour, paths in rows if not paths]
    assert not without, f"rows naming no path: {without}"
    missing = [p for _, paths in rows for p in paths if not (ROOT / p).exists()]
    assert not missing, f"docs/development.md 'Where is X' names missing paths: {missing}"
