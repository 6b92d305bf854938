"""Network and script-realm routes to a blocked host: refused before consent, open after.

Each test runs a tag's code on the routes page before any choice, checks what the tag saw
(the platform's own failure for a network error) and that the host got nothing, grants
analytics, runs the same code again and checks the host got exactly one request.
"""

from __future__ import annotations

import re
import typing as t

import pytest

from cookiegate.core.settings import DEMO_SITES_DIR

from .conftest import LiveServer
from .helpers import banner_visible
from .helpers import choose
from .helpers import cookie_names
from .helpers import ran
from .routes_net import GA
from .routes_net import SHOP
from .routes_net import Hosts
from .routes_net import grant_analytics
from .routes_net import hosts_fixture  # noqa: F401  (the hosts fixture)
from .routes_net import insights_fixture  # noqa: F401  (the insights fixture)
from .routes_net import open_page

# Each snippet is a tag's code: an async function of the URL, answering what the tag saw.
WEBSOCKET = """url => new Promise((done) => {
  const ws = new WebSocket(url), seen = [];
  ws.onopen = () => done(["open"]);
  ws.onerror = () => seen.push("error");
  ws.onclose = (e) => done([...seen, "close " + e.code, "readyState " + ws.readyState]);
})"""
EVENT_SOURCE = """url => new Promise((done) => {
  const source = new EventSource(url);
  source.onmessage = (e) => { source.close(); done(["message: " + e.data]); };
  source.onerror = () => { source.close(); done(["error"]); };
})"""
WORKER = """url => new Promise((done) => {
  const worker = new Worker(url);
  worker.onmessage = (e) => done(["message: " + e.data]);
  worker.onerror = () => done(["error"]);
})"""
SHARED_WORKER = """url => new Promise((done) => {
  const worker = new SharedWorker(url);
  worker.port.onmessage = (e) => done(["message: " + e.data]);
  worker.onerror = () => done(["error"]);
})"""
XHR = """url => new Promise((done) => {
  const x = new XMLHttpRequest(), seen = [];
  x.onreadystatechange = () => seen.push("readystatechange " + x.readyState);
  ["load", "error"].forEach((type) => x.addEventListener(type, () => seen.push(type)));
  x.onloadend = () => done([...seen, "loadend", "status " + x.status]);
  x.open("GET", url);
  x.send();
})"""


def run_twice(page: t.Any, hosts: Hosts, code: str, url: str) -> tuple[list[str], list[str]]:
    """What the tag saw before consent and after granting analytics; checks the requests."""
    before = page.evaluate(code, url)
    assert hosts.made(url) == [], "reached the host before consent"
    grant_analytics(page)
    after = page.evaluate(code, url)
    assert hosts.made(url) == [url], "not reached exactly once after the grant"
    return before, after


@pytest.mark.leak_route("new WebSocket(…) to a blocked host", section="Network and cookie APIs")
def test_websocket_fails_with_error_and_close_before_consent_and_connects_after(
    page: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    before, after = run_twice(page, hosts, WEBSOCKET, "wss://www.google-analytics.com/socket")
    assert before == ["error", "close 1006", "readyState 3"]
    assert after == ["open"]


@pytest.mark.leak_route("new EventSource(…) to a blocked host", section="Network and cookie APIs")
def test_event_source_fails_with_error_before_consent_and_receives_after(
    page: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    before, after = run_twice(page, hosts, EVENT_SOURCE, f"{GA}/events")
    assert before == ["error"]
    assert after == ["message: event arrived"]


@pytest.mark.leak_route("new Worker(…) of a blocked service's script", section="Script realms")
def test_worker_of_a_blocked_service_fails_before_consent_and_runs_after(
    page: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    before, after = run_twice(page, hosts, WORKER, f"{SHOP}/insights/worker.js")
    assert before == ["error"]
    assert after == ["message: worker ran"]


@pytest.mark.leak_route(
    "new SharedWorker(…) of a blocked service's script", section="Script realms"
)
def test_shared_worker_of_a_blocked_service_fails_before_consent_and_runs_after(
    page: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    before, after = run_twice(page, hosts, SHARED_WORKER, f"{SHOP}/insights/shared.js")
    assert before == ["error"]
    assert after == ["message: shared ran"]


@pytest.mark.leak_route("XMLHttpRequest to a blocked host", section="Network and cookie APIs")
def test_blocked_xhr_fails_as_a_network_error_does_and_is_sent_after_consent(
    page: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    before, after = run_twice(page, hosts, XHR, f"{GA}/xhr")
    # The platform's request-error steps: readyState 4, readystatechange, error, loadend.
    assert before == ["readystatechange 1", "readystatechange 4", "error", "loadend", "status 0"]
    assert after[-3:] == ["load", "loadend", "status 200"]


@pytest.mark.leak_route(
    "cookieStore.set of a refused service's cookie", section="Network and cookie APIs"
)
def test_cookie_store_set_of_a_refused_cookie_is_dropped_until_granted(
    page: t.Any, context: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    write = "() => cookieStore.set('_ga', 'GA1.1.store').then(() => 'resolved')"
    assert page.evaluate(write) == "resolved"  # as a write resolves: the tag goes on
    assert page.evaluate("cookieStore.set({name: '_gid', value: 'x'}).then(() => 1)") == 1
    assert page.evaluate("cookieStore.set('vl_ok', '1').then(() => 1)") == 1  # no service's
    assert not cookie_names(context) & {"_ga", "_gid"}
    assert "vl_ok" in cookie_names(context)
    grant_analytics(page)
    assert page.evaluate(write) == "resolved"
    assert {c["name"]: c["value"] for c in context.cookies()}["_ga"] == "GA1.1.store"


IMPORT_LIMIT = (
    "import() has no hook a script can wrap: an import() run before consent fetches and runs "
    "the module. The site puts such code in a tag marked type=text/plain data-category "
    "(released on grant), or lists the hosts it allows in its CSP script-src"
)
WORKER_LIMIT = (
    "importScripts() runs in the worker's own realm, which the page's loader cannot reach: a "
    "worker the loader let start can import a blocked host. The site starts such workers from "
    "a tag marked type=text/plain data-category, or limits the worker's CSP script-src"
)


@pytest.mark.leak_route(
    "dynamic import() of a blocked host's module", section="Script realms", limit=IMPORT_LIMIT
)
def test_dynamic_import_is_a_platform_limit_and_a_marked_tag_holds_it(
    page: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    # The limit: a bare import() reaches the host before any consent.
    page.evaluate(f"import('{GA}/module.js?bare=1')")
    assert hosts.made("module.js?bare=1") == [f"{GA}/module.js?bare=1"]
    # What the docs tell the site: the page's marked tag waits for the grant, then runs once.
    assert hosts.made("module.js?held=1") == []
    grant_analytics(page)
    page.wait_for_function("window.__imported === 2")
    assert hosts.made("module.js?held=1") == [f"{GA}/module.js?held=1"]


@pytest.mark.leak_route(
    "importScripts() of a blocked host inside an allowed worker",
    section="Script realms",
    limit=WORKER_LIMIT,
)
def test_import_scripts_in_a_worker_is_a_platform_limit_and_a_marked_tag_holds_it(
    page: t.Any, hosts: Hosts
) -> None:
    open_page(page)
    page.evaluate(
        """url => new Promise((done) => {
          const code = `importScripts('${url}'); postMessage(self.__imported)`;
          new Worker(URL.createObjectURL(new Blob([code]))).onmessage = (e) => done(e.data);
        })""",
        f"{GA}/worker-import.js?bare=1",
    )
    assert hosts.made("worker-import.js?bare=1") == [f"{GA}/worker-import.js?bare=1"]
    assert hosts.made("worker-import.js?held=1") == []
    grant_analytics(page)
    page.wait_for_function("window.__workerImported === 1")
    assert hosts.made("worker-import.js?held=1") == [f"{GA}/worker-import.js?held=1"]


class OddCookieServer(LiveServer):
    """The demo site with a consent cookie name that holds regex metacharacters."""

    def _build(self, revision: int) -> t.Any:
        sites = self.tmp / f"sites-{revision}"
        if not sites.exists():
            sites.mkdir()
            text = (DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8")
            text = re.sub(r"(?m)^revision = \d+$", f"revision = {revision}", text)
            text = text.replace('name = "cookiegate_demo"', f'name = "{ODD_NAME}"')
            (sites / "demo.toml").write_text(text, encoding="utf-8")
        return super()._build(revision)


#: Valid as a cookie name (RFC 6265 token), and a regex that matches none of itself.
ODD_NAME = "shop+consent.v1"


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[LiveServer]:
    server = OddCookieServer(tmp_path_factory.mktemp("odd"))
    yield server
    server.stop()


def test_a_consent_cookie_named_with_regex_metacharacters_is_read_back(
    page: t.Any, context: t.Any, net: t.Any, odd: LiveServer
) -> None:
    page.goto(odd.url("second.html"))
    choose(page, "accept")
    assert ODD_NAME in cookie_names(context)
    page.reload()
    page.wait_for_function("window.cookiegate && window.cookiegate.consent")
    assert page.evaluate("cookiegate.consent.choices.analytics") is True
    assert not banner_visible(page)
    assert sorted(ran(page)) == ["fb", "ga"]
