"""What the latest scan saw, joined to the declaration, and what it saw that is not declared.

Each cookie and storage key the scan found is given to the service that declares it: a
first-party one by its name (``_ga_ABC123`` is the ``_ga_*`` of Google Analytics), a
third-party one by its domain (a cookie on ``.doubleclick.net`` belongs to the service
whose patterns name that host), and each third-party request by its URL. The declared
item then says "observed on DATE" with the longest lifetime seen; a third-party cookie of
a declared service joins that service as seen. Anything no service of the site claims is
*drift*: the declaration lacks it. So is a cookie living longer than declared.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import replace
from datetime import date
from urllib.parse import urlsplit

from ..core.patterns import pattern_regex
from ..core.patterns import url_without_scheme
from .model import Declaration
from .model import Entry
from .model import Item
from .model import matcher
from .model import with_items

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

Row = t.Mapping[str, t.Any]
#: Slack for lifetimes seen: the scan keeps expiry dates, not times, so a "24h" cookie
#: set late in the day shows as two days.
DAY = 86400
#: What a scan reports for an expiry past what a date can hold (browsers cap at 400 days).
FAR_FUTURE = 100 * 365 * DAY


def annotate(
    declaration: Declaration, config: SiteConfig, scan: Row, scanned_on: str
) -> Declaration:
    """``declaration`` with the scan's sightings on its items and its drift findings."""
    joined = _Join(declaration, config, scanned_on)
    for row in scan.get("cookies", []):
        joined.cookie(row)
    for row in scan.get("storage", []):
        joined.storage(row)
    for row in scan.get("requests", []):
        joined.request(row)
    return joined.result()


class _Join:
    """The declaration's entries, mutable while the scan's rows are given to them."""

    def __init__(self, declaration: Declaration, config: SiteConfig, scanned_on: str) -> None:
        self.declaration, self.config, self.day = declaration, config, scanned_on
        self.entries = {e.id: e for e in declaration.entries()}
        self.cookie_items = {e.id: {i.name: i for i in e.cookies} for e in self.entries.values()}
        self.storage_items = {e.id: {i.name: i for i in e.storage} for e in self.entries.values()}
        self.hosts: dict[str, list[str]] = {e.id: [] for e in self.entries.values()}
        self.drift: list[dict[str, t.Any]] = []
        self._cookie_names = {sid: matcher(c) for sid, c in self.cookie_items.items()}
        self._storage_names = {sid: matcher(s) for sid, s in self.storage_items.items()}
        self._urls = [
            (re.compile(pattern_regex(p)), s.id) for s in config.services for p in s.patterns
        ]
        self._hosts = [(p.split("/", 1)[0], s.id) for s in config.services for p in s.patterns]

    def _by_url(self, url: str) -> str | None:
        target = url_without_scheme(url)
        return next((sid for rx, sid in self._urls if rx.search(target)), None)

    def _by_host(self, host: str) -> str | None:
        """The service one of whose patterns names ``host`` or a parent of it: a vendor's
        cookie or storage lives on its host, whatever path its scripts have."""
        host = host.lower().strip(".")
        return next((sid for h, sid in self._hosts if host == h or host.endswith("." + h)), None)

    def cookie(self, row: Row) -> None:
        name, domain = str(row["name"]), str(row.get("domain", ""))
        first = row.get("party") == "first"
        seconds = lifetime_seen(str(row.get("expires", "")), self.day)
        pages = tuple(row.get("pages", ()))
        if first:
            for sid, match in self._cookie_names.items():
                declared = match(name)
                if declared is not None:
                    self._seen(self.cookie_items[sid], declared, name, domain, seconds, pages, sid)
                    return
        else:
            owner = self._by_host(domain)
            if owner is not None:
                key = f"{name}@{domain}"
                self.cookie_items[owner].setdefault(
                    key, Item("cookie", name, domain, "third", None)
                )
                self._seen(self.cookie_items[owner], key, name, domain, seconds, pages, "")
                return
        self._finding("cookie", name, domain, pages, row)

    def storage(self, row: Row) -> None:
        key, kind, origin = str(row["key"]), str(row.get("kind", "local")), str(row["origin"])
        pages = tuple(row.get("pages", ()))
        if row.get("party") == "first":
            for sid, match in self._storage_names.items():
                declared = match(key)
                if declared is not None:
                    item = self.storage_items[sid][declared]
                    self.storage_items[sid][declared] = _sighting(
                        replace(item, kind=kind), key, "", None, self.day, pages
                    )
                    return
        else:
            owner = self._by_host(urlsplit(origin).hostname or "")
            if owner is not None:
                sid = owner
                item = Item(kind, key, origin, "third", None)
                self.storage_items[sid][f"{key}@{origin}"] = _sighting(
                    item, key, "", None, self.day, pages
                )
                return
        self._finding("storage", key, origin, pages, row)

    def request(self, row: Row) -> None:
        host = str(row.get("host", ""))
        sid = self._by_url(str(row.get("url", "")))
        if sid is None and row.get("source") == "site" and row.get("service") in self.entries:
            sid = str(row["service"])
        if sid is None:
            if not any(f["kind"] == "host" and f["name"] == host for f in self.drift):
                self._finding("host", host, "", tuple(row.get("pages", ())), row)
        elif host not in self.hosts[sid]:
            self.hosts[sid].append(host)

    def _seen(
        self,
        items: dict[str, Item],
        declared: str,
        name: str,
        domain: str,
        seconds: int | None,
        pages: tuple[str, ...],
        sid: str,
    ) -> None:
        item = _sighting(items[declared], name, domain, seconds, self.day, pages)
        items[declared] = item
        limit = item.declared
        if sid and limit is not None and seconds is not None and _longer(seconds, limit):
            self.drift.append(
                {
                    "kind": "lifetime",
                    "name": name,
                    "domain": domain,
                    "service": sid,
                    "declared_seconds": limit,
                    "observed_seconds": seconds,
                    "pages": list(pages),
                }
            )

    def _finding(self, kind: str, name: str, domain: str, pages: tuple[str, ...], row: Row) -> None:
        self.drift.append(
            {
                "kind": kind,
                "name": name,
                "domain": domain,
                "service": "",
                # Whose the scan thinks it is (a catalogue entry the config lacks), if anyone's.
                "known_as": str(row.get("catalogue") or row.get("service") or ""),
                "pages": list(pages),
            }
        )

    def result(self) -> Declaration:
        def entry(e: Entry) -> Entry:
            done = with_items(
                e, list(self.cookie_items[e.id].values()), list(self.storage_items[e.id].values())
            )
            return replace(done, hosts=tuple(self.hosts[e.id]))

        sections = tuple(
            replace(s, services=tuple(entry(e) for e in s.services))
            for s in self.declaration.sections
        )
        return replace(
            self.declaration, scanned_on=self.day, sections=sections, drift=tuple(self.drift)
        )


def _sighting(
    item: Item, name: str, domain: str, seconds: int | None, day: str, pages: tuple[str, ...]
) -> Item:
    """``item`` once more seen: the longest lifetime, every name and (five) pages."""
    longest = seconds if item.observed is None else max(item.observed, seconds or 0)
    return replace(
        item,
        domain=item.domain or (domain if item.party == "first" else item.domain),
        observed=longest,
        observed_on=day,
        seen_as=tuple(dict.fromkeys((*item.seen_as, name))),
        pages=tuple(dict.fromkeys((*item.pages, *pages)))[:5],
    )


def _longer(seen: int, declared: int) -> bool:
    """A lifetime seen beyond the declared one, past a day's slack (a session cookie: any)."""
    if declared == 0:
        return seen > 0
    return seen > declared + DAY


def lifetime_seen(expires: str, scanned_on: str) -> int | None:
    """Seconds from the scan's day to a cookie's expiry (the scan's ``expires`` field).

    ``session`` is 0; ``far future`` (beyond what a date holds) counts as a century; an
    unreadable value as not measured.
    """
    if expires == "session":
        return 0
    if expires == "far future":
        return FAR_FUTURE
    try:
        days = (date.fromisoformat(expires) - date.fromisoformat(scanned_on)).days
    except ValueError:
        return None
    return max(days, 0) * DAY
