"""Reading the service catalogue: one reviewed, sourced TOML file per service.

A retailer should not have to research the hosts and cookie names of Google
Analytics or the Meta Pixel, so cookiegate ships an entry per service in
``cookiegate/catalogue/entries/<id>.toml`` (one file each, so a vendor's
change is a one-file diff with its sources beside it). Site configs reference
entries by id, and the scanner attributes requests, cookies and storage keys
to them (:mod:`cookiegate.catalogue.model`).

Where two entries' patterns can match one URL (gtag.js serves Analytics and
Ads), the longer, more specific pattern wins, exactly as in the loader; the
data must make every such overlap deliberate, either with a pattern that only
narrows the other one or with ``yields_to`` on the losing entry. Loading
refuses anything else, so matching never depends on file order.
"""

from __future__ import annotations

import functools
import typing as t
from pathlib import Path

from ..core import checks
from ..core import overlaps
from ..core.errors import ConfigError
from ..core.errors import ConfigProblem
from ..core.fields import Fields
from ..core.toml import read_toml
from .model import Catalogue
from .model import Entry
from .signals import parse_signals

#: Where the shipped entries live (inside the package, so the wheel carries them).
CATALOGUE_DIR = Path(__file__).parent / "entries"


@functools.cache
def load_catalogue() -> Catalogue:
    """The shipped catalogue, read and checked once per process.

    :raises ConfigError: an entry is malformed or overlaps another undeclared.
    """
    return read_catalogue(CATALOGUE_DIR)


def read_catalogue(directory: Path) -> Catalogue:
    """Read every ``<id>.toml`` entry of ``directory`` and check them together.

    :raises ConfigError: naming the file and field of the first bad entry.
    """
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise ConfigError(str(directory), [ConfigProblem("", "No catalogue entries found.")])
    entries = {path: _read_entry(path) for path in files}
    for path, entry in entries.items():
        problems = list(_conflicts(entry, entries))
        if problems:
            raise ConfigError(str(path), problems)
    return Catalogue(entries.values())


def _read_entry(path: Path) -> Entry:
    return parse_entry(read_toml(path), path)


def parse_entry(data: t.Mapping[str, t.Any], path: Path) -> Entry:
    """Validate one parsed entry whose file is ``path`` (its stem is the id).

    :raises ConfigError: listing every problem of the entry by field.
    """
    f = Fields(data, "")
    entry_id = f.slug("id")
    if entry_id and entry_id != path.stem:
        f.problem("id", f"{entry_id!r} must match the file name {path.name!r}.")
    category = f.string("category", check=_check_category)
    categories = tuple(f.list_of("categories", str, check=_check_category, nonempty=True))
    if category and categories and category not in categories:
        f.problem("categories", f"Must include the default category {category!r}.")
    purpose = f.string("purpose")
    if purpose and (not purpose.endswith(".") or "\n" in purpose):
        f.problem("purpose", "Must be one plain sentence ending with a full stop.")
    cookies = tuple(f.list_of("cookies", str, default=[], check=checks.check_cookie_name))
    entry = Entry(
        id=entry_id,
        name=f.string("name"),
        vendor=f.string("vendor"),
        purpose=purpose,
        category=category,
        categories=categories,
        patterns=tuple(f.list_of("patterns", str, check=checks.check_pattern, nonempty=True)),
        cookies=cookies,
        storage=tuple(f.list_of("storage", str, default=[], check=checks.check_storage_key)),
        indexeddb=tuple(f.list_of("indexeddb", str, default=[], check=checks.check_database_name)),
        consent_mode=tuple(f.list_of("consent_mode", str, default=[], check=checks.check_signal)),
        privacy_url=f.string("privacy_url", check=_check_https),
        countries=tuple(f.list_of("countries", str, check=checks.check_country, nonempty=True)),
        sources=tuple(f.list_of("sources", str, check=_check_https, nonempty=True)),
        yields_to=tuple(f.list_of("yields_to", str, default=[])),
        tag_manager=f.flag("tag_manager", default=False),
        lifetimes=f.lifetimes("lifetimes", cookies, default={}),
        transfer=f.string("transfer", default=""),
        signals=parse_signals(f, _check_https),
    )
    f.finish()
    if f.problems:
        raise ConfigError(str(path), f.problems)
    return entry


def _check_category(value: str) -> str | None:
    if value not in checks.KNOWN_CATEGORIES:
        return f"{value!r} is not a built-in category; use one of {list(checks.KNOWN_CATEGORIES)}."
    return None


def _check_https(value: str) -> str | None:
    if not value.startswith("https://") or checks.check_policy_url(value):
        return f"{value!r} must be an https:// address."
    return None


_FIELDS = (
    ("patterns", overlaps.urls_meet, overlaps.url_refines, overlaps.url_specificity),
    ("cookies", overlaps.names_meet, overlaps.name_refines, overlaps.name_specificity),
    ("storage", overlaps.names_meet, overlaps.name_refines, overlaps.name_specificity),
    ("indexeddb", overlaps.names_meet, overlaps.name_refines, overlaps.name_specificity),
)


def _conflicts(entry: Entry, entries: t.Mapping[Path, Entry]) -> t.Iterator[ConfigProblem]:
    """Problems where ``entry`` loses an overlap with another entry it did not yield to.

    Each overlap is reported once, on the entry whose pattern loses (the less
    specific one), because that is the file whose author must say so.
    """
    others = {e.id: (p, e) for p, e in entries.items() if e.id != entry.id}
    for i, target in enumerate(entry.yields_to):
        if target not in others:
            yield ConfigProblem(f"yields_to[{i}]", f"{target!r} is not a catalogue entry.")
    used: set[str] = set()
    for field, meet, refines, order in _FIELDS:
        for i, mine in enumerate(getattr(entry, field)):
            for path, other in others.values():
                for theirs in getattr(other, field):
                    if not meet(mine, theirs):
                        continue
                    if order(theirs) > order(mine):
                        continue  # mine wins: the other file must say so
                    used.add(other.id)
                    if mine == theirs:
                        yield ConfigProblem(
                            f"{field}[{i}]",
                            f"{mine!r} is also claimed by {other.id!r} ({path.name}); "
                            "only one entry may claim it.",
                        )
                    elif not refines(theirs, mine) and other.id not in entry.yields_to:
                        yield ConfigProblem(
                            f"{field}[{i}]",
                            f"{mine!r} can match the same as {theirs!r} of {other.id!r} "
                            f"({path.name}), which is more specific and wins; make the "
                            f"patterns disjoint or add {other.id!r} to yields_to.",
                        )
    for i, target in enumerate(entry.yields_to):
        if target in others and target not in used:
            yield ConfigProblem(
                f"yields_to[{i}]", f"No pattern of {target!r} overlaps this entry's; remove it."
            )
