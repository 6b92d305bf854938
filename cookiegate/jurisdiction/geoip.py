"""A local MaxMind or DB-IP ``.mmdb`` file as the source of a visitor's country and region.

For operators without a CDN that sets a country header. The file is read by
MaxMind's own ``maxminddb`` reader (an optional extra: ``pip install
cookiegate[geoip]``), memory-mapped, so a lookup does no network request and
no third party learns the visitor's address. Both GeoLite2/GeoIP2 City and
Country files and DB-IP's "lite" files use the record layout read here:
``country.iso_code`` and ``subdivisions[0].iso_code``
(a subdivision's ``iso_code`` is "the subdivision portion of the ISO 3166-2 code",
https://maxmind.github.io/GeoIP2-java/doc/v3.0.1/com/maxmind/geoip2/record/Subdivision.html).
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from ..core.errors import SettingsError

if t.TYPE_CHECKING:
    import maxminddb


class GeoDatabase:
    """An open ``.mmdb`` file answering "which country and region is this address in"."""

    def __init__(self, path: Path, setting: str = "COOKIEGATE_GEO_MMDB") -> None:
        """Open ``path``.

        :raises SettingsError: the reader is not installed, or the file is missing or not
            a MaxMind DB file; the server should not start half-blind.
        """
        try:
            import maxminddb
        except ImportError:
            raise SettingsError(
                setting,
                f"{setting} is set but the maxminddb package is not installed; "
                "install cookiegate[geoip].",
            ) from None
        try:
            self._reader: maxminddb.Reader = maxminddb.open_database(str(path))
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as e:
            raise SettingsError(
                setting, f"{setting}={str(path)!r} cannot be read as a MaxMind DB file: {e}"
            ) from None

    def lookup(self, address: str | None) -> tuple[str | None, str | None]:
        """Country and region codes of ``address``; ``(None, None)`` when unknown or invalid.

        The values are returned as found; :func:`.resolve.place_of` validates them like
        header values, so a damaged file cannot select a weaker regime either.
        """
        if not address:
            return None, None
        try:
            record = self._reader.get(address)
        except ValueError:
            return None, None
        if not isinstance(record, dict):
            return None, None
        country = _iso_code(record.get("country"))
        subdivisions = record.get("subdivisions")
        first = subdivisions[0] if isinstance(subdivisions, list) and subdivisions else None
        return country, _iso_code(first)

    def close(self) -> None:
        self._reader.close()


def _iso_code(entry: t.Any) -> str | None:
    code = entry.get("iso_code") if isinstance(entry, dict) else None
    return code if isinstance(code, str) else None
