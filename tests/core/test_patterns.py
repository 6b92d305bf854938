"""URL patterns: what a service's ``host[/path]`` pattern blocks, and what it must not."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.core.patterns import check_pattern
from cookiegate.core.patterns import cookie_regex
from cookiegate.core.patterns import matches
from cookiegate.core.patterns import pattern_regex


@pytest.mark.parametrize(
    ("pattern", "url", "blocked"),
    [
        ("google-analytics.com", "https://www.google-analytics.com/analytics.js", True),
        ("google-analytics.com", "https://region1.google-analytics.com/g/collect?v=2", True),
        ("google-analytics.com", "//google-analytics.com", True),
        ("google-analytics.com", "https://GOOGLE-ANALYTICS.COM:443/x", True),
        ("google-analytics.com", "https://evil-google-analytics.com/x", False),
        ("google-analytics.com", "https://google-analytics.com.evil.example/x", False),
        ("google-analytics.com", "https://shop.example/?u=google-analytics.com", False),
        ("google-analytics.com", "https://user@google-analytics.com/x", True),
        ("googletagmanager.com/gtag/js", "https://www.googletagmanager.com/gtag/js?id=G-1", True),
        ("googletagmanager.com/gtag/js", "https://www.googletagmanager.com/gtm.js?id=GTM-1", False),
        (
            "connect.facebook.net/*/fbevents.js",
            "https://connect.facebook.net/en_US/fbevents.js",
            True,
        ),
        ("connect.facebook.net/*/fbevents.js", "https://connect.facebook.net/en_US/sdk.js", False),
        ("facebook.com/tr", "https://www.facebook.com/tr?id=1&ev=PageView", True),
        ("facebook.com/tr", "https://www.facebook.com/groups", False),
    ],
)
def test_pattern_blocks_the_host_its_subdomains_and_the_path_prefix(
    pattern: str, url: str, blocked: bool
) -> None:
    assert matches([pattern_regex(pattern)], url) is blocked


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("https://a.example", "scheme"),
        ("a.example/x y", "path"),
        ("localhost", "host name"),
        ("-a.example", "host name"),
        ("", "host name"),
    ],
)
def test_bad_patterns_are_explained(pattern: str, problem: str) -> None:
    why = check_pattern(pattern)
    assert why is not None and problem in why


def test_cookie_wildcards_match_whole_names_only() -> None:
    rx = re.compile(cookie_regex("_ga_*"))
    assert rx.match("_ga_ABC123") and rx.match("_ga_")
    assert not rx.match("_ga") and not rx.match("x_ga_1")
    assert re.match(cookie_regex("_ga"), "_gat") is None


hosts = st.from_regex(r"\A(?:[a-z0-9]{1,8}\.){1,3}[a-z]{2,6}\Z")
paths = st.from_regex(r"\A(?:/[A-Za-z0-9._*-]{0,8}){0,3}\Z")


@given(host=hosts, path=paths, sub=st.from_regex(r"\A[a-z0-9]{1,6}\Z"))
def test_a_valid_pattern_compiles_and_matches_its_own_urls(host: str, path: str, sub: str) -> None:
    pattern = host + path
    assert check_pattern(pattern) is None
    rx = pattern_regex(pattern)
    re.compile(rx)
    concrete = path.replace("*", "x")
    assert matches([rx], f"https://{host}{concrete}?q=1")
    assert matches([rx], f"https://{sub}.{host}{concrete}")
    assert not matches([rx], f"https://{sub}{host}{concrete}")


@given(st.text(max_size=60))
def test_check_pattern_never_raises(value: str) -> None:
    assert check_pattern(value) is None or isinstance(check_pattern(value), str)
