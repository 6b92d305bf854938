"""The translation catalogs on disk: which locales have one, and which are stale.

Plain file checks, run once at start by :func:`cookiegate.web.i18n.init_app`,
so serving a request never touches the file system for them.
"""

from __future__ import annotations

import typing as t
from pathlib import Path


def _po_files(directories: t.Iterable[Path]) -> t.Iterator[Path]:
    """Every ``<dir>/<locale>/LC_MESSAGES/messages.po``, in a stable order."""
    for d in directories:
        yield from sorted(d.glob("*/LC_MESSAGES/messages.po"))


def catalog_locales(directories: t.Iterable[Path]) -> set[str]:
    """Locales with a catalog (``<dir>/<locale>/LC_MESSAGES/messages.po``)."""
    return {po.parent.parent.name for po in _po_files(directories)}


def stale_catalogs(directories: t.Iterable[Path]) -> t.Iterator[str]:
    """Catalogs whose compiled ``.mo`` is missing or older than the ``.po``.

    Compiled files are built by the install step (``hatch_build.py``), not
    committed; an editable checkout whose ``.po`` files changed afterwards
    would silently serve English for the new texts, so startup says so. Two
    seconds of slack ignore installers that write both files in one go.
    """
    for po in _po_files(directories):
        mo = po.with_suffix(".mo")
        if not mo.exists():
            yield f"{mo} is missing"
        elif po.stat().st_mtime > mo.stat().st_mtime + 2:
            yield f"{mo} is older than {po.name}"
