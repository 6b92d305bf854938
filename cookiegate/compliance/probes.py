"""The browser part of the compliance report: what is measured on which page, in which variant.

Every measurement runs in a fresh browser context (no cookie carried over) on
the :class:`~cookiegate.compliance.stage.Stage` page, in light and dark
colour schemes at 1280 and 360 px. The accessibility and choice measurements
are :mod:`cookiegate.measure` and :mod:`cookiegate.measure.choice`, shared with
the e2e tests; this module adds what needs the stage's request log (tags before
consent), and :mod:`cookiegate.compliance.signals` the opt-out signals. A
measurement that breaks (the banner never shows, a timeout) becomes a failed
check saying so, never a silent pass.
"""

from __future__ import annotations

import typing as t

from ..measure import axe_violations
from ..measure import dialog_semantics
from ..measure import focus_management
from ..measure import focus_returns
from ..measure import reduced_motion
from ..measure import reflow
from ..measure import text_spacing
from ..measure import toggles_announce_state
from ..measure.base import DIALOG
from ..measure.base import Check
from ..measure.base import control
from ..measure.choice import choice_symmetry
from ..measure.choice import no_consent_without_choice
from ..measure.choice import one_click_choice
from .run import Labelled
from .run import Run
from .run import settle
from .run import until
from .signals import measure_gpc
from .signals import measure_uk_objection
from .stage import Stage

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page

    from ..siteconfig.model import SiteConfig
    from .stage import InProcessApp

VARIANTS = (("light", 1280), ("dark", 1280), ("light", 360), ("dark", 360))
#: Reflow sizes: 200 % zoom and 400 % (WCAG 1.4.4 and 1.4.10) of a 1280×800 screen.
REFLOW = ((640, 400), (320, 256))

#: Measured on the first layer, then (the second list) in the preferences, in this order.
FIRST_LAYER: tuple[t.Callable[[Page], Check | list[Check]], ...] = (
    axe_violations,
    dialog_semantics,
    choice_symmetry,
    reduced_motion,
    focus_management,
    text_spacing,
)
PREFERENCES: tuple[t.Callable[[Page], Check | list[Check]], ...] = (
    axe_violations,
    choice_symmetry,
    toggles_announce_state,
    text_spacing,
)
#: The rules those measurements bear on: a step that breaks fails each of them.
FIRST_LAYER_RULES = (
    "wcag-axe",
    "wcag-dialog",
    "wcag-focus",
    "wcag-reduced-motion",
    "wcag-toggles",
    "wcag-text-spacing",
    "choice-same-layer",
    "choice-equal-size",
    "choice-reject-contrast",
)


def run_browser(
    app: InProcessApp,
    config: SiteConfig,
    browser: Browser,
    *,
    css: t.Sequence[str] = (),
    progress: t.Callable[[str], None] = lambda s: None,
    variants: t.Sequence[tuple[str, int]] = VARIANTS,
) -> tuple[list[Labelled], dict[str, t.Any]]:
    """Measure every browser rule; returns the labelled checks and what they ran on.

    :param variants: colour scheme and width pairs for the banner measurements.
    """
    # With [jurisdictions] these visits send no geo header, so the UK statistics exception is
    # not in force (it is the UK overlay's, measured in its regime section: .regimes).
    local = config.jurisdictions is None
    stage = Stage(app, config, tuple(css), exempt_on=local)
    run = Run(browser, stage, progress)
    for scheme, width in variants:
        progress(f"{scheme}, {width} px:")
        _measure_variant(run, scheme, width)
    progress("blocking before consent:")
    blocking(run)
    progress("Global Privacy Control:")
    measure_gpc(run)
    if config.uk_statistics and local:
        progress("UK statistics exception:")
        run.step("light, 1280 px", ["uk-statistics-exception"], lambda: measure_uk_objection(run))
    info = {
        "chromium": f"Chromium {browser.version}",
        "page_url": stage.url,
        "variants": [f"{s} {w} px" for s, w in variants],
        "css": len(css),
    }
    return run.results, info


def _measure_variant(run: Run, scheme: str, width: int) -> None:
    """The banner measurements in one colour scheme at one width, each on a fresh visit."""
    v = _Variant(run, scheme, width)
    run.step(f"{v.label}: first layer and preferences", FIRST_LAYER_RULES, v.first_layer)
    run.step(f"{v.label}: Escape, scrolling, navigation", ["no-implied-consent"], v.implied)
    run.step(
        f"{v.label}: Reject all, reopen control",
        ["choice-same-layer", "wcag-axe"],
        v.reject_then_reopen,
    )
    run.step(f"{v.label}: Accept all", ["choice-same-layer"], v.accept)
    if width >= 1024:
        run.step(f"{scheme}: reflow", ["wcag-reflow"], v.reflow)


class _Variant:
    """The steps of :func:`_measure_variant`; each opens its own page and closes it."""

    def __init__(self, run: Run, scheme: str, width: int) -> None:
        self.run, self.scheme, self.width = run, scheme, width
        self.label = f"{scheme}, {width} px"

    def first_layer(self) -> None:
        page = self.run.page(self.scheme, self.width)
        for measured in FIRST_LAYER:
            self.run.add(f"{self.label}, first layer", measured(page))
        page.locator(control("prefs")).click()
        for measured in PREFERENCES:
            self.run.add(f"{self.label}, preferences", measured(page))
        page.context.close()

    def implied(self) -> None:
        page = self.run.page(self.scheme, self.width)
        next_page = self.run.stage.origin + "/next-page"
        self.run.add(self.label, no_consent_without_choice(page, next_page))
        page.context.close()

    def reject_then_reopen(self) -> None:
        page = self.run.page(self.scheme, self.width)
        self.run.add(self.label, one_click_choice(page, "reject"))
        opener = page.locator("[data-cookiegate-open]:visible").first
        opener.wait_for()
        self.run.add(f"{self.label}, reopen control", axe_violations(page))
        self.run.add(f"{self.label}, reopen control", focus_returns(page, opener))
        page.context.close()

    def accept(self) -> None:
        page = self.run.page(self.scheme, self.width)
        self.run.add(self.label, one_click_choice(page, "accept"))
        page.context.close()

    def reflow(self) -> None:
        page = self.run.page(self.scheme, self.width)
        for w, h in REFLOW:
            self.run.add(f"{self.scheme}, first layer", reflow(page, w, h))
        page.locator(control("prefs")).click()
        self.run.add(f"{self.scheme}, preferences", reflow(page, *REFLOW[-1]))
        page.context.close()


def blocking(run: Run) -> None:
    """No optional tag loads before a choice or after Reject all, and nothing is pre-ticked."""
    stage = run.stage
    # Exempt services run before a choice by design; measure_uk_objection measures them.
    # Tag managers' containers the site lets load early are held to their inserted tags instead.
    skipped = stage.exempt | stage.containers
    planted = {s: us for s, us in stage.planted().items() if s not in skipped}
    urls = [u for us in planted.values() for u in us]
    label = "light, 1280 px"

    def refused() -> None:
        page = run.page("light", 1280)
        settle(page)
        before = stage.requested(urls)
        page.locator(control("prefs")).click()
        run.add(label, _no_pre_ticked(page))
        page.locator(control("reject")).click()
        settle(page)
        after = stage.requested(urls)
        page.context.close()
        stage.requests.clear()
        page = run.page("light", 1280)
        page.locator(control("accept")).click()
        until(page, lambda: len(stage.requested(urls)) == len(set(urls)))
        settle(page)
        granted = stage.requested(urls)
        page.context.close()
        bad = sorted(set(before) | set(after))
        evidence = (
            f"the page inserted {len(urls)} tags of {len(planted)} optional services by script "
            f"({', '.join(sorted(planted)) or 'none'}): {len(before)} requested before a choice, "
            f"{len(after)} after Reject all, {len(granted)} once Accept all was clicked"
        )
        if stage.exempt:
            evidence += f"; not counted, exempt as UK statistics: {', '.join(sorted(stage.exempt))}"
        if stage.containers:
            evidence += (
                f"; not counted, tag manager containers the site loads before consent "
                f"(the tags they insert wait): {', '.join(sorted(stage.containers))}"
            )
        if bad:
            evidence += "; loaded without consent: " + ", ".join(bad[:6])
        elif urls and not granted:
            evidence += "; the tags never loaded even when granted, so blocking was not observed"
        stage.requests.clear()
        run.add(
            label,
            Check("no-tags-before-consent", not bad and (bool(granted) or not urls), evidence),
        )

    run.step(
        f"{label}: tags before and after a choice",
        ["no-tags-before-consent", "no-pre-ticked"],
        refused,
    )


def _no_pre_ticked(page: Page) -> Check:
    """In the open preferences, only the locked categories' switches are on."""
    states = page.locator(f"{DIALOG} [role=switch]").evaluate_all(
        "els => els.map(e => [e.id.replace('cg-cat-', ''), e.checked, e.disabled])"
    )
    on = [c for c, checked, locked in states if checked and not locked]
    locked = [c for c, _, lk in states if lk]
    return Check(
        "no-pre-ticked",
        bool(states) and not on,
        f"preferences show {len(states)} switches: locked on {', '.join(locked) or 'none'}; "
        + (f"switched on before any choice: {', '.join(on)}" if on else "every other off"),
    )
