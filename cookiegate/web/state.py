"""Per-app state kept in ``app.extensions["cookiegate"]``.

Everything here is built once by the app factory from config and files, and
never changed by a request, except the caches each process fills on first use
from the same config (banner content per site and locale, the prepared
responses of the read path, negotiated locales): the app keeps no state
between requests, so any number of processes can serve the same sites.
"""

from __future__ import annotations

import contextvars
import threading
import typing as t
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from flask import current_app

from ..consent.proofs import content_hash
from ..jurisdiction.source import GeoSource
from .banner import banner_content
from .errors import NotFound

T = t.TypeVar("T")

#: Set while the event loop asks for a prepared response (:mod:`.front`): building one
#: (compressing, rendering texts) is for the threads, so :meth:`State.served` raises
#: :class:`NotBuilt` instead.
only_built: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "cookiegate_only_built", default=False
)


#: Prepared responses kept per process for the variants that multiply (``banner.json`` per
#: jurisdiction x locale x GPC: about 15,000 worst case, ~11 KB each in three encodings).
RECENT_LIMIT = 512


class NotBuilt(Exception):
    """The prepared response is not built yet, and this caller may not build it."""


if t.TYPE_CHECKING:
    from ..loader.assets import Asset
    from ..services.declarations import Current
    from ..siteconfig.model import SiteConfig
    from ..store import Store
    from .fast import Prepared
    from .published import StaticFile


@dataclass
class State:
    store: Store
    sites: dict[str, SiteConfig]
    #: Newest first: the first signs, all verify.
    secret_keys: tuple[str, ...]
    #: Site id -> its loader script with rules inlined (built with the published set).
    loaders: dict[str, Asset]
    #: File name -> banner script or stylesheet, fetched only when the banner shows.
    assets: dict[str, Asset]
    #: Returns the current time (UTC, aware); tests substitute a frozen clock.
    clock: t.Callable[[], datetime]
    #: URL path -> file of the published set (:mod:`cookiegate.web.published`), every site's;
    #: built at start.
    published: dict[str, StaticFile] = field(default_factory=dict)
    #: Site id -> its cookie declaration and revision, built with the published set.
    declarations: dict[str, Current] = field(default_factory=dict)
    #: Where a request's visitor is (``COOKIEGATE_GEO_*``); by default nowhere known.
    geo: GeoSource = field(default_factory=GeoSource)
    #: ``(site, locale, overlay)`` -> (shown content, its hash); filled on first use.
    _banners: dict[tuple[str, str, str | None], tuple[dict[str, t.Any], str]] = field(
        default_factory=dict
    )
    #: Prepared responses of the read path (:mod:`.served`), by kind and variant.
    _served: dict[tuple[t.Any, ...], Prepared] = field(default_factory=dict)
    #: Prepared responses with too many variants to keep all (:meth:`recent`), least
    #: recently used first.
    _recent: OrderedDict[tuple[t.Any, ...], Prepared] = field(default_factory=OrderedDict)
    _recent_lock: threading.Lock = field(default_factory=threading.Lock)
    #: How many of those are kept; the least recently used is dropped past it.
    recent_limit: int = RECENT_LIMIT
    #: Small derived values (a negotiated locale per header), bounded.
    _memo: dict[tuple[t.Any, ...], t.Any] = field(default_factory=dict)

    def site(self, site_id: str) -> SiteConfig:
        """The config of ``site_id``, or a 404 naming it."""
        try:
            return self.sites[site_id]
        except KeyError:
            raise NotFound(f"No site with id {site_id!r} is configured on this server.") from None

    def banner(
        self, config: SiteConfig, locale: str, overlay: str | None = None
    ) -> tuple[dict[str, t.Any], str]:
        """Shown content and its hash for one site, locale and jurisdiction overlay, computed
        once (``overlay=None``: the site's content as it is without ``[jurisdictions]``)."""
        key = (config.id, locale, overlay)
        if key not in self._banners:
            content = banner_content(config, locale, overlay)
            self._banners[key] = (content, content_hash(content))
        return self._banners[key]

    def declaration(self, config: SiteConfig) -> Current:
        """The site's declaration as built with the published set (on first use).

        Built once, like the published files that show it; one left unnumbered because the
        store could not answer then is numbered on a later call, with the same content.
        """
        from ..services import declarations

        found = self.declarations.get(config.id)
        if found is None:
            found = declarations.current(self.store, config, self.clock())
        elif not found.version.revision:
            found = declarations.number(self.store, found, self.clock())
        self.declarations[config.id] = found
        return found

    def served(self, key: tuple[t.Any, ...], build: t.Callable[[], Prepared]) -> Prepared:
        """The prepared response ``key``, built by ``build`` on first use.

        Two threads may build the same one at once; both build the same
        bytes and either is kept, so no lock is needed.
        """
        found = self._served.get(key)
        if found is None:
            if only_built.get():
                raise NotBuilt(key)
            found = self._served[key] = build()
        return found

    def built(self, key: tuple[t.Any, ...]) -> Prepared | None:
        """The prepared response ``key`` if a request has built it already."""
        return self._served.get(key)

    def recent(self, key: tuple[t.Any, ...], build: t.Callable[[], Prepared]) -> Prepared:
        """Like :meth:`served`, for variants too many to keep every one of (placed banners).

        At most :attr:`recent_limit` are kept; past it the least recently used is dropped
        and built again, byte for byte the same, when next asked for.
        """
        found = self.recent_built(key)
        if found is None:
            if only_built.get():
                raise NotBuilt(key)
            found = build()
            with self._recent_lock:
                self._recent[key] = found
                while len(self._recent) > self.recent_limit:
                    self._recent.popitem(last=False)
        return found

    def recent_built(self, key: tuple[t.Any, ...]) -> Prepared | None:
        """The response ``key`` of :meth:`recent` if it is kept (and now the most recent)."""
        found = self._recent.get(key)
        if found is not None:
            try:
                self._recent.move_to_end(key)
            except KeyError:
                pass  # dropped by another thread meanwhile; still a valid answer
        return found

    def memo(self, key: tuple[t.Any, ...], compute: t.Callable[[], T]) -> T:
        """``compute()`` kept under ``key``; forgotten all at once past 4,096 entries."""
        try:
            return t.cast(T, self._memo[key])
        except KeyError:
            if len(self._memo) >= 4096:
                self._memo.clear()
            value = self._memo[key] = compute()
            return value


def get_state() -> State:
    return t.cast(State, current_app.extensions["cookiegate"])
