"""Link hints, images, media and embeds that a script inserts are held until consent.

Each test takes one route to a blocked host (Google Ads) before any choice, checks the host
heard nothing, grants advertising, and checks it heard exactly one request
(``e2e/routes_dom.py``).
"""

from __future__ import annotations

import typing as t

import pytest

from .helpers import choose_categories
from .helpers import settle
from .helpers import wait_banner
from .routes_dom import Hits
from .routes_dom import hits_fixture  # noqa: F401 (the hits fixture)
from .routes_dom import prove

LINKS = "Link elements"
MEDIA = "Images, media and embeds"


@pytest.mark.leak_route("<link rel=stylesheet> inserted by script, href set after", section=LINKS)
def test_a_stylesheet_link_whose_href_is_set_on_the_page_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "sheet.css",
        "const l = document.createElement('link'); l.rel = 'stylesheet';"
        "document.head.append(l); l.href = U('sheet.css');",
    )


@pytest.mark.leak_route("<link rel=preload> with href by setAttribute", section=LINKS)
def test_a_preload_link_made_with_set_attribute_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "preload.png",
        "const l = document.createElement('link'); l.setAttribute('rel', 'preload');"
        "l.setAttribute('as', 'image'); l.setAttribute('href', U('preload.png'));"
        "document.head.appendChild(l);",
    )


@pytest.mark.leak_route("<link rel=preload imagesrcset> inserted by script", section=LINKS)
def test_a_preload_link_with_an_image_srcset_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "preload-set.png",
        "const l = document.createElement('link'); l.rel = 'preload'; l.as = 'image';"
        "l.imageSrcset = U('preload-set.png') + ' 1x'; document.head.append(l);",
    )


@pytest.mark.leak_route("<link rel=prefetch> written as HTML (insertAdjacentHTML)", section=LINKS)
def test_a_prefetch_link_written_as_html_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "prefetch.js",
        "document.head.insertAdjacentHTML('beforeend',"
        " '<link rel=\"prefetch\" href=\"' + U('prefetch.js') + '\">');",
    )


@pytest.mark.leak_route("<link rel=modulepreload> inserted by script", section=LINKS)
def test_a_modulepreload_link_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "module.js",
        "const l = document.createElement('link'); l.rel = 'modulepreload';"
        "l.href = U('module.js'); document.head.append(l);",
    )


@pytest.mark.leak_route("<img srcset> set by script", section=MEDIA)
def test_an_image_srcset_set_on_the_page_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "set.png",
        "const i = document.createElement('img'); i.alt = '';"
        "document.body.append(i); i.srcset = '/e2e/none.png 2x, ' + U('set.png') + ' 1x';",
    )


@pytest.mark.leak_route("<picture><source srcset> inserted by script", section=MEDIA)
def test_a_picture_source_srcset_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "picture.png",
        "const p = document.createElement('picture'), s = document.createElement('source');"
        "s.setAttribute('srcset', U('picture.png')); const i = document.createElement('img');"
        "i.alt = ''; p.append(s, i); document.body.append(p);",
    )


@pytest.mark.leak_route("<video src> set by script", section=MEDIA)
def test_a_video_src_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "video.mp4",
        "const v = document.createElement('video'); v.preload = 'auto';"
        "v.src = U('video.mp4'); document.body.append(v);",
    )


@pytest.mark.leak_route("new Audio(url), then put on the page", section=MEDIA)
def test_an_audio_made_with_its_url_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "sound.mp3",
        "const a = new Audio(U('sound.mp3')); a.preload = 'auto'; document.body.append(a);",
    )


@pytest.mark.leak_route("<video><source src> inserted by script", section=MEDIA)
def test_a_video_source_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "source.mp4",
        "const v = document.createElement('video'), s = document.createElement('source');"
        "v.preload = 'auto'; s.src = U('source.mp4'); v.append(s); document.body.append(v);",
    )


@pytest.mark.leak_route("<track src> inserted by script", section=MEDIA)
def test_a_text_track_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "captions.vtt",
        "const v = document.createElement('video'), t = document.createElement('track');"
        # A cross-origin track is fetched only in CORS mode (HTML "start the track processing
        # model": with no crossorigin attribute the request would not even be made).
        "v.crossOrigin = 'anonymous';"
        "t.kind = 'captions'; t.default = true; t.src = U('captions.vtt');"
        "v.append(t); document.body.append(v);",
    )


@pytest.mark.leak_route("<video poster> set by script", section=MEDIA)
def test_a_video_poster_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "poster.png",
        "const v = document.createElement('video'); v.poster = U('poster.png');"
        "document.body.append(v);",
    )


@pytest.mark.leak_route("<embed src> inserted by script", section=MEDIA)
def test_an_embed_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "embed.html",
        "const e = document.createElement('embed'); e.type = 'text/html';"
        "e.src = U('embed.html'); document.body.append(e);",
    )


@pytest.mark.leak_route("<object data> inserted by script", section=MEDIA)
def test_an_object_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "object.html",
        "const o = document.createElement('object'); o.type = 'text/html';"
        "o.data = U('object.html'); document.body.append(o);",
    )


@pytest.mark.leak_route("<input type=image src> inserted by script", section=MEDIA)
def test_an_image_button_waits_for_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "button.png",
        "const i = document.createElement('input'); i.type = 'image'; i.alt = 'go';"
        "i.src = U('button.png'); document.body.append(i);",
    )


@pytest.mark.leak_route("<a ping> set by script, link clicked", section=MEDIA)
def test_a_link_ping_is_not_sent_before_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "ping",
        "const a = document.createElement('a'); a.id = 'pinged'; a.href = '/e2e/clean.html';"
        "a.target = 'frame'; a.textContent = 'go'; a.ping = U('ping');"
        "const f = document.createElement('iframe'); f.name = 'frame'; f.title = 'frame';"
        "document.body.append(a, f); a.click();",
        after="document.getElementById('pinged').click()",
    )


HINT_LIMIT = (
    "A preconnect or dns-prefetch hint opens a connection or looks a name up without an HTTP "
    "request, which neither Playwright routing nor Chromium's net log (in this test "
    "environment) shows. The test proves what the browser acts on: the link has no href "
    "before consent, and its href is written exactly once after. A site that writes such hints "
    "in its HTML, before the loader, needs the server-side gate or must drop them."
)


@pytest.mark.parametrize(
    "rel",
    [
        pytest.param(
            rel,
            marks=pytest.mark.leak_route(
                f"<link rel={rel}> inserted by script", section=LINKS, limit=HINT_LIMIT
            ),
        )
        for rel in ("preconnect", "dns-prefetch")
    ],
)
def test_a_connection_hint_gets_its_href_once_after_consent(
    page: t.Any, live: t.Any, hits: Hits, rel: str
) -> None:
    page.goto(live.url("routes.html"))
    wait_banner(page)
    # Every change of the link's href is recorded, from before it has one.
    page.evaluate(
        "const l = window.hint = document.createElement('link'); l.rel = arguments[0];"
        "window.hrefs = []; new MutationObserver((records) => records.forEach((r) =>"
        " hrefs.push(l.getAttribute('href')))).observe(l, {attributeFilter: ['href']});"
        "l.href = 'https://googleads.g.doubleclick.net'; document.head.append(l);".replace(
            "arguments[0]", repr(rel)
        )
    )
    settle(page, 400)
    assert page.evaluate("hint.getAttribute('href')") is None
    assert page.evaluate("hrefs") == []
    assert (
        page.evaluate("hint.getAttribute('data-cg-href')") == "https://googleads.g.doubleclick.net"
    )
    choose_categories(page, "advertising")
    settle(page, 400)
    assert page.evaluate("hrefs") == ["https://googleads.g.doubleclick.net"]
    assert page.evaluate("hint.hasAttribute('data-cg-href')") is False


@pytest.mark.leak_route(
    "<iframe src> written in the HTML after the loader",
    section=MEDIA,
    limit=(
        "The parser starts an iframe's navigation as it inserts it, before any script can act: "
        "the loader replaces it by a held copy with a placeholder, but the first request may "
        "already be out. Write data-category + data-src, or serve the page through the gate."
    ),
)
def test_an_iframe_in_the_html_gets_a_placeholder_and_loads_once_after_consent(
    page: t.Any, live: t.Any, net: t.Any
) -> None:
    # The observer replaces the parsed iframe by a held copy (detaching it stops its load);
    # the copy, on the page, gets the placeholder.
    page.goto(live.url("plain.html"))
    wait_banner(page)
    settle(page, 400)
    raced = len(net.requested("youtube"))
    assert raced <= 1
    assert page.locator("#video").get_attribute("src") is None
    assert page.locator("#video").get_attribute("data-cg-src") == (
        "https://www.youtube.com/embed/plain"
    )
    assert page.locator(".cg-ph").count() == 1
    choose_categories(page, "social")
    page.frame_locator("#video").locator("#video").wait_for()
    settle(page, 400)
    assert len(net.requested("youtube")) == raced + 1
    assert page.locator(".cg-ph").count() == 0
