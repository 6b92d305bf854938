"""The standalone HTML report escapes what it shows (text and JSON are checked through the CLI)."""

from __future__ import annotations

from cookiegate.compliance import Check
from cookiegate.compliance import Report
from cookiegate.compliance import build_findings
from cookiegate.compliance import render_html


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
