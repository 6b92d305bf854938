"""Running browser measurements: a broken one fails its rules, every measurement id has a rule.

The measurements themselves run in e2e/test_compliance.py (real Chromium).
"""

from __future__ import annotations

import typing as t

from cookiegate.compliance import FAIL
from cookiegate.compliance import build_findings
from cookiegate.compliance.rules import RULES
from cookiegate.compliance.run import ALIASES
from cookiegate.compliance.run import PREFIXES
from cookiegate.compliance.run import Run
from cookiegate.compliance.run import rule_of


def test_a_measurement_that_breaks_fails_the_rules_it_covers() -> None:
    run = Run(t.cast(t.Any, None), t.cast(t.Any, None), lambda line: None)

    def banner_never_shows() -> None:
        raise TimeoutError("Timeout 10000ms exceeded waiting for .cg-dialog:not([hidden])")

    run.step("dark, 360 px: first layer", ["wcag-axe", "choice-equal-size"], banner_never_shows)
    findings = {f.rule: f for f in build_findings(run.results)}
    for rule in ("wcag-axe", "choice-equal-size"):
        assert findings[rule].status == FAIL
        assert findings[rule].failed == (
            "dark, 360 px: first layer: measurement failed: Timeout 10000ms exceeded waiting "
            "for .cg-dialog:not([hidden])",
        )


def test_every_measurement_id_counts_towards_a_registry_rule() -> None:
    ids = {r.id for r in RULES}
    assert set(ALIASES.values()) | set(PREFIXES.values()) <= ids
    assert rule_of("no-consent.scroll") == "no-implied-consent"
    assert rule_of("a11y.focus-returns") == "wcag-focus"
    assert rule_of("something-new") == "something-new"
