"""Which rules each regime of a site's ``[jurisdictions]`` is judged by, where each is visited,
and the report's sections per regime. The measurements run in e2e/test_compliance.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cookiegate.compliance import FAIL
from cookiegate.compliance import PASS
from cookiegate.compliance import Check
from cookiegate.compliance import Report
from cookiegate.compliance import build_findings
from cookiegate.compliance import render
from cookiegate.compliance.regimes import rules_for
from cookiegate.compliance.regimes import visits
from cookiegate.compliance.report import Section
from cookiegate.compliance.rules import BY_ID
from cookiegate.compliance.rules import REGIME_RULES
from cookiegate.compliance.rules import RULES
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.jurisdiction.source import GeoSource
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.model import SiteConfig
from tests.site_fragments import UK_SITE
from tests.site_fragments import uk_only

CLOUDFLARE = GeoSource("CF-IPCountry", "CF-Region-Code")
DEMO = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")


def _site(tmp_path: Path, text: str) -> SiteConfig:
    path = tmp_path / "demo.toml"
    path.write_text(text, encoding="utf-8")
    return load_site(path)


@pytest.fixture
def demo() -> SiteConfig:
    return load_site(DEMO_SITES_DIR / "demo.toml")


def test_each_overlay_is_visited_at_its_first_place_and_once_without_a_header(
    demo: SiteConfig,
) -> None:
    found = [(v.overlay, v.regime, v.place, v.headers) for v in visits(demo, CLOUDFLARE)]
    assert found == [
        ("eu", "opt_in", "AT", {"CF-IPCountry": "AT"}),
        ("uk", "opt_in", "GB", {"CF-IPCountry": "GB"}),
        ("us", "opt_out", "US-CA", {"CF-IPCountry": "US", "CF-Region-Code": "CA"}),
        # No header: the strictest overlay, the one the main report was measured under.
        ("eu", "opt_in", "", {}),
    ]
    us = visits(demo, CLOUDFLARE)[2]
    assert us.granted == ("functional", "analytics", "personalisation", "advertising")


def test_header_names_are_the_deployments_own(demo: SiteConfig) -> None:
    cloudfront = GeoSource("CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Region")
    us = visits(demo, cloudfront)[2]
    assert us.headers == {
        "CloudFront-Viewer-Country": "US",
        "CloudFront-Viewer-Country-Region": "CA",
    }


def test_a_site_without_jurisdictions_has_no_regime_section(tmp_path: Path) -> None:
    assert visits(_site(tmp_path, uk_only(DEMO)), CLOUDFLARE) == []


def test_opt_in_regimes_are_judged_by_the_consent_first_rules(demo: SiteConfig) -> None:
    eu, uk, us, none = visits(demo, CLOUDFLARE)
    assert rules_for(eu) == rules_for(uk)
    assert {"no-tags-before-consent", "no-pre-ticked", "choice-equal-size"} <= set(rules_for(eu))
    assert "uk-statistics-exception" not in rules_for(uk)  # the demo leaves it off
    assert not any(r.startswith("optout-") for r in rules_for(eu))
    assert rules_for(none) == ("regime-applied",)


def test_the_opt_out_regime_is_judged_by_the_us_state_rules(demo: SiteConfig) -> None:
    us = visits(demo, CLOUDFLARE)[2]
    assert rules_for(us) == (
        "regime-applied",
        "optout-links",
        "optout-granted",
        "optout-gpc",
        "optout-do-not-sell",
    )
    for rule in rules_for(us)[1:]:
        assert any("11 CCR §70" in s for s in BY_ID[rule].sources), rule


def test_the_uk_exception_adds_its_rule_to_the_uk_regime_only(tmp_path: Path) -> None:
    text = DEMO.replace('places = ["GB"]', 'places = ["GB"]\nuk_statistics_exception = true', 1)
    eu, uk, _, none = visits(_site(tmp_path, text + UK_SITE), CLOUDFLARE)
    assert uk.uk_statistics and rules_for(uk)[-1] == "uk-statistics-exception"
    assert "uk-statistics-exception" not in rules_for(eu) + rules_for(none)


def test_regime_rules_stay_out_of_the_main_report() -> None:
    # A site without [jurisdictions] gets exactly the rules it always got.
    assert not {r.id for r in REGIME_RULES} & {r.id for r in RULES}
    assert [f.rule for f in build_findings([])] == [r.id for r in RULES]


def _report(sections: tuple[Section, ...] = ()) -> Report:
    return Report(
        "demo", "Voltline", 3, "2026-12-03T08:00:00Z", build_findings([]), {}, (), sections
    )


def test_a_section_lists_only_its_regimes_rules_and_a_failure_fails_the_report(
    demo: SiteConfig,
) -> None:
    us = visits(demo, CLOUDFLARE)[2]
    measured = [
        ("US-CA", Check("optout-gpc", False, "advertising tags requested: 9")),
        ("US-CA", Check("optout-links", True, "reached by Tab press 2")),
        ("US-CA", Check("wcag-axe", True, "not this regime's rule: left out")),
    ]
    findings = build_findings(measured, order=rules_for(us))
    assert [f.rule for f in findings] == list(rules_for(us))
    by_rule = {f.rule: f for f in findings}
    assert by_rule["optout-gpc"].status == FAIL and by_rule["optout-links"].status == PASS
    section = Section(us.overlay, us.regime, us.place, us.headers, findings)
    report = _report((section,))
    assert report.counts[FAIL] == 0 and not report.ok  # the section's failure counts
    assert "failing: us as US-CA" in report.summary()
    text = render(report, "text")
    assert "Regime us (opt_out), as US-CA (CF-IPCountry: US, CF-Region-Code: CA)" in text
    assert "- US-CA: advertising tags requested: 9" in text


def test_sections_round_trip_and_a_report_without_them_keeps_its_old_shape(
    demo: SiteConfig,
) -> None:
    assert "sections" not in json.loads(_report().to_json())
    us = visits(demo, CLOUDFLARE)[2]
    checks = [("US-CA", Check("optout-gpc", True, "0 advertising tags"))]
    section = Section(
        "us", "opt_out", "US-CA", us.headers, build_findings(checks, order=("optout-gpc",))
    )
    report = _report((section,))
    back = Report.from_json(report.to_json())
    assert back == report
    row = json.loads(report.to_json())["sections"][0]["findings"][0]
    assert row["title"] == BY_ID["optout-gpc"].title and row["status"] == PASS


def test_the_html_report_shows_each_regime_section_with_its_evidence_escaped(
    demo: SiteConfig,
) -> None:
    us = visits(demo, CLOUDFLARE)[2]
    checks = [("US-CA", Check("optout-gpc", False, '<img src=x onerror="alert(1)"> 9 ads'))]
    findings = build_findings(checks, order=rules_for(us))
    page = render(_report((Section("us", "opt_out", "US-CA", us.headers, findings),)), "html")
    assert 'id="demo-regime-1-optout-gpc"' in page
    assert "Regime us (opt_out), as US-CA (CF-IPCountry: US, CF-Region-Code: CA)" in page
    assert "&lt;img src=x" in page and "<img src=x" not in page
