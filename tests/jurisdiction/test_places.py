"""ISO 3166 checks, groups and the US state-law table."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from cookiegate.jurisdiction.places import EEA
from cookiegate.jurisdiction.places import EU
from cookiegate.jurisdiction.places import is_country
from cookiegate.jurisdiction.places import is_place
from cookiegate.jurisdiction.places import requires_opt_in
from cookiegate.jurisdiction.usstates import STATE_LAWS
from cookiegate.jurisdiction.usstates import states_in_force


@pytest.mark.parametrize("code", ["DE", "GB", "US", "CH", "IE"])
def test_real_countries_are_countries(code: str) -> None:
    assert is_country(code)


@pytest.mark.parametrize("code", ["XX", "T1", "EU", "UK", "de", "D", "DEU", "", "ÄB"])
def test_other_codes_are_not_countries(code: str) -> None:
    assert not is_country(code)


@pytest.mark.parametrize(
    ("code", "ok"),
    [("US-CA", True), ("GB-ENG", True), ("US-ENG", False), ("US-", False), ("us-ca", False)],
)
def test_places_are_countries_or_their_subdivisions(code: str, ok: bool) -> None:
    assert is_place(code) is ok


def test_the_eu_has_27_members_and_the_eea_30() -> None:
    assert (len(EU), len(EEA)) == (27, 30)


@pytest.mark.parametrize("place", ["DE", "IE", "NO", "GB", "CH", "GB-SCT"])
def test_eea_uk_and_switzerland_require_opt_in(place: str) -> None:
    assert requires_opt_in(place)


@pytest.mark.parametrize("place", ["US", "US-CA", "JP"])
def test_elsewhere_opt_in_is_not_required_by_this_rule(place: str) -> None:
    assert not requires_opt_in(place)


def test_the_state_table_has_the_nineteen_states_each_a_real_subdivision_with_a_source() -> None:
    places = [row.place for row in STATE_LAWS]
    assert len(places) == len(set(places)) == 19
    for row in STATE_LAWS:
        assert is_place(row.place), row
        assert row.source.startswith("https://"), row
    assert [row.effective for row in STATE_LAWS] == sorted(row.effective for row in STATE_LAWS)


def test_states_in_force_follow_the_effective_dates() -> None:
    assert "US-CA" in states_in_force(date(2024, 1, 1))
    assert "US-RI" not in states_in_force(date(2025, 12, 31))
    assert len(states_in_force(date(2026, 1, 1))) == 19


def test_every_row_names_its_statute_and_a_date_read_on_an_https_page() -> None:
    for row in STATE_LAWS:
        assert urlsplit(row.source).scheme == "https", row
        assert urlsplit(row.source).hostname, row
        assert isinstance(row.effective, date), row
        assert "(" in row.law and row.law.endswith(")"), row


def _is_state_host(host: str) -> bool:
    """A US government host: ``.gov``, or a state's own ``*.state.XX.us`` domain."""
    return host.endswith(".gov") or re.search(r"(^|\.)state\.[a-z]{2}\.us$", host) is not None


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("texasattorneygeneral.gov", True),
        ("www.doj.state.or.us", True),
        ("ag.state.mn.us", True),
        ("natlawreview.com", False),
        ("gov.example.com", False),
        ("state.example.us", False),
    ],
)
def test_a_state_host_is_a_gov_or_state_us_domain(host: str, ok: bool) -> None:
    assert _is_state_host(host) is ok


def test_every_verified_row_was_read_on_the_states_own_site() -> None:
    verified = [row for row in STATE_LAWS if row.verified]
    assert len(verified) >= 10
    for row in verified:
        assert _is_state_host(urlsplit(row.source).hostname or ""), row


def test_rows_from_summaries_only_are_not_marked_verified() -> None:
    for row in STATE_LAWS:
        if not _is_state_host(urlsplit(row.source).hostname or ""):
            assert not row.verified, row


def test_the_laws_of_2026_start_on_new_years_day() -> None:
    """Indiana, Kentucky and Rhode Island apply from 2026-01-01, not a day earlier."""
    starting = {row.place for row in STATE_LAWS if row.effective == date(2026, 1, 1)}
    assert starting == {"US-IN", "US-KY", "US-RI"}
    assert not starting & states_in_force(date(2025, 12, 31))
    assert starting <= states_in_force(date(2026, 1, 1))


def test_the_written_out_iso_codes_are_pycountrys() -> None:
    """``iso3166.txt`` spares every process pycountry's 13 MB; it must stay its tables.

    After a pycountry upgrade, rewrite its code lines (keeping the comments) with
    ``sorted(c.alpha_2 for c in pycountry.countries)`` then
    ``sorted(s.code for s in pycountry.subdivisions)``, one code a line.
    """
    import pycountry

    from cookiegate.jurisdiction import places

    lines = places.ISO3166_FILE.read_text(encoding="ascii").splitlines()
    codes = [line for line in lines if not line.startswith("#")]
    assert codes == sorted(c.alpha_2 for c in pycountry.countries) + sorted(
        s.code for s in pycountry.subdivisions
    )
