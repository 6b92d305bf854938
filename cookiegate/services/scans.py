"""Saved scans: each site's latest ``cookiegate scan`` report, for the admin pages.

Service layer: the scan command saves through here and the admin reads
through here; neither touches the store directly.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass
from datetime import datetime

from ..core.times import iso_utc
from ..store import Store
from ..store import scans as q


@dataclass(frozen=True)
class SavedScan:
    """A site's latest scan: when, from where, its verdict and the whole report."""

    site_id: str
    scanned_at: str
    start_url: str
    #: ``fail``, ``review`` or ``pass``.
    verdict: str
    report: dict[str, t.Any] | None = None


def save_latest(store: Store, site_id: str, report: t.Mapping[str, t.Any], now: datetime) -> None:
    """Store ``report`` as the site's latest scan, replacing the previous one."""
    row = {
        "site_id": site_id,
        "scanned_at": iso_utc(now),
        "start_url": str(report["start_url"]),
        "verdict": str(report["summary"]["verdict"]),
        "report": json.dumps(report, ensure_ascii=False, separators=(",", ":")),
    }
    with store.begin(write=True) as conn:
        q.put_latest(conn, row)


def latest(store: Store, site_id: str) -> SavedScan | None:
    """The site's latest scan with its report, or None when it was never scanned."""
    with store.begin() as conn:
        row = q.get_latest(conn, site_id)
    if row is None:
        return None
    return SavedScan(
        row["site_id"],
        row["scanned_at"],
        row["start_url"],
        row["verdict"],
        json.loads(row["report"]),
    )


def all_latest(store: Store) -> dict[str, SavedScan]:
    """Each scanned site's latest scan, without report bodies, by site id."""
    with store.begin() as conn:
        rows = q.all_latest(conn)
    return {r["site_id"]: SavedScan(**r) for r in rows}
