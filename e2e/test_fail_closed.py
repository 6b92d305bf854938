"""Fail-closed under the shipped nginx config: with the consent server stopped, a shop page
still renders, the banner still shows (from the published files), no tag runs and no tag
host is asked; the visitor's choice is kept and recorded once the server is back.

nginx serves ``cookiegate publish``'s set from ``deploy/nginx/cookiegate.conf`` on
``localhost`` and, in a second server block on ``127.0.0.1`` (another origin, as a
retailer's site is), the shop page; ``cookiegate serve --prod`` is the upstream.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
import typing as t
from pathlib import Path

import pytest

from tests.system.deploy_servers import Nginx
from tests.system.deploy_servers import Upstream
from tests.system.deploy_servers import free_port
from tests.system.deploy_servers import require_server
from tests.system.deploy_servers import workdir

from .conftest import BLOCKED_BY_DEFAULT
from .conftest import PAGES
from .helpers import click_action
from .helpers import cookie_names
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

#: How long the test waits for the choice to be recorded once the server is back. The
#: loader retries on the next page view and, in newer loaders, on the same page with backoff.
RECORD_WITHIN = 40.0


class Shop(t.NamedTuple):
    upstream: Upstream
    nginx: Nginx
    published: Path
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
        extra = (
            f"server {{ listen 127.0.0.1:{port}; server_name 127.0.0.1; root {pages}; "
            "add_header Cache-Control no-store; }"
        )
        nginx = Nginx(work, published, f"127.0.0.1:{upstream.port}", extra=extra)
        html = (PAGES / "tags.html").read_text(encoding="utf-8")
        html = html.replace("{{LOADER}}", f"http://localhost:{nginx.port}/v1/sites/demo/loader.js")
        html = html.replace("{{API}}", f"http://localhost:{nginx.port}")
        html = html.replace("{{NONCE}}", "shop-nonce")
        (pages / "index.html").write_text(html, encoding="utf-8")
        yield Shop(upstream, nginx, published, f"http://127.0.0.1:{port}/index.html")
    finally:
        if nginx:
            nginx.stop()
        upstream.stop()
        shutil.rmtree(work, ignore_errors=True)


def proofs(upstream: Upstream) -> list[tuple[str, str]]:
    with sqlite3.connect(upstream.db) as db:
        return list(db.execute("SELECT consent_id, method FROM proofs ORDER BY seq"))


def test_with_the_consent_server_stopped_the_banner_shows_no_tag_runs_and_the_choice_is_recorded_later(
    page: t.Any, net: t.Any, shop: Shop
) -> None:
    shop.upstream.stop()
    try:
        page.goto(shop.url)
        assert page.locator("h1").inner_text() == "Tag test page"
        wait_banner(page)
        settle(page, 300)
        assert ran(page) == []
        assert net.requested(*BLOCKED_BY_DEFAULT) == []
        release = shop.published.resolve()
        published = {"/" + str(p.relative_to(release)) for p in release.rglob("*") if p.is_file()}
        from_consent_host = [u for _, u, _ in net.log if f":{shop.nginx.port}/" in u]
        assert from_consent_host, "the loader did not come from nginx"
        for url in from_consent_host:
            path = url.split(f":{shop.nginx.port}", 1)[1]
            # The visitor's place needs the server; without it the banner file's strictest
            # overlay (opt-in, the dialog above) stays.
            assert path in published or path.startswith("/v1/sites/demo/banner.json?"), url

        # The visitor accepts while the server is away: kept, not lost, and not recorded yet.
        click_action(page, "accept")
        settle(page, 300)
        assert page.evaluate("cookiegate.consent.pending") is True
        assert "cookiegate_demo_pending" in cookie_names(page.context)
        assert proofs(shop.upstream) == []
    finally:
        shop.upstream.start()

    # Back: recorded on this page (a loader that retries with backoff) or on the next view.
    deadline = time.monotonic() + RECORD_WITHIN
    while not proofs(shop.upstream) and time.monotonic() < deadline:
        page.wait_for_timeout(2000)
        if not proofs(shop.upstream):
            page.goto(shop.url)
    recorded = proofs(shop.upstream)
    assert recorded and {method for _, method in recorded} == {"accept_all"}
    page.wait_for_function("() => !cookiegate.consent.pending")
    assert "cookiegate_demo" in cookie_names(page.context)
    assert "cookiegate_demo_pending" not in cookie_names(page.context)
