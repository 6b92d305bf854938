"""Small page helpers shared by the e2e tests."""

from __future__ import annotations

import typing as t

DIALOG = ".cg-dialog"


def ran(page: t.Any) -> list[str]:
    """Markers left by the fake tags that ran, in the order they ran."""
    return list(page.evaluate("window.__ran || []"))


def banner_visible(page: t.Any) -> bool:
    return bool(
        page.evaluate(
            f"!!document.querySelector('{DIALOG}') && !document.querySelector('{DIALOG}').hidden"
        )
    )


def wait_banner(page: t.Any) -> None:
    page.wait_for_selector(f"{DIALOG}:not([hidden])")


def click_action(page: t.Any, action: str) -> None:
    """Click the visible banner button for ``action`` (accept, reject, prefs, save, back)."""
    page.locator(f"{DIALOG} .cg-layer:not([hidden]) [data-cg-action={action}]").click()


RECORDED = "() => window.cookiegate.consent && !window.cookiegate.consent.pending"


def banner_data(page: t.Any) -> dict[str, t.Any]:
    """The banner.json the page got (texts and names come from the server's catalogs)."""
    return dict(page.evaluate("cookiegate._.texts()"))


def switch(page: t.Any, category: str) -> t.Any:
    return page.locator(f"#cg-cat-{category}")


def choose(page: t.Any, action: str) -> None:
    """Answer the first layer and wait until the choice is recorded and its cookie stored."""
    wait_banner(page)
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, action)
    page.wait_for_function(RECORDED)


def choose_categories(page: t.Any, *categories: str) -> None:
    """Open preferences, switch on ``categories`` and save."""
    wait_banner(page)
    click_action(page, "prefs")
    for c in categories:
        switch(page, c).check()
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, "save")
    page.wait_for_function(RECORDED)


def cookie_names(context: t.Any) -> set[str]:
    return {c["name"] for c in context.cookies()}


def settle(page: t.Any, ms: int = 150) -> None:
    """Let timers, inserted tags and their fake responses finish."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(ms)
