"""The browser part of the compliance report: what is measured on which page, in which variant.

Every measurement runs in a fresh browser context (no cookie carried over) on
the :class:`~cookiegate.compliance.stage.Stage` page, in light and dark
colour schemes at 1280 and 360 px. The accessibility and choice measurements
are :mod:`cookiegate.audit` and :mod:`cookiegate.audit.choice`, shared with the
e2e tests; this module adds what needs the stage's request log (tags before
consent), and :mod:`cookiegate.compliance.signals` the opt-out signals. A
measurement that breaks (the banner never shows, a timeout) becomes a failed
check saying so, never a silent pass.
"""

from __future__ import annotations

import typing as t

from .. import measure as audit
from ..measure import choice as audit_choice
from . import Check
from .run import DIALOG
from .run import SHOWN
from .run import Labelled
from .run import Run
from .run import settle
from .run import until
from .signals import measure_gpc
from .signals import measure_uk_objection
from .stage import Stage

if t.TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser

    from ..siteconfig.load import SiteConfig

VARIANTS = (("light", 1280), ("dark", 1280), ("light", 360), ("dark", 360))
#: Reflow sizes: 200 % zoom and 400 % (WCAG 1.4.4 and 1.4.10) of a 1280×800 screen.
REFLOW = ((640, 400), (320, 256))


def run_browser(
    app: Flask,
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
    stage = Stage(app, config, tuple(css))
    run = Run(browser, stage, progress)
    for scheme, width in variants:
        progress(f"{scheme}, {width} px:")
        _audit_variant(run, scheme, width)
    progress("blocking before consent:")
    _blocking(run)
    progress("Global Privacy Control:")
    measure_gpc(run)
    if config.uk_statistics:
        progress("UK statistics exception:")
        run.step("light, 1280 px", ["uk-statistics-exception"], lambda: measure_uk_objection(run))
    info = {
        "chromium": f"Chromium {browser.version}",
        "page_url": stage.url,
        "variants": [f"{s} {w} px" for s, w in variants],
        "css": len(css),
    }
    return run.results, info


def _audit_variant(run: Run, scheme: str, width: int) -> None:
    v = f"{scheme}, {width} px"
    wcag = [
        "wcag-axe",
        "wcag-dialog",
        "wcag-focus",
        "wcag-reduced-motion",
        "wcag-toggles",
        "wcag-text-spacing",
    ]
    choice = ["choice-same-layer", "choice-equal-size", "choice-reject-contrast"]

    def first_layer() -> None:
        page = run.page(scheme, width)
        run.add(f"{v}, first layer", audit.axe_violations(page))
        run.add(f"{v}, first layer", audit.dialog_semantics(page))
        run.add(f"{v}, first layer", audit_choice.choice_symmetry(page))
        run.add(f"{v}, first layer", audit.reduced_motion(page))
        run.add(f"{v}, first layer", audit.focus_management(page))
        run.add(f"{v}, first layer", audit.text_spacing(page))
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=prefs]").click()
        run.add(f"{v}, preferences", audit.axe_violations(page))
        run.add(f"{v}, preferences", audit_choice.choice_symmetry(page))
        run.add(f"{v}, preferences", audit.toggles_announce_state(page))
        run.add(f"{v}, preferences", audit.text_spacing(page))
        page.context.close()

    def implied() -> None:
        page = run.page(scheme, width)
        run.add(v, audit_choice.no_consent_without_choice(page, run.stage.origin + "/next-page"))
        page.context.close()

    def reject_then_reopen() -> None:
        page = run.page(scheme, width)
        run.add(v, audit_choice.one_click_choice(page, "reject"))
        opener = page.locator("[data-cookiegate-open]:visible").first
        opener.wait_for()
        run.add(f"{v}, reopen control", audit.axe_violations(page))
        run.add(f"{v}, reopen control", audit.focus_returns(page, opener))
        page.context.close()

    def accept() -> None:
        page = run.page(scheme, width)
        run.add(v, audit_choice.one_click_choice(page, "accept"))
        page.context.close()

    def reflow() -> None:
        page = run.page(scheme, width)
        for w, h in REFLOW:
            run.add(f"{scheme}, first layer", audit.reflow(page, w, h))
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=prefs]").click()
        run.add(f"{scheme}, preferences", audit.reflow(page, *REFLOW[-1]))
        page.context.close()

    run.step(f"{v}: first layer and preferences", wcag + choice, first_layer)
    run.step(f"{v}: Escape, scrolling, navigation", ["no-implied-consent"], implied)
    run.step(
        f"{v}: Reject all, reopen control", ["choice-same-layer", "wcag-axe"], reject_then_reopen
    )
    run.step(f"{v}: Accept all", ["choice-same-layer"], accept)
    if width >= 1024:
        run.step(f"{scheme}: reflow", ["wcag-reflow"], reflow)


def _blocking(run: Run) -> None:
    stage = run.stage
    # Exempt services run before a choice by design; measure_uk_objection measures them.
    planted = {s: us for s, us in stage.planted().items() if s not in stage.exempt}
    urls = [u for us in planted.values() for u in us]
    label = "light, 1280 px"

    def refused() -> None:
        page = run.page("light", 1280)
        settle(page)
        before = stage.requested(urls)
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=prefs]").click()
        states = page.locator(f"{DIALOG} [role=switch]").evaluate_all(
            "els => els.map(e => [e.id.replace('cg-cat-', ''), e.checked, e.disabled])"
        )
        on = [c for c, checked, locked in states if checked and not locked]
        locked = [c for c, _, lk in states if lk]
        run.add(
            label,
            Check(
                "no-pre-ticked",
                bool(states) and not on,
                f"preferences show {len(states)} switches: locked on {', '.join(locked) or 'none'}; "
                + (f"switched on before any choice: {', '.join(on)}" if on else "every other off"),
            ),
        )
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=reject]").click()
        settle(page)
        after = stage.requested(urls)
        page.context.close()
        stage.requests.clear()
        page = run.page("light", 1280)
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=accept]").click()
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
