"""The gate holds exactly the URL attributes the loader releases: one table, two copies.

The gate writes a blocked attribute as ``data-cg-<attribute>``; the loader
(``static/js/src/loader/attributes.js``) restores only the attributes in its own table. An
attribute the gate holds and the loader does not know would stay held for ever.
"""

from __future__ import annotations

import re
from pathlib import Path

from cookiegate.gate.tags import HELD_PREFIX
from cookiegate.gate.tags import URL_ATTRIBUTES

LOADER_TABLE = Path(__file__).parents[2] / "static/js/src/loader/attributes.js"
#: What only the loader holds: SVG's <script href> and <image href>, which the gate (an HTML
#: tokenizer of the page as written) leaves to the loader.
LOADER_ONLY = {("script", "href"), ("image", "href")}


def loader_table() -> dict[str, tuple[str, ...]]:
    text = LOADER_TABLE.read_text(encoding="utf-8")
    body = text[text.index("export const URL_ATTRIBUTES = {") :].split("};", 1)[0]
    return {
        tag: tuple(re.findall(r'"([a-z]+)"', names))
        for tag, names in re.findall(r"^\s*([a-z]+): \[([^\]]*)\]", body, re.M)
    }


def test_the_loader_releases_every_attribute_the_gate_holds() -> None:
    loader = loader_table()
    gate = {(tag, name) for tag, names in URL_ATTRIBUTES.items() for name in names}
    held = {(tag, name) for tag, names in loader.items() for name in names}
    assert gate <= held, gate - held
    assert held - gate == LOADER_ONLY


def test_the_loader_holds_under_the_gates_prefix() -> None:
    text = LOADER_TABLE.read_text(encoding="utf-8")
    constants = (LOADER_TABLE.parents[1] / "shared/constants.js").read_text(encoding="utf-8")
    assert 'import { HELD_PREFIX } from "../shared/constants.js";' in text
    assert f'export const HELD_PREFIX = "{HELD_PREFIX}";' in constants
