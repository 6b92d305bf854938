"""What compliance staff read: lookups with history, and dashboards.

Service layer: takes the store explicitly and returns plain values, so the
admin pages and the CLI share the same code; exports are :mod:`.exports`.
Aggregates come from SQL ``GROUP BY`` (see :mod:`cookiegate.store.reports`);
Python only arranges the few rows they return.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from ..consent import proofs
from ..consent.choices import Method
from ..core.errors import CookiegateError
from ..jurisdiction import REGIMES
from ..jurisdiction import UNKNOWN
from ..jurisdiction.places import is_place
from ..store import Store
from ..store import queries
from ..store import reports as q
from ..store.reports import Range
from .ledger import decoded
from .ledger import get_checkpoint

#: Method names as stored, in the order dashboards list them (that of :class:`Method`).
METHODS = tuple(m.value for m in Method)
#: How far back a history is followed; a visitor changing more often is unusual.
MAX_HISTORY = 50


class QueryError(CookiegateError):
    """A lookup, dashboard or export was asked with a bad site, date, method or format."""


@dataclass(frozen=True)
class Query:
    """A validated site, inclusive day range and optional method."""

    site_id: str
    start: date
    end: date
    method: str | None
    #: Only records sealed with this jurisdiction and regime (None: all).
    jurisdiction: str | None = None
    regime: str | None = None

    @property
    def range(self) -> Range:
        found = day_range(self.site_id, self.start, self.end, self.method)
        return found._replace(jurisdiction=self.jurisdiction, regime=self.regime)


def parse_query(
    site_ids: t.Collection[str],
    site: str | None,
    start: str | None,
    end: str | None,
    method: str | None,
    *,
    today: date,
    default_days: int = 30,
    max_days: int | None = None,
    jurisdiction: str | None = None,
    regime: str | None = None,
) -> Query:
    """Check the filters staff typed, naming the first bad one.

    Empty dates default to the last ``default_days`` days up to ``today``.

    :raises QueryError: unknown site, method or regime, a jurisdiction that is not an
        ISO 3166 code or ``unknown``, a date that is not ``YYYY-MM-DD``, ``from`` after
        ``to``, or a range over ``max_days``.
    """
    if not site or site not in site_ids:
        raise QueryError(f"Unknown site {site!r}; choose one of {sorted(site_ids)}.")
    end_day = _day(end, "to") if end else today
    start_day = _day(start, "from") if start else end_day - timedelta(days=default_days - 1)
    if start_day > end_day:
        raise QueryError(
            f"The range starts ({start_day.isoformat()}) after it ends ({end_day.isoformat()})."
        )
    if max_days is not None and (end_day - start_day).days + 1 > max_days:
        raise QueryError(f"Choose a range of at most {max_days} days.")
    if method and method not in METHODS:
        raise QueryError(f"Unknown method {method!r}; choose one of {list(METHODS)}.")
    if regime and regime not in REGIMES:
        raise QueryError(f"Unknown regime {regime!r}; choose one of {list(REGIMES)}.")
    if jurisdiction and jurisdiction != UNKNOWN and not is_place(jurisdiction):
        raise QueryError(
            f"Unknown jurisdiction {jurisdiction!r}; use an ISO 3166 code such as GB, DE or "
            f"US-CA, or {UNKNOWN!r}."
        )
    return Query(site, start_day, end_day, method or None, jurisdiction or None, regime or None)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QueryError(f"{name!r} must be a date like 2026-11-26, not {value!r}.") from None


def day_range(site_id: str, start: date, end: date, method: str | None = None) -> Range:
    """The stored-text range of whole UTC days ``start`` to ``end`` inclusive."""
    return Range(
        site_id,
        f"{start.isoformat()}T00:00:00.000000Z",
        f"{(end + timedelta(days=1)).isoformat()}T00:00:00.000000Z",
        method,
    )


def find(store: Store, consent_id: str) -> dict[str, t.Any] | None:
    """A proof by consent ID on any site, choices decoded."""
    with store.begin() as conn:
        row = q.find_by_id(conn, consent_id)
    return decoded(row) if row else None


def search(store: Store, r: Range, limit: int) -> tuple[list[dict[str, t.Any]], int]:
    """The newest ``limit`` records of a range, and how many the range holds."""
    with store.begin() as conn:
        rows = q.search(conn, r, limit)
        total = q.count(conn, r)
    return [decoded(row) for row in rows], total


def history(
    store: Store, proof: t.Mapping[str, t.Any]
) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
    """The consents this one replaced (newest first) and the later changes of it.

    Each change names the consent it replaced (the visitor's previous token),
    so the links are followed both ways; records purged by retention end the
    walk.
    """
    earlier: list[dict[str, t.Any]] = []
    later: list[dict[str, t.Any]] = []
    with store.begin() as conn:
        previous, seen = proof["previous_id"], {proof["consent_id"]}
        while previous and previous not in seen and len(earlier) < MAX_HISTORY:
            row = q.find_by_id(conn, previous)
            if row is None:
                break
            seen.add(previous)
            earlier.append(decoded(row))
            previous = row["previous_id"]
        frontier = [proof["consent_id"]]
        while frontier and len(later) < MAX_HISTORY:
            rows = q.later_changes(conn, frontier.pop(0))
            for row in rows:
                if row["consent_id"] not in seen:
                    seen.add(row["consent_id"])
                    later.append(decoded(row))
                    frontier.append(row["consent_id"])
    return earlier, later


@dataclass(frozen=True)
class LinkCheck:
    """Whether one record's own hash and its links to its neighbours hold."""

    ok: bool
    message: str


def check_link(
    store: Store, proof: t.Mapping[str, t.Any], secret_keys: t.Sequence[str]
) -> LinkCheck:
    """Check a record's hash, its link to the previous record and the next one's link to it.

    A full ``verify-log`` proves the whole chain; this answers "is this one
    record intact and in place" instantly on its page.
    """
    record = dict(proof)
    if isinstance(record["choices"], dict):
        record["choices"] = proofs.canonical_json(record["choices"])
    if proofs.seal(record) != record["hash"]:
        return LinkCheck(False, "Its content does not match its hash: the record was edited.")
    site, index = record["site_id"], int(record["chain_index"])
    with store.begin() as conn:
        before = q.neighbour(conn, site, index - 1) if index > 1 else None
        after = q.neighbour(conn, site, index + 1)
        checkpoint = get_checkpoint(conn, site)
        head = queries.get_head(conn, site)
    if index == 1:
        expected = proofs.GENESIS
    elif before is not None:
        expected = before["hash"]
    elif checkpoint is not None and checkpoint.chain_index == index - 1:
        if not proofs.checkpoint_valid(secret_keys, checkpoint):
            return LinkCheck(False, "The retention checkpoint before it is not validly signed.")
        expected = checkpoint.hash
    else:
        return LinkCheck(False, f"Record #{index - 1} before it is missing: it was deleted.")
    if record["prev_hash"] != expected:
        return LinkCheck(False, "Its link to the previous record is broken.")
    if after is not None and after["prev_hash"] != record["hash"]:
        return LinkCheck(False, "The next record does not link to it.")
    if after is None and head is not None and head[0] != index:
        return LinkCheck(False, f"Record #{index + 1} after it is missing: it was deleted.")
    return LinkCheck(True, "Its hash and both links to its neighbours verify.")


@dataclass
class Dashboard:
    """Everything the per-site dashboard shows, as plain numbers."""

    days: list[str]
    #: day -> method -> records
    by_method: dict[str, dict[str, int]]
    #: category -> day -> (granted, records)
    daily_grants: dict[str, dict[str, tuple[int, int]]]
    #: category -> (granted, records) over the whole range
    grants: dict[str, tuple[int, int]]
    devices: list[tuple[str, int]]
    browsers: list[tuple[str, int]]
    #: Records per sealed jurisdiction and regime (records from before 0006: empty).
    jurisdictions: list[tuple[str, int]] = field(default_factory=list)
    regimes: list[tuple[str, int]] = field(default_factory=list)
    total: int = 0
    methods: tuple[str, ...] = field(default=METHODS)


def dashboard(store: Store, r: Range, start: date, end: date) -> Dashboard:
    """Per-day counts by method, grant rates per category and user-agent breakdowns."""
    with store.begin() as conn:
        by_method_rows = q.per_day_by_method(conn, r)
        grant_rows = q.grants_per_day(conn, r)
        total_rows = q.grants_total(conn, r)
        devices = q.breakdown(conn, r, "ua_device")
        browsers = q.breakdown(conn, r, "ua_browser")
        jurisdictions = q.breakdown(conn, r, "jurisdiction")
        regimes = q.breakdown(conn, r, "regime")
    days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    by_method: dict[str, dict[str, int]] = {d: dict.fromkeys(METHODS, 0) for d in days}
    for day, method, n in by_method_rows:
        by_method.setdefault(day, dict.fromkeys(METHODS, 0))[method] = n
    daily: dict[str, dict[str, tuple[int, int]]] = {}
    for day, category, granted, n in grant_rows:
        daily.setdefault(category, {})[day] = (granted, n)
    return Dashboard(
        days=days,
        by_method=by_method,
        daily_grants=daily,
        grants={c: (g, n) for c, g, n in total_rows},
        devices=devices,
        browsers=browsers,
        jurisdictions=jurisdictions,
        regimes=regimes,
        total=sum(n for _, _, n in by_method_rows),
    )
