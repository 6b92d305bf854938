"""First-party hosting, as ``deploy/nginx/first-party.conf`` ships it: the shop's own nginx
serves its pages and, under ``/cg/``, the published set, and proxies consent writes to the
consent server. The page then talks to no other host before it renders, no tag runs before
consent, and a choice is recorded through the shop's origin with its cookie on that origin.
"""

from __future__ import annotations

import shutil
import sqlite3
import typing as t
from urllib.parse import urlsplit

import pytest

from tests.system.deploy_servers import Nginx
from tests.system.deploy_servers import Upstream
from tests.system.deploy_servers import free_port
from tests.system.deploy_servers import require_server
from tests.system.deploy_servers import shop_server_block
from tests.system.deploy_servers import workdir

from .conftest import BLOCKED_BY_DEFAULT
from .conftest import PAGES
from .helpers import click_action
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner


class Shop(t.NamedTuple):
    upstream: Upstream
    url: str


@pytest.fixture(scope="module")
def shop() -> t.Iterator[Shop]:
    require_server("nginx")
    work = workdir()
    upstream = Upstream(work).start()
    nginx = None
    try:
        published = work / "published"
        upstream.publish(published)
        pages = work / "shop"
        pages.mkdir()
        port = free_port()
        block = shop_server_block(port, pages, published, f"http://127.0.0.1:{upstream.port}")
        nginx = Nginx(work, published, f"127.0.0.1:{upstream.port}", extra=block)
        html = (PAGES / "tags.html").read_text(encoding="utf-8")
        html = html.replace("{{LOADER}}", "/cg/v1/sites/demo/loader.js")
        html = html.replace("{{API}}", "/cg")
        html = html.replace("{{NONCE}}", "shop-nonce")
        (pages / "index.html").write_text(html, encoding="utf-8")
        yield Shop(upstream, f"http://127.0.0.1:{port}/index.html")
    finally:
        if nginx:
            nginx.stop()
        upstream.stop()
        shutil.rmtree(work, ignore_errors=True)


def methods(upstream: Upstream) -> list[str]:
    with sqlite3.connect(upstream.db) as db:
        return [m for (m,) in db.execute("SELECT method FROM proofs ORDER BY seq")]


def test_first_party_hosting_needs_no_other_host_and_records_through_the_shop(
    page: t.Any, net: t.Any, shop: Shop
) -> None:
    page.goto(shop.url)
    wait_banner(page)
    settle(page, 300)
    assert ran(page) == []
    assert net.requested(*BLOCKED_BY_DEFAULT) == []
    shop_origin = urlsplit(shop.url).netloc
    hosts = {urlsplit(u).netloc for _, u, _ in net.log}
    assert hosts == {shop_origin}, f"before consent the page asked other hosts: {hosts}"
    assert any("/cg/v1/sites/demo/banner." in u for _, u, _ in net.log)

    click_action(page, "accept")
    page.wait_for_function("() => cookiegate.consent && !cookiegate.consent.pending")
    assert methods(shop.upstream) == ["accept_all"]
    posts = [u for m, u, _ in net.log if m == "POST"]
    assert posts == [f"http://{shop_origin}/cg/v1/sites/demo/consents"]
    assert "cookiegate_demo" in cookie_names(page.context)

    page.reload()
    page.wait_for_function("() => (window.__ran || []).includes('ga')")
    assert "ga" in ran(page)


def test_first_party_banner_shows_and_tags_stay_held_with_the_consent_server_down(
    page: t.Any, net: t.Any, shop: Shop
) -> None:
    shop.upstream.stop()
    try:
        page.goto(shop.url)
        wait_banner(page)
        click_action(page, "accept")
        settle(page, 300)
        assert page.evaluate("cookiegate.consent.pending") is True
        assert "cookiegate_demo_pending" in cookie_names(page.context)
    finally:
        shop.upstream.start()
