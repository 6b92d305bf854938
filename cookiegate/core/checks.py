"""Field checks shared by site configs and catalogue entries.

Each ``check_*`` function takes one value and returns why it is wrong, or
None, so a loader can collect every problem of a file before reporting.
Whole-config rules live in :mod:`cookiegate.siteconfig.rules`.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t
from urllib.parse import urlsplit

from .patterns import check_cookie_name as check_cookie_name
from .patterns import check_pattern as check_pattern

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(
    rf"^(?P<host>(?:\*\.)?(?:{_LABEL}\.)*{_LABEL}|\[[0-9a-f:.]+\])(?::(?P<port>\d{{1,5}}))?$"
)
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
    m = _DOMAIN.match(value.lstrip(".").lower())
    if not value or m is None or m["port"] or "*" in value:
        return f"{value!r} is not a domain such as 'example.co.uk'."
    return None


def check_domain(value: str) -> str | None:
    m = _DOMAIN.match(value)
    if m is None or (m["port"] and not 0 < int(m["port"]) < 65536):
        return (
            f"{value!r} is not a host such as 'shop.example.co.uk', '*.example.co.uk', "
            "'localhost' or 'example.co.uk:8443' (lower case, no scheme or path)."
        )
    return None


def domain_within(domain: str, parent: str) -> bool:
    """True when host pattern ``domain`` is ``parent`` or one of its subdomains."""
    host = _DOMAIN.match(domain)
    name = host["host"].removeprefix("*.") if host else domain
    parent = parent.lstrip(".").lower()
    return name == parent or name.endswith("." + parent)


def origin_allowed(origin: str | None, domains: t.Iterable[str]) -> bool:
    """True when an ``Origin`` header names an http(s) origin one of ``domains`` allows.

    A domain without a port allows every port; ``*.example.com`` allows the
    subdomains of example.com but not example.com itself.
    """
    if not origin or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        return False
    host = parts.hostname
    if ":" in host:
        host = f"[{ipaddress.ip_address(host).compressed}]" if _is_ip(host) else host
    for domain in domains:
        m = _DOMAIN.match(domain)
        if m is None:
            continue
        if m["port"] and int(m["port"]) != (port or (443 if parts.scheme == "https" else 80)):
            continue
        pattern = m["host"]
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]):
                return True
        elif host == pattern:
            return True
    return False


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
