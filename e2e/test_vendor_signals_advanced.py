"""Advanced Consent Mode: Google tags load before consent and find the denied defaults queued;
every other vendor stays blocked, and Google's cookies still wait for consent."""

from __future__ import annotations

import re
import typing as t

import pytest

from tests.site_fragments import VENDOR_SERVICES
from tests.site_fragments import advanced_consent_mode

from .helpers import choose
from .helpers import cookie_names
from .helpers import settle
from .helpers import wait_banner
from .vendor_stubs import STUBS
from .vendor_stubs import VendorServer
from .vendor_stubs import route_stubs

DENIED = {
    "ad_storage": "denied",
    "ad_user_data": "denied",
    "ad_personalization": "denied",
    "analytics_storage": "denied",
    "personalization_storage": "denied",
    "functionality_storage": "denied",
    "security_storage": "granted",
    "wait_for_update": 500,
}
OTHERS = [pattern for pattern, vendor, _ in STUBS if vendor != "google"]


@pytest.fixture(scope="module")
def advanced(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[VendorServer]:
    server = VendorServer(
        tmp_path_factory.mktemp("advanced"), VENDOR_SERVICES, advanced_consent_mode
    )
    yield server
    server.stop()


@pytest.fixture
def stubs(context: t.Any, net: t.Any) -> t.Any:
    route_stubs(context)
    return net


def requested(net: t.Any, pattern: str) -> list[str]:
    return [u for _, u, _ in net.log if re.search(pattern, u)]


def test_advanced_mode_loads_only_google_tags_before_consent_with_the_defaults_queued(
    page: t.Any, stubs: t.Any, advanced: VendorServer
) -> None:
    page.goto(advanced.url("vendor-signals.html"))
    wait_banner(page)
    settle(page, 300)
    assert page.evaluate("window.__ran") == ["google"]
    found = page.evaluate("window.__found.google")
    # gtag.js found Consent Mode's denied default first, then the site's url_passthrough.
    assert found[0] == ["consent", "default", DENIED]
    assert ["set", "url_passthrough", True] in found
    assert ["set", "ads_data_redaction", True] in found  # on by default in advanced mode
    assert requested(stubs, r"google-analytics\.com/g/collect")  # the cookieless ping
    assert "_ga" not in cookie_names(page.context)  # its cookies still wait
    for pattern in OTHERS:
        assert requested(stubs, pattern) == [], pattern


def test_advanced_mode_reject_all_sends_google_the_denial_and_keeps_the_rest_blocked(
    page: t.Any, stubs: t.Any, advanced: VendorServer
) -> None:
    page.goto(advanced.url("vendor-signals.html"))
    choose(page, "reject")
    settle(page, 300)
    pushed = page.evaluate("window.__calls.google")
    updates = [c for c in pushed if isinstance(c, list) and c[:2] == ["consent", "update"]]
    assert updates and set(updates[-1][2].values()) == {"denied"}
    assert "_ga" not in cookie_names(page.context)
    for pattern in OTHERS:
        assert requested(stubs, pattern) == [], pattern
