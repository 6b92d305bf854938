"""The cookie declaration: what a site sets, for whom and how long, from config and scan.

The privacy notice's cookie section is usually written by hand and drifts from what the
site really sets. cookiegate already knows all of it: the site config names each service
with its provider, purpose, cookies and storage keys (their facts inherited from the
catalogue), and the latest scan saw which of them really appeared, on which domain, and
how long they live. :func:`build` joins the two into one locale-free model; the texts
around it are translated when it is rendered (:mod:`.render`).

Pure: no store, no Flask. The scan is the report dict ``cookiegate scan`` saves.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from ..core.patterns import cookie_regex

if t.TYPE_CHECKING:
    from ..siteconfig.model import Service
    from ..siteconfig.model import SiteConfig

#: The service id of cookiegate's own consent cookie in the declaration.
OWN_SERVICE = "cookiegate"
#: The localStorage key prefix of the reopen control's label (static/js/src/shared/constants.js).
OWN_STORAGE = "cookiegate.reopen.*"
#: The suffix of the cookie that keeps a choice the server has not recorded yet, until it is
#: (PENDING_COOKIE_SUFFIX in static/js/src/shared/constants.js).
PENDING_SUFFIX = "_pending"


@dataclass(frozen=True)
class Item:
    """One cookie or storage key as declared, with what the latest scan saw of it."""

    #: ``cookie``, ``local`` or ``session`` (storage); a declared key's kind is ``local``.
    kind: str
    #: As declared (``_ga_*``) or, for one only observed, as seen.
    name: str
    #: The cookie's domain; empty for the site's own (host-only or ``cookie_domain``).
    domain: str
    #: ``first`` or ``third``.
    party: str
    #: Seconds the config declares, 0 for a session cookie, None when undeclared.
    declared: int | None
    #: Longest lifetime the scan saw, in seconds (0 session); None when not seen.
    observed: int | None = None
    #: The scan's date (``YYYY-MM-DD``) when seen, else empty ("declared only").
    observed_on: str = ""
    #: The concrete names seen (``_ga_ABC123`` for ``_ga_*``).
    seen_as: tuple[str, ...] = ()
    #: Pages it was seen on (at most five).
    pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One service of the declaration."""

    id: str
    name: str
    provider: str
    category: str
    #: The config's description, untranslated (the renderer translates catalogue ones).
    purpose: str
    #: ``necessary``, ``consent`` or ``legitimate_interest``.
    basis: str
    countries: tuple[str, ...]
    transfer: str
    privacy_url: str
    catalogue_id: str
    cookies: tuple[Item, ...]
    storage: tuple[Item, ...]
    #: Third-party hosts the scan saw it call.
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A category and its services, in the config's order."""

    id: str
    locked: bool
    services: tuple[Entry, ...]


@dataclass(frozen=True)
class Declaration:
    """A site's declaration; its :func:`facts` are hashed and given a revision by the store."""

    site_id: str
    site_name: str
    #: The site config revision it was built from.
    config_revision: int
    policy_url: str
    #: The scan's date (``YYYY-MM-DD``), empty without a saved scan.
    scanned_on: str
    sections: tuple[Section, ...]
    #: What the scan saw that the declaration lacks (:mod:`.drift`); not part of the facts.
    drift: tuple[t.Mapping[str, t.Any], ...] = field(default=(), compare=False)

    def entries(self) -> t.Iterator[Entry]:
        for section in self.sections:
            yield from section.services


def facts(declaration: Declaration) -> dict[str, t.Any]:
    """The declaration as plain data: what ``declaration.json`` serves and the hash covers."""
    return {
        "site": declaration.site_id,
        "site_name": declaration.site_name,
        "config_revision": declaration.config_revision,
        "policy_url": declaration.policy_url,
        "scanned_on": declaration.scanned_on or None,
        "categories": [
            {
                "id": s.id,
                "locked": s.locked,
                "services": [_entry_facts(e) for e in s.services],
            }
            for s in declaration.sections
        ],
    }


def _entry_facts(e: Entry) -> dict[str, t.Any]:
    return {
        "id": e.id,
        "name": e.name,
        "provider": e.provider,
        "purpose": e.purpose,
        "basis": e.basis,
        "recipients": [e.provider] if e.provider else [],
        "countries": list(e.countries),
        "transfer": e.transfer or None,
        "privacy_url": e.privacy_url or None,
        "catalogue": e.catalogue_id or None,
        "hosts": list(e.hosts),
        "cookies": [_item_facts(i) for i in e.cookies],
        "storage": [_item_facts(i) for i in e.storage],
    }


def _item_facts(i: Item) -> dict[str, t.Any]:
    return {
        "name": i.name,
        "kind": i.kind,
        "domain": i.domain or None,
        "party": i.party,
        "declared_seconds": i.declared,
        "observed_seconds": i.observed,
        "observed_on": i.observed_on or None,
        "seen_as": list(i.seen_as),
        "pages": list(i.pages),
    }


def build(
    config: SiteConfig, scan: t.Mapping[str, t.Any] | None, scanned_on: str = ""
) -> Declaration:
    """The declaration of ``config``, with what ``scan`` (the latest saved report) saw.

    :param scanned_on: the scan's date, ``YYYY-MM-DD``; lifetimes seen are measured from it.
    """
    from . import observed  # the scan half, kept apart to keep each module small

    sections = tuple(
        Section(c.id, c.locked, tuple(_entry(config, s) for s in _services(config, c.id)))
        for c in config.categories
    )
    declaration = Declaration(
        config.id, config.name, config.revision, config.policy_url, "", sections
    )
    if scan is None or not scanned_on:
        return declaration
    return observed.annotate(declaration, config, scan, scanned_on)


def _services(config: SiteConfig, category: str) -> list[Service | None]:
    """The category's services; ``None`` stands for cookiegate's own, first among the locked."""
    own: list[Service | None] = [None] if _first_locked(config, category) else []
    return own + list(config.services_in(category))


def _first_locked(config: SiteConfig, category: str) -> bool:
    return next((c.id for c in config.categories if c.locked), None) == category


def _entry(config: SiteConfig, s: Service | None) -> Entry:
    if s is None:
        return _own_entry(config)
    domain = config.cookie_domain
    locked = bool((c := config.category(s.category)) and c.locked)
    return Entry(
        id=s.id,
        name=s.name,
        provider=s.provider,
        category=s.category,
        purpose=s.description,
        basis="necessary" if locked else s.basis,
        countries=s.countries,
        transfer=s.transfer,
        privacy_url=s.privacy_url,
        catalogue_id=s.catalogue_id,
        cookies=tuple(Item("cookie", c, domain, "first", s.lifetime(c)) for c in s.cookies),
        storage=tuple(Item("local", k, "", "first", None) for k in s.storage),
    )


def _own_entry(config: SiteConfig) -> Entry:
    """cookiegate's consent cookie (and the pending one, which keeps a choice until it is
    recorded) and the reopen label it keeps, declared like any service."""
    domain = config.cookie_domain
    return Entry(
        id=OWN_SERVICE,
        name="",
        provider=config.name,
        category=next(c.id for c in config.categories if c.locked),
        purpose="",
        basis="necessary",
        countries=(),
        transfer="",
        privacy_url=config.policy_url,
        catalogue_id="",
        cookies=(
            # A refusal's token lives longer than an acceptance's (refusal_lifetime_days).
            Item(
                "cookie", config.cookie_name, domain, "first", config.longest_lifetime_days * 86400
            ),
            # A session cookie (static/js/src/loader/storage.js writes it without Max-Age).
            Item("cookie", config.cookie_name + PENDING_SUFFIX, domain, "first", 0),
        ),
        storage=(Item("local", OWN_STORAGE, "", "first", None),),
    )


def matcher(names: t.Iterable[str]) -> t.Callable[[str], str | None]:
    """A function giving the declared name (``_ga_*``) that a seen name fits, else None.

    Exact names are tried before wildcards, as the catalogue matches them.
    """
    ordered = sorted(names, key=lambda n: ("*" in n, -len(n)))
    compiled = [(n, re.compile(cookie_regex(n))) for n in ordered]

    def match(seen: str) -> str | None:
        return next((n for n, rx in compiled if rx.fullmatch(seen)), None)

    return match


def with_items(entry: Entry, cookies: t.Sequence[Item], storage: t.Sequence[Item]) -> Entry:
    return replace(entry, cookies=tuple(cookies), storage=tuple(storage))
