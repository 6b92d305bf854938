"""Fixtures of the web tests: the translation catalogs compiled afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cookiegate.core.settings import TRANSLATIONS_DIR


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogs freshly compiled, so these tests never read a stale ``.mo``."""
    target = tmp_path_factory.mktemp("translations")
    for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = target / po.relative_to(TRANSLATIONS_DIR).with_suffix(".mo")
        mo.parent.mkdir(parents=True)
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        shutil.copy(po, mo.with_suffix(".po"))
    return target
