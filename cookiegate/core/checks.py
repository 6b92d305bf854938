"""Field checks shared by site configs and catalogue entries.

Each ``check_*`` function takes one value and returns why it is wrong, or
None, so a loader can collect every problem of a file before reporting.
Whole-config rules live in :mod:`cookiegate.siteconfig.rules`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .hosts import DOMAIN
from .patterns import check_cookie_name as check_cookie_name
from .patterns import check_pattern as check_pattern

_STORAGE_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
#: An IndexedDB database name: any text, but printable, one line and not blank.
_DATABASE_NAME = re.compile(r"^(?=.*\S)[^\x00-\x1f\x7f]{1,128}$")
#: CLDR's two-letter regions that are not countries: unions, pseudo and reserved codes.
NOT_COUNTRIES = frozenset("EU EZ UN ZZ QO XA XB AC CP CQ DG EA IC TA".split())
#: ISO 3166-1 alpha-2 country codes (and Kosovo's XK): Babel's CLDR territories less
#: :data:`NOT_COUNTRIES`. Written out because reading them from Babel's locale data
#: cost every process 5.5 MB; tests/core/test_checks.py keeps the list equal to Babel's.
COUNTRIES = frozenset(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN "
        "BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
        "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL "
        "GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM "
        "JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
        "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
        "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD "
        "SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
        "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
    ).split()
)


_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$")
#: Google Consent Mode v2 signals a service may need granted (security_storage
#: is always granted, so it is not a choice).
CONSENT_SIGNALS = (
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "personalization_storage",
    "functionality_storage",
)
#: Category ids whose names and descriptions come from the translation catalogs
#: (and the only ones a service catalogue entry may name).
KNOWN_CATEGORIES = (
    "necessary",
    "functional",
    "analytics",
    "personalisation",
    "advertising",
    "social",
    "marketing",
)


def is_slug(value: str) -> bool:
    return bool(_SLUG.match(value))


def check_locale(value: str) -> str | None:
    if not _LOCALE.match(value):
        return f"{value!r} is not a locale such as 'de' or 'en_GB'."
    return None


def check_signal(value: str) -> str | None:
    if value not in CONSENT_SIGNALS:
        return f"{value!r} is not a Google Consent Mode signal; use one of {list(CONSENT_SIGNALS)}."
    return None


def check_policy_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} must be an http(s) address of the privacy/cookie policy."
    return None


def check_optional_url(value: str) -> str | None:
    return check_policy_url(value) if value else None


def check_cookie_token(value: str) -> str | None:
    if not _TOKEN.match(value):
        return f"{value!r} is not a valid cookie name."
    return None


def check_cookie_domain(value: str) -> str | None:
    m = DOMAIN.match(value.lstrip(".").lower())
    if not value or m is None or m["port"] or "*" in value:
        return f"{value!r} is not a domain such as 'example.co.uk'."
    return None


def check_domain(value: str) -> str | None:
    m = DOMAIN.match(value)
    if m is None or (m["port"] and not 0 < int(m["port"]) < 65536):
        return (
            f"{value!r} is not a host such as 'shop.example.co.uk', '*.example.co.uk', "
            "'localhost' or 'example.co.uk:8443' (lower case, no scheme or path)."
        )
    return None


def check_storage_key(value: str) -> str | None:
    if not _STORAGE_KEY.match(value):
        return f"{value!r} is not a storage key (printable ASCII, no spaces, at most 128)."
    return None


def check_database_name(value: str) -> str | None:
    """An IndexedDB database name (``*`` is a wildcard, as in cookie names and storage keys)."""
    if not _DATABASE_NAME.match(value):
        return (
            f"{value!r} is not an IndexedDB database name (printable text on one line, "
            "not blank, at most 128 characters)."
        )
    return None


def check_country(value: str) -> str | None:
    if value not in COUNTRIES:
        return f"{value!r} is not an ISO 3166 country code such as 'IE' or 'US'."
    return None
