"""The ``services`` of a site config: catalogue references, overrides and custom ones.

A retailer names the common tags by catalogue id and gets their reviewed hosts,
cookies and Consent Mode signals for free, in either form::

    services = ["google-analytics-4", "meta-pixel"]     # entries as they are

    [services.google-analytics-4]                        # an entry, some fields
    description = "Counts visits to our shop."           # replaced

    [services.analytics]                                 # the site's own id,
    catalogue = "google-analytics-4"                     # an entry's facts

    [services.voltline-shop]                             # not a catalogue id:
    name = "Account and basket"                          # a custom service
    category = "necessary"

A field written in a table replaces the catalogue's value as a whole (lists
too): one rule for every field, and the file alone shows what blocks. This
module resolves ids and inherited defaults, builds the services and judges
where a catalogue service was put.
"""

from __future__ import annotations

import typing as t

from ..catalogue.load import load_catalogue
from ..catalogue.model import Catalogue
from ..catalogue.model import Entry
from ..core import checks
from ..core.errors import ConfigProblem
from ..core.fields import Check as FieldCheck
from ..core.fields import Fields
from ..core.overlaps import url_refines
from . import rules
from .model import Service

#: Service fields and the catalogue entry attributes they inherit from.
INHERITED = {
    "name": "name",
    "provider": "vendor",
    "description": "purpose",
    "category": "category",
    "privacy_url": "privacy_url",
    "patterns": "patterns",
    "cookies": "cookies",
    "storage": "storage",
    "indexeddb": "indexeddb",
    "consent_mode": "consent_mode",
    "countries": "countries",
    "lifetimes": "lifetimes",
    "transfer": "transfer",
}


def parse_services(
    f: Fields, raw: t.Any, category_ids: set[str], warnings: list[ConfigProblem]
) -> t.Iterator[Service]:
    """The config's services, by catalogue id (inheriting every field) or described in full.

    :param f: the config's top-level fields; problems are recorded on them.
    :param raw: the parsed ``services`` value, a list of ids or a table of tables.
    :param category_ids: the site's categories, one of which each service names.
    :param warnings: where doubtful but legal choices are added.
    """
    for sid, s, entry in tables(f, raw):
        if not checks.is_slug(sid):
            f.problem(
                f"services.{sid}",
                f"{sid!r} is not a valid id (lower-case letters, digits, - and _).",
            )
        category = s.string("category", **inherit(entry, "category"))
        check_category(s, sid, category, entry, category_ids, warnings)
        service = Service(
            id=sid,
            name=s.string("name", **inherit(entry, "name")),
            category=category,
            provider=s.string("provider", **inherit(entry, "provider", "")),
            description=s.string("description", **inherit(entry, "description", "")),
            privacy_url=s.string(
                "privacy_url", check=checks.check_optional_url, **inherit(entry, "privacy_url", "")
            ),
            patterns=_listed(s, entry, "patterns", checks.check_pattern),
            cookies=(cookies := _listed(s, entry, "cookies", checks.check_cookie_name)),
            consent_mode=_listed(s, entry, "consent_mode", checks.check_signal),
            necessary_because=s.string("necessary_because", default=""),
            basis=s.string("basis", default="consent", check=rules.check_basis),
            storage=_listed(s, entry, "storage", checks.check_storage_key),
            indexeddb=_listed(s, entry, "indexeddb", checks.check_database_name),
            countries=_listed(s, entry, "countries", checks.check_country),
            catalogue_id=entry.id if entry else "",
            lifetimes=s.lifetimes("lifetimes", cookies, **inherit(entry, "lifetimes", {})),
            transfer=s.string("transfer", **inherit(entry, "transfer", "")),
        )
        if entry is None:
            check_custom(s.path, service.category, service.patterns, warnings)
        check_lifetimes(s.path, service, warnings)
        yield service
        s.finish()


def _listed(s: Fields, entry: Entry | None, field: str, check: FieldCheck) -> tuple[str, ...]:
    """A list field of strings, each checked, defaulting to the catalogue entry's value."""
    return tuple(s.list_of(field, str, check=check, **inherit(entry, field, [])))


def tables(f: Fields, raw: t.Any) -> t.Iterator[tuple[str, Fields, Entry | None]]:
    """Each service of the config: its id, its fields and its catalogue entry (or None).

    :param f: the config's top-level fields; problems are recorded on them.
    :param raw: the parsed ``services`` value, a list of ids or a table of tables.
    """
    catalogue = load_catalogue()
    if isinstance(raw, list):
        for i, sid in enumerate(f.list_of("services", str, default=[])):
            entry = catalogue.get(sid)
            if entry is None:
                f.problem(f"services[{i}]", _unknown(catalogue, sid))
                continue
            yield sid, Fields({}, f"services.{sid}", f.problems), entry
        return
    table = f.table("services")
    for sid in table.keys():
        s = table.table(sid)
        # `catalogue = "<id>"` keeps a site's own service id (stored in proofs
        # and visitors' choices) while taking the entry's facts.
        ref = s.string("catalogue", default="")
        entry = catalogue.get(ref or sid)
        body = raw.get(sid) if isinstance(raw, dict) else None
        if ref and entry is None:
            s.problem("catalogue", _unknown(catalogue, ref))
        elif entry is None and isinstance(body, dict) and "name" not in body:
            if hint := catalogue.nearest(sid):
                table.problem(
                    sid,
                    f"{sid!r} is not a catalogue id, so it is a custom service and needs a "
                    f"name and a category; did you mean the catalogue's {hint!r}?",
                )
        yield sid, s, entry


def _unknown(catalogue: Catalogue, sid: str) -> str:
    hint = catalogue.nearest(sid)
    why = f"{sid!r} is not in the service catalogue"
    if hint:
        return f"{why}; did you mean {hint!r}?"
    return (
        f"{why}; describe it in a [services.{sid}] table instead "
        "(`cookiegate catalogue` lists the ids)."
    )


def inherit(entry: Entry | None, field: str, fallback: t.Any = None) -> dict[str, t.Any]:
    """Keyword arguments making a catalogue value the default of a service field.

    Without an entry the field falls back to ``fallback``, or is required when
    there is none (``name`` and ``category`` of a custom service).
    """
    if entry is not None:
        value = getattr(entry, INHERITED[field])
        return {"default": list(value) if isinstance(value, tuple) else value}
    return {} if fallback is None else {"default": fallback}


def check_category(
    s: Fields,
    sid: str,
    category: str,
    entry: Entry | None,
    category_ids: t.Collection[str],
    warnings: list[ConfigProblem],
) -> None:
    """Record a missing category as a problem and a poorly fitting one as a warning.

    A category that does not fit the service's purpose is legal (the retailer
    may know better) but usually a mistake that lets a tracker run under a
    harmless-sounding choice, so check-config says so without failing.
    """
    if not category or category in category_ids:
        if entry is not None and category and category not in entry.categories:
            warnings.append(
                ConfigProblem(
                    f"{s.path}.category",
                    f"{entry.name!r} is in {category!r}, but its purpose ({entry.purpose}) "
                    f"fits {list(entry.categories)}; visitors who allow {category!r} "
                    "would not expect it.",
                )
            )
        return
    if entry is not None and category == entry.category:
        s.problem(
            "category",
            f"{sid!r} belongs in {category!r} by default, which this site lacks; "
            f"add a [categories.{category}] table or set this service's category to "
            f"one of {sorted(category_ids)}.",
        )
    else:
        s.problem(
            "category",
            f"{category!r} is not one of the site's categories {sorted(category_ids)}.",
        )


def check_lifetimes(path: str, service: Service, warnings: list[ConfigProblem]) -> None:
    """Warn about cookies without a declared lifetime: the cookie declaration must say how long
    each one lives (GDPR Art. 13(2)(a)), and the drift rule can only compare declared ones."""
    missing = [c for c in service.cookies if service.lifetime(c) is None]
    if missing:
        warnings.append(
            ConfigProblem(
                f"{path}.lifetimes",
                f"{service.name!r} declares no lifetime for {missing}; the cookie declaration "
                'will say "not declared" until you add them (e.g. _ga = "2y").',
            )
        )


def check_custom(
    path: str,
    category: str,
    patterns: t.Iterable[str],
    warnings: list[ConfigProblem],
) -> None:
    """Warn when a custom service blocks a catalogue service's URLs under a category
    none of those services fits (a hand-written Meta Pixel under ``functional``).
    """
    catalogue = load_catalogue()
    hits = {
        e.id: e
        for p in patterns
        for e in catalogue.entries
        # Containment, not mere overlap: `*` lets almost any two paths meet.
        if any(url_refines(p, q) or url_refines(q, p) for q in e.patterns)
    }
    if not category or not hits or any(category in e.categories for e in hits.values()):
        return
    names = ", ".join(f"{e.name} ({'/'.join(e.categories)})" for e in hits.values())
    warnings.append(
        ConfigProblem(
            f"{path}.category",
            f"its patterns match the catalogue's {names}, but it is in {category!r}; "
            f"visitors who allow {category!r} would not expect it (name the catalogue "
            'entry with `catalogue = "<id>"` to take its reviewed facts).',
        )
    )
