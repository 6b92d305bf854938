"""The compliance report: each rule with pass, fail or not checked, and the evidence.

Measurements (from the config checks, the browser harness and
:mod:`cookiegate.audit`) arrive as ``Check(rule, passed, evidence)`` objects;
:func:`build_report` files them under the registry's rules. A rule passes only
when something was measured and nothing failed: a rule nobody could measure is
"not checked", never a pass. The report is plain data, rendered as text for the
terminal, JSON for machines (and the admin page, which stores it) and HTML for
an auditor.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import jinja2

from .rules import BY_ID
from .rules import RULES

PASS, FAIL, NOT_CHECKED = "pass", "fail", "not checked"
STATUSES = (PASS, FAIL, NOT_CHECKED)
BROWSER_NOTE = "Browser rules were not checked (--no-browser)."
#: Version of the stored JSON shape; a reader refuses shapes it does not know.
SCHEMA = 1


class Measured(t.Protocol):
    """What every measurement gives (``cookiegate.audit.Check`` has the same fields)."""

    @property
    def rule(self) -> str: ...
    @property
    def passed(self) -> bool: ...
    @property
    def evidence(self) -> str: ...


@dataclass(frozen=True)
class Check:
    """One measurement: the rule it bears on, its outcome and what was measured."""

    rule: str
    passed: bool
    evidence: str


@dataclass(frozen=True)
class Finding:
    """A rule's outcome in one report, with every piece of evidence behind it."""

    rule: str
    status: str
    evidence: tuple[str, ...]
    #: Failed evidence first is what a reader needs; kept apart for the renderers.
    failed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """The compliance report of one site, as run at one time."""

    site: str
    site_name: str
    revision: int
    created_at: str
    findings: tuple[Finding, ...]
    #: What the browser part ran on: page URL, Chromium version, variants; empty without it.
    browser: dict[str, t.Any] = field(default_factory=dict)
    #: Why rules were not checked, in one line each (``--no-browser``, a missing piece).
    notes: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(f.status == s for f in self.findings) for s in STATUSES}

    @property
    def ok(self) -> bool:
        """No rule failed (rules not checked do not make the report fail)."""
        return self.counts[FAIL] == 0

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.site}: {c[PASS]} pass, {c[FAIL]} fail, {c[NOT_CHECKED]} not checked "
            f"({len(self.findings)} rules, revision {self.revision}, {self.created_at})"
        )

    def to_dict(self) -> dict[str, t.Any]:
        data = asdict(self)
        data["schema"] = SCHEMA
        data["summary"] = self.counts
        data["findings"] = [{**asdict(f), **_rule_fields(f.rule)} for f in self.findings]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Read a stored report back.

        :raises ValueError: the text is not a report of a shape this version knows.
        """
        try:
            data = json.loads(text)
            if data.get("schema") != SCHEMA:
                raise ValueError(f"unknown report schema {data.get('schema')!r}")
            findings = tuple(
                Finding(f["rule"], f["status"], tuple(f["evidence"]), tuple(f.get("failed", ())))
                for f in data["findings"]
            )
            return cls(
                site=data["site"],
                site_name=data["site_name"],
                revision=int(data["revision"]),
                created_at=data["created_at"],
                findings=findings,
                browser=dict(data["browser"]),
                notes=tuple(data["notes"]),
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as e:
            raise ValueError(f"Not a compliance report: {e}") from None


def _rule_fields(rule_id: str) -> dict[str, t.Any]:
    rule = BY_ID.get(rule_id)
    if rule is None:
        return {"title": rule_id, "statement": "", "sources": [], "methods": [], "tests": []}
    return {
        "title": rule.title,
        "statement": rule.statement,
        "sources": list(rule.sources),
        "methods": list(rule.methods),
        "tests": list(rule.tests),
    }


def build_findings(
    measured: t.Iterable[tuple[str, Measured]], unchecked: t.Mapping[str, str] | None = None
) -> tuple[Finding, ...]:
    """File labelled measurements under the registry's rules, in registry order.

    :param measured: ``(label, check)`` pairs; the label (e.g. "dark, 360 px")
        prefixes the evidence, so an auditor sees where each number came from.
    :param unchecked: rule id -> why it was not measured, shown as its evidence.
    A measurement of a rule the registry does not know is kept, under its own id.
    """
    evidence: dict[str, list[tuple[bool, str]]] = {}
    for label, check in measured:
        text = f"{label}: {check.evidence}" if label else check.evidence
        evidence.setdefault(check.rule, []).append((bool(check.passed), text))
    order = [r.id for r in RULES] + sorted(set(evidence) - set(BY_ID))
    findings = []
    for rule_id in order:
        got = evidence.get(rule_id, [])
        failed = tuple(text for ok, text in got if not ok)
        if not got:
            why = (unchecked or {}).get(rule_id, "Nothing measured this rule.")
            findings.append(Finding(rule_id, NOT_CHECKED, (why,)))
        else:
            status = FAIL if failed else PASS
            findings.append(Finding(rule_id, status, tuple(text for _, text in got), failed))
    return tuple(findings)


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
    for f in report.findings:
        rule = _rule_fields(f.rule)
        lines.append("")
        lines.append(f"{f.status.upper():<11} {f.rule}: {rule['title']}")
        if rule["statement"]:
            lines.append(f"            {rule['statement']}")
            lines.append(f"            Sources: {'; '.join(rule['sources'])}")
        shown = f.failed + tuple(e for e in f.evidence if e not in f.failed)
        lines += [f"            - {e}" for e in shown]
        if rule["tests"]:
            lines.append(f"            Guarded in CI by: {', '.join(rule['tests'])}")
    return "\n".join(lines) + "\n"


_TEMPLATES = Path(__file__).parent.parent / "templates"


def render_html(report: Report) -> str:
    """A standalone HTML page (no scripts, no outside resources) to hand to an auditor."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    # The shared partial translates its labels in the admin; the file is English.
    env.globals["_"] = lambda s, **kw: s % kw if kw else s
    env.globals["tr"] = str
    return env.get_template("compliance/standalone.html").render(
        report=report, rows=report_rows(report), expand=True
    )


def report_rows(report: Report) -> list[dict[str, t.Any]]:
    """Findings joined with their rule, for the HTML report and the admin page."""
    return finding_rows(report.findings)


def finding_rows(findings: t.Iterable[Finding]) -> list[dict[str, t.Any]]:
    return [{**asdict(f), **_rule_fields(f.rule)} for f in findings]


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "html":
        return render_html(report)
    return render_text(report)
