"""What the site config is missing, as a fragment the web team can paste.

Catalogue services are proposed by id (``services = [...]``, or an empty
``[services.<id>]`` table in a config written with tables), so their hosts,
cookies and Consent Mode signals come from the reviewed catalogue; hosts no
one knows become custom ``[services.<id>]`` entries that block them until
consent, with a comment asking for the right category.
"""

from __future__ import annotations

import re
import tomllib
import typing as t
from pathlib import Path

from ..core.patterns import check_pattern
from .urls import site_of

if t.TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..siteconfig.model import SiteConfig


def _slug(domain: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", domain.lower()).strip("-")[:60] or "unknown"


def _toml(text: str) -> str:
    """A TOML basic string (escapes quotes, backslashes and control characters)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _unknown_category(config: SiteConfig) -> str:
    """Where an unknown tracker goes: blocked until consent, in the strictest optional category."""
    ids = [c.id for c in config.optional_categories]
    for preferred in ("advertising", "marketing", "analytics"):
        if preferred in ids:
            return preferred
    return ids[-1] if ids else "necessary"


def config_advice(
    config: SiteConfig,
    services: list[dict[str, t.Any]],
    unmatched: list[dict[str, t.Any]],
    catalogue: Catalogue,
) -> dict[str, t.Any]:
    """Which found services the config does not cover, and the fragment that adds them.

    A service is covered when the config lists its catalogue id or has a
    service whose patterns or cookie names matched what was seen.
    """
    config_ids = {s.id for s in config.services}
    covered, missing, notes = [], [], []
    for s in services:
        if s["site_service"] or s["id"] in config_ids:
            covered.append(s["id"])
            continue
        entry = catalogue.get(s["id"])
        if entry is None:
            continue
        missing.append(
            {
                "id": entry.id,
                "name": entry.name,
                "category": entry.category,
                "before_consent": s["before_consent"],
            }
        )
    custom: dict[str, dict[str, t.Any]] = {}
    for h in unmatched:
        domain = site_of(h["host"])
        if check_pattern(domain):
            notes.append(f"{h['host']} cannot be written as a pattern; block it by hand.")
            continue
        c = custom.setdefault(domain, {"id": _slug(domain), "domain": domain, "hosts": []})
        c["hosts"].append(h["host"])
    return {
        "site": config.id,
        "covered": covered,
        "missing": missing,
        "custom": list(custom.values()),
        "notes": notes,
        "fragment": _fragment(config, missing, list(custom.values()), catalogue),
    }


def _uses_list(config: SiteConfig) -> bool:
    """Whether the config file lists ``services = [ids]`` instead of ``[services.<id>]`` tables."""
    try:
        data = tomllib.loads(Path(config.source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("services"), list)


def _fragment(
    config: SiteConfig,
    missing: list[dict[str, t.Any]],
    custom: list[dict[str, t.Any]],
    catalogue: Catalogue,
) -> str:
    """TOML to paste: the list form when the config has one and nothing custom is needed,
    else one table per service (an empty ``[services.<catalogue id>]`` takes the entry as is)."""
    if not missing and not custom:
        return ""
    lines = [f"# Found by cookiegate scan and missing from {config.source}."]
    as_list = _uses_list(config)
    if as_list and not custom:
        listed = [s.id for s in config.services] + [m["id"] for m in missing]
        lines.append("# Replace the services list (above the first [table]) with:")
        lines.append("services = [" + ", ".join(_toml(i) for i in listed) + "]")
    have = {c.id for c in config.categories}
    for category in sorted({m["category"] for m in missing} - have):
        lines += [
            "",
            f"# The catalogue puts some of them in {category!r}, new to this site.",
            f"[categories.{category}]",
        ]
    if as_list and not custom:
        return "\n".join(lines) + "\n"
    if as_list:
        lines.append("# Custom services need the table form: replace the services list with these.")
        for s in config.services:
            lines += ["", f"[services.{s.id}]"]
    for m in missing:
        entry = catalogue.get(m["id"])
        purpose = entry.purpose if entry else ""
        lines += ["", f"# {m['name']} ({m['category']}): {purpose}", f"[services.{m['id']}]"]
    category = _unknown_category(config)
    for c in custom:
        lines += [
            "",
            f"# Unknown: {', '.join(sorted(c['hosts']))}. Find out what it is; until then it is",
            f"# blocked until consent under {category!r}. Set the right category and name.",
            f"[services.{c['id']}]",
            f"name = {_toml(c['domain'])}",
            f"category = {_toml(category)}",
            f"description = {_toml('Unknown third party found by cookiegate scan.')}",
            f"patterns = [{_toml(c['domain'])}]",
        ]
    return "\n".join(lines) + "\n"
