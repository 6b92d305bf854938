"""Which origins may use a site, and the host checks behind it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.core.checks import check_domain
from cookiegate.core.checks import origin_allowed

DOMAINS = [
    "localhost",
    "127.0.0.1",
    "[::1]",
    "www.shop.example",
    "*.shop.example",
    "pay.example:8443",
]


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:5000", True),
        ("http://127.0.0.1", True),
        ("http://[::1]:8080", True),
        ("https://www.shop.example", True),
        ("https://m.shop.example", True),
        ("https://a.b.shop.example", True),
        ("https://shop.example", False),
        ("https://evilshop.example", False),
        ("https://www.shop.example.evil.example", False),
        ("https://pay.example:8443", True),
        ("https://pay.example", False),
        ("null", False),
        ("", False),
        (None, False),
        ("file://localhost", False),
        ("http://localhost:5000/path", False),
        ("http://user@localhost", False),
        ("http://localhost:99999", False),
        ("chrome-extension://abc", False),
    ],
)
def test_origin_matches_listed_hosts_ports_and_wildcard_subdomains(
    origin: str | None, allowed: bool
) -> None:
    assert origin_allowed(origin, DOMAINS) is allowed


@pytest.mark.parametrize(
    "domain",
    ["Shop.example", "https://shop.example", "shop.example/x", "*.*.example", "a.example:0", ""],
)
def test_malformed_domains_are_refused(domain: str) -> None:
    assert check_domain(domain) is not None


@given(st.text(max_size=80))
def test_any_origin_header_gives_a_boolean(origin: str) -> None:
    assert origin_allowed(origin, DOMAINS) in (True, False)
