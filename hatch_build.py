"""Hatch build hook: compile the gettext catalogs whenever cookiegate is built.

Compiled ``.mo`` files are build products, so they are not committed (see
``.gitignore``); the ``.po`` files are the source. Compiling here means every
way of installing serves all languages with no extra step: ``pip install .``
and a wheel from PyPI carry the ``.mo`` files (``translations/`` is
force-included as ``cookiegate/_translations``), and ``pip install -e .``
compiles them in place next to the ``.po`` files it then reads. Compiling at
build time rather than on app start keeps installs read-only and gives every
server process the same files.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, t.Any]) -> None:
        # Imported here: babel is a build dependency of this hook only.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path(self.root, "translations").glob("*/LC_MESSAGES/messages.po")):
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            # Fuzzy entries are guesses awaiting review; gettext falls back to English.
            with po.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)
