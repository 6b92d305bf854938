"""Drive headless Chromium over a site's pages, twice: no consent, then everything accepted.

Design: one pass per *site*, not per page. Pass one is a visitor who never
answers the banner and browses every page (breadth first from the start URL,
same-site links only, robots.txt obeyed), so what it records is what runs or
is stored before consent. Pass two is a fresh visitor who clicks the banner's
"Accept all" on the first page that has cookiegate's loader and then visits
the same pages: what only it records is what consent unlocked. Accepting once
per site rather than once per page keeps the scan to one recorded consent in
the site's proof log. Without cookiegate's loader there is nothing to accept
and pass two is skipped: everything the pages do runs without consent.
"""

from __future__ import annotations

import collections
import time
import typing as t
import urllib.error
import urllib.request
from datetime import UTC
from datetime import datetime
from urllib.parse import urlsplit

from .. import browser
from ..errors import CookiegateError
from . import observe as o
from . import urls

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import BrowserContext
    from playwright.sync_api import Page

#: Runs in every frame before its scripts: logs which script wrote which cookie.
COOKIE_HOOK = """(() => {
  const D = Document.prototype, P = Object.getOwnPropertyDescriptor(D, "cookie");
  if (!P || !P.set || window.__cgScanWrites) return;
  const log = [];
  Object.defineProperty(window, "__cgScanWrites", { value: log });
  Object.defineProperty(D, "cookie", { configurable: true, enumerable: true, get: P.get,
    set(v) {
      try {
        if (log.length < 2000) {
          const name = String(v).split(";")[0].split("=")[0].trim();
          const at = (new Error().stack || "").match(/https?:\\/\\/[^\\s)]+/g) || [];
          log.push([name, at.map((u) => u.replace(/:\\d+:\\d+$/, ""))]);
        }
      } catch (e) {}
      return P.set.call(this, v);
    } });
})();"""

#: Reads cookiegate's loader and rules from a page, or null.
LOADER_PROBE = """() => { const c = window.cookiegate, r = c && c.rules;
  return r && c._ && typeof c._.api === "string" ? { site: String(r.site), revision: Number(r.rev),
    api: c._.api, cookie: String(r.cookie), services: r.services, patterns: r.patterns,
    locked: r.locked } : null; }"""

FRAME_PROBE = """() => {
  const out = { origin: location.origin, local: [], session: [], writes: [] };
  try { out.local = Object.keys(localStorage); } catch (e) {}
  try { out.session = Object.keys(sessionStorage); } catch (e) {}
  const w = window.__cgScanWrites; if (w) out.writes = w.splice(0);
  return out; }"""

ACCEPT = ".cg-dialog:not([hidden]) .cg-layer:not([hidden]) [data-cg-action=accept]"
RECORDED = "() => window.cookiegate.consent && !window.cookiegate.consent.pending"
MAX_LINKS = 2000
#: Extra wait after ``load`` for late tags (GTM fires after load), capped per page.
SETTLE_SECONDS = 4.0

ContextHook = t.Callable[["BrowserContext"], object]


class ScanError(CookiegateError):
    """The scan could not start or its first page would not load."""


class Options(t.NamedTuple):
    pages: int = 20
    timeout: float = 30.0
    max_time: float = 600.0
    #: Called with every new browser context before any page loads (tests install routes).
    prepare_context: ContextHook | None = None
    progress: t.Callable[[str], None] = lambda _msg: None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def read_robots(url: str, timeout: float) -> urls.Robots:
    """Fetch robots.txt; none (4xx) allows everything, an unreadable one is noted and allows all."""
    target = urls.robots_url(url)
    req = urllib.request.Request(target, headers={"User-Agent": urls.USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=min(timeout, 15)) as resp:  # noqa: S310
            text = resp.read(512 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        if 400 <= e.code < 500:
            return urls.Robots(None, f"{target} answered {e.code}: every page is allowed.")
        return urls.Robots(None, f"{target} answered {e.code}; scanned as if allowed.")
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return urls.Robots(None, f"{target} could not be read ({reason}); scanned as if allowed.")
    return urls.Robots(text, f"{target} read; rules for {urls.USER_AGENT!r} obeyed.")


def explain(error: Exception) -> str:
    """One line for a failed page load, from Playwright's message."""
    message = str(getattr(error, "message", error)).splitlines()[0]
    known = {
        "ERR_NAME_NOT_RESOLVED": "the host name does not resolve (DNS)",
        "ERR_CONNECTION_REFUSED": "the server refused the connection",
        "ERR_CONNECTION_RESET": "the connection was reset",
        "ERR_CONNECTION_TIMED_OUT": "the connection timed out",
        "ERR_ADDRESS_UNREACHABLE": "the address is unreachable",
        "ERR_INTERNET_DISCONNECTED": "there is no network",
        "ERR_CERT": "its TLS certificate is not valid",
        "ERR_SSL": "the TLS handshake failed",
        "ERR_TOO_MANY_REDIRECTS": "it redirects in a loop",
        "ERR_EMPTY_RESPONSE": "the server sent an empty response",
    }
    for code, words in known.items():
        if code in message:
            return f"{words} ({message.split()[0] if message.startswith('net::') else code})"
    if "Timeout" in message:
        return "it did not finish loading in time"
    return message


class _Pass:
    """One visitor: a browser context whose requests, cookies and storage are logged."""

    def __init__(self, b: Browser, crawl: o.Crawl, phase: str, opts: Options) -> None:
        self.crawl, self.phase, self.opts = crawl, phase, opts
        self.context = b.new_context(user_agent=_user_agent(b), locale="en-GB")
        if opts.prepare_context:
            opts.prepare_context(self.context)
        self.context.add_init_script(COOKIE_HOOK)
        self.context.on("request", self._on_request)
        self.page: Page = self.context.new_page()
        self.current = ""
        self.seen_cookies: set[tuple[str, str, str]] = set()
        self.seen_storage: set[tuple[str, str, str]] = set()
        self.writers: dict[str, str] = {}

    def _on_request(self, request: t.Any) -> None:
        url = request.url
        if not url.startswith(("http://", "https://")) or urls.same_site(url, self.crawl.site):
            return
        self.crawl.requests.append(
            o.RequestSeen(url, request.resource_type, self.current, self.phase)
        )

    def visit(self, url: str) -> tuple[o.PageVisit, list[str]]:
        """Load ``url``, let late tags run, and record what is new; return the links found."""
        visit = o.PageVisit(url=url, phase=self.phase)
        self.current = url
        timeout_ms = self.opts.timeout * 1000
        try:
            resp = self.page.goto(url, wait_until="load", timeout=timeout_ms)
        except Exception as e:  # Playwright raises its own Error and TimeoutError
            visit.status, visit.error = "failed", explain(e)
            self.record()
            return visit, []
        visit.final_url = urls.normalise(self.page.url) if self.page.url.startswith("http") else url
        visit.http_status = resp.status if resp else None
        if resp and resp.status >= 400:
            visit.status, visit.error = "failed", f"the server answered HTTP {resp.status}"
        elif not urls.same_site(visit.final_url, self.crawl.site):
            visit.status, visit.error = "skipped", f"it redirects off the site to {visit.final_url}"
            return visit, []
        elif resp and "html" not in (resp.headers.get("content-type") or "html"):
            visit.status, visit.error = "skipped", "not an HTML page"
            return visit, []
        self.settle()
        visit.has_loader = self.loader() is not None
        self.record()
        return visit, self.links()

    def settle(self) -> None:
        """Wait for the network to go quiet (late tags), at most SETTLE_SECONDS."""
        try:
            self.page.wait_for_load_state(
                "networkidle", timeout=min(SETTLE_SECONDS, self.opts.timeout) * 1000
            )
        except Exception:  # a page that polls forever: record what it did so far
            pass

    def loader(self) -> o.LoaderInfo | None:
        try:
            data = self.page.evaluate(LOADER_PROBE)
        except Exception:
            return None
        if not isinstance(data, dict):
            return None
        try:
            return o.LoaderInfo(**data)
        except TypeError:
            return None

    def links(self) -> list[str]:
        try:
            found = self.page.eval_on_selector_all(
                "a[href], area[href]", f"els => els.slice(0, {MAX_LINKS}).map(e => e.href)"
            )
        except Exception:
            return []
        return [str(h) for h in found if isinstance(h, str)]

    def record(self) -> None:
        """Note the cookies and storage keys that are new since the last page."""
        for frame in list(self.page.frames):
            try:
                data = frame.evaluate(FRAME_PROBE)
            except Exception:  # detached or navigating frame
                continue
            for name, stack in data.get("writes", []):
                self.writers.setdefault(str(name), _setter(stack))
            for kind in ("local", "session"):
                for key in data.get(kind, []):
                    ident = (kind, str(key), str(data.get("origin")))
                    if ident not in self.seen_storage:
                        self.seen_storage.add(ident)
                        self.crawl.storage.append(
                            o.StorageSeen(kind, ident[1], ident[2], self.current, self.phase)
                        )
        for c in self.context.cookies():
            ident = (c["name"], c["domain"], c["path"])
            if ident in self.seen_cookies:
                continue
            self.seen_cookies.add(ident)
            self.crawl.cookies.append(
                o.CookieSeen(
                    name=c["name"],
                    domain=c["domain"],
                    path=c["path"],
                    expires=c["expires"],
                    http_only=c["httpOnly"],
                    secure=c["secure"],
                    same_site=c.get("sameSite", ""),
                    page=self.current,
                    phase=self.phase,
                    set_by=self.writers.get(c["name"], ""),
                )  # fmt: skip
            )

    def accept(self) -> str:
        """Click the banner's Accept all; return a note on how it went."""
        wait = self.opts.timeout * 1000
        try:
            self.page.locator(ACCEPT).first.click(timeout=wait)
            self.page.wait_for_function("() => !!window.cookiegate.consent", timeout=wait)
        except Exception as e:
            return f"Could not press the banner's Accept all on {self.current}: {explain(e)}."
        try:
            self.page.wait_for_function(RECORDED, timeout=min(wait, 10_000))
        except Exception:
            return (
                "Accepted all through the banner, but the cookiegate server did not acknowledge "
                "the consent; the loader released the tags anyway."
            )
        return f"Accepted all through the banner on {self.current} (one consent recorded)."

    def close(self) -> None:
        self.context.close()


def _user_agent(b: Browser) -> str:
    return f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{b.version} Safari/537.36 {urls.USER_AGENT}"


def _setter(stack: t.Any) -> str:
    """The script that wrote a cookie: the innermost frame that is not cookiegate's own code."""
    for url in stack if isinstance(stack, list) else []:
        path = urlsplit(str(url)).path
        if "/v1/assets/banner" in path or (path.startswith("/v1/sites/") and "loader" in path):
            continue
        return str(url)
    return ""


def crawl(start_url: str, opts: Options) -> o.Crawl:
    """Scan a site from ``start_url``; see the module docstring for the two passes.

    :raises urls.UrlError: the URL is not an http(s) URL.
    :raises ScanError: robots.txt forbids the start page or the first page does not load.
    :raises browser.BrowserError: Playwright or Chromium is missing.
    """
    start = urls.check_start_url(start_url)
    site = urls.site_of(urls.host_of(start))
    result = o.Crawl(start_url=start, site=site, started_at=_now())
    result.options = {"pages": opts.pages, "timeout": opts.timeout, "max_time": opts.max_time}
    robots = read_robots(start, opts.timeout)
    result.notes.append(robots.note)
    if not robots.allowed(start):
        raise ScanError(
            f"robots.txt disallows {start} for {urls.USER_AGENT!r}; allow it there "
            f"(User-agent: {urls.USER_AGENT} / Allow: /) to scan the site."
        )
    began = time.monotonic()
    with browser.launch() as b:
        first = _Pass(b, result, o.BEFORE, opts)
        try:
            ok = _crawl_pass(first, start, robots, began, opts, result)
        finally:
            first.close()
        if result.loader is None:
            result.notes.append(
                "No cookiegate loader on the scanned pages: there is no consent to give, so "
                "everything recorded is what the pages do without consent."
            )
        elif ok:
            second = _Pass(b, result, o.AFTER, opts)
            second.seen_cookies = set(first.seen_cookies)
            second.seen_storage = set(first.seen_storage)
            try:
                _accepted_pass(second, ok, began, opts, result)
            finally:
                second.close()
    result.finished_at = _now()
    return result


def _crawl_pass(
    p: _Pass, start: str, robots: urls.Robots, began: float, opts: Options, result: o.Crawl
) -> list[str]:
    """Breadth-first over same-site links; returns the pages that loaded."""
    queue: collections.deque[str] = collections.deque([start])
    queued: set[str] = {start}
    loaded: list[str] = []
    while queue:
        # Half the time for this pass when a second (accepted) pass will follow.
        budget = opts.max_time / 2 if result.loader else opts.max_time
        if len(result.pages) >= opts.pages:
            result.skipped.extend((u, f"over the --pages limit of {opts.pages}") for u in queue)
            break
        if result.pages and time.monotonic() - began > budget:
            result.skipped.extend((u, "the --max-time limit was reached") for u in queue)
            result.notes.append(f"Stopped crawling after {len(result.pages)} pages: time limit.")
            break
        url = queue.popleft()
        opts.progress(f"[no consent] page {len(result.pages) + 1}/{opts.pages} {url}")
        visit, links = p.visit(url)
        result.pages.append(visit)
        if not loaded and visit.status != "ok":
            raise ScanError(f"Could not scan {url}: {visit.error}.")
        if visit.status != "ok":
            continue
        loaded.append(url)
        queued.add(visit.final_url)
        if visit.has_loader and result.loader is None:
            result.loader = p.loader()
        if robots.crawl_delay:
            time.sleep(min(robots.crawl_delay, 10.0))
        for link in links:
            target = urls.normalise(link) if link.startswith(("http://", "https://")) else link
            if target in queued:
                continue
            reason = urls.link_decision(target, result.site)
            if reason == "":
                continue
            queued.add(target)
            if reason is None and not robots.allowed(target):
                reason = f"robots.txt disallows it for {urls.USER_AGENT!r}"
            if reason:
                result.skipped.append((target, reason))
            else:
                queue.append(target)
    return loaded


def _accepted_pass(
    p: _Pass, pages: list[str], began: float, opts: Options, result: o.Crawl
) -> None:
    """Revisit ``pages`` as a visitor who pressed Accept all on the first loader page."""
    with_loader = {v.url for v in result.pages if v.has_loader}
    for n, url in enumerate(pages, 1):
        if time.monotonic() - began > opts.max_time:
            result.notes.append(
                f"The --max-time limit stopped the accepted pass after {n - 1} of "
                f"{len(pages)} pages."
            )
            return
        opts.progress(f"[accepted]   page {n}/{len(pages)} {url}")
        visit, _links = p.visit(url)
        result.pages.append(visit)
        if not result.accepted and url in with_loader and visit.status == "ok":
            note = p.accept()
            result.notes.append(note)
            if not note.startswith("Accepted"):
                return
            result.accepted = True
            p.settle()
            p.record()
