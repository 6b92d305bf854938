"""Reading a consent POST: page-URL minimisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent.request import strip_url
from cookiegate.core.errors import ChoiceError


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://shop.example/p/1?email=a@b.c&utm=x#top", "https://shop.example/p/1"),
        ("https://user:pw@shop.example:8443/basket", "https://shop.example:8443/basket"),
        ("http://SHOP.example", "http://shop.example/"),
        ("http://[2001:db8::1]:8080/a?b", "http://[2001:db8::1]:8080/a"),
    ],
)
def test_page_url_keeps_only_scheme_host_and_path(url: str, kept: str) -> None:
    assert strip_url(url) == kept


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "/relative", "https://", "http://a:notaport/"],
)
def test_page_url_must_be_a_web_address(url: str) -> None:
    with pytest.raises(ChoiceError):
        strip_url(url)


@given(st.text(max_size=200))
def test_strip_url_only_raises_choice_error(url: str) -> None:
    try:
        kept = strip_url(url)
    except ChoiceError:
        return
    assert "?" not in kept and "#" not in kept
