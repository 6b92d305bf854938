"""The scanner's crawl rules: start URLs, same-site links, skipped links, robots.txt."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.scan import urls
from cookiegate.scan.urls import UrlError


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("https://WWW.Shop.Example/tv?x=1#reviews", "https://www.shop.example/tv?x=1"),
        ("http://shop.example:80", "http://shop.example/"),
        ("https://shop.example:8443/a", "https://shop.example:8443/a"),
        ("www.shop.example/tv", "https://www.shop.example/tv"),
        ("http://127.0.0.1:5000/demo/", "http://127.0.0.1:5000/demo/"),
    ],
)
def test_start_urls_are_normalised(given_url: str, expected: str) -> None:
    assert urls.check_start_url(given_url) == expected


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("ftp://shop.example/", "is not an http(s) URL"),
        ("javascript:alert(1)", "is not a URL"),
        ("shop", "is not a URL"),
        ("", "is not a URL"),
        ("https://", "has no valid host name"),
        ("https://shop.example:99999/", "has an invalid port"),
        ("https://shop example/", "has no valid host name"),
    ],
)
def test_bad_start_urls_are_refused_naming_the_problem(bad: str, message: str) -> None:
    with pytest.raises(UrlError, match=re.escape(message)):
        urls.check_start_url(bad)


@given(st.text(max_size=60))
def test_any_text_is_either_a_normalised_http_url_or_a_url_error(text: str) -> None:
    try:
        url = urls.check_start_url(text)
    except UrlError:
        return
    assert url.startswith(("http://", "https://"))
    assert "#" not in url
    assert urls.check_start_url(url) == url


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("www.shop.co.uk", "shop.co.uk"),
        ("shop.co.uk", "shop.co.uk"),
        ("static.cdn.shop.example", "shop.example"),
        ("foo.github.io", "foo.github.io"),  # a private suffix: each user is a site
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("localhost", "localhost"),
    ],
)
def test_site_is_the_registrable_domain(host: str, site: str) -> None:
    assert urls.site_of(host) == site


@pytest.mark.parametrize(
    ("link", "decision"),
    [
        ("https://shop.co.uk/tv", None),
        ("https://www.shop.co.uk/tv?page=2", None),
        ("https://other.co.uk/tv", ""),
        ("mailto:help@shop.co.uk", ""),
        ("tel:+44123", ""),
        ("javascript:void(0)", ""),
        ("https://www.shop.co.uk/files/manual.PDF", "a .pdf file, not a page"),
        ("https://www.shop.co.uk/img/tv.webp", "a .webp file, not a page"),
        ("https://www.shop.co.uk/account/logout", "an action link"),
        ("https://www.shop.co.uk/basket?add-to-cart=12", "an action link"),
        ("https://www.shop.co.uk/sign-out", "an action link"),
    ],
)
def test_links_are_crawled_ignored_or_skipped_with_a_reason(
    link: str, decision: str | None
) -> None:
    got = urls.link_decision(link, "shop.co.uk")
    if decision:
        assert got is not None and got.startswith(decision)
    else:
        assert got == decision


def test_robots_rules_for_the_scanner_apply_and_others_do_not() -> None:
    robots = urls.Robots(
        "User-agent: *\nDisallow: /\n\nUser-agent: cookiegate-scanner\nDisallow: /private/\n"
        "Crawl-delay: 2\n"
    )
    assert robots.allowed("https://shop.example/tv")
    assert not robots.allowed("https://shop.example/private/x")
    assert robots.crawl_delay == 2.0
    assert urls.Robots(None).allowed("https://shop.example/anything")


def test_a_request_is_reported_without_its_query() -> None:
    assert (
        urls.strip_query("https://region1.google-analytics.com/g/collect?cid=123&v=2")
        == "region1.google-analytics.com/g/collect"
    )
