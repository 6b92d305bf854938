"""One visitor of the scanned site: a browser context logging requests, cookies and storage.

A hook installed before any page script runs notes which script wrote each
cookie through ``document.cookie`` (the innermost stack frame that is not
cookiegate's own loader or banner), so the report can tell the shop's own
cookies from those a third-party script writes on the shop's domain.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

from ..measure.base import control
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
    locked: r.locked, uk: r.uk || [] } : null; }"""

FRAME_PROBE = """() => {
  const out = { origin: location.origin, local: [], session: [], writes: [] };
  try { out.local = Object.keys(localStorage); } catch (e) {}
  try { out.session = Object.keys(sessionStorage); } catch (e) {}
  const w = window.__cgScanWrites; if (w) out.writes = w.splice(0);
  return out; }"""

ACCEPT = control("accept")
RECORDED = "() => window.cookiegate.consent && !window.cookiegate.consent.pending"
MAX_LINKS = 2000
#: Extra wait after ``load`` for late tags (GTM fires after load), capped per page.
SETTLE_SECONDS = 4.0

ContextHook = t.Callable[["BrowserContext"], object]


class Options(t.NamedTuple):
    pages: int = 20
    timeout: float = 30.0
    max_time: float = 600.0
    #: Called with every new browser context before any page loads (tests install routes).
    prepare_context: ContextHook | None = None
    progress: t.Callable[[str], None] = lambda _msg: None


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


class Visitor:
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
                )
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
