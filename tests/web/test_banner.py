"""The banner's content: translated texts, plural forms, custom texts and shown-text proofs."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from flask_babel import force_locale

from cookiegate.services import ledger
from cookiegate.siteconfig.load import parse_site
from cookiegate.web import banner

from ..conftest import Visitor
from ..system.test_translations import LOCALES

#: The official languages of the EU but English: each has a catalog of its own.
EU_LOCALES = tuple(loc for loc in LOCALES if not loc.startswith("en"))


@pytest.fixture
def app(make_app: t.Callable[..., t.Any], compiled_translations: Path) -> t.Any:
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations))


@pytest.mark.parametrize("locale", EU_LOCALES)
def test_every_eu_language_is_served_translated(visitor: Visitor, locale: str) -> None:
    english = visitor.banner("en")
    served = visitor.banner(locale)
    assert served["locale"] == locale
    assert served["dir"] == "ltr"
    for key, text in served["texts"].items():
        assert text.strip(), key
        assert text != english["texts"][key], (locale, key)
    assert "%(service)s" in served["texts"]["blocked_content"]
    assert "%(category)s" in served["texts"]["blocked_content"]
    assert "%(service)s" in served["texts"]["allow_service"]
    for category, source in zip(served["categories"], english["categories"], strict=True):
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
        assert {n: banner._services_count(n) for n in counts} == counts


def test_banner_counts_services_per_category(visitor: Visitor, state: t.Any) -> None:
    config = state.sites["demo"]
    served = visitor.banner("de")
    for category in served["categories"]:
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
    assert banner.text_direction(locale) == direction


def test_rtl_site_needs_only_a_locale(demo_data: dict[str, t.Any], app: t.Any) -> None:
    """Arabic without a catalog yet: right-to-left, English texts, nothing empty."""
    config = parse_site({**demo_data, "locales": ["en", "ar"], "default_locale": "en"})
    with app.test_request_context():
        content = banner.banner_content(config, "ar")
    assert content["dir"] == "rtl"
    assert content["texts"]["accept_all"] == "Accept all"
