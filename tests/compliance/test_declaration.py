"""The declaration-current rule: drift fails it with the cookie's name, domain and page;
without a scan it is not checked, never a pass."""

from __future__ import annotations

from cookiegate.compliance import FAIL
from cookiegate.compliance import NOT_CHECKED
from cookiegate.compliance import PASS
from cookiegate.compliance import build_findings
from cookiegate.compliance.declaration import NO_SCAN
from cookiegate.compliance.declaration import RULE
from cookiegate.compliance.declaration import drift_checks
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.declaration import build
from cookiegate.siteconfig.load import load_site

from ..declaration.scans import PAGE
from ..declaration.scans import SCANNED_ON
from ..declaration.scans import days
from ..declaration.scans import report

DEMO = load_site(DEMO_SITES_DIR / "demo.toml")


def _finding(checks: list, unchecked: dict | None = None):  # type: ignore[no-untyped-def]
    return next(f for f in build_findings([("", c) for c in checks], unchecked) if f.rule == RULE)


def test_drift_fails_the_rule_naming_cookie_domain_and_page() -> None:
    scan = report(DEMO, cookies=[("_hjSessionUser_1", ".voltline.example", days(365))])
    finding = _finding(drift_checks(build(DEMO, scan, SCANNED_ON)))
    assert finding.status == FAIL
    [evidence] = finding.failed
    assert "'_hjSessionUser_1'" in evidence
    assert "domain .voltline.example" in evidence
    assert PAGE in evidence


def test_a_scan_that_saw_only_declared_things_passes() -> None:
    scan = report(DEMO, cookies=[("_ga", ".voltline.example", days(300))])
    assert _finding(drift_checks(build(DEMO, scan, SCANNED_ON))).status == PASS


def test_without_a_scan_the_rule_is_not_checked() -> None:
    checks = drift_checks(build(DEMO, None))
    assert checks == []
    finding = _finding(checks, {RULE: NO_SCAN})
    assert finding.status == NOT_CHECKED and finding.evidence == (NO_SCAN,)
