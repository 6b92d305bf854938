"""Whose is this request, cookie or storage key: the site's config, the catalogue, or nobody's.

The site's own classification wins (it is what the loader enforces); the
catalogue names what the site config does not. Both sources are reduced to a
:class:`Match` so the report treats them alike.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from dataclasses import replace
from urllib.parse import urlsplit

from ..core.patterns import url_without_scheme
from . import observe as o
from . import urls

if t.TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..catalogue.model import Entry


@dataclass(frozen=True)
class Match:
    """Who a request, cookie or storage key belongs to."""

    #: Service id in the site config, or catalogue entry id; "" when unknown.
    service: str = ""
    name: str = ""
    category: str = ""
    #: ``site`` (the site config or its live loader), ``catalogue``, ``cookiegate``, or "".
    source: str = ""
    #: May run before consent: a necessary service, or one the site runs under the UK
    #: statistics exception (until the visitor objects).
    necessary: bool = False
    #: The catalogue entry it also matches, whatever the site calls it.
    entry: str = ""
    #: A tag manager's container on pages where cookiegate holds every tag it inserts.
    held: bool = False

    @property
    def known(self) -> bool:
        return bool(self.source)


COOKIEGATE = Match(
    "cookiegate", "cookiegate (this consent banner)", "necessary", "cookiegate", True
)


class SiteRules:
    """A site's services as the loader enforces them (``loader_rules`` shape)."""

    def __init__(self, rules: t.Mapping[str, t.Any] | None) -> None:
        rules = rules or {}
        self.services: list[dict[str, t.Any]] = list(rules.get("services", []))
        self.locked = set(rules.get("locked", []))
        #: Services the site runs without consent under the UK statistics exception.
        self.exempt = set(rules.get("uk", []))
        #: Services whose tags the site lets load before consent (``pre``: a tag manager's
        #: container, Google tags in advanced Consent Mode); absent from older rules.
        self.early = {str(self.services[i]["id"]) for i in rules.get("pre", [])}
        self.cookie = str(rules.get("cookie", ""))
        self.names: dict[str, str] = dict(rules.get("names", {}))
        self._urls = [(re.compile(rx), int(i)) for rx, i in rules.get("patterns", [])]
        self._cookies = [[re.compile(rx) for rx in s.get("cookies", [])] for s in self.services]

    def _match(self, index: int) -> Match:
        s = self.services[index]
        sid, cat = str(s["id"]), str(s["cat"])
        allowed = cat in self.locked or sid in self.exempt
        return Match(sid, self.names.get(sid, sid), cat, "site", allowed)

    def match_url(self, url: str) -> Match | None:
        target = url_without_scheme(url)
        return next((self._match(i) for rx, i in self._urls if rx.search(target)), None)

    def match_cookie(self, name: str) -> Match | None:
        for i, regexes in enumerate(self._cookies):
            if any(rx.search(name) for rx in regexes):
                return self._match(i)
        return None


def _entry(e: Entry | None) -> Match | None:
    if e is None:
        return None
    return Match(e.id, e.name, e.category, "catalogue", e.category == "necessary", e.id)


class Classifier:
    """Matches observations against the site's rules, then the catalogue."""

    def __init__(self, site: SiteRules, catalogue: Catalogue, loader: o.LoaderInfo | None) -> None:
        self.site, self.catalogue = site, catalogue
        self.own_origin = ""
        if loader is not None:
            api = urlsplit(loader.api)
            self.own_origin = f"{api.scheme}://{api.netloc}".lower()
        self.own_cookie = site.cookie or (loader.cookie if loader else "")

    def _own_url(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        return bool(self.own_origin) and origin == self.own_origin and parts.path.startswith("/v1/")

    def request(self, url: str) -> Match:
        if self._own_url(url):
            return COOKIEGATE
        entry = self.catalogue.match_url(url)
        found = self.site.match_url(url)
        if found:
            # The site's own container, let in before consent: its tags are still held.
            held = entry is not None and entry.tag_manager and found.service in self.site.early
            return replace(_with_entry(found, entry), held=held)
        if entry is not None and entry.tag_manager and self.own_origin:
            return replace(_entry(entry) or Match(), held=True)
        return _entry(entry) or Match()

    def cookie(self, c: o.CookieSeen, site: str) -> Match:
        own = self.own_cookie or "cookiegate_"
        if c.name in (own, own + "_pending") or c.name.startswith("cookiegate_"):
            return COOKIEGATE
        first = party(c.domain, site) == "first"
        entry = self.catalogue.match_cookie(c.name) if first else None
        if entry is None and not first:
            # A third party's own cookie: who it is shows in its domain.
            entry = self.catalogue.match_url("https://" + c.domain.lstrip(".") + "/")
        found = self.site.match_cookie(c.name) if first else None
        if found is None and not first:
            found = self.site.match_url("https://" + c.domain.lstrip(".") + "/")
        if found:
            return _with_entry(found, entry)
        return _entry(entry) or Match()

    def storage(self, s: o.StorageSeen) -> Match:
        entry = self.catalogue.match_storage(s.key)
        return _entry(entry) or Match()


def _with_entry(found: Match, entry: Entry | None) -> Match:
    if entry is None:
        return found
    return Match(found.service, found.name, found.category, found.source, found.necessary, entry.id)


def party(domain_or_url: str, site: str) -> str:
    """``first`` when a cookie domain or URL is on the scanned site, else ``third``."""
    text = domain_or_url
    host = urls.host_of(text) if "://" in text else text.lstrip(".").lower()
    return "first" if host and urls.site_of(host) == site else "third"
