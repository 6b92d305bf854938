"""The published set in the browser: one banner file per locale, nothing fetched for a
returning visitor, the loader's own reopen control, and a choice kept and retried on the same
page while the consent server is away."""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urlsplit

from .helpers import RECORDED
from .helpers import choose
from .helpers import click_action
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

BANNER_FILE = re.compile(r"/v1/sites/demo/banner\.[0-9a-f]{12}\.([A-Za-z_]+)\.js$")


def _own_requests(net: t.Any) -> list[str]:
    """Paths of every request to cookiegate or the test pages (not third-party tags)."""
    return [
        urlsplit(url).path
        for _, url, _ in net.log
        if urlsplit(url).hostname in ("127.0.0.1", "localhost")
    ]


def test_the_loader_decodes_its_rules_to_the_servers_compiled_patterns(
    page: t.Any, net: t.Any, live: t.Any, rules: dict[str, t.Any]
) -> None:
    page.goto(live.url("tags.html"))
    decoded = page.evaluate("cookiegate.rules")
    assert decoded["patterns"] == rules["patterns"]
    assert decoded["services"] == rules["services"]


def test_a_first_visit_fetches_one_banner_file_in_the_pages_language(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("locale.html", lang="de-AT"))
    wait_banner(page)
    banners = [p for p in _own_requests(net) if BANNER_FILE.search(p)]
    assert [BANNER_FILE.search(p)[1] for p in banners] == ["de"]  # type: ignore[index]
    # No stylesheet or texts apart; the demo site has [jurisdictions], so the banner asks
    # banner.json for the visitor's place (docs/jurisdictions.md, "What the visitor sees").
    assert [p for p in _own_requests(net) if p.endswith((".css", ".json"))] == [
        "/v1/sites/demo/banner.json"
    ]
    assert page.locator(".cg-first .cg-title").inner_text() == "Wir verwenden Cookies"


def test_without_a_page_language_the_browsers_languages_choose(
    browser: t.Any, live: t.Any, rules: dict[str, t.Any]
) -> None:
    from .conftest import Net

    context = browser.new_context(locale="fr-CA")  # navigator.languages: ["fr-CA"]
    net = Net(rules)
    context.route("**/*", net.handle)
    page = context.new_page()
    page.goto(live.url("locale.html"))
    wait_banner(page)
    assert any(p.endswith(".fr.js") for p in _own_requests(net))
    context.close()


def test_a_returning_visitor_fetches_only_the_page_and_loader_and_gets_a_named_reopen_button(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    url = live.url("locale.html", lang="de", csp="1")
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective));"
    )
    page.goto(url)
    choose(page, "reject")
    net.log.clear()
    page.reload()
    settle(page, 300)
    assert _own_requests(net) == ["/e2e/locale.html", "/v1/sites/demo/loader.js"]
    reopen = page.get_by_role("button", name="Cookie-Einstellungen")
    assert reopen.is_visible()
    # Styled by a constructable stylesheet, under a CSP without 'unsafe-inline' for styles.
    assert reopen.evaluate("(b) => getComputedStyle(b).position") == "fixed"
    assert page.locator("[style]").count() == 0 and page.evaluate("window.__csp") == []
    # Used, it fetches the banner file and opens the preferences with the choice in force.
    reopen.click()
    page.locator(".cg-prefs").wait_for()
    assert any(BANNER_FILE.search(p) for p in _own_requests(net))
    assert not page.locator("#cg-cat-analytics").is_checked()
    assert page.locator(".cg-reopen").count() == 1


def test_with_no_label_stored_the_reopen_control_is_named_in_the_default_locale(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    # The banner stores the label in the visitor's language when they choose; a view without it
    # (storage cleared, or a subdomain sharing the consent cookie) falls back to the default
    # locale's, which the loader carries.
    page.goto(live.url("locale.html", lang="de"))
    choose(page, "reject")
    assert page.evaluate("localStorage.getItem('cookiegate.reopen.de')") == "Cookie-Einstellungen"
    page.evaluate("localStorage.clear()")
    page.reload()
    reopen = page.get_by_role("button", name="Cookie settings")
    reopen.wait_for()
    assert page.locator(".cg-reopen").count() == 1


def test_a_choice_made_while_the_server_is_away_is_kept_and_recorded_on_the_same_page(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    page.goto(live.url("tags.html"))
    page.evaluate("window.__samePage = true")
    wait_banner(page)
    net.api_down = True
    click_action(page, "reject")
    # In force at once, pending, and nothing it does not grant runs (fail closed).
    page.wait_for_function("cookiegate.consent && cookiegate.consent.pending")
    page.wait_for_timeout(500)
    failed = len(net.posts())
    assert failed >= 1 and ran(page) == []
    net.api_down = False
    page.wait_for_function(RECORDED, timeout=20000)  # the retries back off 1 s, 2 s, 4 s …
    assert page.evaluate("window.__samePage") is True
    assert len(net.posts()) > failed
    assert page.evaluate("cookiegate.consent.id")
    assert ran(page) == []
