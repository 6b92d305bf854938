"""Which URLs the scanner visits: same site, not a file, not an action, allowed by robots.txt.

Pure functions over strings, so the crawl rules are tested without a browser.
"Same site" is the registrable domain (``www.shop.example`` and
``shop.example`` are one site, ``shop.co.uk`` and ``other.co.uk`` are not),
read from the Public Suffix List bundled with ``publicsuffixlist``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import typing as t
import urllib.robotparser
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ..core.browser import BrowserError
from ..core.errors import CookiegateError

#: The robots.txt user agent the scanner obeys and sends.
USER_AGENT = "cookiegate-scanner"

#: Links to these are downloads, not pages: visiting them shows no tags.
FILE_EXTENSIONS = frozenset(
    "7z avi bmp csv dmg doc docx epub exe gif gz ico jpeg jpg json m4a mov mp3 mp4 msi odt "
    "ods pdf png ppt pptx rar rss svg tar tgz tif tiff txt wav webm webp woff woff2 xls xlsx "
    "xml zip".split()
)
#: Paths and queries that change the visitor's state (signing out, emptying the basket).
ACTION_WORDS = re.compile(
    r"log-?out|sign-?out|log-?off|sign-?off|/logoff|add-to-cart|add_to_cart|/cart/add|"
    r"remove-from|/delete|unsubscribe|/wp-admin|/wp-login",
    re.IGNORECASE,
)


class UrlError(CookiegateError):
    """A start URL the scanner cannot use."""


def check_start_url(url: str) -> str:
    """Validate and normalise the URL a scan starts from.

    :raises UrlError: naming what is wrong (scheme, host, spaces).
    """
    text = url.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        if re.match(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/|$)", text):
            text = "https://" + text
        else:
            raise UrlError(f"{url!r} is not a URL; give one like https://www.shop.example/.")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlError(f"{url!r} is not an http(s) URL; the scanner visits web pages only.")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise UrlError(f"{url!r} has an invalid port.") from None
    if not host or any(c.isspace() for c in text):
        raise UrlError(f"{url!r} has no valid host name.")
    return normalise(text)


def normalise(url: str) -> str:
    """Lower-case scheme and host, drop the fragment and a default port, keep path and query."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else (f"{host}:{port}")
    )
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


@functools.lru_cache(maxsize=1)
def _psl() -> t.Any:
    try:
        from publicsuffixlist import PublicSuffixList
    except ImportError:
        raise BrowserError(
            "This command needs publicsuffixlist: pip install 'cookiegate[scan]'."
        ) from None

    return PublicSuffixList()


@functools.lru_cache(maxsize=4096)
def site_of(host: str) -> str:
    """The registrable domain of ``host`` (``www.shop.co.uk`` → ``shop.co.uk``).

    IP addresses and single-label hosts (``localhost``) are their own site.
    """
    host = host.lower().strip("[]").rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    return str(_psl().privatesuffix(host) or host)


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def same_site(url: str, site: str) -> bool:
    """True when ``url`` is an http(s) URL on registrable domain ``site``."""
    if not url.lower().startswith(("http://", "https://")):
        return False
    host = host_of(url)
    return bool(host) and site_of(host) == site


def link_decision(url: str, site: str) -> str | None:
    """Whether a link found on a page is crawled.

    :returns: None to crawl it, ``""`` to ignore it silently (not a page of
        this site: mail, phone, another site), or the reason it is skipped,
        which the report lists.
    """
    lowered = url.lower()
    if not lowered.startswith(("http://", "https://")) or not same_site(url, site):
        return ""
    parts = urlsplit(url)
    last = parts.path.rsplit("/", 1)[-1]
    ext = last.rpartition(".")[2].lower() if "." in last else ""
    if ext in FILE_EXTENSIONS:
        return f"a .{ext} file, not a page"
    if ACTION_WORDS.search(parts.path + "?" + parts.query):
        return "an action link (sign-out, basket, delete): not visited, so the scan changes nothing"
    return None


class Robots:
    """robots.txt rules for ``cookiegate-scanner`` (everything allowed when there is none)."""

    def __init__(self, text: str | None, note: str = "") -> None:
        self.parser = urllib.robotparser.RobotFileParser()
        self.parser.parse((text or "").splitlines())
        #: What happened when it was read ("no robots.txt", "could not be read: …").
        self.note = note

    def allowed(self, url: str) -> bool:
        return self.parser.can_fetch(USER_AGENT, url)

    @property
    def crawl_delay(self) -> float:
        delay = self.parser.crawl_delay(USER_AGENT)
        return float(delay) if delay else 0.0


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def strip_query(url: str) -> str:
    """``host/path`` of a URL: what a report shows of a request (queries carry identifiers)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url[:200]
    return (parts.hostname or "") + (parts.path or "/")
