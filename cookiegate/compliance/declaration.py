"""The rule that the cookie declaration matches what the site really sets (drift).

The declaration (:mod:`cookiegate.declaration`) is built from the site config and joined to
the latest saved scan; what the scan saw that no declared service claims, and cookies living
longer than declared, are its drift. Without a scan nothing was compared, so the rule is
"not checked", never a pass.
"""

from __future__ import annotations

import typing as t

from ..measure.base import Check

if t.TYPE_CHECKING:
    from ..declaration.model import Declaration

RULE = "declaration-current"
NO_SCAN = "not checked: no saved scan of this site; run `cookiegate scan URL --site SITE`"
#: Findings listed in the evidence; the count says how many there were.
SHOWN = 10


def drift_checks(declaration: Declaration) -> list[Check]:
    """One check per drift finding, or one passing check; none without a scan."""
    if not declaration.scanned_on:
        return []
    if not declaration.drift:
        return [
            Check(
                RULE,
                True,
                f"scan of {declaration.scanned_on}: every cookie, storage key and third-party "
                "host seen is declared, none living longer than declared",
            )
        ]
    found = [Check(RULE, False, describe(f)) for f in declaration.drift[:SHOWN]]
    if len(declaration.drift) > SHOWN:
        found.append(
            Check(RULE, False, f"and {len(declaration.drift) - SHOWN} more drift findings")
        )
    return found


def describe(finding: t.Mapping[str, t.Any]) -> str:
    """One drift finding in a sentence: what, where (domain and the first page), whose."""
    kind, name, domain = finding["kind"], finding["name"], finding.get("domain") or ""
    pages = finding.get("pages") or []
    where = f" on {pages[0]}" if pages else ""
    at = f" (domain {domain})" if domain else ""
    if kind == "lifetime":
        seen, declared = finding["observed_seconds"], finding["declared_seconds"]
        return (
            f"cookie {name!r}{at} of {finding['service']!r} lives {_span(seen)}, "
            f"declared {_span(declared)}; seen{where}"
        )
    what = {"cookie": "cookie", "storage": "storage key", "host": "third-party host"}[kind]
    whose = f" (the catalogue's {finding['known_as']!r})" if finding.get("known_as") else ""
    return f"undeclared {what} {name!r}{at}{whose} seen{where}"


def _span(seconds: int) -> str:
    if seconds == 0:
        return "for the session"
    if seconds % 86400 == 0:
        return f"{seconds // 86400} days"
    return f"{seconds} s"
