"""Any chunking gives the same bytes; every encoding's bytes pass through; odd HTML never breaks."""

from __future__ import annotations

import codecs

from hypothesis import given
from hypothesis import strategies as st

from cookiegate.gate.policy import Policy
from cookiegate.gate.policy import Rules
from cookiegate.gate.rewrite import Rewriter

from .helpers import DEMO
from .helpers import call
from .helpers import environ
from .helpers import html_app
from .helpers import token

SHOP = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Café – TV</title>"
    '<script src="https://consent.voltline.example/v1/sites/demo/loader.js"></script>'
    '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
    "<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>"
    "<script>!function(){var t=document.createElement('script');"
    "t.src='https://connect.facebook.net/en_US/fbevents.js';document.head.append(t)}()</script>"
    '<noscript><img src="https://www.facebook.com/tr?id=1&amp;ev=PageView"/></noscript>'
    '<link rel=preconnect href="https://www.youtube.com"><!-- a <script src=x> comment -->'
    "</head><body><p>£499 &amp; “free” delivery</p>"
    '<iframe src="https://www.youtube.com/embed/x" title="video"></iframe>'
    '<img srcset="https://googleads.g.doubleclick.net/a 1x, /b.png 2x" alt="ü">'
    "<style>p{color:red}</style><textarea><img src=https://www.facebook.com/tr></textarea>"
    "</body></html>"
).encode()


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def run(chunks: list[bytes], cookie: str | None = None, content_type: str = "text/html") -> bytes:
    return call(html_app(chunks, content_type=content_type), environ(cookie)).body


RULES = Rules.from_config(DEMO)


def rewrite(chunks: list[bytes], charset: str = "utf-8") -> bytes:
    """The rewriter fed ``chunks`` one by one (the middleware gathers chunks under 4 KB)."""
    rw = Rewriter(Policy(RULES, None), "https://www.voltline.example/tv", charset)
    return b"".join(rw.feed(c) for c in chunks) + rw.close()


WHOLE = run([SHOP])


def test_the_whole_page_is_held_as_the_loader_expects() -> None:
    assert WHOLE.count(b"data-cg-") == 5 and WHOLE.count(b'type="text/plain"') == 2
    assert rewrite([SHOP]) == WHOLE


@given(st.lists(st.integers(min_value=0, max_value=len(SHOP)), max_size=40))
def test_any_chunking_gives_the_same_output(cuts: list[int]) -> None:
    assert rewrite(chunked(SHOP, cuts)) == WHOLE
    assert run(chunked(SHOP * 3, cuts)) == run([SHOP * 3])


def test_every_chunk_of_one_byte_gives_the_same_output() -> None:
    assert rewrite([SHOP[i : i + 1] for i in range(len(SHOP))]) == WHOLE


# Markup-shaped noise: tags, attributes, quotes, comments, scripts and blocked URLs in any order.
PIECES = st.sampled_from(
    [
        "<",
        ">",
        "/",
        "=",
        '"',
        "'",
        " ",
        "\n",
        "!",
        "-",
        "--",
        "&",
        "&amp;",
        ";",
        "?",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<!doctype html>",
        "<?x",
        "<script>",
        "</script>",
        "<script src=",
        "<style>",
        "</style>",
        "<noscript>",
        "</noscript>",
        "<img ",
        "<iframe ",
        "<link rel=preload href=",
        "srcset=",
        "src=",
        "type=module",
        "<textarea>",
        "</title>",
        "https://www.facebook.com/tr",
        "//www.youtube.com/embed/x",
        "https://cdn.dynamicyield.com",
        "é",
        "€",
        "\x00",
        "a",
        "p",
    ]
)
NOISE = st.lists(PIECES, max_size=60).map("".join)


@given(NOISE, st.lists(st.integers(min_value=0, max_value=400), max_size=8))
def test_malformed_html_never_raises_and_granted_pages_pass_unchanged(
    text: str, cuts: list[int]
) -> None:
    data = text.encode()
    assert run(chunked(data, cuts), token("all")) == data
    assert rewrite(chunked(data, cuts)) == rewrite([data])


@given(
    NOISE.filter(lambda s: "facebook" not in s and "youtube" not in s and "dynamicyield" not in s)
)
def test_html_without_blocked_urls_passes_unchanged(text: str) -> None:
    assert run([text.encode()]) == text.encode()


def test_a_windows_1252_page_keeps_every_byte_outside_the_rewritten_tag() -> None:
    page = (
        b"<html><head><meta charset=windows-1252></head><p>caf\xe9 \x80 \xa3</p>"
        b'<img alt="\xe9t\xe9" src="https://www.facebook.com/tr"></html>'
    )
    assert run([page]) == page.replace(b" src=", b" data-cg-src=")


def test_a_shift_jis_page_keeps_its_bytes() -> None:
    text = "<p>テレビ ソニー 表示</p>"  # 表 and ソ have a backslash (0x5C) as second byte
    page = (text + '<iframe src="https://www.youtube.com/embed/x"></iframe>').encode("shift_jis")
    out = run([page], content_type="text/html; charset=Shift_JIS")
    assert out == page.replace(b" src=", b" data-cg-src=")
    assert out.decode("shift_jis").startswith(text)


def test_a_url_in_the_pages_own_encoding_is_read_in_that_encoding() -> None:
    page = '<img src="https://cdn.dynamicyield.com/bild/grüße.png">'.encode("latin-1")
    assert run([page], content_type="text/html; charset=iso-8859-1") == page.replace(
        b" src=", b" data-cg-src="
    )


def test_utf16_pages_pass_untouched() -> None:
    html = '<iframe src="https://www.youtube.com/embed/x"></iframe>'
    with_bom = codecs.BOM_UTF16_LE + html.encode("utf-16-le")
    assert run([with_bom[:3], with_bom[3:]]) == with_bom
    plain = html.encode("utf-16-be")
    assert run([plain], content_type="text/html; charset=UTF-16BE") == plain


def test_a_meta_declared_iso_2022_jp_page_passes_untouched() -> None:
    page = (
        '<meta charset="iso-2022-jp"><p>テレビ</p><img src="https://www.facebook.com/tr">'
    ).encode("iso-2022-jp")
    assert run([page]) == page


def test_a_utf8_bom_page_is_rewritten() -> None:
    page = codecs.BOM_UTF8 + b'<img src="https://www.facebook.com/tr">'
    assert run([page]) == codecs.BOM_UTF8 + b'<img data-cg-src="https://www.facebook.com/tr">'


def test_a_page_shorter_than_the_prescan_is_still_rewritten() -> None:
    assert run([b"<img src=//www.facebook.com/tr>"]) == b"<img data-cg-src=//www.facebook.com/tr>"
