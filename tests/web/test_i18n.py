"""Locale negotiation, translated banner content, custom texts and shown-text proofs."""

from __future__ import annotations

import os
import shutil
import typing as t
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale
from flask_babel import get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from cookiegate.core.settings import TRANSLATIONS_DIR
from cookiegate.services import ledger
from cookiegate.siteconfig.load import parse_site
from cookiegate.web import i18n

from ..admin_helpers import AdminActions
from ..conftest import Visitor

EU_LOCALES = (
    "bg",
    "cs",
    "da",
    "de",
    "el",
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


@pytest.fixture
def app(make_app: t.Callable[..., t.Any], compiled_translations: Path) -> t.Any:
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations))


def accept(header: str) -> LanguageAccept:
    return parse_accept_header(header, LanguageAccept)


def site(demo_data: dict[str, t.Any], locales: list[str], default: str | None = None) -> t.Any:
    data = {**demo_data, "locales": locales, "default_locale": default or locales[0]}
    return parse_site(data)


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        ("de", "fr", "de"),  # the page's <html lang> beats the browser
        ("de-AT", "", "de"),  # region falls back to the language
        ("pt-BR", "", "pt"),
        ("en-GB", "de", "en_GB"),
        ("EN_gb", "", "en_GB"),
        ("en-US", "", "en"),
        ("ja", "fr", "fr"),  # a page language the site lacks is ignored
        ("", "fr;q=0.5, de;q=0.9", "de"),  # highest q-value first
        ("", "ja, de;q=0.1", "de"),
        ("", "de-CH, fr;q=0.8", "de"),
        ("", "de;q=0, fr;q=0.2", "fr"),  # q=0 means "not this one"
        ("", "de;q=0", "en_GB"),
        ("", "*", "en_GB"),  # anything: the site's default
        ("", "ja, *;q=0.5", "en_GB"),
        ("", "", "en_GB"),
        (None, "sv-FI", "sv"),
    ],
)
def test_negotiate(
    demo_data: dict[str, t.Any], explicit: str | None, header: str, expected: str
) -> None:
    config = parse_site(demo_data)
    assert i18n.negotiate(config, explicit, accept(header)) == expected


def test_negotiate_only_offers_enabled_locales(demo_data: dict[str, t.Any]) -> None:
    config = site(demo_data, ["en", "de"])
    assert i18n.negotiate(config, "fr", accept("fr, pl;q=0.5")) == "en"
    assert i18n.negotiate(config, None, accept("fr, de;q=0.1")) == "de"


def test_negotiate_same_language_other_region(demo_data: dict[str, t.Any]) -> None:
    """A US visitor on a British-only site reads British English, not the default."""
    config = site(demo_data, ["de", "en_GB"])
    assert i18n.negotiate(config, None, accept("en-US")) == "en_GB"
    assert i18n.negotiate(config, "en", accept("")) == "en_GB"


def test_default_locale_when_nothing_matches(demo_data: dict[str, t.Any]) -> None:
    config = site(demo_data, ["en", "fr"], default="fr")
    assert i18n.negotiate(config, "ja", accept("ja, ko;q=0.5")) == "fr"


def test_banner_headers(client: t.Any) -> None:
    resp = client.get("/v1/sites/demo/banner.json", headers={"Accept-Language": "de-AT,de;q=0.9"})
    assert resp.json["locale"] == "de"
    assert resp.headers["Content-Language"] == "de"
    assert "Accept-Language" in resp.headers["Vary"]
    resp = client.get("/v1/sites/demo/banner.json?locale=en-gb")
    assert resp.json["locale"] == "en_GB"
    assert resp.headers["Content-Language"] == "en-GB"


@pytest.mark.parametrize("locale", EU_LOCALES)
def test_every_eu_language_is_served_translated(visitor: Visitor, locale: str) -> None:
    english = visitor.banner("en")
    banner = visitor.banner(locale)
    assert banner["locale"] == locale
    assert banner["dir"] == "ltr"
    for key, text in banner["texts"].items():
        assert text.strip(), key
        assert text != english["texts"][key], (locale, key)
    assert "%(service)s" in banner["texts"]["blocked_content"]
    assert "%(category)s" in banner["texts"]["blocked_content"]
    assert "%(service)s" in banner["texts"]["allow_service"]
    for category, source in zip(banner["categories"], english["categories"], strict=True):
        assert category["description"] != source["description"]
        assert category["services_count"] and "%(" not in category["services_count"]


def test_british_spelling(visitor: Visitor) -> None:
    us, gb = visitor.banner("en"), visitor.banner("en_GB")
    assert "personalize" in us["texts"]["description"]
    assert "personalise" in gb["texts"]["description"]
    assert "adverts" in gb["texts"]["description"]
    assert "honour" in gb["texts"]["gpc_notice"]
    names = {c["id"]: c["name"] for c in gb["categories"]}
    assert names["personalisation"] == "Personalisation"
    assert "basket" in {c["id"]: c["description"] for c in gb["categories"]}["necessary"]
    assert us["texts"]["accept_all"] == gb["texts"]["accept_all"] == "Accept all"


@pytest.mark.parametrize(
    ("locale", "counts"),
    [
        ("en", {1: "1 service", 2: "2 services"}),
        ("cs", {1: "1 služba", 3: "3 služby", 5: "5 služeb"}),
        ("pl", {1: "1 usługa", 22: "22 usługi", 25: "25 usług", 12: "12 usług"}),
        ("sl", {1: "1 storitev", 2: "2 storitvi", 3: "3 storitve", 5: "5 storitev"}),
        ("ga", {1: "1 seirbhís", 2: "2 sheirbhís", 8: "8 seirbhís"}),
        ("fr", {0: "0 service", 1: "1 service", 2: "2 services"}),
    ],
)
def test_services_count_uses_each_languages_plural_forms(
    app: t.Any, locale: str, counts: dict[int, str]
) -> None:
    with app.test_request_context(), force_locale(locale):
        assert {n: i18n._services_count(n) for n in counts} == counts


def test_banner_counts_services_per_category(visitor: Visitor, state: t.Any) -> None:
    config = state.sites["demo"]
    banner = visitor.banner("de")
    for category in banner["categories"]:
        n = len(config.services_in(category["id"]))
        assert category["services_count"] == f"{n} Dienst" + ("" if n == 1 else "e")


CUSTOM = """
[categories.loyalty]

[texts.en]
"categories.loyalty.name" = "Loyalty club"
"categories.loyalty.description" = "Collect points on every order."

[texts.de]
title = "Voltline verwendet Cookies"
"categories.analytics.name" = "Reichweitenmessung"
"""


@pytest.fixture
def custom_client(
    sites_dir: Path, make_app: t.Callable[..., t.Any], compiled_translations: Path
) -> t.Any:
    path = sites_dir / "demo.toml"
    path.write_text(
        path.read_text().replace(
            "\n[categories.marketing]\n", CUSTOM + "\n[categories.marketing]\n"
        )
    )
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations)).test_client()


def test_custom_text_overrides_catalog_per_locale(custom_client: t.Any) -> None:
    visitor = Visitor(custom_client)
    de, fr = visitor.banner("de"), visitor.banner("fr")
    assert de["texts"]["title"] == "Voltline verwendet Cookies"
    assert fr["texts"]["title"] == "Nous utilisons des cookies"  # no French override
    assert {c["id"]: c["name"] for c in de["categories"]}["analytics"] == "Reichweitenmessung"
    assert {c["id"]: c["name"] for c in fr["categories"]}["analytics"] == "Mesure d’audience"
    assert de["texts"]["accept_all"] == "Alle akzeptieren"  # not overridden: catalog


def test_missing_custom_translation_falls_back_never_empty(custom_client: t.Any) -> None:
    """A custom category written only in English shows in English, not as a blank."""
    visitor = Visitor(custom_client)
    for locale in ("de", "pl", "en_GB"):
        loyalty = {c["id"]: c for c in visitor.banner(locale)["categories"]}["loyalty"]
        assert loyalty["name"] == "Loyalty club"
        assert loyalty["description"] == "Collect points on every order."
        assert loyalty["services_count"]


def test_shown_hash_differs_per_locale(visitor: Visitor) -> None:
    hashes = {loc: visitor.banner(loc)["shown_hash"] for loc in ("en", "en_GB", "de", "fr", "pl")}
    assert len(set(hashes.values())) == len(hashes)


def test_german_consent_stores_the_german_text(visitor: Visitor, state: t.Any) -> None:
    resp = visitor.post(visitor.body("custom", banner_locale="de"))
    assert resp.status_code == 201
    proof = ledger.find_proof(state.store, "demo", resp.json["consent_id"])
    assert proof is not None and proof["locale"] == "de"
    shown = ledger.shown_content(state.store, proof["shown_hash"])
    assert shown is not None
    assert shown["locale"] == "de"
    assert shown["texts"]["title"] == "Wir verwenden Cookies"
    assert shown["texts"]["reject_all"] == "Alle ablehnen"
    assert {c["id"]: c["name"] for c in shown["categories"]}["advertising"] == "Werbung"


@pytest.mark.parametrize(
    ("locale", "direction"),
    [
        ("ar", "rtl"),
        ("he", "rtl"),
        ("fa_IR", "rtl"),
        ("de", "ltr"),
        ("en_GB", "ltr"),
        ("xx", "ltr"),
    ],
)
def test_text_direction_comes_from_cldr(locale: str, direction: str) -> None:
    assert i18n.text_direction(locale) == direction


def test_rtl_site_needs_only_a_locale(demo_data: dict[str, t.Any], app: t.Any) -> None:
    """Arabic without a catalog yet: right-to-left, English texts, nothing empty."""
    config = site(demo_data, ["en", "ar"])
    with app.test_request_context():
        content = i18n.banner_content(config, "ar")
    assert content["dir"] == "rtl"
    assert content["texts"]["accept_all"] == "Accept all"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-AT, en;q=0.5", "de"),
        ("en-GB", "en_GB"),
        ("ja", "en"),
        ("", "en"),
        ("pl;q=0.3, cs", "cs"),
    ],
)
def test_admin_follows_the_browser_language(app: t.Any, header: str, expected: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    with app.test_request_context("/admin/", headers=headers):
        assert str(get_locale()) == expected


def test_stale_catalogs_are_reported(tmp_path: Path) -> None:
    messages = tmp_path / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n')
    assert [p.endswith("is missing") for p in i18n.stale_catalogs([tmp_path])] == [True]
    mo = po.with_suffix(".mo")
    mo.write_bytes(b"")
    os.utime(mo, (1_000_000, 1_000_000))
    assert [p.endswith("is older than messages.po") for p in i18n.stale_catalogs([tmp_path])] == [
        True
    ]
    os.utime(mo, None)
    assert list(i18n.stale_catalogs([tmp_path])) == []
    assert i18n.catalog_locales([tmp_path]) == {"de"}


def test_french_staff_see_the_german_words_a_visitor_read(
    app: t.Any, client: t.Any, visitor: Visitor
) -> None:
    """The admin speaks the staff member's language; the proof keeps the visitor's."""
    AdminActions(app, client).as_admin()
    consent_id = visitor.post(visitor.body("reject_all", banner_locale="de")).json["consent_id"]
    page = client.get(
        f"/admin/consents/{consent_id}", headers={"Accept-Language": "fr-BE, en;q=0.5"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="fr"' in html
    assert "Ce que le visiteur a vu" in html
    assert 'lang="de"' in html
    assert "Wir verwenden Cookies" in html
    assert "Alle ablehnen" in html
