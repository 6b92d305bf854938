"""Time as the store and the exports write it: fixed-width UTC text that sorts as it reads."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime


def iso_utc(moment: datetime) -> str:
    """Format an aware datetime as the fixed-width UTC text the store keeps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


#: Seconds per unit of a declared cookie lifetime; a year is 365 days and a month 30,
#: as the vendors' own tables count ("2 years" is gtag.js's 63,072,000 s).
LIFETIME_UNITS = {"min": 60, "h": 3600, "d": 86400, "mo": 30 * 86400, "y": 365 * 86400}
_LIFETIME = re.compile(r"([1-9][0-9]{0,4})(min|h|d|mo|y)")


def parse_lifetime(text: str) -> int | None:
    """Seconds of a declared lifetime (``"2y"``, ``"90d"``, ``"24h"``, ``"1min"``), 0 for
    ``"session"``; None when ``text`` is neither."""
    if text == "session":
        return 0
    match = _LIFETIME.fullmatch(text)
    if match is None:
        return None
    return int(match[1]) * LIFETIME_UNITS[match[2]]
