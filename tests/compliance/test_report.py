"""Findings filed under the rules, and the report's stored JSON."""

from __future__ import annotations

import json

import pytest

from cookiegate.compliance import FAIL
from cookiegate.compliance import NOT_CHECKED
from cookiegate.compliance import PASS
from cookiegate.compliance import Check
from cookiegate.compliance import Report
from cookiegate.compliance import ReportError
from cookiegate.compliance import build_findings
from cookiegate.compliance.rules import RULES


def test_a_rule_nothing_measured_is_not_checked_never_a_pass() -> None:
    findings = {f.rule: f for f in build_findings([], {"wcag-axe": "not measured: no browser"})}
    assert {f.status for f in findings.values()} == {NOT_CHECKED}
    assert findings["wcag-axe"].evidence == ("not measured: no browser",)


def test_one_failed_measurement_fails_its_rule_and_leads_the_evidence() -> None:
    measured = [
        ("light, 1280 px", Check("choice-equal-size", True, "Accept 131×44, Reject 128×44")),
        ("dark, 360 px", Check("choice-equal-size", False, "Accept 300×44, Reject 90×30")),
        ("", Check("made-up-rule", True, "kept, not dropped")),
    ]
    findings = {f.rule: f for f in build_findings(measured)}
    size = findings["choice-equal-size"]
    assert size.status == FAIL
    assert size.failed == ("dark, 360 px: Accept 300×44, Reject 90×30",)
    assert len(size.evidence) == 2
    assert findings["made-up-rule"].status == PASS


def test_report_json_round_trips_and_garbage_is_refused() -> None:
    report = Report(
        "demo",
        "Demo <shop>",
        3,
        "2026-11-30T08:00:00Z",
        build_findings([("", Check("consent-lifetime", True, "180 days"))]),
        {"chromium": "Chromium 1", "variants": ["light 1280 px"], "page_url": "https://x/"},
        ("note",),
    )
    again = Report.from_json(report.to_json())
    assert again == report
    data = json.loads(report.to_json())
    assert data["summary"] == {PASS: 1, FAIL: 0, NOT_CHECKED: len(RULES) - 1}
    for bad in ("{}", "[]", "not json", '{"schema": 99}'):
        with pytest.raises(ReportError, match="compliance report"):
            Report.from_json(bad)
