"""Refusing a service deletes what its tags stored besides cookies: localStorage and
sessionStorage keys and IndexedDB databases, by the catalogue's names and the site's.

The site here is the demo with two additions: Hotjar from the catalogue (its ``storage``
keys are the catalogue's), and ``storage`` and ``indexeddb`` written on the demo's own
Dynamic Yield service. The fake tags write what their configs name and a few near misses; the
shop's own keys and database must survive every refusal.
"""

from __future__ import annotations

import re
import typing as t

import pytest

from .conftest import LiveServer
from .helpers import choose
from .helpers import click_action
from .helpers import ran
from .helpers import switch

HOTJAR_URL = "https://static.hotjar.com/c/hotjar-1.js?sv=6"
DY_URL = "https://cdn.dynamicyield.com/api/1/api_dynamic.js"

# Hotjar, as the catalogue names its keys (_hj*, hjViewportId).
HOTJAR_TAG = """(function(){(window.__ran=window.__ran||[]).push('hotjar');
localStorage.setItem('_hjSessionUser_1', 'u'); localStorage.setItem('hjViewportId', 'v');
sessionStorage.setItem('_hjSession_1', 's');})();"""

# Dynamic Yield as this test's site config names it: storage "_dy_*" and "dy.session",
# databases "dy-store" (closed after writing) and "dy-events-*" (kept open, closed on
# versionchange as well-behaved IndexedDB code does).
DY_TAG = """(function(){(window.__ran=window.__ran||[]).push('dy');
localStorage.setItem('_dy_geo', 'g'); localStorage.setItem('dy.session', 'x');
sessionStorage.setItem('_dy_ses', 's');
var left = 2, done = function(){ if (--left === 0) window.__dyDone = true; };
var a = indexedDB.open('dy-store', 1);
a.onupgradeneeded = function(){ a.result.createObjectStore('kv'); };
a.onsuccess = function(){ var db = a.result, tx = db.transaction('kv', 'readwrite');
  tx.objectStore('kv').put('id-1', 'visitor'); tx.oncomplete = function(){ db.close(); done(); }; };
var b = indexedDB.open('dy-events-42', 1);
b.onupgradeneeded = function(){ b.result.createObjectStore('events'); };
b.onsuccess = function(){ var db = b.result; db.onversionchange = function(){ db.close(); };
  var tx = db.transaction('events', 'readwrite'); tx.objectStore('events').put(1, 'view');
  tx.oncomplete = done; };})();"""

# The shop's own data, and names that only resemble the services' ("_dyno" is not "_dy_*").
SHOP_DATA = """new Promise(function(resolve){
localStorage.setItem('shop_recent', '[1,2]'); localStorage.setItem('_dyno', 'shop');
localStorage.setItem('hj_shop', 'shop'); sessionStorage.setItem('vl_checkout_step', '2');
var r = indexedDB.open('shop-cache', 1);
r.onupgradeneeded = function(){ r.result.createObjectStore('kv'); };
r.onsuccess = function(){ r.result.close(); resolve(true); };})"""

SHOP_KEYS = {"local:shop_recent", "local:_dyno", "local:hj_shop", "session:vl_checkout_step"}
HOTJAR_KEYS = {"local:_hjSessionUser_1", "local:hjViewportId", "session:_hjSession_1"}
DY_KEYS = {"local:_dy_geo", "local:dy.session", "session:_dy_ses"}
DY_DATABASES = {"dy-store", "dy-events-42"}
#: cookiegate's own key: the reopen label in the visitor's language, stored with the choice.
OWN_KEYS = {"local:cookiegate.reopen.en_GB"}


def _site(text: str) -> str:
    """The demo site plus Hotjar (catalogue) and Dynamic Yield's storage and databases."""
    text = re.sub(
        r'(?m)^(consent_mode = \["personalization_storage"\]\n)(?=\n\[services\.google-ads\])',
        r'\1storage = ["_dy_*", "dy.session"]\nindexeddb = ["dy-store", "dy-events-*"]\n',
        text,
    )
    assert 'indexeddb = ["dy-store"' in text, "the demo's Dynamic Yield table moved"
    return text + '\n[services.hotjar]\ndescription = "Heatmaps."\n'


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("purge"), edit=_site)
    yield live
    live.stop()


def _keys(page: t.Any) -> set[str]:
    return set(
        page.evaluate(
            "[...Object.keys(localStorage).map(k => 'local:' + k),"
            " ...Object.keys(sessionStorage).map(k => 'session:' + k)]"
        )
    )


def _databases(page: t.Any) -> set[str]:
    return {d["name"] for d in page.evaluate("indexedDB.databases()")}


def _wait_databases_gone(page: t.Any, names: set[str]) -> None:
    """Deleting a database is asynchronous: wait until none of ``names`` is listed."""
    page.wait_for_function(
        "async (names) => !(await indexedDB.databases()).some(d => names.includes(d.name))",
        arg=sorted(names),
    )


def _serve_tags(page: t.Any) -> None:
    """Answer the two tag URLs with the fake tags (page routes beat the ``net`` fixture's)."""

    def fake(body: str) -> t.Callable[[t.Any], None]:
        return lambda route: route.fulfill(body=body, content_type="text/javascript")

    page.route(HOTJAR_URL, fake(HOTJAR_TAG))
    page.route(DY_URL, fake(DY_TAG))


@pytest.mark.leak_route(
    "localStorage, sessionStorage and IndexedDB written by a tag: deleted when its service is "
    "refused after a grant (narrowed, withdrawn)",
    section="Withdrawal",
)
def test_refusing_a_service_deletes_its_storage_keys_and_databases_and_keeps_the_shops(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    _serve_tags(page)
    page.goto(shop.url("second.html"))
    assert page.evaluate(SHOP_DATA) is True
    page.evaluate(
        f"for (const src of [{HOTJAR_URL!r}, {DY_URL!r}]) {{"
        " const s = document.createElement('script'); s.src = src; document.head.append(s); }"
    )
    # Held before consent: neither tag ran, nothing of theirs is stored.
    assert not {"hotjar", "dy"} & set(ran(page))
    assert _keys(page) == SHOP_KEYS and _databases(page) == {"shop-cache"}
    choose(page, "accept")
    page.wait_for_function("window.__dyDone === true")
    # Released once granted, and run once.
    assert ran(page).count("hotjar") == 1 and ran(page).count("dy") == 1
    assert _keys(page) == SHOP_KEYS | OWN_KEYS | HOTJAR_KEYS | DY_KEYS
    assert _databases(page) == {"shop-cache"} | DY_DATABASES

    # Refusing personalisation after granting it deletes Dynamic Yield's data only.
    page.evaluate("cookiegate.open()")
    switch(page, "personalisation").uncheck()
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, "save")
    assert _keys(page) == SHOP_KEYS | OWN_KEYS | HOTJAR_KEYS
    _wait_databases_gone(page, DY_DATABASES)
    assert _databases(page) == {"shop-cache"}

    # Withdrawing deletes Hotjar's (the catalogue's names) too; the shop's own data stays.
    page.evaluate("cookiegate.withdraw()")
    assert _keys(page) == SHOP_KEYS | OWN_KEYS
    assert _databases(page) == {"shop-cache"}
    # Nothing comes back on the next page view, and neither tag runs again.
    page.reload()
    page.wait_for_load_state("load")
    assert _keys(page) == SHOP_KEYS | OWN_KEYS and ran(page) == []
