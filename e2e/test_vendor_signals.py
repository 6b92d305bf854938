"""Every vendor with a consent API of its own is told the default before its script can run,
and each choice after (catalogue ``[signals]`` blocks, src/loader/signals.js).

The page carries each vendor's base code exactly as the vendor gives it, unmarked; the
vendors' scripts are stubs (e2e/vendor_stubs.py) that record the queue they find when they
run and every call after.
"""

from __future__ import annotations

import re
import typing as t

import pytest

from tests.site_fragments import VENDOR_SERVICES

from .helpers import choose
from .helpers import settle
from .helpers import wait_banner
from .vendor_stubs import VendorServer
from .vendor_stubs import route_stubs

ALL = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage")
ALL += ("personalization_storage", "functionality_storage")


class Vendor(t.NamedTuple):
    script: str  # regex of its script's URL
    queue: str  # JS: the queue as its script would read it, as plain lists
    default: list[t.Any]
    grant: list[t.Any]
    deny: list[t.Any]


def _google(state: str) -> list[t.Any]:
    return ["consent", "update", dict.fromkeys(ALL, state)]


VENDORS = {
    "google": Vendor(
        r"googletagmanager\.com/gtag/js",
        "dataLayer.filter(e => e.length !== undefined).map(e => Array.from(e))",
        [
            "consent",
            "default",
            {**dict.fromkeys(ALL, "denied"), "security_storage": "granted", "wait_for_update": 500},
        ],
        _google("granted"),
        _google("denied"),
    ),
    "uet": Vendor(
        r"bat\.bing\.com/bat\.js",
        "window.uetq",
        ["consent", "default", {"ad_storage": "denied"}],
        ["consent", "update", {"ad_storage": "granted"}],
        ["consent", "update", {"ad_storage": "denied"}],
    ),
    "clarity": Vendor(
        r"clarity\.ms/tag/",
        "(clarity.q || []).map(a => Array.from(a))",
        ["consentv2", {"ad_Storage": "denied", "analytics_Storage": "denied"}],
        ["consentv2", {"ad_Storage": "granted", "analytics_Storage": "granted"}],
        ["consentv2", {"ad_Storage": "denied", "analytics_Storage": "denied"}],
    ),
    "meta": Vendor(
        r"connect\.facebook\.net/.*/fbevents\.js",
        "fbq.queue.map(a => Array.from(a))",
        ["consent", "revoke"],
        ["consent", "grant"],
        ["consent", "revoke"],
    ),
    "tiktok": Vendor(
        r"analytics\.tiktok\.com/i18n/pixel/events\.js",
        "Array.from(ttq)",
        ["holdConsent"],
        ["grantConsent"],
        ["revokeConsent"],
    ),
}


#: Every vendor, UET included: its base code starts UET from the script element's onload, which
#: release (src/loader/release.js) carries over to the released script.
RUNNING = VENDORS


def calls(vendor: str, queue: list[t.Any]) -> list[t.Any]:
    """The queue as a list of calls: UET's is flat (uetq.push('consent', 'default', {…}))."""
    if vendor != "uet":
        return queue
    out, i = [], 0
    while i < len(queue):
        size = 3 if queue[i] in ("consent", "config") else 1
        out.append(queue[i : i + size])
        i += size
    return out


@pytest.fixture(scope="module")
def vendors(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[VendorServer]:
    server = VendorServer(tmp_path_factory.mktemp("vendors"), VENDOR_SERVICES)
    yield server
    server.stop()


@pytest.fixture
def stubs(context: t.Any, net: t.Any) -> t.Any:
    route_stubs(context)
    return net


def requested(net: t.Any, pattern: str) -> list[str]:
    return [u for _, u, _ in net.log if re.search(pattern, u)]


@pytest.mark.parametrize("name", VENDORS)
def test_before_a_choice_the_default_leads_the_vendor_queue_and_its_script_is_not_requested(
    page: t.Any, stubs: t.Any, vendors: VendorServer, name: str
) -> None:
    vendor = VENDORS[name]
    page.goto(vendors.url("vendor-signals.html"))
    wait_banner(page)
    settle(page, 200)
    assert requested(stubs, vendor.script) == []
    queue = calls(name, page.evaluate(vendor.queue))
    # The default is the first call, ahead of the base code's own (init, load, page, config).
    assert queue[0] == vendor.default


@pytest.mark.parametrize("name", RUNNING)
def test_after_accept_all_the_script_runs_once_and_finds_the_default_then_the_grant(
    page: t.Any, stubs: t.Any, vendors: VendorServer, name: str
) -> None:
    vendor = VENDORS[name]
    page.goto(vendors.url("vendor-signals.html"))
    choose(page, "accept")
    settle(page, 300)
    assert page.evaluate("window.__ran").count(name) == 1
    found = calls(name, page.evaluate(f"window.__found[{name!r}]"))
    assert found[0] == vendor.default
    assert vendor.grant in found[1:]
    if name == "meta":
        # Meta: revoke before init, and the grant before the pixel sends anything.
        assert found == [
            ["consent", "revoke"],
            ["init", "000000000000000"],
            ["track", "PageView"],
            ["consent", "grant"],
        ]


@pytest.mark.parametrize("name", VENDORS)
def test_reject_all_keeps_the_script_unrequested_and_queues_the_denial(
    page: t.Any, stubs: t.Any, vendors: VendorServer, name: str
) -> None:
    vendor = VENDORS[name]
    page.goto(vendors.url("vendor-signals.html"))
    choose(page, "reject")
    settle(page, 300)
    assert requested(stubs, vendor.script) == []
    queue = calls(name, page.evaluate(vendor.queue))
    assert queue[0] == vendor.default
    assert vendor.deny in queue[1:]
    assert vendor.grant not in queue


@pytest.mark.parametrize("name", RUNNING)
def test_withdrawing_after_accept_all_tells_the_running_vendor_the_denial(
    page: t.Any, stubs: t.Any, vendors: VendorServer, name: str
) -> None:
    vendor = VENDORS[name]
    page.goto(vendors.url("vendor-signals.html"))
    choose(page, "accept")
    settle(page, 300)
    page.evaluate("cookiegate.withdraw()")
    page.wait_for_function("() => cookiegate.consent && !cookiegate.consent.choices.advertising")
    settle(page, 100)
    # Calls made once the vendor runs are recorded one argument list each (UET's too).
    assert vendor.deny in page.evaluate(f"window.__calls[{name!r}]")


def test_each_change_pushes_a_consent_update_event_with_the_granted_categories_and_services(
    page: t.Any, stubs: t.Any, vendors: VendorServer
) -> None:
    page.goto(vendors.url("vendor-signals.html"))
    choose(page, "reject")
    events = page.evaluate(
        "dataLayer.filter(e => e.event === 'cookiegate_consent_update')"
        ".map(e => [e.categories, e.services])"
    )
    assert events[-1] == [["necessary"], ["voltline-shop", "stripe"]]
    page.evaluate("cookiegate.open()")
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.locator(".cg-prefs [data-cg-action=accept]").click()
    page.wait_for_function("() => cookiegate.consent.choices.advertising")
    last = page.evaluate("dataLayer.filter(e => e.event === 'cookiegate_consent_update').pop()")
    assert last["categories"] == page.evaluate("cookiegate.rules.cats")
    assert {"google-analytics", "meta-pixel", "tiktok-pixel", "microsoft-clarity"} <= set(
        last["services"]
    )
