"""The loader's MutationObserver holds what the parser adds however deep it is nested.

The observer sweeps only the outermost elements of each batch of records (an element whose
parent was added in the same batch is inside that parent's sweep): these pages nest blocked
tags, a style URL and a marked embed several levels down, before and after an inline script
(which ends one batch of records mid-element), on a first visit and for a returning visitor.
"""

from __future__ import annotations

import typing as t

import pytest

from .helpers import choose
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

PIXEL = "https://www.facebook.com/tr?id=1&amp;ev=Nested"
NESTED = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>cookiegate e2e: nested tags</title>
<script src="{{{{LOADER}}}}"></script></head>
<body><main><section id="outer"><div><p><span>
<img id="deep" src="{PIXEL}" alt="">
<script src="https://connect.facebook.net/en_US/fbevents.js"></script>
</span></p>
<script>window.__mid = document.querySelectorAll("[data-cg-src]").length;</script>
<div><ul><li><img id="after" src="{PIXEL}2" alt="" srcset="{PIXEL}3 2x"></li></ul>
<div id="styled" style="background-image:url('{PIXEL}4')">styled</div>
<section><iframe id="marked" data-category="advertising"
  data-src="https://www.youtube.com/embed/nested" title="Nested video"></iframe></section>
<script src="https://connect.facebook.net/en_US/fbevents.js"></script>
</div></div></section></main>
<script>window.__parsed = true;</script>
</body></html>
"""


def _held(page: t.Any) -> None:
    assert page.evaluate("window.__parsed") is True
    assert ran(page) == []
    # Held before the inline script ran, and after it: each URL kept in data-cg-<name>.
    assert page.evaluate("window.__mid") >= 1
    for image in ("#deep", "#after"):
        assert page.locator(image).get_attribute("src") is None
        assert page.locator(image).get_attribute("data-cg-src")
    assert page.locator("#after").get_attribute("srcset") is None
    assert page.evaluate("document.querySelectorAll('script[data-cg-src]').length") == 2
    assert "about:invalid" in (page.locator("#styled").get_attribute("style") or "")
    assert page.locator("#marked").get_attribute("src") is None
    assert page.locator("#marked").evaluate("f => f.previousElementSibling.className") == "cg-ph"


@pytest.mark.parametrize("returning", [False, True], ids=["first visit", "returning, rejected"])
def test_nested_parser_added_tags_are_held_at_every_depth(
    page: t.Any, net: t.Any, live: t.Any, returning: bool
) -> None:
    url = live.add_page("nested.html", NESTED)
    page.goto(url)
    if returning:
        choose(page, "reject")
        page.goto(url)
    else:
        wait_banner(page)
    settle(page, 300)
    _held(page)
