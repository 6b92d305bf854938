"""``cookiegate compliance SITE``: the report on standard output or in a file, errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from cookiegate.cli.main import main
from cookiegate.compliance import FAIL
from cookiegate.compliance import NOT_CHECKED
from cookiegate.compliance import PASS
from cookiegate.compliance.rules import BROWSER
from cookiegate.compliance.rules import RULES
from cookiegate.services import compliance as compliance_store


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


def test_html_format_is_a_standalone_page(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        main, ["compliance", "demo", "--no-browser", "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert 'id="demo-consent-lifetime"' in page and "NOT CHECKED" in page


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


def test_an_unwritable_output_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "report.txt"
    result = runner.invoke(main, ["compliance", "demo", "--no-browser", "-o", str(target)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "report.txt" in result.output


def test_no_browser_names_the_jurisdiction_sections_it_did_not_measure(runner: CliRunner) -> None:
    result = runner.invoke(main, ["compliance", "demo", "--no-browser", "--format", "json"])
    notes = json.loads(result.stdout)["notes"]
    skipped = [n for n in notes if "jurisdiction sections were not measured" in n]
    assert len(skipped) == 1
    for overlay in ("eu (opt_in)", "uk (opt_in)", "us (opt_out)"):
        assert overlay in skipped[0]
