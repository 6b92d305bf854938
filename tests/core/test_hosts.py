"""Hosts: "this host or a subdomain of it", and which origins may use a site."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.core.hosts import domain_within
from cookiegate.core.hosts import host_within
from cookiegate.core.hosts import origin_allowed
from cookiegate.core.patterns import pattern_regex

LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
#: Hosts a ``host[/path]`` pattern may name: two labels or more, a letter TLD.
HOSTS = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABEL, min_size=1, max_size=3),
    st.from_regex(r"[a-z][a-z0-9]{1,5}", fullmatch=True),
)


@given(HOSTS)
def test_a_host_is_within_itself(host: str) -> None:
    assert host_within(host, host)


@given(HOSTS, LABEL)
def test_a_subdomain_is_within_its_parent_but_not_the_other_way(host: str, label: str) -> None:
    assert host_within(f"{label}.{host}", host)
    assert not host_within(host, f"{label}.{host}")


@given(HOSTS, st.from_regex(r"[a-z0-9-]{1,10}", fullmatch=True))
def test_a_name_that_only_ends_with_the_same_letters_is_not_within(host: str, prefix: str) -> None:
    # evil-example.com is not example.com's.
    assert not host_within(prefix + host, host)


@given(HOSTS, LABEL)
def test_case_does_not_matter(host: str, label: str) -> None:
    assert host_within(f"{label}.{host}".upper(), host)
    assert host_within(f"{label}.{host}", host.upper())


@given(HOSTS, LABEL)
def test_a_leading_dot_of_the_parent_is_ignored_as_in_a_cookie_domain(
    host: str, label: str
) -> None:
    assert host_within(host, "." + host)
    assert host_within(f"{label}.{host}", "." + host)


@given(HOSTS)
def test_a_trailing_dot_makes_a_different_name(host: str) -> None:
    assert not host_within(host + ".", host)


@given(HOSTS, st.from_regex(r"(?:[a-z0-9-]{1,8}\.?){0,3}", fullmatch=True))
def test_hosts_within_are_what_the_loader_pattern_matches(parent: str, extra: str) -> None:
    # The browser loader blocks by the compiled pattern; both must draw the same line.
    host = extra + parent
    assert host_within(host, parent) is bool(re.search(pattern_regex(parent), host))


@pytest.mark.parametrize(
    ("domain", "parent", "within"),
    [
        ("shop.example", "shop.example", True),
        ("*.shop.example", "shop.example", True),
        ("www.shop.example:8443", ".shop.example", True),
        ("www.shop.example", "Shop.Example", True),
        ("evilshop.example", "shop.example", False),
        ("shop.example", "www.shop.example", False),
        ("[::1]:8000", "shop.example", False),
    ],
)
def test_a_domains_entry_is_within_a_parent_whatever_its_wildcard_and_port(
    domain: str, parent: str, within: bool
) -> None:
    assert domain_within(domain, parent) is within


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


@given(st.text(max_size=80))
def test_any_origin_header_gives_a_boolean(origin: str) -> None:
    assert origin_allowed(origin, DOMAINS) in (True, False)
