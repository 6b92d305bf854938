"""The service catalogue's entries, and matching URLs, cookies and storage keys to them.

An :class:`Entry` is one reviewed third-party service as its vendor documents
it; the :class:`Catalogue` holds them all and answers "whose is this?" for
the scanner and site configs. Where two entries' patterns can match one URL,
the longer, more specific pattern wins, exactly as in the loader.
"""

from __future__ import annotations

import difflib
import re
import typing as t
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

from ..core import overlaps
from ..core.patterns import cookie_regex
from ..core.patterns import pattern_regex
from .signals import Signals


@dataclass(frozen=True)
class Entry:
    """One third-party service as its vendor documents it."""

    #: Stable id site configs use: ``google-analytics-4``.
    id: str
    name: str
    #: The legal entity that serves EU/UK users.
    vendor: str
    #: One plain sentence for visitors: what it does for the shop.
    purpose: str
    #: Default category: one of the built-in category ids.
    category: str
    #: Every built-in category its purpose fits (the default among them).
    categories: tuple[str, ...]
    #: ``host[/path]`` patterns of its scripts, iframes, pixels and network calls.
    patterns: tuple[str, ...]
    #: Cookie names it sets on the site's own domain; ``*`` is a wildcard.
    cookies: tuple[str, ...]
    #: localStorage / sessionStorage keys it writes on the site's origin.
    storage: tuple[str, ...]
    consent_mode: tuple[str, ...]
    privacy_url: str
    #: ISO 3166 codes of the countries the vendor says the data goes to.
    countries: tuple[str, ...]
    #: The vendor documentation the hosts and cookie names come from.
    sources: tuple[str, ...]
    #: ``(cookie, seconds)`` as the vendor documents its lifetime; 0 is a session cookie.
    lifetimes: tuple[tuple[str, int], ...] = ()
    #: How data reaches a country outside the UK/EEA, as the vendor states it
    #: (``EU-US Data Privacy Framework``); empty when the catalogue does not know.
    transfer: str = ""
    #: Entries whose longer patterns win where both could claim a URL or name.
    yields_to: tuple[str, ...] = ()
    #: A tag manager's container: sets nothing itself and only loads other tags,
    #: which cookiegate's loader holds back by their own services.
    tag_manager: bool = False
    #: IndexedDB databases it creates on the site's origin (``*`` is a wildcard), as its
    #: vendor documents them: deleted with its storage keys when it is refused.
    indexeddb: tuple[str, ...] = ()
    #: The vendor's own consent API (:mod:`cookiegate.catalogue.signals`); None: it has none.
    signals: Signals | None = field(default=None, hash=False)


class Catalogue:
    """The entries, by id, with the matching the scanner and site configs use."""

    def __init__(self, entries: t.Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(sorted(entries, key=lambda e: e.id))
        self._by_id = {e.id: e for e in self.entries}
        self._urls = _rules(self.entries, "patterns", overlaps.url_specificity, pattern_regex)
        self._cookies = _rules(self.entries, "cookies", overlaps.name_specificity, cookie_regex)
        self._storage = _rules(self.entries, "storage", overlaps.name_specificity, cookie_regex)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def nearest(self, entry_id: str) -> str | None:
        """The catalogue id closest to a mistyped one, for "did you mean" hints."""
        close = difflib.get_close_matches(entry_id, list(self._by_id), n=1, cutoff=0.6)
        return close[0] if close else None

    def match_url(self, url: str) -> Entry | None:
        """The entry a request URL belongs to: the one with the longest matching pattern."""
        key = url_key(url)
        if key is None:
            return None
        return next((e for rx, e in self._urls if rx.match(key)), None)

    def match_cookie(self, name: str) -> Entry | None:
        """The entry that sets cookie ``name`` (exact names beat wildcards)."""
        return next((e for rx, e in self._cookies if rx.fullmatch(name)), None)

    def match_storage(self, key: str) -> Entry | None:
        """The entry that writes the local/session storage key ``key``."""
        return next((e for rx, e in self._storage if rx.fullmatch(key)), None)


def _rules(
    entries: t.Iterable[Entry],
    field: str,
    order: t.Callable[[str], t.Any],
    compile_: t.Callable[[str], str],
) -> list[tuple[re.Pattern[str], Entry]]:
    pairs = sorted(
        ((p, e) for e in entries for p in getattr(e, field)), key=lambda pe: order(pe[0])
    )
    return [(re.compile(compile_(p)), e) for p, e in pairs]


def url_key(url: str) -> str | None:
    """``host[:port]/path?query`` of an http(s) URL, as the loader matches it; else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "") or not parts.hostname:
        return None
    host = parts.hostname
    try:
        # Browsers map Unicode hosts to their ASCII (punycode) form before matching.
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{f':{port}' if port else ''}{parts.path or '/'}{query}"
