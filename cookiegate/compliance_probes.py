"""The browser part of the compliance report: what is measured on which page, in which variant.

Every measurement runs in a fresh browser context (no cookie carried over) on
the :class:`~cookiegate.compliance_browser.Stage` page, in light and dark
colour schemes at 1280 and 360 px. The accessibility and choice measurements
are :mod:`cookiegate.audit` and :mod:`cookiegate.audit_choice`, shared with the
e2e tests; this module adds what needs the stage's request log (tags before
consent, Global Privacy Control). A measurement that breaks (the banner never
shows, a timeout) becomes a failed check saying so, never a silent pass.
"""

from __future__ import annotations

import typing as t

from .compliance import Check
from .compliance_browser import Stage

if t.TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser
    from playwright.sync_api import Page

    from .siteconfig import SiteConfig

DIALOG = ".cg-dialog"
SHOWN = f"{DIALOG}:not([hidden])"
VARIANTS = (("light", 1280), ("dark", 1280), ("light", 360), ("dark", 360))
#: Reflow sizes: 200 % zoom and 400 % (WCAG 1.4.4 and 1.4.10) of a 1280×800 screen.
REFLOW = ((640, 400), (320, 256))
GPC_JS = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"

#: Measurement ids of :mod:`cookiegate.audit` / ``audit_choice`` -> registry rule ids.
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

    def __init__(self, browser: Browser, stage: Stage, progress: t.Callable[[str], None]) -> None:
        self.browser, self.stage, self.progress = browser, stage, progress
        self.results: list[Labelled] = []

    def page(self, scheme: str, width: int, *, gpc: bool = False) -> Page:
        context = self.browser.new_context(
            viewport={"width": width, "height": 800 if width >= 1024 else 740},
            color_scheme=t.cast(t.Any, scheme),
            extra_http_headers={"Sec-GPC": "1"} if gpc else None,
        )
        if gpc:
            context.add_init_script(GPC_JS)
        self.stage.install(context)
        # The request log is per page: what one context loaded says nothing about the next.
        self.stage.requests.clear()
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(self.stage.url)
        page.locator(SHOWN).wait_for()
        return page

    def add(self, label: str, found: t.Any) -> None:
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
    try:
        from . import audit  # noqa: F401
        from . import audit_choice  # noqa: F401
    except ImportError:
        progress("cookiegate.audit is not in this build: accessibility and choice rules skipped")
    else:
        for scheme, width in variants:
            progress(f"{scheme}, {width} px:")
            _audit_variant(run, scheme, width)
    progress("blocking before consent:")
    _blocking(run)
    if has_gpc_followups(app):
        progress("Global Privacy Control:")
        _gpc(run)
    if getattr(config, "uk_statistics", ()):
        progress("UK statistics exception:")
        run.step("light, 1280 px", ["uk-statistics-exception"], lambda: _uk_objection(run))
    info = {
        "chromium": f"Chromium {browser.version}",
        "page_url": stage.url,
        "variants": [f"{s} {w} px" for s, w in variants],
        "css": len(css),
    }
    return run.results, info


def _audit_variant(run: Run, scheme: str, width: int) -> None:
    from . import audit
    from . import audit_choice

    v = f"{scheme}, {width} px"
    wcag = ["wcag-axe", "wcag-dialog", "wcag-focus", "wcag-reduced-motion", "wcag-toggles",
            "wcag-text-spacing"]  # fmt: skip
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
    run.step(f"{v}: Reject all, reopen control", ["choice-same-layer", "wcag-axe"],
             reject_then_reopen)  # fmt: skip
    run.step(f"{v}: Accept all", ["choice-same-layer"], accept)
    if width >= 1024:
        run.step(f"{scheme}: reflow", ["wcag-reflow"], reflow)


def _settle(page: Page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(400)


def _until(page: Page, done: t.Callable[[], bool], ms: int = 10_000) -> bool:
    """Let the page run until ``done()`` holds (a consent recorded, a tag requested) or ``ms``
    pass; a loaded machine must not turn a slow answer into a failed rule."""
    for _ in range(ms // 100):
        if done():
            return True
        page.wait_for_timeout(100)
    return done()


def _blocking(run: Run) -> None:
    stage = run.stage
    # Exempt services run before a choice by design; _uk_objection measures them.
    planted = {s: us for s, us in stage.planted().items() if s not in stage.exempt}
    urls = [u for us in planted.values() for u in us]
    label = "light, 1280 px"

    def refused() -> None:
        page = run.page("light", 1280)
        _settle(page)
        before = stage.requested(urls)
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=prefs]").click()
        states = page.locator(f"{DIALOG} [role=switch]").evaluate_all(
            "els => els.map(e => [e.id.replace('cg-cat-', ''), e.checked, e.disabled])"
        )
        on = [c for c, checked, locked in states if checked and not locked]
        locked = [c for c, _, lk in states if lk]
        run.add(label, Check(
            "no-pre-ticked", bool(states) and not on,
            f"preferences show {len(states)} switches: locked on {', '.join(locked) or 'none'}; "
            + (f"switched on before any choice: {', '.join(on)}" if on else "every other off"),
        ))  # fmt: skip
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=reject]").click()
        _settle(page)
        after = stage.requested(urls)
        page.context.close()
        stage.requests.clear()
        page = run.page("light", 1280)
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=accept]").click()
        _until(page, lambda: len(stage.requested(urls)) == len(set(urls)))
        _settle(page)
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
        run.add(label, Check("no-tags-before-consent", not bad and (bool(granted) or not urls),
                             evidence))  # fmt: skip

    run.step(f"{label}: tags before and after a choice",
             ["no-tags-before-consent", "no-pre-ticked"], refused)  # fmt: skip


def server_checks(app: Flask, config: SiteConfig) -> list[Check]:
    """What the server answers itself, no browser needed: the site's GPC support file."""
    if not has_gpc_followups(app):
        return []
    client = app.test_client()
    found = []
    for url in (f"/v1/sites/{config.id}/gpc.json", "/.well-known/gpc.json"):
        resp = client.get(url)
        data = resp.get_json(silent=True) or {}
        ok = resp.status_code == 200 and resp.mimetype == "application/json"
        found.append((ok and data.get("gpc") is True, f"GET {url} answered {resp.status_code} "
                      f"{resp.mimetype} {resp.get_data(as_text=True).strip()[:80]}"))  # fmt: skip
    return [
        Check(
            "gpc-well-known",
            found[0][0],
            "; ".join(text for _, text in found)
            + " (the host-wide file speaks for every site this server has; proxy the site's "
            "file to /.well-known/gpc.json on the shop's own origin)",
        )
    ]


def has_gpc_followups(app: Flask) -> bool:
    """True when this build serves /.well-known/gpc.json (the GPC follow-ups are in)."""
    return any(r.rule == "/.well-known/gpc.json" for r in app.url_map.iter_rules())


def _gpc(run: Run) -> None:
    stage = run.stage
    refused = {c.id for c in stage.config.categories if c.gpc_refuses}
    category = {s.id: s.category for s in stage.config.services}
    ad_urls = [u for s, us in stage.planted().items() if category[s] in refused for u in us]
    label = "light, 1280 px, Sec-GPC: 1"

    def fresh() -> None:
        page = run.page("light", 1280, gpc=True)
        texts = stage.banner_texts()
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=prefs]").click()
        notices = [texts[k] for k in ("gpc_honoured", "gpc_notice") if texts.get(k)]
        shown = [n for n in notices if page.locator(SHOWN).get_by_text(n).first.is_visible()]
        run.add(label, Check(
            "gpc-honoured", bool(shown),
            f"preferences show the notice {shown[0]!r}" if shown
            else f"none of the notices {notices!r} is visible in the preferences",
        ))  # fmt: skip
        n = len(stage.consents)
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=accept]").click()
        _until(page, lambda: len(stage.consents) > n)
        _settle(page)
        post = stage.consents[n] if len(stage.consents) > n else {}
        granted = sorted(c for c in refused if post.get("choices", {}).get(c))
        loaded = stage.requested(ad_urls)
        run.add(label, Check(
            "gpc-honoured", post.get("method") == "gpc" and not granted and not loaded,
            f"Accept all with GPC recorded method {post.get('method')!r}; "
            f"{', '.join(sorted(refused))} granted: {', '.join(granted) or 'none'}; "
            f"advertising tags requested: {len(loaded)}",
        ))  # fmt: skip
        page.context.close()
        stage.requests.clear()

    def after_opt_in() -> None:
        page = run.page("light", 1280)
        n = len(stage.consents)
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=accept]").click()
        _until(page, lambda: len(stage.consents) > n)
        _settle(page)
        n = len(stage.consents)
        page.context.set_extra_http_headers({"Sec-GPC": "1"})
        page.context.add_init_script(GPC_JS)
        stage.requests.clear()
        page.goto(stage.url)
        _until(page, lambda: len(stage.consents) > n)
        _settle(page)
        post = stage.consents[n] if len(stage.consents) > n else {}
        granted = sorted(c for c in refused if post.get("choices", {}).get(c))
        loaded = stage.requested(ad_urls)
        run.add(label, Check(
            "gpc-after-opt-in", post.get("method") == "gpc" and not granted and not loaded,
            f"after Accept all, the next page with GPC recorded "
            f"{'method ' + repr(post.get('method')) if post else 'no new proof'}; "
            f"still granted: {', '.join(granted) or 'none'}; advertising tags requested: "
            f"{len(loaded)}",
        ))  # fmt: skip
        page.context.close()
        stage.requests.clear()

    run.step(f"{label}: first visit", ["gpc-honoured"], fresh)
    run.step(f"{label}: after an opt-in", ["gpc-after-opt-in"], after_opt_in)


def _uk_objection(run: Run) -> None:
    """Exempt statistics run before a choice, Object is one click, and stops them afterwards."""
    stage = run.stage
    urls = [u for s, us in stage.planted().items() if s in stage.exempt for u in us]
    page = run.page("light", 1280)
    _settle(page)
    before = stage.requested(urls)
    button = page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=object]")
    problems = []
    if button.count() != 1 or button.evaluate("e => e.tagName") != "BUTTON":
        problems.append("no single Object button on the first layer")
    else:
        n = len(stage.consents)
        button.click()
        _until(page, lambda: len(stage.consents) > n)
        _settle(page)
        method = stage.consents[n].get("method") if len(stage.consents) > n else None
        if method != "objection":
            problems.append(f"one click on Object recorded {method or 'nothing'}")
        stage.requests.clear()
        page.goto(stage.url)
        _settle(page)
        if stage.requested(urls):
            problems.append(f"after objecting, the next page still requested {urls[0]}")
    run.add("light, 1280 px", Check(
        "uk-statistics-exception", not problems,
        f"exempt {', '.join(sorted(stage.exempt))}: {len(before)} of {len(urls)} tags ran before "
        "a choice (as the exception allows); "
        + ("; ".join(problems) if problems else "the first layer's Object button recorded "
           "'objection' in one click and the next page requested none of them"),
    ))  # fmt: skip
    page.context.close()
