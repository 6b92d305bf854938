"""Time as the store and the exports write it: fixed-width UTC text that sorts as it reads."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime


def iso_utc(moment: datetime) -> str:
    """Format an aware datetime as the fixed-width UTC text the store keeps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
