"""The scan report's inventory rows: one per request URL, cookie and storage key.

The browser logs every sighting (a request on a page, a cookie seen after a load, in one of
the two passes); these functions fold them into one row per thing, attributed by the
:class:`~.classify.Classifier`, with the pages it was seen on and a status saying whether it
ran before consent. :mod:`.analyse` builds the report's other sections from these rows.
"""

from __future__ import annotations

import typing as t
from datetime import UTC
from datetime import datetime

from . import observe as o
from .classify import Classifier
from .classify import Match
from .classify import party
from .urls import strip_query

#: Pages listed per finding; the count says how many there were.
MAX_PAGES = 5


def _status(before: bool, m: Match) -> str:
    """``failure``: a non-necessary service before consent; ``review``: an unknown one;
    ``note``: a tag manager's container whose tags cookiegate holds back."""
    if not before or m.necessary:
        return "ok"
    if m.held:
        return "note"
    return "failure" if m.known else "review"


def _who(m: Match) -> dict[str, t.Any]:
    return {
        "service": m.service,
        "service_name": m.name,
        "category": m.category,
        "source": m.source,
        "catalogue": m.entry,
    }


class _Group:
    """Requests, or sightings of one cookie or key, folded into one row."""

    def __init__(self, match: Match) -> None:
        self.match = match
        self.pages: list[str] = []
        self.types: set[str] = set()
        self.count = 0
        self.before = self.after = False

    def add(self, page: str, phase: str, kind: str = "") -> None:
        self.count += 1
        if page and page not in self.pages:
            self.pages.append(page)
        if kind:
            self.types.add(kind)
        self.before |= phase == o.BEFORE
        self.after |= phase == o.AFTER

    def row(self, **fields: t.Any) -> dict[str, t.Any]:
        return {
            **fields,
            **_who(self.match),
            "count": self.count,
            "types": sorted(self.types),
            "pages": self.pages[:MAX_PAGES],
            "page_count": len(self.pages),
            "before_consent": self.before,
            "after_consent_only": self.after and not self.before,
            "status": _status(self.before, self.match),
        }


def request_rows(crawl: o.Crawl, c: Classifier) -> list[dict[str, t.Any]]:
    """Third-party requests folded by host/path and service (queries carry identifiers)."""
    groups: dict[tuple[str, str, str], _Group] = {}
    for r in crawl.requests:
        m = c.request(r.url)
        if m.source == "cookiegate":
            continue
        key = (strip_query(r.url), m.service, m.source)
        groups.setdefault(key, _Group(m)).add(r.page, r.phase, r.type)
    return [g.row(url=k[0], host=k[0].split("/", 1)[0]) for k, g in groups.items()]


def cookie_rows(crawl: o.Crawl, c: Classifier) -> list[dict[str, t.Any]]:
    """Cookies folded by name and domain, with who set them and when they expire."""
    groups: dict[tuple[str, str], tuple[_Group, o.CookieSeen]] = {}
    for ck in crawl.cookies:
        m = c.cookie(ck, crawl.site)
        if m.source == "cookiegate":
            continue
        group, _first = groups.setdefault((ck.name, ck.domain), (_Group(m), ck))
        group.add(ck.page, ck.phase)
    return [
        g.row(
            name=name,
            domain=domain,
            party=party(domain, crawl.site),
            set_by=ck.set_by,
            set_by_party=party(ck.set_by, crawl.site) if ck.set_by else "",
            expires=_expiry(ck.expires),
            http_only=ck.http_only,
            secure=ck.secure,
        )
        for (name, domain), (g, ck) in groups.items()
    ]


def storage_rows(crawl: o.Crawl, c: Classifier) -> list[dict[str, t.Any]]:
    """localStorage and sessionStorage keys folded by kind, key and origin."""
    groups: dict[tuple[str, str, str], _Group] = {}
    for item in crawl.storage:
        key = (item.kind, item.key, item.origin)
        groups.setdefault(key, _Group(c.storage(item))).add(item.page, item.phase)
    return [
        g.row(kind=k[0], key=k[1], origin=k[2], party=party(k[2], crawl.site))
        for k, g in groups.items()
    ]


def _expiry(expires: float) -> str:
    if expires is None or expires < 0:
        return "session"
    try:
        return datetime.fromtimestamp(expires, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return "far future"
