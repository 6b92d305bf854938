"""The admin audit log: who exported, purged or changed accounts, and when.

Apart from :mod:`.accounts` (which re-exports these names) so a command that
only logs what it did, like ``cookiegate export``, does not load the password
hashing that accounts need.
"""

from __future__ import annotations

import getpass
import typing as t
from datetime import datetime

from ..consent.proofs import canonical_json
from ..core.times import iso_utc
from ..store import Store
from ..store import accounts as q


def audit(
    store: Store,
    *,
    actor: str,
    action: str,
    now: datetime,
    outcome: str = "ok",
    ip: str | None = None,
    **detail: t.Any,
) -> None:
    """Append one entry to the audit log, in its own transaction."""
    with store.begin(write=True) as conn:
        q.append_audit(
            conn,
            {
                "at": iso_utc(now),
                "actor": actor[:254],
                "action": action,
                "outcome": outcome,
                "detail": canonical_json(detail),
                "ip": ip or "",
            },
        )


def read_audit(store: Store, limit: int = 100, before: int | None = None) -> list[dict[str, t.Any]]:
    with store.begin() as conn:
        return q.read_audit(conn, limit, before)


def cli_actor() -> str:
    """Who ran a command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
