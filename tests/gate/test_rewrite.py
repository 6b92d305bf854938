"""What the gate makes inert, in the loader's form, and what it leaves byte for byte."""

from __future__ import annotations

import logging

import pytest

from cookiegate.gate import rewrite

from .helpers import gated
from .helpers import token

FB = "https://connect.facebook.net/en_US/fbevents.js"
PIXEL_SNIPPET = (
    "<script>!function(f,b,e,v,n,t,s){t=b.createElement(e);t.async=!0;t.src=v;"
    "s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}"
    f"(window,document,'script','{FB}');fbq('init','1');</script>"
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            '<iframe src="https://www.youtube.com/embed/x" title="v"></iframe>',
            '<iframe data-cg-src="https://www.youtube.com/embed/x" title="v"></iframe>',
        ),
        (
            "<img src=https://www.facebook.com/tr?id=1 alt=''>",
            "<img data-cg-src=https://www.facebook.com/tr?id=1 alt=''>",
        ),
        (  # the pixel in <noscript>: a browser without scripting parses it as HTML
            '<noscript><img height="1" src="https://www.facebook.com/tr?id=1&amp;ev=PageView"/></noscript>',
            '<noscript><img height="1" data-cg-src="https://www.facebook.com/tr?id=1&amp;ev=PageView"/></noscript>',
        ),
        (
            '<img src="/a.png" srcset="/a2.png 2x, https://www.facebook.com/tr?x 3x">',
            '<img src="/a.png" data-cg-srcset="/a2.png 2x, https://www.facebook.com/tr?x 3x">',
        ),
        (
            '<picture><source srcset="https://googleads.g.doubleclick.net/a.webp"></picture>',
            '<picture><source data-cg-srcset="https://googleads.g.doubleclick.net/a.webp"></picture>',
        ),
        (
            '<link rel="preload" as="script" href="https://www.googletagmanager.com/gtag/js?id=G-1">',
            '<link rel="preload" as="script" data-cg-href="https://www.googletagmanager.com/gtag/js?id=G-1">',
        ),
        (  # a hint names an origin: held when a blocked service lives on that host
            '<link rel="dns-prefetch preconnect" href="//connect.facebook.net">',
            '<link rel="dns-prefetch preconnect" data-cg-href="//connect.facebook.net">',
        ),
        (
            '<link rel="stylesheet" href="https://widget.trustpilot.com/w.css">',
            '<link rel="stylesheet" data-cg-href="https://widget.trustpilot.com/w.css">',
        ),
        (
            '<video poster="https://www.youtube.com/embed/p.jpg" src="/v.mp4"></video>',
            '<video data-cg-poster="https://www.youtube.com/embed/p.jpg" src="/v.mp4"></video>',
        ),
        (
            '<object data="https://www.youtube.com/embed/o"></object><embed src="https://www.youtube.com/embed/e">',
            '<object data-cg-data="https://www.youtube.com/embed/o"></object><embed data-cg-src="https://www.youtube.com/embed/e">',
        ),
        (
            '<input type="image" src="https://www.facebook.com/tr?i">',
            '<input type="image" data-cg-src="https://www.facebook.com/tr?i">',
        ),
        (
            '<a href="/p" ping="https://www.facebook.com/tr?p">p</a>',
            '<a href="/p" data-cg-ping="https://www.facebook.com/tr?p">p</a>',
        ),
        (  # gtag.js with an Ads id belongs to Google Ads: the most specific pattern wins
            '<script src="https://www.googletagmanager.com/gtag/js?id=AW-1" type="text/javascript"></script>',
            '<script type="text/plain" data-category="advertising" data-cg-src="https://www.googletagmanager.com/gtag/js?id=AW-1" ></script>',
        ),
        (  # a snippet that loads its library is held with its service's category
            PIXEL_SNIPPET,
            PIXEL_SNIPPET.replace(
                "<script>", '<script type="text/plain" data-category="advertising">'
            ),
        ),
        (
            '<script type="module" src="https://cdn.dynamicyield.com/m.js"></script>',
            '<script type="text/plain" data-category="personalisation" data-cg-type="module" '
            'data-cg-src="https://cdn.dynamicyield.com/m.js"></script>',
        ),
        (  # a JSON-escaped URL in an inline script
            '<script>load("https:\\/\\/cdn.dynamicyield.com\\/api.js")</script>',
            '<script type="text/plain" data-category="personalisation">load("https:\\/\\/cdn.dynamicyield.com\\/api.js")</script>',
        ),
        (  # <base href> moves where relative URLs point
            '<base href="https://www.youtube.com/"><iframe src="embed/rel"></iframe>',
            '<base href="https://www.youtube.com/"><iframe data-cg-src="embed/rel"></iframe>',
        ),
    ],
)
def test_blocked_tags_are_held_in_the_loaders_form(before: str, after: str) -> None:
    assert gated(before).decode() == after


@pytest.mark.parametrize(
    "html",
    [
        '<script>gtag("config", "G-1")</script>',  # inline, names no blocked URL
        '<script type="application/ld+json">{"u": "https://www.youtube.com/embed/x"}</script>',
        '<script type="text/plain" data-category="analytics" src="https://www.googletagmanager.com/gtag/js"></script>',
        '<script data-category="analytics">load("https://www.googletagmanager.com/gtag/js")</script>',
        '<a href="https://www.facebook.com/tr">a link is not a request</a>',
        '<link rel="canonical" href="https://www.youtube.com/embed/x">',
        '<input type="text" src="https://www.facebook.com/tr">',
        '<img src="https://js.stripe.com/x.png">',  # a necessary service always loads
        '<img src="https://evil-google-analytics.com/x">',  # not a label boundary
        '<img src="data:image/png;base64,AAAA">',
        "<!-- <script src=https://www.googletagmanager.com/gtag/js></script> -->",
        '<textarea><img src="https://www.facebook.com/tr"></textarea>',
        '<title><iframe src="https://www.youtube.com/embed/x"></title>',
        "<style>a::after { content: '<img src=https://www.facebook.com/tr>' }</style>",
        '<script>document.write("<p>")</script><script>var u = "</scrip" + "t>";</script>',
    ],
)
def test_what_loads_nothing_blocked_passes_byte_for_byte(html: str) -> None:
    assert gated(html).decode() == html


@pytest.mark.parametrize("end", ["</script >", "</SCRIPT>", "</script foo>", "</script/>"])
def test_script_text_ends_where_the_browser_ends_it(end: str) -> None:
    # "</script" and a space, "/" or ">" ends a script for the browser; markup follows.
    html = f'<script>var a = "</scripts>";{end}<img src="https://www.facebook.com/tr">'
    assert gated(html).decode() == html.replace(" src=", " data-cg-src=")


def test_a_self_closed_script_still_opens_script_text() -> None:
    html = '<script src="/a.js"/>"<img src=https://www.facebook.com/tr>"</script>'
    assert gated(html).decode() == html


def test_granted_tags_pass_untouched_and_refused_ones_are_held_on_one_page() -> None:
    page = (
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
        '<iframe src="https://www.youtube.com/embed/x"></iframe>'
    )
    assert gated(page, token("analytics")).decode() == (
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
        '<iframe data-cg-src="https://www.youtube.com/embed/x"></iframe>'
    )


def test_an_unfinished_comment_larger_than_the_bound_passes_through(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = (b"<p>x</p><!-- " + b"a" * (rewrite.MAX_HELD + 10)) * 1
    tail = b'<img src="https://www.facebook.com/tr">'
    with caplog.at_level(logging.WARNING, "cookiegate.gate"):
        assert gated(page + tail) == page + tail
    assert "passes through unchanged" in caplog.text
