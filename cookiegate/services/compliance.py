"""Saved compliance reports: each site's latest ``cookiegate compliance`` run.

Service layer: ``cookiegate compliance`` (:mod:`cookiegate.cli.compliance`) saves through
here and the admin page reads through here. The admin cannot launch a browser inside a web
request, so it shows what the command measured (and when), beside the config checks it can
run live.
"""

from __future__ import annotations

from ..compliance import FAIL
from ..compliance import PASS
from ..compliance import Report
from ..compliance import ReportError
from ..store import Store
from ..store import compliance as q


def save(store: Store, report: Report) -> None:
    """Store ``report`` as its site's latest, replacing the previous one."""
    row = {
        "site_id": report.site,
        "checked_at": report.created_at,
        "status": PASS if report.ok else FAIL,
        "report": report.to_json(),
    }
    with store.begin(write=True) as conn:
        q.put_latest(conn, row)


def latest(store: Store) -> dict[str, Report]:
    """Each site's latest report by site id; a row this version cannot read is skipped."""
    with store.begin() as conn:
        rows = q.all_latest(conn)
    found = {}
    for row in rows:
        try:
            found[row["site_id"]] = Report.from_json(row["report"])
        except ReportError:
            continue
    return found
