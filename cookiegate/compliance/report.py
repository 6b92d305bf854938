"""The compliance report: each rule with pass, fail or not checked, and the evidence behind it.

Measurements (the config checks, the server checks and the browser measurements of
:mod:`cookiegate.measure`) arrive as :class:`~cookiegate.measure.base.Check` objects;
:func:`build_findings` files them under the registry's rules. A rule passes only when
something was measured and nothing failed: a rule nobody could measure is "not checked",
never a pass. The report is plain data, stored as JSON (:meth:`Report.to_json`, read back by
:meth:`Report.from_json`) and rendered by :mod:`.render`.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

from ..core.errors import CookiegateError
from ..measure.base import Check
from .rules import BY_ID
from .rules import RULES
from .rules import rule_fields

PASS, FAIL, NOT_CHECKED = "pass", "fail", "not checked"
STATUSES = (PASS, FAIL, NOT_CHECKED)
BROWSER_NOTE = "Browser rules were not checked (--no-browser)."
#: Version of the stored JSON shape; a reader refuses shapes it does not know.
SCHEMA = 1


class ReportError(CookiegateError):
    """A stored compliance report cannot be read back."""


@dataclass(frozen=True)
class Finding:
    """A rule's outcome in one report, with every piece of evidence behind it."""

    rule: str
    status: str
    evidence: tuple[str, ...]
    #: Failed evidence first is what a reader needs; kept apart for the renderers.
    failed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """One regime of a site with ``[jurisdictions]``: its rules, measured as a visitor from
    ``place`` (empty: no geo header) with ``headers`` set on every request."""

    overlay: str
    regime: str
    place: str
    headers: dict[str, str]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(f.status != FAIL for f in self.findings)

    def rows(self) -> list[dict[str, t.Any]]:
        """The findings joined with their rules' texts, as the HTML pages show them."""
        return finding_rows(self.findings)

    def title(self) -> str:
        sent = ", ".join(f"{k}: {v}" for k, v in self.headers.items()) or "no geo header"
        where = self.place or "no geo header: the strictest"
        c = {s: sum(f.status == s for f in self.findings) for s in STATUSES}
        return (
            f"Regime {self.overlay} ({self.regime}), as {where} ({sent}): "
            f"{c[PASS]} pass, {c[FAIL]} fail, {c[NOT_CHECKED]} not checked"
        )


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
    #: One per regime of a site with ``[jurisdictions]`` (:mod:`.regimes`); none without.
    sections: tuple[Section, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(f.status == s for f in self.findings) for s in STATUSES}

    @property
    def ok(self) -> bool:
        """No rule failed, in any regime (rules not checked do not make the report fail)."""
        return self.counts[FAIL] == 0 and all(s.ok for s in self.sections)

    def summary(self) -> str:
        c = self.counts
        regimes = ""
        if self.sections:
            bad = [
                s.overlay + (f" as {s.place}" if s.place else "") for s in self.sections if not s.ok
            ]
            regimes = f"; {len(self.sections)} regime sections, failing: {', '.join(bad) or 'none'}"
        return (
            f"{self.site}: {c[PASS]} pass, {c[FAIL]} fail, {c[NOT_CHECKED]} not checked "
            f"({len(self.findings)} rules, revision {self.revision}, {self.created_at}){regimes}"
        )

    def to_dict(self) -> dict[str, t.Any]:
        data = asdict(self)
        data["schema"] = SCHEMA
        data["summary"] = self.counts
        data["findings"] = finding_rows(self.findings)
        if self.sections:
            data["sections"] = [
                {**asdict(s), "findings": finding_rows(s.findings)} for s in self.sections
            ]
        else:
            del data["sections"]  # a site without [jurisdictions]: the report of old
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Read a stored report back.

        :raises ReportError: the text is not a report of a shape this version knows.
        """
        try:
            data = json.loads(text)
            if data.get("schema") != SCHEMA:
                raise ReportError(
                    f"The stored compliance report has schema {data.get('schema')!r}; "
                    f"this version reads schema {SCHEMA}."
                )
            findings = _findings(data["findings"])
            sections = tuple(
                Section(
                    s["overlay"],
                    s["regime"],
                    s["place"],
                    dict(s["headers"]),
                    _findings(s["findings"]),
                )
                for s in data.get("sections", [])
            )
            return cls(
                site=data["site"],
                site_name=data["site_name"],
                revision=int(data["revision"]),
                created_at=data["created_at"],
                findings=findings,
                browser=dict(data["browser"]),
                notes=tuple(data["notes"]),
                sections=sections,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ReportError(
                f"The stored text is not a compliance report ({type(e).__name__}: {e})."
            ) from None


def _findings(rows: t.Iterable[dict[str, t.Any]]) -> tuple[Finding, ...]:
    return tuple(
        Finding(f["rule"], f["status"], tuple(f["evidence"]), tuple(f.get("failed", ())))
        for f in rows
    )


def finding_rows(findings: t.Iterable[Finding]) -> list[dict[str, t.Any]]:
    """Findings joined with their rule's texts, as the JSON report and the HTML pages show them."""
    return [{**asdict(f), **rule_fields(f.rule)} for f in findings]


def build_findings(
    measured: t.Iterable[tuple[str, Check]],
    unchecked: t.Mapping[str, str] | None = None,
    order: t.Sequence[str] | None = None,
) -> tuple[Finding, ...]:
    """File labelled measurements under the registry's rules, in registry order.

    :param measured: ``(label, check)`` pairs; the label (e.g. "dark, 360 px")
        prefixes the evidence, so an auditor sees where each number came from.
    :param unchecked: rule id -> why it was not measured, shown as its evidence.
    :param order: the rules to list (a regime's, :func:`.regimes.rules_for`); measurements
        of other rules are left out. Without it, the registry's rules, then any other measured.
    A measurement of a rule the registry does not know is kept, under its own id.
    """
    evidence: dict[str, list[tuple[bool, str]]] = {}
    for label, check in measured:
        text = f"{label}: {check.evidence}" if label else check.evidence
        evidence.setdefault(check.rule, []).append((bool(check.passed), text))
    if order is None:
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
