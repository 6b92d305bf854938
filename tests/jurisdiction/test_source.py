"""Geo settings: header names checked at start, headers read, a local .mmdb file looked up."""

from __future__ import annotations

from pathlib import Path

import pytest

from cookiegate.core.errors import SettingsError
from cookiegate.jurisdiction.source import geo_source


def test_no_settings_means_no_source() -> None:
    source = geo_source({})
    assert not source.configured
    assert source.locate({"CF-IPCountry": "US"}, "1.2.3.4") == (None, None)


def test_headers_are_read_by_their_configured_names() -> None:
    source = geo_source(
        {"GEO_COUNTRY_HEADER": "CF-IPCountry", "GEO_REGION_HEADER": "CF-Region-Code"}
    )
    assert source.vary == ("CF-IPCountry", "CF-Region-Code")
    assert source.locate({"CF-IPCountry": "US", "CF-Region-Code": "CA"}, None) == ("US", "CA")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"GEO_COUNTRY_HEADER": "CF IPCountry"}, "is not an HTTP header name"),
        ({"GEO_COUNTRY_HEADER": "X:Country"}, "is not an HTTP header name"),
        ({"GEO_REGION_HEADER": "CF-Region-Code"}, "without COOKIEGATE_GEO_COUNTRY_HEADER"),
        ({"GEO_MMDB": "/nonexistent/geo.mmdb"}, "cannot be read as a MaxMind DB file"),
    ],
)
def test_bad_settings_stop_the_start_with_a_clear_error(
    settings: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        geo_source(settings)


def test_a_file_that_is_not_a_maxmind_db_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "geo.mmdb"
    bad.write_bytes(b"not a database")
    with pytest.raises(SettingsError, match="cannot be read as a MaxMind DB file"):
        geo_source({"GEO_MMDB": str(bad)})


def _write_mmdb(path: Path) -> None:
    """A two-network City-layout database written by mmdb-writer."""
    mmdb_writer = pytest.importorskip(
        "mmdb_writer", reason="mmdb-writer (test extra) writes the test database"
    )
    from netaddr import IPSet

    writer = mmdb_writer.MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoIP2-City")
    writer.insert_network(
        IPSet(["203.0.113.0/24"]),
        {"country": {"iso_code": "US"}, "subdivisions": [{"iso_code": "CA"}]},
    )
    writer.insert_network(IPSet(["198.51.100.0/24"]), {"country": {"iso_code": "DE"}})
    writer.to_db_file(str(path))


def test_a_local_mmdb_file_gives_country_and_region(tmp_path: Path) -> None:
    path = tmp_path / "geo.mmdb"
    _write_mmdb(path)
    source = geo_source({"GEO_MMDB": str(path)})
    assert source.locate({}, "203.0.113.9") == ("US", "CA")
    assert source.locate({}, "198.51.100.1") == ("DE", None)
    assert source.locate({}, "192.0.2.1") == (None, None)
    assert source.locate({}, "not an address") == (None, None)
    assert source.locate({}, None) == (None, None)


def test_a_country_header_wins_over_the_file_and_its_absence_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "geo.mmdb"
    _write_mmdb(path)
    source = geo_source({"GEO_COUNTRY_HEADER": "CF-IPCountry", "GEO_MMDB": str(path)})
    assert source.locate({"CF-IPCountry": "GB"}, "203.0.113.9") == ("GB", None)
    assert source.locate({}, "203.0.113.9") == ("US", "CA")
