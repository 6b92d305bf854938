"""Saved compliance reports: the latest per site in the store, and the admin page that shows it."""

from __future__ import annotations

import typing as t

from click.testing import CliRunner
from flask import Flask

from cookiegate.cli.main import main
from cookiegate.compliance import Check
from cookiegate.compliance import Report
from cookiegate.compliance import build_findings
from cookiegate.compliance.report import Section
from cookiegate.services import compliance as compliance_store
from cookiegate.store import Store

from ..admin_helpers import AdminActions


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


def test_admin_page_in_german_shows_the_regime_sections_rules_and_title_in_german(
    staff: AdminActions, app: Flask
) -> None:
    # A site with [jurisdictions]: its opt-out section's rule titles, statements and heading
    # follow the admin's language like the main report's rules do.
    checks = [("US-CA", Check("optout-gpc", False, "advertising tags requested: 9"))]
    findings = build_findings(checks, order=("regime-applied", "optout-gpc"))
    headers = {"CF-IPCountry": "US", "CF-Region-Code": "CA"}
    section = Section("us", "opt_out", "US-CA", headers, findings)
    report = Report(
        "demo", "Demo", 1, "2026-12-03T08:00:00Z", build_findings([]), {}, (), (section,)
    )
    compliance_store.save(app.extensions["cookiegate"].store, report)
    staff.as_viewer()
    page = staff.client.get("/admin/compliance", headers={"Accept-Language": "de"})
    html = page.get_data(as_text=True)
    assert 'lang="de"' in html
    assert "Global Privacy Control widerspricht Verkauf und Weitergabe" in html
    assert "Global Privacy Control opts out of sale and sharing" not in html
    assert "Bei einem Browser, der Global Privacy Control sendet" in html
    assert "Der Ort des Besuchers bestimmt seine Regelung" in html
    assert (
        "Regelung us (opt_out), als US-CA (CF-IPCountry: US, CF-Region-Code: CA): "
        "0 bestanden, 1 nicht bestanden, 1 nicht geprüft</h4>"
    ) in html
    assert "advertising tags requested: 9" in html  # evidence is what was measured, as measured
