"""Each site's cookie declaration as served: built from config and latest scan, numbered.

A declaration is identified by the hash of its facts; the first time a server builds one
it gets the site's next revision and the time it went live. So the admin can show which
version was live when, and each proof of consent names the revision the visitor could read
(:mod:`cookiegate.services.ledger`). Any number of processes may build the same one at
once: the unique (site, hash) pair makes one insert win and the others read it back.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..consent.proofs import canonical_json
from ..consent.proofs import content_hash
from ..core.times import iso_utc
from ..declaration import Declaration
from ..declaration import build
from ..declaration import facts
from ..store import Store
from ..store import declarations as q
from . import scans

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig


@dataclass(frozen=True)
class Version:
    """One numbered declaration of a site."""

    revision: int
    hash: str
    #: When a server first served it (ISO 8601 UTC).
    live_from: str


@dataclass(frozen=True)
class Current:
    """The declaration a server serves now, with its number."""

    declaration: Declaration
    version: Version


def preview(store: Store, config: SiteConfig) -> Declaration:
    """``config``'s declaration from its latest saved scan, not numbered (for its drift)."""
    saved = scans.latest(store, config.id)
    scanned_on = saved.scanned_at[:10] if saved else ""
    return build(config, saved.report if saved else None, scanned_on)


def current(store: Store, config: SiteConfig, now: datetime) -> Current:
    """Build ``config``'s declaration from its latest saved scan and number it.

    A declaration seen before keeps its revision; a new one is stored as the next. A store
    that cannot answer (not migrated yet, unreachable) must not stop a server from starting:
    the declaration is then built without a scan and left unnumbered (revision 0), and
    :func:`number` tries again later.
    """
    try:
        declaration = preview(store, config)
    except sa.exc.SQLAlchemyError:
        declaration = build(config, None, "")
    return number(
        store, Current(declaration, Version(0, content_hash(facts(declaration)), "")), now
    )


def number(store: Store, found: Current, now: datetime) -> Current:
    """``found`` with its revision from the store (stored as the next when new); unchanged,
    still revision 0, when the store cannot answer."""
    if found.version.revision:
        return found
    data = facts(found.declaration)
    try:
        version = _number(store, found.declaration.site_id, found.version.hash, data, now)
    except sa.exc.SQLAlchemyError:
        return found
    return Current(found.declaration, version)


def _number(
    store: Store, site_id: str, digest: str, data: t.Mapping[str, t.Any], now: datetime
) -> Version:
    with store.begin() as conn:
        found = q.find(conn, site_id, digest)
    if found is None:
        try:
            with store.begin(write=True) as conn:
                found = q.find(conn, site_id, digest)
                if found is None:
                    found = {
                        "site_id": site_id,
                        "revision": q.newest_revision(conn, site_id) + 1,
                        "hash": digest,
                        "live_from": iso_utc(now),
                        "facts": canonical_json(data),
                    }
                    q.add(conn, found)
        except sa.exc.IntegrityError:
            # Another process numbered it (or the next one) first: read what it wrote.
            with store.begin() as conn:
                found = q.find(conn, site_id, digest)
            if found is None:
                raise
    return Version(int(found["revision"]), str(found["hash"]), str(found["live_from"]))


def history(store: Store, site_id: str) -> list[Version]:
    """The site's declarations, newest first."""
    with store.begin() as conn:
        rows = q.history(conn, site_id)
    return [Version(int(r["revision"]), str(r["hash"]), str(r["live_from"])) for r in rows]


def stored_facts(store: Store, site_id: str, content_hash_: str) -> dict[str, t.Any] | None:
    """The facts of a stored declaration, by its hash (what a proof names)."""
    with store.begin() as conn:
        row = q.find(conn, site_id, content_hash_)
    return json.loads(row["facts"]) if row else None
