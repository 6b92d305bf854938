"""The catalogs: complete, not fuzzy, placeholders intact, and up to date with the source.

A new or changed text in the code fails here until ``scripts/i18n extract``,
``scripts/i18n update`` and a translation for every language have been done,
so no visitor ever sees a half-translated banner.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import typing as t
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LOCALES = (
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "en_GB",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
)
#: nplurals per language as GNU gettext counts them. Babel's CLDR data changes between
#: releases (2.19 gives Spanish, French, Italian and Portuguese a third "many" form), so it is
#: only the fallback for languages added later.
NPLURALS = {
    "bg": 2,
    "cs": 3,
    "da": 2,
    "de": 2,
    "el": 2,
    "en": 2,
    "es": 2,
    "et": 2,
    "fi": 2,
    "fr": 2,
    "ga": 5,
    "hr": 3,
    "hu": 2,
    "it": 2,
    "lt": 3,
    "lv": 3,
    "mt": 4,
    "nl": 2,
    "pl": 3,
    "pt": 2,
    "ro": 3,
    "sk": 3,
    "sl": 4,
    "sv": 2,
}
#: Every catalog, including languages added later with ``scripts/i18n init``.
CATALOGS = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
#: printf-style conversions as Python's % operator reads them.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def strays(text: str) -> int:
    """How many ``%`` are left after removing every real conversion.

    A literal ``%`` is fine in a text the code never formats ("within 20 %"),
    so a translation may keep the source's own; one more would break formatting.
    """
    return PLACEHOLDER.sub("", text).count("%")


@pytest.fixture(scope="module")
def template() -> Catalog:
    return load(TRANSLATIONS / "messages.pot")


def test_every_official_eu_language_has_a_catalog() -> None:
    assert set(LOCALES) <= set(CATALOGS)


@pytest.mark.parametrize("locale", CATALOGS)
def test_catalog_is_complete_and_intact(template: Catalog, locale: str) -> None:
    catalog = load(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    language = locale.split("_")[0]
    expected_plurals = NPLURALS.get(language) or get_plural(locale)[0]
    assert catalog.num_plurals == expected_plurals, catalog.plural_forms
    expected = {msgid(m) for m in template if m.id}
    present = {msgid(m) for m in catalog if m.id}
    assert not expected - present, f"missing in {locale}; run scripts/i18n update"
    assert not present - expected, f"obsolete in {locale}; run scripts/i18n update"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid(message)!r}")
        if not all(forms):
            problems.append(f"untranslated: {msgid(message)!r}")
            continue
        if len(forms) != (catalog.num_plurals if message.pluralizable else 1):
            problems.append(f"{len(forms)} plural forms: {msgid(message)!r}")
        wanted = placeholders(source[-1])
        for form in forms:
            if placeholders(form) != wanted:
                problems.append(f"placeholders {placeholders(form)} != {wanted}: {form!r}")
            if strays(form) != strays(source[-1]):
                problems.append(f"stray %: {form!r}")
    problems += [f"{m.id!r}: {e}" for m, errors in catalog.check() for e in errors]
    assert not problems, f"{locale}:\n" + "\n".join(problems)


def _extraction_options() -> tuple[dict[str, t.Any], str]:
    """The keywords ``scripts/i18n extract`` passes, so test and workflow cannot drift."""
    script = (ROOT / "scripts" / "i18n").read_text()
    args = shlex.split(script.split("extract)", 1)[1].split(";;", 1)[0].replace("\\\n", " "))
    specs = [args[i + 1] for i, arg in enumerate(args) if arg == "-k"]
    return {**DEFAULT_KEYWORDS, **parse_keywords(specs)}, "translations/babel.cfg"


def test_template_is_up_to_date_with_the_source(template: Catalog) -> None:
    keywords, cfg = _extraction_options()
    with (ROOT / cfg).open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        extracted.add(message if isinstance(message, str) else message[0])
    in_template = {msgid(m) for m in template if m.id}
    assert not extracted - in_template, "new texts in the code: run scripts/i18n extract"
    assert not in_template - extracted, "texts gone from the code: run scripts/i18n extract"


def test_build_hook_compiles_every_catalog(tmp_path: Path) -> None:
    """What ``pip install`` runs: every ``.po`` gets a ``.mo`` that gettext reads."""
    pytest.importorskip("hatchling")
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for locale in ("de", "pl"):
        target = tmp_path / "translations" / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(
            (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").read_bytes()
        )
    hook = module.CompileCatalogs(str(tmp_path), {}, None, None, str(tmp_path / "dist"), "wheel")
    hook.initialize("standard", {})
    with (tmp_path / "translations/de/LC_MESSAGES/messages.mo").open("rb") as f:
        catalog = read_mo(f)
    assert catalog.get("We use cookies").string == "Wir verwenden Cookies"
    assert (tmp_path / "translations/pl/LC_MESSAGES/messages.mo").stat().st_size > 0
