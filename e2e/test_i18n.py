"""The banner in the page's language: <html lang> picks the catalog, and the proof keeps its words."""

from __future__ import annotations

import base64
import typing as t

import pytest

from cookiegate.services import ledger

from .conftest import LiveServer
from .helpers import DIALOG
from .helpers import choose
from .helpers import wait_banner

#: Page language -> (negotiated locale, title, reject button) the visitor must read.
EXPECTED = {
    "de": ("de", "Wir verwenden Cookies", "Alle ablehnen"),
    "fr": ("fr", "Nous utilisons des cookies", "Tout refuser"),
    "pl": ("pl", "Używamy plików cookie", "Odrzuć wszystkie"),
    "de-AT": ("de", "Wir verwenden Cookies", "Alle ablehnen"),
    "en-GB": ("en_GB", "We use cookies", "Reject all"),
}
PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{lang}</title><script src="{{{{LOADER}}}}"></script></head>
<body><h1>Voltline</h1><p>lang={lang}</p></body>
</html>"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    """A live server of its own, serving one page per language.

    The pages come from the server (not from Playwright routing) because
    Chromium lets only loopback pages load the loader from loopback.
    """
    pages = tmp_path_factory.mktemp("i18n-pages")
    for lang in EXPECTED:
        (pages / f"i18n-{lang.lower()}.html").write_text(PAGE.format(lang=lang), encoding="utf-8")
    server = LiveServer(tmp_path_factory.mktemp("i18n-live"), pages)
    yield server
    server.stop()


def open_page(page: t.Any, live: LiveServer, lang: str) -> None:
    """A retailer page whose only difference is its ``<html lang>``."""
    page.goto(live.url(f"i18n-{lang.lower()}.html"))
    wait_banner(page)


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_banner_speaks_the_pages_language(page: t.Any, net: t.Any, live: t.Any, lang: str) -> None:
    locale, title, reject = EXPECTED[lang]
    open_page(page, live, lang)
    root = page.locator(".cg-root")
    assert root.get_attribute("lang") == locale.replace("_", "-")
    assert root.get_attribute("dir") == "ltr"
    dialog = page.get_by_role("dialog", name=title)
    assert dialog.get_by_role("button", name=reject, exact=True).is_visible()


def test_three_languages_screenshot(page: t.Any, net: t.Any, live: t.Any, artifacts: t.Any) -> None:
    shots = []
    for lang in ("de", "fr", "pl"):
        open_page(page, live, lang)
        png = page.locator(DIALOG).screenshot(path=str(artifacts / f"banner-{lang}.png"))
        shots.append(base64.b64encode(png).decode())
    # One artefact that shows all three side by side, for a reviewer's quick look.
    page.set_content(
        "<body style='margin:0;display:flex;gap:8px;align-items:flex-start;background:#ddd'>"
        + "".join(f"<img src='data:image/png;base64,{s}' width='420'>" for s in shots)
        + "</body>"
    )
    page.set_viewport_size({"width": 3 * 420 + 16, "height": 240})
    page.screenshot(path=str(artifacts / "banner-de-fr-pl.png"), full_page=True)


def test_german_consent_proof_holds_the_german_text(page: t.Any, net: t.Any, live: t.Any) -> None:
    open_page(page, live, "de")
    choose(page, "reject")
    consent_id = page.evaluate("window.cookiegate.consent.id")
    store = live.app.extensions["cookiegate"].store
    proof = ledger.find_proof(store, "demo", consent_id)
    assert proof is not None and proof["locale"] == "de"
    shown = ledger.shown_content(store, proof["shown_hash"])
    assert shown is not None
    assert shown["texts"]["title"] == "Wir verwenden Cookies"
    assert shown["texts"]["reject_all"] == "Alle ablehnen"
