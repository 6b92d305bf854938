"""Which headers (or which local GeoIP file) say where a visitor is, checked at start.

Settings ``COOKIEGATE_GEO_COUNTRY_HEADER``, ``COOKIEGATE_GEO_REGION_HEADER`` and
``COOKIEGATE_GEO_MMDB``. The header names are the operator's; the header
*values* are the visitor's request as the CDN or proxy left it, so they are
only ever compared with ISO codes (:func:`.resolve.place_of`), never echoed.
The headers win over the file: a CDN that sets them knows the address the
visitor connected from, which a server behind it may not.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import SettingsError
from .geoip import GeoDatabase

#: An HTTP field name (RFC 9110 section 5.1: a token).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True)
class GeoSource:
    """Where the country and region of a request come from; all empty: nowhere."""

    country_header: str = ""
    region_header: str = ""
    database: GeoDatabase | None = None

    @property
    def configured(self) -> bool:
        return bool(self.country_header or self.database)

    @property
    def vary(self) -> tuple[str, ...]:
        """The request headers a response that depends on the place varies on."""
        return tuple(h for h in (self.country_header, self.region_header) if h)

    def locate(
        self, headers: t.Mapping[str, str], address: str | None
    ) -> tuple[str | None, str | None]:
        """The raw country and region of a request (headers first, then the file)."""
        if self.country_header:
            country = headers.get(self.country_header)
            if country is not None or self.database is None:
                region = headers.get(self.region_header) if self.region_header else None
                return country, region
        if self.database is not None:
            return self.database.lookup(address)
        return None, None


def geo_source(config: t.Mapping[str, t.Any]) -> GeoSource:
    """Build the source from the app config (keys without the ``COOKIEGATE_`` prefix).

    :raises SettingsError: a header name is not an HTTP field name, a region header is
        set without a country header, or the GeoIP file cannot be opened.
    """
    country = _header_name(config, "GEO_COUNTRY_HEADER")
    region = _header_name(config, "GEO_REGION_HEADER")
    if region and not country:
        raise SettingsError(
            "COOKIEGATE_GEO_REGION_HEADER",
            "COOKIEGATE_GEO_REGION_HEADER is set without COOKIEGATE_GEO_COUNTRY_HEADER; "
            "a region means nothing without its country.",
        )
    mmdb = str(config.get("GEO_MMDB") or "").strip()
    return GeoSource(country, region, GeoDatabase(Path(mmdb)) if mmdb else None)


def _header_name(config: t.Mapping[str, t.Any], key: str) -> str:
    value = str(config.get(key) or "").strip()
    if value and not _TOKEN.fullmatch(value):
        raise SettingsError(
            f"COOKIEGATE_{key}", f"COOKIEGATE_{key}={value!r} is not an HTTP header name."
        )
    return value
