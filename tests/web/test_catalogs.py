"""The translation catalogs on disk: the locales they offer and the stale ``.mo`` check."""

from __future__ import annotations

import os
from pathlib import Path

from cookiegate.web import catalogs


def test_stale_catalogs_are_reported(tmp_path: Path) -> None:
    messages = tmp_path / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n')
    assert [p.endswith("is missing") for p in catalogs.stale_catalogs([tmp_path])] == [True]
    mo = po.with_suffix(".mo")
    mo.write_bytes(b"")
    os.utime(mo, (1_000_000, 1_000_000))
    assert [
        p.endswith("is older than messages.po") for p in catalogs.stale_catalogs([tmp_path])
    ] == [True]
    os.utime(mo, None)
    assert list(catalogs.stale_catalogs([tmp_path])) == []
    assert catalogs.catalog_locales([tmp_path]) == {"de"}
