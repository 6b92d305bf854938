"""``cookiegate compliance`` in real Chromium: the demo site passes every rule, and a shop
stylesheet that makes Reject all smaller and fainter fails the right rules with evidence.
Per jurisdiction: a section per regime of the demo's ``[jurisdictions]``, measured with the
geo headers set, and a US overlay whose GPC no longer refuses advertising fails its rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

from cookiegate import create_app
from cookiegate.compliance import FAIL
from cookiegate.compliance import NOT_CHECKED
from cookiegate.compliance import PASS
from cookiegate.compliance import Report
from cookiegate.compliance import build_findings
from cookiegate.compliance import render_html
from cookiegate.compliance.probes import run_browser
from cookiegate.compliance.regimes import rules_for
from cookiegate.compliance.regimes import run_regimes
from cookiegate.compliance.render import render_text
from cookiegate.compliance.report import Section
from cookiegate.compliance.rules import RULES
from cookiegate.core.settings import DEMO_SITES_DIR
from tests.site_fragments import UK_SITE
from tests.site_fragments import uk_only

from .conftest import KEYS

#: A shop's own stylesheet that shrinks and fades Reject all (and only it).
FAINT_REJECT = """
html body .cg-dialog .cg-btn[data-cg-action=reject] {
  font-size: 11px !important; padding: 1px 3px !important; min-width: 0 !important;
  min-height: 0 !important; width: auto !important; justify-self: start !important;
  align-self: start !important; color: #c8c8c8 !important; background: #ffffff !important;
}
"""


def _compliance(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as an operator runs it: no server, the shipped demo site."""
    env = {
        **os.environ,
        "COOKIEGATE_SECRET_KEYS": KEYS,
        "COOKIEGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "COOKIEGATE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    env.pop("COOKIEGATE_SITES_DIR", None)
    command = [str(Path(sys.executable).with_name("cookiegate")), "compliance", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)


def test_demo_site_report_is_all_pass_in_chromium(
    browser_type_launch_args: t.Any, tmp_path: Path, artifacts: Path
) -> None:
    done = _compliance(tmp_path, "demo", "--format", "json")
    report = Report.from_json(done.stdout)
    (artifacts / "compliance-demo.html").write_text(render_html(report), encoding="utf-8")
    # The declaration's drift needs a saved scan, which this fresh database has not: that one
    # rule is "not checked" (and says how to check it); every other rule passes.
    bad = {f.rule: f.failed or f.evidence for f in report.findings if f.status != PASS}
    unchecked = next(f for f in report.findings if f.rule == "declaration-current")
    assert unchecked.status == NOT_CHECKED and "cookiegate scan" in " ".join(unchecked.evidence)
    del bad["declaration-current"]
    assert bad == {}, json.dumps(bad, indent=1, ensure_ascii=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [f.rule for f in report.findings] == [r.id for r in RULES]
    # Measured, not assumed: every browser rule has evidence from all four variants.
    assert report.browser["variants"] == [
        "light 1280 px",
        "dark 1280 px",
        "light 360 px",
        "dark 360 px",
    ]
    size = next(f for f in report.findings if f.rule == "choice-equal-size")
    for variant in ("light, 1280 px", "dark, 360 px"):
        assert any(e.startswith(variant) and "80 % required" in e for e in size.evidence)
    blocking = next(f for f in report.findings if f.rule == "no-tags-before-consent")
    assert any("0 requested before a choice, 0 after Reject all" in e for e in blocking.evidence)
    assert any("mode = basic" in e for e in blocking.evidence)  # the config states the mode
    assert report.browser["page_url"] == "https://www.voltline.example/"
    assert "dark, 360 px" in done.stderr  # progress
    # The demo site has [jurisdictions]: a section per regime, measured with stand-in headers
    # since this environment names no geo header (and says so).
    assert [(s.overlay, s.place) for s in report.sections] == [
        ("eu", "AT"),
        ("uk", "GB"),
        ("us", "US-CA"),
        ("eu", ""),
    ]
    assert all(s.ok for s in report.sections), report.to_json()
    assert any("CF-IPCountry" in n for n in report.notes)


def test_report_fails_when_the_shops_css_shrinks_reject_all(browser: t.Any, tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEYS": KEYS,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
            "SITES_DIR": str(DEMO_SITES_DIR),
        }
    )
    config = app.extensions["cookiegate"].sites["demo"]
    measured, info = run_browser(
        app, config, browser, css=[FAINT_REJECT], variants=[("light", 1280)]
    )
    findings = {f.rule: f for f in build_findings(measured)}
    size, contrast = findings["choice-equal-size"], findings["choice-reject-contrast"]
    assert size.status == FAIL and contrast.status == FAIL
    assert any("80 % required" in e for e in size.failed), size.failed
    assert any("font" in e or "11px" in e for e in size.failed), size.failed
    assert any("4.5:1 required" in e and "#c8c8c8" in e for e in contrast.failed), contrast.failed
    # Reject all is still a real button on the first layer, and nothing else broke.
    assert findings["choice-same-layer"].status == PASS
    assert findings["no-tags-before-consent"].status == PASS
    assert info["css"] == 1


def test_admin_page_shows_the_stored_report_with_no_axe_violation(
    browser: t.Any, live: t.Any
) -> None:
    from cookiegate.compliance import Check
    from cookiegate.measure import axe_violations
    from cookiegate.services import accounts
    from cookiegate.services import compliance as compliance_store

    state = live.app.extensions["cookiegate"]
    measured = [
        (
            "light, 1280 px",
            Check("choice-equal-size", True, "Accept all 160×44 px, Reject all 160×44 px"),
        ),
        (
            "dark, 360 px",
            Check("choice-reject-contrast", False, '<img src=x onerror="alert(1)"> 2.1:1'),
        ),
    ]
    compliance_store.save(
        state.store,
        Report(
            "demo",
            "Voltline <b>demo</b>",
            1,
            "2026-11-30T08:00:00Z",
            build_findings(measured, {"wcag-axe": "not measured: run without --no-browser"}),
        ),
    )
    email, password = "compliance-dpo@voltline.example", "correct horse battery staple"
    if accounts.authenticate(state.store, email, password) is None:
        accounts.create(state.store, email, password, "viewer", now="2026-11-30T08:00:00.000000Z")
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live.origin}/admin/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.origin}/admin/")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Compliance").click()
    page.wait_for_url(f"{live.origin}/admin/compliance")
    summary = page.locator("#summary-demo").inner_text()
    assert "Voltline <b>demo</b>" in summary and "1 pass" in summary and "1 fail" in summary
    failed = page.locator("#demo-choice-reject-contrast")
    assert "FAIL" in failed.locator("h4").inner_text()
    assert '<img src=x onerror="alert(1)"> 2.1:1' in failed.inner_text()
    assert "not measured" in page.locator("#demo-wcag-axe").inner_text()
    assert "consent_lifetime_days = 180" in page.locator("#live-demo").inner_text()
    problems = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            check = axe_violations(page, include=None)
            if not check.passed:
                problems.append(check.evidence)
    assert problems == []
    assert dialogs == []
    context.close()


def test_uk_statistics_exception_is_measured_and_not_counted_as_tracking(
    browser: t.Any, tmp_path: Path
) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    demo = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
    (sites / "demo.toml").write_text(uk_only(demo), encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEYS": KEYS,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
            "SITES_DIR": str(sites),
        }
    )
    config = app.extensions["cookiegate"].sites["demo"]
    measured, _ = run_browser(app, config, browser, variants=[])
    findings = {f.rule: f for f in build_findings(measured)}
    uk = findings["uk-statistics-exception"]
    assert uk.status == PASS, uk.evidence
    browser_evidence = [e for e in uk.evidence if "Object" in e]
    assert browser_evidence and "recorded 'objection'" in browser_evidence[0]
    assert "2 of 2 tags ran before a choice" in browser_evidence[0]
    blocking = findings["no-tags-before-consent"]
    assert blocking.status == PASS, blocking.evidence
    assert "exempt as UK statistics: voltline-stats" in blocking.evidence[0]


def _geo_app(tmp_path: Path, site: str) -> t.Any:
    """An app serving ``site`` (demo.toml text) that reads Cloudflare's geo headers."""
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "demo.toml").write_text(site, encoding="utf-8")
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEYS": KEYS,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
            "SITES_DIR": str(sites),
            "GEO_COUNTRY_HEADER": "CF-IPCountry",
            "GEO_REGION_HEADER": "CF-Region-Code",
        }
    )


def _regimes_report(tmp_path: Path, browser: t.Any, site: str) -> Report:
    """The regime sections of ``site`` (demo.toml text), with Cloudflare's geo headers."""
    app = _geo_app(tmp_path, site)
    state = app.extensions["cookiegate"]
    config = state.sites["demo"]
    sections = tuple(
        Section(v.overlay, v.regime, v.place, v.headers, build_findings(c, order=rules_for(v)))
        for v, c in run_regimes(app, config, browser, state.geo)
    )
    return Report(
        "demo", config.name, config.revision, "2026-12-03T08:00:00Z", (), {}, (), sections
    )


def _section(report: Report, overlay: str) -> dict[str, t.Any]:
    found = next(s for s in report.sections if s.overlay == overlay and s.place)
    return {f.rule: f for f in found.findings}


def test_demo_site_report_has_a_passing_section_per_regime(browser: t.Any, tmp_path: Path) -> None:
    demo = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
    report = _regimes_report(tmp_path, browser, demo)
    for section in report.sections:
        bad = {f.rule: f.evidence for f in section.findings if f.status != PASS}
        assert bad == {}, (section.title(), bad)
    us = _section(report, "us")
    assert set(us) == {
        "regime-applied",
        "optout-links",
        "optout-granted",
        "optout-gpc",
        "optout-do-not-sell",
    }
    assert "regime 'opt_out'" in us["regime-applied"].evidence[0]
    links = us["optout-links"].evidence[0]
    assert "'Do Not Sell or Share My Personal Information' visible, reached by Tab" in links
    assert "'Your Privacy Choices' visible, reached by Tab" in links
    assert "'signal:gpc'" in us["optout-gpc"].evidence[0]
    assert "advertising tags requested: 0" in us["optout-gpc"].evidence[0]
    assert "recorded method 'opt_out'" in us["optout-do-not-sell"].evidence[0]
    assert "method 'notice'" in us["optout-granted"].evidence[0]
    eu = _section(report, "eu")
    assert "0 requested before a choice" in eu["no-tags-before-consent"].evidence[0]
    assert eu["choice-equal-size"].evidence[0].startswith("AT (CF-IPCountry: AT)")
    strictest = report.sections[-1]
    assert (
        strictest.place == ""
        and "jurisdiction 'unknown', regime 'opt_in'" in (strictest.findings[0].evidence[0])
    )
    text = render_text(report)
    assert "Regime us (opt_out), as US-CA (CF-IPCountry: US, CF-Region-Code: CA): 5 pass" in text
    assert "11 CCR §7026" in text


def test_report_fails_the_gpc_rule_when_gpc_no_longer_refuses_advertising(
    browser: t.Any, tmp_path: Path
) -> None:
    demo = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
    # The advertising category no longer refused by GPC: sale/sharing goes on for a GPC browser.
    broken = demo.replace("gpc_refuses = true", "gpc_refuses = false", 1)
    assert broken != demo
    report = _regimes_report(tmp_path, browser, broken)
    assert not report.ok
    us = _section(report, "us")
    gpc, dns = us["optout-gpc"], us["optout-do-not-sell"]
    assert gpc.status == FAIL and "still granted: advertising" in gpc.failed[0]
    assert "advertising tags requested: 0" not in gpc.failed[0]
    assert dns.status == FAIL and "requested 0 of" not in dns.failed[0]
    # The notice itself still works, and the opt-in regimes are untouched.
    assert us["optout-links"].status == PASS
    assert all(f.status == PASS for f in _section(report, "eu").values())


def test_uk_section_measures_the_statistics_exception_and_the_eu_section_does_not_exempt(
    browser: t.Any, tmp_path: Path
) -> None:
    demo = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
    site = demo.replace('places = ["GB"]', 'places = ["GB"]\nuk_statistics_exception = true', 1)
    report = _regimes_report(tmp_path, browser, site + UK_SITE)
    uk, eu = _section(report, "uk"), _section(report, "eu")
    exception = uk["uk-statistics-exception"]
    assert exception.status == PASS, exception.evidence
    assert "recorded 'objection' in one click" in exception.evidence[0]
    assert "exempt as UK statistics: voltline-stats" in uk["no-tags-before-consent"].evidence[0]
    # In Austria the exception is not law: the statistics count as tracking, and stay blocked.
    assert "uk-statistics-exception" not in eu
    assert eu["no-tags-before-consent"].status == PASS
    assert "exempt" not in eu["no-tags-before-consent"].evidence[0]


def test_without_a_geo_header_the_uk_exception_is_not_in_force_nor_measured_as_such(
    browser: t.Any, tmp_path: Path
) -> None:
    demo = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
    site = demo.replace('places = ["GB"]', 'places = ["GB"]\nuk_statistics_exception = true', 1)
    app = _geo_app(tmp_path, site + UK_SITE)
    config = app.extensions["cookiegate"].sites["demo"]
    measured, _ = run_browser(app, config, browser, variants=[])
    findings = {f.rule: f for f in build_findings(measured)}
    # The main report's visits send no header: the statistics are blocked like any tracking.
    blocking = findings["no-tags-before-consent"]
    assert blocking.status == PASS, blocking.evidence
    assert (
        "exempt" not in blocking.evidence[0]
        and "0 requested before a choice" in blocking.evidence[0]
    )
    assert "uk-statistics-exception" not in findings or not any(
        "Object" in e for e in findings["uk-statistics-exception"].evidence
    )
