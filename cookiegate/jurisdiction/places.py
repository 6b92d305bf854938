"""Places as ISO 3166 codes: which codes exist, and the groups a site config may name.

Country codes (ISO 3166-1 alpha-2) and subdivision codes (ISO 3166-2) come
from pycountry, which ships the ISO tables, written out in ``iso3166.txt``
(importing pycountry and its tables took 13 MB in every process; a test
keeps the file equal to pycountry's tables), so a header value is checked
against the real list rather than a pattern: ``XX`` (Cloudflare's "unknown"),
``T1`` (its Tor exit code) and ``EU`` are well-formed but are no country.
Only upper-case ASCII is accepted, exactly as CDNs send it; anything else
is treated as an unknown place, never normalised into a known one.
"""

from __future__ import annotations

import re
from pathlib import Path

#: EU member states (https://european-union.europa.eu/principles-countries-history/eu-countries_en).
EU: frozenset[str] = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
#: The EEA: the EU plus Iceland, Liechtenstein and Norway.
EEA: frozenset[str] = EU | {"IS", "LI", "NO"}
#: Where consent before non-essential cookies is the law: EEA (ePrivacy Directive art. 5(3)),
#: the UK (PECR reg. 6) and Switzerland (revFADP, cookies by art. 45c TCA, asked first in practice).
OPT_IN_ONLY: frozenset[str] = EEA | {"GB", "CH"}

#: Names a site config may use for a group of countries.
GROUPS: dict[str, frozenset[str]] = {"EU": EU, "EEA": EEA}

_COUNTRY = re.compile(r"[A-Z]{2}")
_REGION = re.compile(r"[A-Z0-9]{1,3}")
#: The file of assigned codes, one a line (``#`` lines are comments).
ISO3166_FILE = Path(__file__).with_name("iso3166.txt")
_CODES = [line for line in ISO3166_FILE.read_text(encoding="ascii").splitlines() if line[:1] != "#"]
_COUNTRIES: frozenset[str] = frozenset(c for c in _CODES if "-" not in c)
_SUBDIVISIONS: frozenset[str] = frozenset(c for c in _CODES if "-" in c)


def is_country(code: str) -> bool:
    """True when ``code`` is an assigned ISO 3166-1 alpha-2 code, upper case."""
    return _COUNTRY.fullmatch(code) is not None and code in _COUNTRIES


def is_region(country: str, region: str) -> bool:
    """True when ``region`` (the part after ``CC-``) is an ISO 3166-2 subdivision of ``country``."""
    return (
        is_country(country)
        and _REGION.fullmatch(region) is not None
        and f"{country}-{region}" in _SUBDIVISIONS
    )


def is_place(code: str) -> bool:
    """True for a country (``DE``) or a subdivision with its country (``US-CA``)."""
    country, _, region = code.partition("-")
    return is_region(country, region) if region else is_country(code)


def country_of(place: str) -> str:
    """The country part of a place code (``US`` of ``US-CA``)."""
    return place.partition("-")[0]


def requires_opt_in(place: str) -> bool:
    """True when the law of ``place`` (a country or a subdivision) requires consent first."""
    return country_of(place) in OPT_IN_ONLY
