"""The rules a cookie banner is judged by: the registry, in report order, and lookups by id.

Each rule names its regulator or standard, says in plain words what a DPO can promise, how
``cookiegate compliance`` checks it (the site's config, a measurement in real Chromium, or an
answer of the server), and the tests that keep it true in CI.
``tests/compliance/test_rules.py`` checks that every named test exists, so the list cannot
rot when a test is renamed. The rules are data in two tables, :mod:`.consent` (the cookie
law) and :mod:`.accessibility` (WCAG); :mod:`.model` says what a rule is.
"""

from __future__ import annotations

import typing as t

from .accessibility import ACCESSIBILITY_RULES
from .consent import CONSENT_RULES
from .model import BROWSER
from .model import CONFIG
from .model import SERVER
from .model import Rule
from .regimes import REGIME_RULES

__all__ = [
    "BROWSER",
    "BY_ID",
    "CONFIG",
    "REGIME_RULES",
    "RULES",
    "SERVER",
    "Rule",
    "rule_fields",
]

RULES: tuple[Rule, ...] = CONSENT_RULES + ACCESSIBILITY_RULES
#: Every rule by id, the regimes' own (:mod:`.regimes`, listed per regime section) too.
BY_ID: dict[str, Rule] = {r.id: r for r in RULES + REGIME_RULES}


def rule_fields(rule_id: str) -> dict[str, t.Any]:
    """What the report shows of a rule beside its outcome: title, statement, sources, tests.

    A rule the registry does not know (a measurement of a newer version) shows its id as
    its title and nothing else.
    """
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
