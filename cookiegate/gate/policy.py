"""What the gate blocks on one response: the site's URL rules and the visitor's signed choice.

The loader and the gate must agree exactly on which service a URL belongs to
and whether it may load, or a tag the gate held would never be released (or
one it let through would be held again). So the patterns come from
:func:`~cookiegate.loader.payload.compiled_rules`, in the loader's order (most
specific first, the first match wins), and :meth:`Policy.allowed` mirrors
``allowed`` in ``static/js/src/loader/checks.js``.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from urllib.parse import quote
from urllib.parse import urljoin
from urllib.parse import urlsplit

from ..consent.tokens import read_consent
from ..core.patterns import pattern_regex
from ..loader.payload import compiled_rules

if t.TYPE_CHECKING:
    from ..consent.tokens import ConsentToken
    from ..siteconfig.model import Service
    from ..siteconfig.model import SiteConfig

_DEFAULT_PORTS = {"http": "80", "https": "443"}
#: What the URL parser drops or reads as a slash before anything else (WHATWG URL).
_STRIP = re.compile(r"[\t\n\r]")
#: Characters kept as they are when a non-ASCII URL is percent-encoded as the browser does.
_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


@dataclass(frozen=True)
class Rules:
    """A site's compiled rules, built once per gate (the loader's ``rules``)."""

    site: str
    revision: int
    cookie: str
    #: The purposes hash (the loader's ``rules.ph``): a refusal of an older revision holds.
    purposes: str
    services: tuple[Service, ...]
    #: (compiled pattern, service index), most specific first.
    patterns: tuple[tuple[re.Pattern[str], int], ...]
    locked: frozenset[str]
    gpc: frozenset[str]
    uk: frozenset[str]
    #: (compiled host pattern, service index): for hints that name only an origin.
    hosts: tuple[tuple[re.Pattern[str], int], ...]
    #: Every pattern in one regex, in order: the first alternative that matches is the one
    #: the loader's loop finds, and its group number says which.
    combined: re.Pattern[str]
    #: Services whose tags load before consent (a tag manager's container the site lets in,
    #: Google tags in advanced Consent Mode): the loader's ``rules.pre``.
    early: frozenset[int] = frozenset()

    @classmethod
    def from_config(cls, config: SiteConfig) -> Rules:
        shipped = compiled_rules(config)
        # The patterns hold no capturing group (core/patterns.py), so group i is pattern i.
        combined = "|".join(f"({p})" for p, _ in shipped["patterns"]) or r"(?!)"
        return cls(
            site=config.id,
            revision=config.revision,
            cookie=config.cookie_name,
            purposes=shipped["ph"],
            services=tuple(config.services),
            patterns=tuple((re.compile(p), i) for p, i in shipped["patterns"]),
            locked=frozenset(shipped["locked"]),
            gpc=frozenset(shipped["gpc"]),
            uk=frozenset(shipped["uk"]),
            hosts=tuple(
                (re.compile(pattern_regex(p.partition("/")[0])), i)
                for i, s in enumerate(config.services)
                for p in s.patterns
            ),
            combined=re.compile(combined),
            early=frozenset(shipped["pre"]),
        )

    def service_of(self, key: str) -> int:
        """Index of the service a scheme-less URL key belongs to, or -1 (first match wins)."""
        m = self.combined.match(key)
        return self.patterns[m.lastindex - 1][1] if m and m.lastindex else -1


class Policy:
    """One response's view: which services may load for this visitor, by the loader's rule."""

    def __init__(self, rules: Rules, token: ConsentToken | None, gpc: bool = False) -> None:
        self.rules = rules
        choices = dict(token.decision.categories) if token else {}
        services = dict(token.decision.services) if token else {}
        if gpc:
            # As the loader does under Global Privacy Control (shared/gpc.js refuseUnderGpc).
            for category in rules.gpc:
                choices[category] = False
            for s in rules.services:
                if s.category in rules.gpc and s.id in services:
                    services[s.id] = False
        self._choices = choices
        self._services = services
        self._memo: dict[int, bool] = {}

    @classmethod
    def for_cookie(
        cls, rules: Rules, cookie: str | None, secret_keys: t.Sequence[str], gpc: bool = False
    ) -> Policy:
        """The policy for a consent cookie value; a missing, forged, expired, foreign-site or
        stale-revision token grants nothing (fail closed), and a refusal kept across revisions
        grants nothing either (as the loader reads it)."""
        token = None
        if cookie:
            token = read_consent(
                cookie, rules.site, secret_keys, revision=rules.revision, purposes=rules.purposes
            )
        return cls(rules, token, gpc)

    def granted(self, category: str) -> bool:
        return category in self.rules.locked or bool(self._choices.get(category))

    def allowed(self, index: int) -> bool:
        """May service ``index`` load? Its own choice beats its category's; locked always."""
        if index not in self._memo:
            service = self.rules.services[index]
            if service.category in self.rules.locked:
                ok = True
            elif service.id in self._services:
                ok = self._services[service.id]
            else:
                ok = service.id in self.rules.uk or self.granted(service.category)
            self._memo[index] = ok
        return self._memo[index]

    def loads(self, index: int) -> bool:
        """May service ``index``'s tags load (``loads`` in checks.js): allowed, or early."""
        return index in self.rules.early or self.allowed(index)

    def blocked_service(
        self, url: str, base: str, *, origin: bool = False, any_choice: bool = False
    ) -> Service | None:
        """The service ``url`` (resolved against ``base``) belongs to when it may not load.

        :param origin: match the host alone, for ``preconnect`` and ``dns-prefetch``
            hints, which name no path: any blocked service on that host holds them.
        :param any_choice: with ``origin``, any service on that host, blocked or not.
        """
        key = url_key(url, base)
        if not key:
            return None
        if origin:
            hits = (
                i
                for rx, i in self.rules.hosts
                if rx.match(key) and (any_choice or not self.loads(i))
            )
            index = next(hits, -1)
            return self.rules.services[index] if index >= 0 else None
        index = self.rules.service_of(key)
        if index < 0 or self.loads(index):
            return None
        return self.rules.services[index]


def url_key(url: str, base: str) -> str | None:
    """``host[:port]/path?query`` of an http(s) URL as the loader matches it, or None.

    The loader builds this key from ``new URL(url, document.baseURI)``: host
    lower-cased, default port dropped, path at least ``/``, no fragment.
    """
    url = _STRIP.sub("", url).strip(" \f\x00").replace("\\", "/")
    if not url:
        return None
    try:
        parts = urlsplit(urljoin(base, url))
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if port is not None and str(port) != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    tail = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not tail.isascii():
        tail = quote(tail, safe=_SAFE)
    return host + tail
