"""What a rule is, and the words the rule tables are written with.

A :class:`Rule` is one checkable promise; the sources the rules cite are named once here,
so the tables in :mod:`.consent` and :mod:`.accessibility` read as data. Statements and
titles are marked with :func:`N_` so the admin page can show them translated; the CLI prints
them in English.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(text: str) -> str:
    """Mark ``text`` for the translation catalogs without translating it here."""
    return text


EDPB = "EDPB Cookie Banner Taskforce report (2023)"
CNIL = "CNIL guidelines and recommendation on cookies (2020)"
ICO = "ICO guidance on storage and access technologies"
WCAG = "WCAG 2.2 AA / EN 301 549 / European Accessibility Act"
CCPA = "CCPA regulations §7025 (opt-out preference signals)"
CPA = "Colorado Privacy Act rules 4 CCR 904-3, rule 5 (universal opt-out)"
PLANET49 = "CJEU C-673/17 Planet49 (2019)"
PECR = "PECR reg. 6 as amended by the Data (Use and Access) Act 2025"
EPRIVACY = "ePrivacy Directive art. 5(3)"
GDPR13 = "GDPR art. 13(1)(e) (recipients)"

#: How a rule is checked.
CONFIG, BROWSER, SERVER = "config", "browser", "server"


@dataclass(frozen=True)
class Rule:
    """One checkable promise about the banner or the site config."""

    id: str
    title: str
    #: Regulators and standards that require it.
    sources: tuple[str, ...]
    #: What holds when the rule passes, in words a DPO can repeat to an auditor.
    statement: str
    #: ``config``, ``browser`` and/or ``server``: where the report's evidence comes from.
    methods: tuple[str, ...]
    #: pytest node ids of the tests that guard the rule in CI.
    tests: tuple[str, ...]
