"""Locale negotiation for the banner and the admin, and staff reading a visitor's words."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from flask_babel import get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from cookiegate.siteconfig.load import parse_site
from cookiegate.web import i18n

from ..admin_helpers import AdminActions
from ..conftest import Visitor


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
