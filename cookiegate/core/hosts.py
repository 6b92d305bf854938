"""Host names: "this host or a subdomain of it", and which origins a site's domains allow.

Whether a host belongs to a site, a cookie domain, a tracker or Google is the
same question everywhere, and a home-made ``endswith`` gets it wrong in one
of two ways (``evil-example.com`` ends with ``example.com``). So it is
answered once, by :func:`host_within`, and every check of a host against a
parent domain calls it.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t
from urllib.parse import urlsplit

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
#: One entry of a site's ``domains``: a host, ``*.`` + host (its subdomains),
#: or a bracketed IPv6 address, each with an optional port.
DOMAIN = re.compile(
    rf"^(?P<host>(?:\*\.)?(?:{_LABEL}\.)*{_LABEL}|\[[0-9a-f:.]+\])(?::(?P<port>\d{{1,5}}))?$"
)


def host_within(host: str, parent: str) -> bool:
    """True when ``host`` is ``parent`` or one of its subdomains.

    Subdomains end at a dot, so ``evil-example.com`` is not within
    ``example.com``. Case does not matter (DNS names are case-insensitive),
    and a leading dot of ``parent`` is ignored, as in a cookie's ``Domain``
    (``.example.com``). A trailing dot is not removed: ``example.com.`` is a
    different name from ``example.com`` here, as everywhere cookiegate
    compares hosts.
    """
    host = host.lower()
    parent = parent.lstrip(".").lower()
    return host == parent or host.endswith("." + parent)


def domain_host(domain: str) -> str:
    """The host of a ``domains`` entry, without its ``*.`` and port (as is if malformed)."""
    m = DOMAIN.match(domain)
    return m["host"].removeprefix("*.") if m else domain


def domain_within(domain: str, parent: str) -> bool:
    """True when ``domains`` entry ``domain`` is ``parent`` or one of its subdomains."""
    return host_within(domain_host(domain), parent)


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
        m = DOMAIN.match(domain)
        if m is None:
            continue
        if m["port"] and int(m["port"]) != (port or (443 if parts.scheme == "https" else 80)):
            continue
        pattern = m["host"]
        if pattern.startswith("*."):
            base = pattern.removeprefix("*.")
            if host != base and host_within(host, base):
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
