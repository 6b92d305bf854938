"""Running browser measurements for the compliance report: ids, labels, failures, waits.

Each measurement of :mod:`cookiegate.measure` gives ``Check`` objects named by
the module that made them (``a11y.focus-returns``); :func:`rule_of` files them
under the registry's rules. :class:`Run` labels them with where they were taken and turns a
measurement that breaks into failed checks of the rules it covers.
"""

from __future__ import annotations

import typing as t

from ..measure.base import SHOWN
from ..measure.base import Check
from .stage import Stage

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page

#: What a browser sending Global Privacy Control tells the page's scripts.
GPC_JS = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"

#: Measurement ids of :mod:`cookiegate.measure` and :mod:`cookiegate.measure.choice` -> rule ids.
ALIASES = {
    "a11y.axe": "wcag-axe",
    "a11y.dialog-announced": "wcag-dialog",
    "a11y.focus-enters": "wcag-focus",
    "a11y.focus-trapped": "wcag-focus",
    "a11y.focus-returns": "wcag-focus",
    "a11y.toggles-announce-state": "wcag-toggles",
    "a11y.reflow": "wcag-reflow",
    "a11y.reduced-motion": "wcag-reduced-motion",
    "a11y.text-spacing": "wcag-text-spacing",
    "choice.same-layer": "choice-same-layer",
    "choice.real-buttons": "choice-same-layer",
    "choice.one-click-accept": "choice-same-layer",
    "choice.one-click-reject": "choice-same-layer",
    "choice.same-size": "choice-equal-size",
    "choice.same-font": "choice-equal-size",
    "choice.reject-contrast": "choice-reject-contrast",
}
#: Measurement id prefixes -> registry rule ids.
PREFIXES = {"no-consent.": "no-implied-consent"}

Labelled = tuple[str, Check]


def rule_of(measurement: str) -> str:
    """The registry rule a measurement id counts towards (itself when unknown)."""
    if measurement in ALIASES:
        return ALIASES[measurement]
    for prefix, rule in PREFIXES.items():
        if measurement.startswith(prefix):
            return rule
    return measurement


class Run:
    """Collects labelled checks; one broken measurement fails only the rules it covers."""

    def __init__(
        self,
        browser: Browser,
        stage: Stage,
        progress: t.Callable[[str], None],
        headers: t.Mapping[str, str] | None = None,
    ) -> None:
        self.browser, self.stage, self.progress = browser, stage, progress
        #: Sent with every request of this run: the geo headers a CDN would set for a place.
        self.headers = dict(headers or {})
        self.results: list[Labelled] = []

    def page(self, scheme: str, width: int, *, gpc: bool = False, shown: str = SHOWN) -> Page:
        """A fresh context's page on the stage, once ``shown`` (the dialog by default) is."""
        headers = {**self.headers, **({"Sec-GPC": "1"} if gpc else {})}
        context = self.browser.new_context(
            viewport={"width": width, "height": 800 if width >= 1024 else 740},
            color_scheme=t.cast(t.Any, scheme),
            extra_http_headers=headers or None,
        )
        if gpc:
            context.add_init_script(GPC_JS)
        self.stage.install(context)
        # The request log is per page: what one context loaded says nothing about the next.
        self.stage.requests.clear()
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(self.stage.url)
        page.locator(shown).wait_for()
        return page

    def add(self, label: str, found: Check | list[Check]) -> None:
        """Keep ``found`` under ``label``, each check filed under its registry rule."""
        for check in found if isinstance(found, list) else [found]:
            rule = rule_of(check.rule)
            sub = f" [{check.rule}]" if rule != check.rule else ""
            self.results.append((label + sub, Check(rule, bool(check.passed), check.evidence)))

    def step(self, label: str, rules: t.Sequence[str], fn: t.Callable[[], None]) -> None:
        """Run one measurement; if it breaks, each rule it covers fails with the reason."""
        self.progress(f"  {label}")
        try:
            fn()
        except Exception as e:  # Playwright errors and timeouts, a banner that never shows
            why = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            for rule in rules:
                self.results.append((label, Check(rule, False, f"measurement failed: {why}")))


def settle(page: Page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(400)


def until(page: Page, done: t.Callable[[], bool], ms: int = 10_000) -> bool:
    """Let the page run until ``done()`` holds (a consent recorded, a tag requested) or ``ms``
    pass; a loaded machine must not turn a slow answer into a failed rule."""
    for _ in range(ms // 100):
        if done():
            return True
        page.wait_for_timeout(100)
    return done()
