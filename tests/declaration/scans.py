"""Scan reports for the declaration tests, analysed from what a browser could have seen."""

from __future__ import annotations

import typing as t

from cookiegate.catalogue.load import load_catalogue
from cookiegate.scan import observe as o
from cookiegate.scan.analyse import analyse

if t.TYPE_CHECKING:
    from cookiegate.siteconfig.model import SiteConfig

PAGE = "https://www.voltline.example/tv/oled55"
SCANNED_ON = "2026-11-30"
#: 2026-11-30 as a Unix time, so expiries are whole days from the scan.
DAY0 = 1795996800


def days(n: int) -> float:
    return DAY0 + n * 86400


def report(
    config: SiteConfig,
    cookies: t.Sequence[tuple[str, str, float]] = (),
    requests: t.Sequence[str] = (),
    storage: t.Sequence[tuple[str, str, str]] = (),
) -> dict[str, t.Any]:
    """A saved-scan report of one page of www.voltline.example with these sightings.

    :param cookies: ``(name, domain, expires)``; ``-1`` expires is a session cookie.
    :param storage: ``(kind, key, origin)``.
    """
    crawl = o.Crawl(start_url=PAGE, site="voltline.example", started_at=f"{SCANNED_ON}T07:00:00Z")
    crawl.pages.append(o.PageVisit(PAGE, o.BEFORE, final_url=PAGE, http_status=200))
    crawl.requests += [o.RequestSeen(url, "script", PAGE, o.AFTER) for url in requests]
    crawl.cookies += [
        o.CookieSeen(name, domain, "/", expires, False, True, "Lax", PAGE, o.AFTER)
        for name, domain, expires in cookies
    ]
    crawl.storage += [
        o.StorageSeen(kind, key, origin, PAGE, o.AFTER) for kind, key, origin in storage
    ]
    return analyse(crawl, load_catalogue(), config)
