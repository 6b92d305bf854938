"""The compliance report as text for a terminal, JSON for machines, or HTML for an auditor.

The HTML is a standalone page (no scripts, no outside resources) made from the same partial
the admin page includes (``templates/compliance/_results.html``), rendered outside Flask by
:mod:`cookiegate.core.templates`.
"""

from __future__ import annotations

import typing as t

from ..core import templates
from .report import Finding
from .report import Report
from .report import finding_rows
from .rules import rule_fields


def render(report: Report, fmt: str) -> str:
    """``report`` in ``fmt``: ``json``, ``html``, or anything else for text."""
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "html":
        return render_html(report)
    return render_text(report)


def render_text(report: Report) -> str:
    """The report for a terminal or a ticket: summary first, then each rule."""
    lines = [report.summary()]
    if report.browser:
        b = report.browser
        lines.append(
            f"Browser: {b.get('chromium', 'Chromium')}; {', '.join(b.get('variants', []))}; "
            f"page {b.get('page_url', '')}"
        )
    lines += [f"Note: {n}" for n in report.notes]
    lines += _rule_lines(report.findings)
    for section in report.sections:
        lines += ["", "=" * 72, section.title(), "=" * 72]
        lines += _rule_lines(section.findings)
    return "\n".join(lines) + "\n"


def _rule_lines(findings: t.Iterable[Finding]) -> list[str]:
    lines = []
    for f in findings:
        rule = rule_fields(f.rule)
        lines.append("")
        lines.append(f"{f.status.upper():<11} {f.rule}: {rule['title']}")
        if rule["statement"]:
            lines.append(f"            {rule['statement']}")
            lines.append(f"            Sources: {'; '.join(rule['sources'])}")
        shown = f.failed + tuple(e for e in f.evidence if e not in f.failed)
        lines += [f"            - {e}" for e in shown]
        if rule["tests"]:
            lines.append(f"            Guarded in CI by: {', '.join(rule['tests'])}")
    return lines


def render_html(report: Report) -> str:
    """A standalone HTML page (no scripts, no outside resources) to hand to an auditor."""
    return templates.render(
        "compliance/standalone.html", report=report, rows=finding_rows(report.findings), expand=True
    )
