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

from ..core import browser
from ..core.errors import CookiegateError
from . import observe as o
from . import urls
from .visitor import Options
from .visitor import Visitor

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser


class ScanError(CookiegateError):
    """The scan could not start or its first page would not load."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def read_robots(url: str, timeout: float) -> urls.Robots:
    """Fetch robots.txt; none (4xx) allows everything, an unreadable one is noted and allows all."""
    target = urls.robots_url(url)
    req = urllib.request.Request(target, headers={"User-Agent": urls.USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=min(timeout, 15)) as resp:
            text = resp.read(512 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        if 400 <= e.code < 500:
            return urls.Robots(None, f"{target} answered {e.code}: every page is allowed.")
        return urls.Robots(None, f"{target} answered {e.code}; scanned as if allowed.")
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return urls.Robots(None, f"{target} could not be read ({reason}); scanned as if allowed.")
    return urls.Robots(text, f"{target} read; rules for {urls.USER_AGENT!r} obeyed.")


def crawl(start_url: str, opts: Options, using: Browser | None = None) -> o.Crawl:
    """Scan a site from ``start_url``; see the module docstring for the two passes.

    :param using: a running browser to open the visitors' contexts in; by
        default Chromium is launched for the scan and closed afterwards.
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
    if using is not None:
        _both_passes(using, start, robots, opts, result)
    else:
        with browser.launch() as b:
            _both_passes(b, start, robots, opts, result)
    result.finished_at = _now()
    return result


def _both_passes(
    b: Browser, start: str, robots: urls.Robots, opts: Options, result: o.Crawl
) -> None:
    began = time.monotonic()
    first = Visitor(b, result, o.BEFORE, opts)
    try:
        ok = _crawl_pass(first, start, robots, began, opts, result)
    finally:
        first.close()
    if result.loader is None:
        result.notes.append(
            "No cookiegate loader on the scanned pages: there is no consent to give, so "
            "everything recorded is what the pages do without consent."
        )
        return
    second = Visitor(b, result, o.AFTER, opts)
    second.seen_cookies = set(first.seen_cookies)
    second.seen_storage = set(first.seen_storage)
    try:
        _accepted_pass(second, ok, began, opts, result)
    finally:
        second.close()


def _crawl_pass(
    p: Visitor, start: str, robots: urls.Robots, began: float, opts: Options, result: o.Crawl
) -> list[str]:
    """Breadth-first over same-site links; returns the pages that loaded."""
    queue: collections.deque[str] = collections.deque([start])
    queued: set[str] = {start}
    finals: set[str] = set()
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
        if visit.status == "ok" and visit.final_url in finals:
            visit.status, visit.error = "skipped", f"it redirects to {visit.final_url}, scanned"
        if visit.status != "ok":
            continue
        loaded.append(url)
        finals.add(visit.final_url)
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
    p: Visitor, pages: list[str], began: float, opts: Options, result: o.Crawl
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
