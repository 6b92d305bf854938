"""The compliance report: rule registry, config checks, report shape, CLI and admin page.

The browser measurements themselves run in e2e/test_compliance.py (real Chromium).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from cookiegate.cli.main import main
from cookiegate.compliance import FAIL
from cookiegate.compliance import NOT_CHECKED
from cookiegate.compliance import PASS
from cookiegate.compliance import Check
from cookiegate.compliance import Report
from cookiegate.compliance import build_findings
from cookiegate.compliance import render_html
from cookiegate.compliance.config import config_checks
from cookiegate.compliance.rules import BROWSER
from cookiegate.compliance.rules import CONFIG
from cookiegate.compliance.rules import RULES
from cookiegate.compliance.rules import SERVER
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.services import compliance as compliance_store
from cookiegate.siteconfig.load import SiteConfig
from cookiegate.siteconfig.load import load_site
from cookiegate.store import Store

from ..admin_helpers import AdminActions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo() -> SiteConfig:
    return load_site(DEMO_SITES_DIR / "demo.toml")


def _by_rule(checks: t.Iterable[Check]) -> dict[str, list[Check]]:
    found: dict[str, list[Check]] = {}
    for c in checks:
        found.setdefault(c.rule, []).append(c)
    return found


# ------------------------------------------------------------------ registry


def test_every_rule_has_an_id_sources_a_statement_and_a_way_to_check_it() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.sources and rule.statement.endswith(".") and rule.title, rule.id
        assert rule.methods and set(rule.methods) <= {CONFIG, BROWSER, SERVER}, rule.id


def test_every_test_the_registry_names_exists() -> None:
    """pytest collects each named node id, so renaming a guarding test breaks this one."""
    named = sorted({test for rule in RULES for test in rule.tests})
    assert named
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *named],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    collected = [line.strip() for line in done.stdout.splitlines()]
    # pytest-playwright parametrizes browser tests by browser name: "…[chromium]".
    missing = [n for n in named if not any(c == n or c.startswith(n + "[") for c in collected)]
    assert missing == [], missing


# ------------------------------------------------------------------ findings


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
        with pytest.raises(ValueError):
            Report.from_json(bad)


def test_html_report_escapes_what_it_shows() -> None:
    report = Report(
        "demo",
        "<script>alert(1)</script>",
        1,
        "2026-11-30T08:00:00Z",
        build_findings([("", Check("consent-lifetime", False, "<img src=x onerror=alert(1)>"))]),
    )
    page = render_html(report)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "FAIL" in page


# ------------------------------------------------------------------ config checks


def test_demo_config_passes_every_config_check(demo: SiteConfig) -> None:
    checks = config_checks(demo)
    assert [c for c in checks if not c.passed] == []
    assert {"consent-lifetime", "no-pre-ticked", "necessary-only-necessary"} <= {
        c.rule for c in checks
    }
    lifetime = _by_rule(checks)["consent-lifetime"][0]
    assert "consent_lifetime_days = 180" in lifetime.evidence


def _service(config: SiteConfig, sid: str, **changes: t.Any) -> SiteConfig:
    services = tuple(
        dataclasses.replace(s, **changes) if s.id == sid else s for s in config.services
    )
    return dataclasses.replace(config, services=services)


# Configs the loader would refuse, built directly, so the checks are shown to judge
# the values and not to assume that a loaded config is fine.
BROKEN: list[tuple[str, t.Callable[[SiteConfig], SiteConfig], str, str]] = [
    (
        "consent-lifetime",
        lambda c: dataclasses.replace(c, lifetime_days=500),
        "consent-lifetime",
        "consent_lifetime_days = 500",
    ),
    (
        "ad category without GPC",
        lambda c: dataclasses.replace(
            c, categories=tuple(dataclasses.replace(x, gpc_refuses=False) for x in c.categories)
        ),
        "gpc-honoured",
        "advertising carry advertising Consent Mode signals",
    ),
    (
        "analytics under necessary",
        lambda c: _service(c, "google-analytics", category="necessary"),
        "necessary-only-necessary",
        "cannot be strictly necessary",
    ),
    (
        "legitimate interest with cookies",
        lambda c: _service(c, "trustpilot", basis="legitimate_interest", cookies=("tp_id",)),
        "no-legitimate-interest",
        "legitimate interest cannot be its basis",
    ),
    (
        "Google without Google",
        lambda c: _service(c, "google-ads", provider="Ads Ltd"),
        "google-recipient",
        "provider must name Google",
    ),
    (
        "necessary without reason",
        lambda c: _service(c, "stripe", necessary_because=""),
        "necessary-reason",
        "needs a written reason",
    ),
    (
        "no purpose",
        lambda c: _service(c, "trustpilot", description=""),
        "purpose-descriptions",
        "needs a description of its purpose",
    ),
]


@pytest.mark.parametrize(("name", "breaks", "rule", "says"), BROKEN, ids=[b[0] for b in BROKEN])
def test_config_checks_fail_a_config_that_breaks_the_rule(
    demo: SiteConfig, name: str, breaks: t.Callable[[SiteConfig], SiteConfig], rule: str, says: str
) -> None:
    checks = _by_rule(config_checks(breaks(demo)))
    assert rule in checks, f"no check for {rule}"
    failed = [c for c in checks[rule] if not c.passed]
    assert failed and says in failed[0].evidence, checks[rule]
    others = [c.rule for c in config_checks(breaks(demo)) if not c.passed and c.rule != rule]
    assert rule == "necessary-only-necessary" or others == []


# ------------------------------------------------------------------ store


def test_latest_report_per_site_is_saved_and_replaced(store: Store) -> None:
    def report(when: str, passed: bool) -> Report:
        return Report(
            "demo", "Demo", 1, when, build_findings([("", Check("consent-lifetime", passed, when))])
        )

    assert compliance_store.latest(store) == {}
    compliance_store.save(store, report("2026-11-29T08:00:00Z", False))
    compliance_store.save(store, report("2026-11-30T08:00:00Z", True))
    latest = compliance_store.latest(store)
    assert list(latest) == ["demo"]
    assert latest["demo"].created_at == "2026-11-30T08:00:00Z" and latest["demo"].ok


# ------------------------------------------------------------------ CLI


def test_unknown_site_is_a_one_line_error_and_stores_nothing(runner: CliRunner, app: Flask) -> None:
    result = runner.invoke(main, ["compliance", "shop", "--no-browser"])
    assert result.exit_code == 2
    assert "Unknown site 'shop'; this server has ['demo']." in result.output
    assert "Traceback" not in result.output
    assert compliance_store.latest(app.extensions["cookiegate"].store) == {}


def test_no_browser_checks_config_and_marks_browser_rules_not_checked(
    runner: CliRunner, app: Flask
) -> None:
    result = runner.invoke(main, ["compliance", "demo", "--no-browser", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"site", "revision", "created_at", "summary", "findings", "notes"}
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert [f["rule"] for f in data["findings"]] == [r.id for r in RULES]
    for rule in RULES:
        f = by_rule[rule.id]
        assert set(f) >= {"status", "evidence", "title", "statement", "sources", "tests"}
        if rule.methods == (BROWSER,):
            assert f["status"] == NOT_CHECKED and "without --no-browser" in f["evidence"][0]
    assert by_rule["consent-lifetime"]["status"] == PASS
    assert data["summary"][FAIL] == 0 and "--no-browser" in data["notes"][0]
    # The summary line goes to standard error, the report to standard output.
    assert result.stderr.strip().splitlines()[-1].startswith("demo: ")
    saved = compliance_store.latest(app.extensions["cookiegate"].store)["demo"]
    assert json.loads(saved.to_json())["findings"] == data["findings"]


def test_text_report_starts_with_the_summary_and_writes_to_a_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "report.txt"
    result = runner.invoke(main, ["compliance", "demo", "--no-browser", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.splitlines()[0].startswith("demo: ") and " not checked " in text.splitlines()[0]
    assert "PASS        consent-lifetime: Asked again within 13 months" in text
    assert "Guarded in CI by: tests/siteconfig/test_load.py::" in text


def test_missing_chromium_is_a_clear_error_pointing_at_no_browser(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COOKIEGATE_CHROMIUM", str(tmp_path / "no-chromium"))
    result = runner.invoke(main, ["compliance", "demo"])
    assert result.exit_code == 1
    assert "does not exist. Run with --no-browser" in result.output
    assert "Traceback" not in result.output


def test_unreadable_stylesheet_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["compliance", "demo", "--css", str(tmp_path / "none.css")])
    assert result.exit_code == 2 and "none.css" in result.output


# ------------------------------------------------------------------ admin page


def test_admin_page_shows_live_config_checks_then_the_stored_report(
    staff: AdminActions, runner: CliRunner
) -> None:
    staff.as_viewer()
    page = staff.client.get("/admin/compliance").get_data(as_text=True)
    assert "No report yet" in page and "cookiegate compliance demo" in page
    assert 'id="live-demo"' in page and "consent_lifetime_days = 180" in page
    assert runner.invoke(main, ["compliance", "demo", "--no-browser"]).exit_code == 0
    page = staff.client.get("/admin/compliance").get_data(as_text=True)
    assert "No report yet" not in page
    assert 'id="summary-demo"' in page and 'id="demo-wcag-axe"' in page
    assert "not measured: run without --no-browser" in page


def test_admin_page_escapes_stored_evidence_and_flags_an_old_revision(
    staff: AdminActions, app: Flask
) -> None:
    report = Report(
        "demo",
        "Demo",
        7,
        "2026-11-30T08:00:00Z",
        build_findings([("", Check("consent-lifetime", False, "<script>alert(1)</script>"))]),
    )
    compliance_store.save(app.extensions["cookiegate"].store, report)
    staff.as_viewer()
    page = staff.client.get("/admin/compliance").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'id="stale-demo"' in page and "revision 7" in page


def test_admin_page_needs_a_signed_in_account(client: t.Any) -> None:
    resp = client.get("/admin/compliance")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]


def test_a_config_the_regulators_reject_is_named_before_anything_is_measured(
    runner: CliRunner, sites_dir: Path
) -> None:
    path = sites_dir / "demo.toml"
    path.write_text(
        path.read_text()
        + '\n[services.shop-reviews]\nname = "Shop reviews"\nprovider = "Voltline Ltd"\n'
        'category = "functional"\ndescription = "Shows product reviews."\n'
        'basis = "legitimate_interest"\ncookies = ["rv_id"]\n'
    )
    result = runner.invoke(main, ["compliance", "demo", "--no-browser"])
    assert result.exit_code == 1
    assert "services.shop-reviews.basis" in result.output
    assert "legitimate interest cannot be its basis" in result.output
    assert "Traceback" not in result.output


def test_docs_explain_every_rule() -> None:
    page = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
    section = page.split("## Compliance report", 1)[1].split("\n## ", 1)[0]
    missing = [r.id for r in RULES if f"| `{r.id}` | {r.statement} |" not in section]
    assert missing == []


def test_a_measurement_that_breaks_fails_the_rules_it_covers() -> None:
    from cookiegate.compliance.run import Run

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


def test_every_audit_measurement_counts_towards_a_registry_rule() -> None:
    from cookiegate.compliance.run import ALIASES
    from cookiegate.compliance.run import PREFIXES
    from cookiegate.compliance.run import rule_of

    ids = {r.id for r in RULES}
    assert set(ALIASES.values()) | set(PREFIXES.values()) <= ids
    assert rule_of("no-consent.scroll") == "no-implied-consent"
    assert rule_of("a11y.focus-returns") == "wcag-focus"
    assert rule_of("something-new") == "something-new"


def test_html_format_is_a_standalone_page(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        main, ["compliance", "demo", "--no-browser", "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert 'id="demo-consent-lifetime"' in page and "NOT CHECKED" in page


def test_an_unwritable_output_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "report.txt"
    result = runner.invoke(main, ["compliance", "demo", "--no-browser", "-o", str(target)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "report.txt" in result.output
