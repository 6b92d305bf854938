"""The UK statistics exception in real Chromium: told, not asked, and one click objects.

The demo site is served with a self-hosted analytics service switched on under
``[uk_statistics_exception]``; its host (``stats.voltline.example``) is answered
by a fake tracker that leaves a marker, sets its cookie and sends a beacon.
"""

from __future__ import annotations

import re
import typing as t

import pytest

from cookiegate.core.settings import DEMO_SITES_DIR
from tests.site_fragments import uk_only

from .conftest import LiveServer
from .helpers import RECORDED
from .helpers import banner_data
from .helpers import banner_visible
from .helpers import choose
from .helpers import click_action
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

TRACKER = (
    "(window.__ran = window.__ran || []).push('stats');"
    "document.cookie = 'vl_stats_id=1; path=/';"
    "new Image().src = 'https://stats.voltline.example/collect?e=pageview';"
)


class UkServer(LiveServer):
    """The live server with the demo site's UK statistics exception switched on."""

    def _build(self, revision: int) -> t.Any:
        sites = self.tmp / f"sites-{revision}"
        if not sites.exists():
            sites.mkdir()
            text = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
            text = re.sub(r"(?m)^revision = \d+$", f"revision = {revision}", text)
            (sites / "demo.toml").write_text(uk_only(text), encoding="utf-8")
        return super()._build(revision)


@pytest.fixture(scope="module")
def uk(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    server = UkServer(tmp_path_factory.mktemp("uk"))
    yield server
    server.stop()


@pytest.fixture
def stats(context: t.Any, net: t.Any) -> list[str]:
    """URLs requested from the first-party statistics host (registered after ``net``, so first)."""
    seen: list[str] = []

    def handle(route: t.Any) -> None:
        seen.append(route.request.url)
        if "/js/" in route.request.url:
            route.fulfill(status=200, body=TRACKER, content_type="text/javascript")
        else:
            route.fulfill(status=204, body="")

    context.route("https://stats.voltline.example/**", handle)
    return seen


def test_first_party_statistics_run_before_any_choice_and_the_banner_says_so(
    page: t.Any, net: t.Any, stats: list[str], uk: LiveServer
) -> None:
    page.goto(uk.url("stats.html"))
    wait_banner(page)
    settle(page, 300)
    texts = banner_data(page)["texts"]
    assert ran(page) == ["stats"] and any("/collect" in u for u in stats)
    # Third-party analytics and advertising still wait for consent.
    assert net.requested("google-analytics", "google-ads", "meta-pixel") == []
    box = page.locator(".cg-first .cg-uk")
    assert box.get_by_text(texts["uk_stats_notice"]).is_visible()
    assert box.get_by_role("status").inner_text() == texts["uk_stats_on"]
    # "Object" is a real button on the first layer, as large as Accept all.
    obj = box.get_by_role("button", name=texts["object"], exact=True)
    accept = page.get_by_role("button", name=texts["accept_all"], exact=True)
    assert obj.is_visible()
    assert round(obj.bounding_box()["height"]) == round(accept.bounding_box()["height"])


def test_object_is_recorded_and_stops_the_statistics_on_every_later_page(
    page: t.Any, context: t.Any, net: t.Any, stats: list[str], uk: LiveServer
) -> None:
    page.goto(uk.url("stats.html"))
    wait_banner(page)
    settle(page)
    assert "vl_stats_id" in cookie_names(context)
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        click_action(page, "object")
    assert answer.value.status == 201
    page.wait_for_function(RECORDED)
    texts = banner_data(page)["texts"]
    post = net.posts()[-1]
    assert post["method"] == "objection" and post["services"] == {"voltline-stats": False}
    assert not any(post["choices"][c] for c in ("analytics", "advertising"))
    assert page.locator(".cg-first .cg-uk").get_by_role("status").inner_text() == texts["objected"]
    assert not page.locator(".cg-first [data-cg-action=object]").is_visible()
    # Its cookie is deleted at once, and the banner still offers the other choices.
    assert "vl_stats_id" not in cookie_names(context)
    assert banner_visible(page)

    # The visitor then rejects everything else: the objection is carried along.
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        click_action(page, "reject")
    assert net.posts()[-1]["method"] == "reject_all"
    assert net.posts()[-1]["services"] == {"voltline-stats": False}

    stats.clear()
    later = context.new_page()
    later.goto(uk.url("stats.html"))
    settle(later, 300)
    assert stats == [] and "stats" not in ran(later)
    assert "vl_stats_id" not in cookie_names(context)
    # The preferences show the objection.
    later.evaluate("cookiegate.open()")
    prefs_box = later.locator(".cg-prefs .cg-uk")
    assert prefs_box.get_by_role("status").inner_text() == texts["objected"]
    assert not prefs_box.get_by_role("button", name=texts["object"]).is_visible()


def test_reject_all_alone_does_not_stop_exempt_statistics(
    page: t.Any, net: t.Any, stats: list[str], uk: LiveServer
) -> None:
    page.goto(uk.url("stats.html"))
    choose(page, "reject")
    assert net.posts()[-1]["services"] == {}
    stats.clear()
    page.reload()
    settle(page, 300)
    assert "stats" in ran(page) and stats
    assert not banner_visible(page)


def test_objecting_from_the_preferences_keeps_an_earlier_consent(
    page: t.Any, net: t.Any, stats: list[str], uk: LiveServer
) -> None:
    page.goto(uk.url("stats.html"))
    choose(page, "accept")
    settle(page, 300)
    assert {"stats", "ga", "fb"} <= set(ran(page))
    page.evaluate("cookiegate.open()")
    with page.expect_response(lambda r: r.url.endswith("/consents")):
        page.locator(".cg-prefs [data-cg-action=object]").click()
    post = net.posts()[-1]
    assert post["method"] == "objection" and post["choices"]["advertising"] is True
    stats.clear()
    page.reload()
    settle(page, 300)
    assert stats == [] and "stats" not in ran(page)
    assert {"ga", "fb"} <= set(ran(page))
