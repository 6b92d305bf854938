"""The IAB GPP CMP API (``window.__gpp``) in real Chromium: the browser's encoder against the
examples the specification and its reference libraries publish, a stub's queue and listeners
taken over, ping, events on a change, and the usnat opt-outs of a Californian visitor who
refuses advertising or whose browser sends Global Privacy Control.

The visitor's place comes from the CF-IPCountry / CF-Region-Code headers the test sets (the
server trusts them through COOKIEGATE_GEO_*); the demo site's ``us`` overlay is opt_out, and a
``[gpp]`` table declares the MSPA fields. Every usnat string the page builds is decoded with
cookiegate.consent.gpp, which tests/consent/test_gpp.py holds to the same vectors.
"""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

import pytest

from cookiegate.consent.gpp import decode_header
from cookiegate.consent.gpp import decode_usnat

from .conftest import LiveServer
from .helpers import click_action
from .helpers import settle
from .helpers import switch
from .test_gpc import GPC_JS

SRC = Path(__file__).resolve().parent.parent / "static" / "js" / "src"
CALIFORNIA = {"CF-IPCountry": "US", "CF-Region-Code": "CA"}
GEO_ENV = {
    "COOKIEGATE_GEO_COUNTRY_HEADER": "CF-IPCountry",
    "COOKIEGATE_GEO_REGION_HEADER": "CF-Region-Code",
}
GPP_TABLE = """
[gpp]
mspa_covered_transaction = true
mspa_opt_out_option_mode = true
mspa_service_provider_mode = false
"""
#: The CMP API specification's example stub, reduced to what a page relies on: listeners kept
#: in __gpp.events with their ids, every other command queued in __gpp.queue.
STUB = """
window.__events = []; window.__got = [];
window.__gpp = function () {
  var a = [].slice.call(arguments), g = window.__gpp;
  g.queue = g.queue || []; g.events = g.events || [];
  if (a[0] === 'addEventListener') {
    g.lastId = (g.lastId || 0) + 1;
    g.events.push({id: g.lastId, callback: a[1], parameter: a[2]});
    a[1]({eventName: 'listenerRegistered', listenerId: g.lastId, data: true,
          pingData: {cmpStatus: 'stub'}}, true);
  } else { g.queue.push(a); }
};
__gpp('addEventListener', function (e) { window.__events.push([e.eventName, e.data]); });
__gpp('getSection', function (data, ok) { window.__got.push([data, ok]); }, 'usnat');
"""
STUB_PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>gpp stub</title>
<script nonce="{{{{NONCE}}}}">{STUB}</script>
<script nonce="{{{{NONCE}}}}" src="{{{{LOADER}}}}"></script></head>
<body><h1>Shop</h1></body></html>"""
#: A page of its own stub-free kind: it asks for the section right after the loader, long before
#: gpp.js (fetched by the loader's stub on that call) can have arrived.
EARLY_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>gpp early</title>
<script nonce="{{NONCE}}" src="{{LOADER}}"></script>
<script nonce="{{NONCE}}">
window.__got = [];
__gpp('ping', function (data) { window.__first = data.cmpStatus; });
__gpp('getSection', function (data, ok) { window.__got.push([data, ok]); }, 'usnat');
__gpp('hasSection', function (data, ok) { window.__got.push([data, ok]); }, 'usnat');
</script></head><body><h1>Shop</h1></body></html>"""
#: A page with no frame and no GPP caller.
PLAIN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>gpp plain</title>
<script nonce="{{NONCE}}" src="{{LOADER}}"></script></head><body><h1>Shop</h1></body></html>"""
READY = "() => window.__events.some(([n, d]) => n === 'signalStatus' && d === 'ready')"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    """The demo site with [gpp], behind a proxy that says where the visitor is."""
    saved = {k: os.environ.get(k) for k in GEO_ENV}
    os.environ.update(GEO_ENV)
    try:
        server = LiveServer(tmp_path_factory.mktemp("gpp"), edit=lambda text: text + GPP_TABLE)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    server.add_page("gpp-stub.html", STUB_PAGE)
    server.add_page("gpp-early.html", EARLY_PAGE)
    server.add_page("gpp-plain.html", PLAIN_PAGE)
    yield server
    server.stop()


def call(page: t.Any, command: str, parameter: t.Any = None) -> t.Any:
    """``__gpp(command, callback, parameter)``'s data, checking its success flag."""
    data, ok = page.evaluate(
        "([c, p]) => new Promise((done) => __gpp(c, (d, ok) => done([d, ok]), p))",
        [command, parameter],
    )
    assert ok is True, command
    return data


def wait_ready(page: t.Any) -> None:
    """Until the API's signalStatus is "ready" (its first use reads the visitor's regime)."""
    page.evaluate(
        """() => new Promise((done) => __gpp('addEventListener', (e) => {
             if (e.pingData.signalStatus !== 'ready') return;
             __gpp('removeEventListener', () => {}, e.listenerId);
             done();
           }))"""
    )


def usnat_of(ping: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """The usnat section of a PingReturn's gppString, decoded in Python."""
    head, section = ping["gppString"].split("~")
    assert decode_header(head) == [7]
    return decode_usnat(section)


# ------------------------------------------------------------------ the encoder on the vectors


def _serve_sources(route: t.Any) -> None:
    path = route.request.url.split("gpp.test/", 1)[1]
    if path.endswith(".js"):
        route.fulfill(body=(SRC / path).read_text(encoding="utf-8"), content_type="text/javascript")
    else:
        route.fulfill(body="<!doctype html><title>encoder</title>", content_type="text/html")


def test_the_browser_encoder_gives_the_published_strings(page: t.Any) -> None:
    """Spec header examples (DBABjw; DBABM and DBACNY byte-padded as the reference libraries
    write them) and the reference libraries' usnat vectors, encoded by the sources in Chromium."""
    page.route("http://gpp.test/**", _serve_sources)
    page.goto("http://gpp.test/index.html")
    got = page.evaluate(
        """async () => {
          const enc = await import('/gpp/encode.js'), usnat = await import('/gpp/usnat.js');
          const zero = {Version: 1, SharingNotice: 0, SaleOptOutNotice: 0,
            SharingOptOutNotice: 0, TargetedAdvertisingOptOutNotice: 0,
            SensitiveDataProcessingOptOutNotice: 0, SensitiveDataLimitUseNotice: 0,
            SaleOptOut: 0, SharingOptOut: 0, TargetedAdvertisingOptOut: 0,
            SensitiveDataProcessing: Array(16).fill(0), KnownChildSensitiveDataConsents: [0, 0, 0],
            PersonalDataConsents: 0, MspaCoveredTransaction: 1, MspaOptOutOptionMode: 0,
            MspaServiceProviderMode: 0};
          const set = {...zero, SharingNotice: 1, SaleOptOutNotice: 1, SharingOptOutNotice: 1,
            TargetedAdvertisingOptOutNotice: 1, SensitiveDataProcessingOptOutNotice: 1,
            SensitiveDataLimitUseNotice: 1, SaleOptOut: 1, SharingOptOut: 1,
            TargetedAdvertisingOptOut: 1,
            SensitiveDataProcessing: [2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2],
            KnownChildSensitiveDataConsents: [2, 1, 0], PersonalDataConsents: 1,
            MspaCoveredTransaction: 1, MspaOptOutOptionMode: 1, MspaServiceProviderMode: 2};
          return {
            headers: [[2], [2, 6], [5, 6], [7], []].map(enc.header),
            fibonacci: [1, 2, 3, 4, 5, 6, 7].map(enc.fibonacci),
            zero: usnat.encodeUsnat([zero, {SubsectionType: 1, Gpc: false}]),
            set: usnat.encodeUsnat([set, {SubsectionType: 1, Gpc: true}]),
          };
        }"""
    )
    assert got["headers"] == ["DBABMA", "DBACNYA", "DBABjw", "DBABLA", "DBAA"]
    assert got["fibonacci"] == ["11", "011", "0011", "1011", "00011", "10011", "01011"]
    assert got["zero"] == "BAAAAAAAAABA.QA"
    assert got["set"] == "BVVVkkkkkpFY.YA"


# ------------------------------------------------------------------ the API on the shop's page


def test_californian_with_gpc_gets_usnat_opt_outs_through_a_stubs_queue(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    """The done-when of issue 16: California with Sec-GPC: 1 -> getSection('usnat') with the
    opt-outs set. The stub's queued call and listener are answered once the section is ready,
    in the order the specification gives (cmpStatus, sectionChange, signalStatus)."""
    page.set_extra_http_headers({**CALIFORNIA, "Sec-GPC": "1"})
    page.add_init_script(GPC_JS)
    page.goto(shop.url("gpp-stub.html"))
    page.wait_for_function(READY)
    events = page.evaluate("window.__events")
    assert events == [
        ["listenerRegistered", True],  # the stub's own answer
        ["cmpStatus", "loaded"],
        ["sectionChange", "usnat"],
        ["signalStatus", "ready"],
    ]
    [[section, ok]] = page.evaluate("window.__got")
    assert ok is True
    core, gpc = section
    assert (core["SaleOptOut"], core["SharingOptOut"], core["TargetedAdvertisingOptOut"]) == (
        1,
        1,
        1,
    )
    assert core["SaleOptOutNotice"] == core["SharingOptOutNotice"] == 1
    assert gpc == {"SubsectionType": 1, "Gpc": True}
    # The site's [gpp] declarations: covered, Opt-Out Option Mode yes, Service Provider Mode no.
    mspa = ("MspaCoveredTransaction", "MspaOptOutOptionMode", "MspaServiceProviderMode")
    assert [core[k] for k in mspa] == [1, 1, 2]
    ping = call(page, "ping")
    assert ping["gppVersion"] == "1.1" and ping["cmpStatus"] == "loaded"
    assert ping["signalStatus"] == "ready" and ping["cmpId"] == 1
    assert ping["supportedAPIs"] == ["7:usnat"]
    assert ping["applicableSections"] == [7] and ping["sectionList"] == [7]
    # The string docs/gpp.md shows, and what the parsed section says, read back in Python.
    assert ping["gppString"] == "DBABLA~BVQVAAAAAABY.YA"
    assert usnat_of(ping) == ping["parsedSections"]["usnat"] == section
    assert call(page, "getField", "usnat.Gpc") is True
    assert call(page, "getField", "usnat.SaleOptOut") == 1
    assert call(page, "hasSection", "usnat") is True
    assert call(page, "hasSection", "tcfeuv2") is False
    # Where the visitor is was asked at most once: by the API's first use when the banner had
    # not yet set cookiegate.regime from the place's banner.json (which a first visit now
    # requests beside the banner file, so it often has), never again.
    assert len([u for _, u, _ in net.log if u.endswith("/jurisdiction")]) <= 1


def _choose_advertising(page: t.Any, on: bool) -> None:
    """Reopen the preferences, set advertising and save; wait until the decision is in force.

    Not until it is recorded: until the loader applies the visitor's regime (the "regime"
    work of issue 16), a Californian is shown the strictest overlay's banner, whose proof the
    server refuses (409) for a visitor it places under opt_out. The decision is in force all
    the same, and it is what the section says.
    """
    page.evaluate("cookiegate.open()")
    switch(page, "advertising").set_checked(on)
    click_action(page, "save")
    page.wait_for_function(
        "(on) => window.cookiegate.consent && window.cookiegate.consent.choices.advertising === on",
        arg=on,
    )
    settle(page, 100)


def test_refusing_advertising_sets_the_opt_outs_and_tells_listeners(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    page.set_extra_http_headers(CALIFORNIA)
    page.goto(shop.url("tags.html"))
    _choose_advertising(page, True)
    wait_ready(page)
    core, gpc = call(page, "getSection", "usnat")
    assert (core["SaleOptOut"], core["SharingOptOut"], core["TargetedAdvertisingOptOut"]) == (
        2,
        2,
        2,
    )
    assert gpc["Gpc"] is False
    page.evaluate(
        """window.__heard = [];
           __gpp('addEventListener', (e) => window.__heard.push([e.eventName, e.data,
             e.listenerId, e.pingData.signalStatus]));"""
    )
    _choose_advertising(page, False)
    page.wait_for_function(
        "() => window.__heard.some(([n, d]) => n === 'signalStatus' && d === 'ready')"
    )
    heard = page.evaluate("window.__heard")
    listener = heard[0][2]
    assert heard == [
        ["listenerRegistered", True, listener, "ready"],
        ["signalStatus", "not ready", listener, "not ready"],
        ["sectionChange", "usnat", listener, "not ready"],
        ["signalStatus", "ready", listener, "ready"],
    ]
    core, _ = call(page, "getSection", "usnat")
    assert (core["SaleOptOut"], core["SharingOptOut"], core["TargetedAdvertisingOptOut"]) == (
        1,
        1,
        1,
    )
    assert usnat_of(call(page, "ping"))[0] == core
    # Removed, it hears no more; an unknown id is not removed.
    assert call(page, "removeEventListener", listener) is True
    assert call(page, "removeEventListener", listener) is False
    _choose_advertising(page, True)
    assert len(page.evaluate("window.__heard")) == 4
    assert call(page, "getField", "usnat.SaleOptOut") == 2


def test_outside_an_opt_out_state_no_section_applies(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    """No geo header: the site's strictest regime (opt_in); GPP says no section applies."""
    page.goto(shop.url("tags.html"))
    wait_ready(page)
    ping = call(page, "ping")
    assert ping["applicableSections"] == [-1] and ping["sectionList"] == []
    assert ping["gppString"] == "DBAA" and ping["parsedSections"] == {}
    assert call(page, "hasSection", "usnat") is False
    assert call(page, "getSection", "usnat") is None


def test_unknown_commands_fail_and_frames_reach_the_api_through_the_locator(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    page.set_extra_http_headers(CALIFORNIA)
    page.goto(shop.url("tags.html"))
    assert page.evaluate("new Promise((done) => __gpp('nope', (d, ok) => done([d, ok])))") == [
        None,
        False,
    ]
    assert page.evaluate("typeof __gpp('ping', () => {})") == "undefined"
    assert page.evaluate("!!window.frames.__gppLocator")
    # A vendor's frame posts a __gppCall to its parent and gets a __gppReturn back.
    page.evaluate(
        """() => {
          const frame = document.createElement('iframe');
          frame.srcdoc = `<script>
            addEventListener('message', (e) => { parent.__answer = JSON.parse(e.data); });
            parent.postMessage(JSON.stringify({__gppCall: {command: 'getField',
              parameter: 'usnat.SaleOptOut', callId: 'c1', version: '1.1'}}), '*');
          <\\/script>`;
          document.body.append(frame);
        }"""
    )
    page.wait_for_function("() => window.__answer")
    answer = page.evaluate("window.__answer.__gppReturn")
    # The first call may come before the regime is known (null), as the specification allows.
    assert answer["callId"] == "c1" and answer["success"] is True
    assert answer["returnValue"] in (None, 2)


# ------------------------------------------------------------------ fetched only when needed


def gpp_fetches(net: t.Any) -> list[str]:
    """The requests for the full API (gpp.<version>.js beside the loader)."""
    return [u for _, u, _ in net.log if "/v1/sites/demo/gpp." in u]


def test_calls_made_before_the_api_arrives_are_answered_in_order(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    """The loader carries only the stub: the page's first calls get the stub's ping at once,
    and its queued section calls their real answers, in the order made, once gpp.js is in."""
    page.set_extra_http_headers({**CALIFORNIA, "Sec-GPC": "1"})
    page.add_init_script(GPC_JS)
    page.goto(shop.url("gpp-early.html"))
    page.wait_for_function("() => window.__got.length === 2")
    assert page.evaluate("window.__first") == "stub"
    [[section, ok], [has, has_ok]] = page.evaluate("window.__got")
    assert ok is True and has_ok is True and has is True
    assert section[0]["SaleOptOut"] == 1 and section[1] == {"SubsectionType": 1, "Gpc": True}
    assert len(gpp_fetches(net)) == 1
    assert call(page, "ping")["cmpStatus"] == "loaded"


def test_a_page_that_never_calls_gpp_outside_opt_out_never_fetches_the_api(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    """No geo header: the site's strictest regime (opt_in), no caller: only the stub, which
    still answers a frame's ping and keeps the locator frame for vendors to find."""
    page.goto(shop.url("tags.html"))
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.cookiegate.regime")
    settle(page, 300)
    assert page.evaluate("!!window.frames.__gppLocator")  # the page has a frame
    assert gpp_fetches(net) == []
    # The first call fetches it.
    wait_ready(page)
    assert len(gpp_fetches(net)) == 1


def test_a_page_without_frames_or_callers_gets_no_locator_frame_until_a_call(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    """The locator frame costs a browsing context (≈ 7 ms): none where no frame can use it."""
    page.goto(shop.url("gpp-plain.html"))
    page.wait_for_load_state("load")
    settle(page, 200)
    assert page.evaluate("!window.frames.__gppLocator && typeof __gpp") == "function"
    assert call(page, "ping")["cmpStatus"] == "stub"
    page.wait_for_function("() => !!window.frames.__gppLocator")
    wait_ready(page)
    assert len(gpp_fetches(net)) == 1


def test_a_visitor_under_opt_out_gets_the_api_without_a_caller(
    page: t.Any, net: t.Any, shop: LiveServer
) -> None:
    """A Californian (opt_out) has a usnat section to give: the API comes without a caller."""
    page.set_extra_http_headers(CALIFORNIA)
    page.goto(shop.url("tags.html"))
    page.wait_for_function("() => window.__gpp.queue === undefined")
    assert len(gpp_fetches(net)) == 1
