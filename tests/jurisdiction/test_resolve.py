"""The resolver: trusted ISO codes select their place's regime; anything else the strictest."""

from __future__ import annotations

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate.jurisdiction import UNKNOWN
from cookiegate.jurisdiction import Rules
from cookiegate.jurisdiction import place_of
from cookiegate.jurisdiction import resolve
from cookiegate.jurisdiction.regimes import strictest
from cookiegate.jurisdiction.regimes import weaker

#: A retailer selling to the UK, the EU and the US: US-CA opt-out, the rest of the US notice.
RULES = Rules(
    places={"GB": "uk", "DE": "eu", "FR": "eu", "US-CA": "us", "US-VA": "us", "US": "rest"},
    overlays={"eu": "opt_in", "uk": "opt_in", "us": "opt_out", "rest": "notice"},
    default="eu",
)


@pytest.mark.parametrize(
    ("country", "region", "jurisdiction", "regime", "overlay"),
    [
        ("DE", None, "DE", "opt_in", "eu"),
        ("GB", "ENG", "GB", "opt_in", "uk"),  # GB regions are not told apart by this site
        ("US", "CA", "US-CA", "opt_out", "us"),
        ("US", "US-CA", "US-CA", "opt_out", "us"),
        ("US", "FL", "US-FL", "notice", "rest"),
        ("US", None, "US", "notice", "rest"),
        ("JP", None, "JP", "opt_in", "eu"),  # unlisted but known: the default
    ],
)
def test_a_trusted_place_gets_its_regime(
    country: str, region: str | None, jurisdiction: str, regime: str, overlay: str
) -> None:
    got = resolve(RULES, country, region)
    assert (got.jurisdiction, got.regime, got.overlay) == (jurisdiction, regime, overlay)


@pytest.mark.parametrize(
    ("country", "region"),
    [
        (None, None),  # no header
        ("", ""),
        ("XX", None),  # Cloudflare: unknown
        ("T1", None),  # Cloudflare: Tor
        ("us", "CA"),  # mixed case is not what a CDN sends
        ("Us", "ca"),
        ("US ", "CA"),
        ("ＵＳ", "CA"),  # full-width unicode
        ("US", "ZZ"),  # not a US state
        ("US", "ENG"),  # a region of another country
        ("US", "GB-ENG"),
        (None, "CA"),  # a region without a country
        ("USA", "CA"),
        ("EU", None),
        ("US", "CA\r\nX-Evil: 1"),
    ],
)
def test_an_untrusted_place_is_unknown_and_gets_the_strictest_regime(
    country: str | None, region: str | None
) -> None:
    got = resolve(RULES, country, region)
    assert got.jurisdiction == UNKNOWN
    assert got.regime == "opt_in"


def test_unknown_prefers_the_default_overlay_when_it_is_among_the_strictest() -> None:
    assert resolve(RULES, None, None).overlay == "eu"
    us_first = Rules({"US-CA": "us"}, {"us": "opt_out", "eu": "opt_in"}, default="us")
    got = resolve(us_first, None, None)
    assert (got.regime, got.overlay) == ("opt_in", "eu")


def test_the_strictest_of_no_regimes_is_opt_in() -> None:
    assert strictest([]) == "opt_in"


def test_place_of_never_echoes_the_raw_value() -> None:
    assert place_of("<script>", None) == UNKNOWN
    assert place_of("US", "<b>") == UNKNOWN


_CODES = st.text(alphabet="ACDEFGHNRSTUVXZacsu-0123 \t\u00e9\u0130\uff35", max_size=6)
_ANY = st.one_of(st.none(), _CODES, st.text(max_size=12))


def _trusted(country: str | None, region: str | None) -> bool:
    """Exactly the header pairs a CDN sends for a real place."""
    return place_of(country, region) != UNKNOWN


@settings(max_examples=600)
@given(country=_ANY, region=_ANY)
@example(country="us", region="CA")
@example(country="US", region="ca")
@example(country=None, region="CA")
@example(country="US", region="BY")
@example(country="\u0130S", region=None)
def test_no_header_value_selects_a_weaker_regime_than_the_strictest_unless_it_is_a_real_place(
    country: str | None, region: str | None
) -> None:
    """The safety promise: a forged or malformed value never weakens the regime."""
    got = resolve(RULES, country, region)
    site_strictest = strictest(RULES.overlays.values())
    if weaker(got.regime, site_strictest):
        # Only a well-formed ISO place, upper case, with a region of its own country.
        assert _trusted(country, region)
        assert country is not None and country == country.upper() and country.isascii()
        assert got.jurisdiction in {
            country,
            f"{country}-{(region or '').removeprefix(country + '-')}",
        }
    else:
        assert got.regime == site_strictest or got.jurisdiction != UNKNOWN
