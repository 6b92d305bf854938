"""What the browser saw during a crawl: pages, third-party requests, cookies, storage keys.

Plain dataclasses filled by :mod:`.crawl` and read by :mod:`.analyse`, so the
analysis is a pure function that tests can feed without a browser.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from dataclasses import field

#: The two passes: a visitor who never answers the banner, and one who accepted all.
BEFORE = "before"
AFTER = "after"


@dataclass
class PageVisit:
    """One page load in one pass."""

    url: str
    phase: str
    #: ``ok``, ``failed`` (error says why) or ``skipped`` (not HTML, left the site).
    status: str = "ok"
    final_url: str = ""
    http_status: int | None = None
    error: str = ""
    #: The page runs cookiegate's loader (``window.cookiegate`` with inlined rules).
    has_loader: bool = False


@dataclass
class RequestSeen:
    """A request the page (or one of its frames) made to another site."""

    url: str
    #: Playwright's resource type: script, image, xhr, fetch, document (iframes), ping …
    type: str
    page: str
    phase: str


@dataclass
class CookieSeen:
    """A cookie in the browser's jar after a page load."""

    name: str
    domain: str
    path: str
    #: Unix time, or -1 for a session cookie.
    expires: float
    http_only: bool
    secure: bool
    same_site: str
    #: First page after which it was in the jar.
    page: str
    phase: str
    #: URL of the script that wrote it through ``document.cookie``; empty when it
    #: came from an HTTP ``Set-Cookie`` header.
    set_by: str = ""


@dataclass
class StorageSeen:
    """A ``localStorage`` or ``sessionStorage`` key of a frame's origin."""

    kind: str
    key: str
    origin: str
    page: str
    phase: str


@dataclass
class LoaderInfo:
    """cookiegate's loader as found on a page, with the rules it enforces there."""

    site: str
    revision: int
    #: The consents endpoint the loader posts to; its origin is cookiegate's.
    api: str
    cookie: str
    #: ``[{"id", "cat", "cookies": [regex …]}]`` as inlined by the server.
    services: list[dict[str, t.Any]]
    #: ``[[regex, service index]]``, most specific first.
    patterns: list[list[t.Any]]
    locked: list[str]
    #: Services run without consent under the UK statistics exception.
    uk: list[str] = field(default_factory=list)


@dataclass
class Crawl:
    """Everything one ``cookiegate scan`` saw, in visiting order."""

    start_url: str
    #: Registrable domain of the start URL; what counts as first party.
    site: str
    started_at: str
    finished_at: str = ""
    pages: list[PageVisit] = field(default_factory=list)
    #: ``(url, reason)`` of links not visited (robots.txt, files, page or time limit).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    requests: list[RequestSeen] = field(default_factory=list)
    cookies: list[CookieSeen] = field(default_factory=list)
    storage: list[StorageSeen] = field(default_factory=list)
    loader: LoaderInfo | None = None
    #: Whether the second pass ran with everything accepted through the banner.
    accepted: bool = False
    #: Plain-language notes on how the scan went (robots.txt, acceptance, limits).
    notes: list[str] = field(default_factory=list)
    options: dict[str, t.Any] = field(default_factory=dict)
