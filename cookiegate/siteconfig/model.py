"""What cookiegate knows about a retailer site, as :mod:`cookiegate.siteconfig.load` builds it.

Frozen dataclasses: every request reads the same objects, and a config
changes only by loading its file again.
"""

from __future__ import annotations

import functools
import typing as t
from dataclasses import dataclass

from ..core.errors import ConfigProblem
from ..core.hosts import origin_allowed
from . import purposes

if t.TYPE_CHECKING:
    from .jurisdictions import Jurisdictions


@dataclass(frozen=True)
class Category:
    """A purpose the visitor can grant or refuse as a whole."""

    id: str
    #: Locked categories (only ``necessary``) are always on and not a choice.
    locked: bool
    #: Refused when the browser sends Global Privacy Control.
    gpc_refuses: bool
    #: Consent Mode signals granted with this category, besides its services'.
    consent_mode: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    """A third party whose tags the loader blocks until its category is granted."""

    id: str
    name: str
    category: str
    provider: str
    description: str
    privacy_url: str
    #: ``host[/path]`` patterns of its scripts, iframes, pixels and beacons.
    patterns: tuple[str, ...]
    #: Cookie names it sets on the site's domain; ``*`` is a wildcard.
    cookies: tuple[str, ...]
    consent_mode: tuple[str, ...]
    #: Why the shop cannot work without it; required in a locked category.
    necessary_because: str = ""
    #: ``consent`` or ``legitimate_interest`` (only for what stores and reads nothing).
    basis: str = "consent"
    #: localStorage / sessionStorage keys it writes; ``*`` is a wildcard.
    storage: tuple[str, ...] = ()
    #: ISO 3166 codes of the countries its vendor says the data goes to.
    countries: tuple[str, ...] = ()
    #: IndexedDB databases it creates; ``*`` is a wildcard. Deleted, with its storage keys,
    #: when the visitor refuses or withdraws it.
    indexeddb: tuple[str, ...] = ()
    #: The service catalogue entry it comes from; empty for a custom service.
    catalogue_id: str = ""
    #: ``(cookie, seconds)``: how long each of ``cookies`` lives, 0 for a session cookie.
    lifetimes: tuple[tuple[str, int], ...] = ()
    #: How data reaches a country outside the UK/EEA (``EU-US Data Privacy Framework``).
    transfer: str = ""

    def lifetime(self, cookie: str) -> int | None:
        """Declared seconds of ``cookie`` (one of ``cookies``), or None when undeclared."""
        return dict(self.lifetimes).get(cookie)


@dataclass(frozen=True)
class ConsentModeSettings:
    """How Google tags meet a visitor who has not chosen (``[consent_mode]``)."""

    #: ``basic``: blocked until granted; ``advanced``: load while denied.
    mode: str = "basic"
    #: Milliseconds Google tags wait for an update after the default.
    wait_for_update: int = 500
    #: ISO 3166 codes the denied default applies to; empty: every visitor.
    region: tuple[str, ...] = ()
    #: ``gtag('set', 'ads_data_redaction', true)`` while ad_storage is denied.
    ads_data_redaction: bool = False
    #: ``gtag('set', 'url_passthrough', true)``: click ids travel in URLs, not cookies.
    url_passthrough: bool = False


@dataclass(frozen=True)
class Platform:
    """The shop platform whose consent API hears each decision (:mod:`.platform`)."""

    #: ``shopify`` or ``wordpress``.
    name: str
    #: ``(platform category, the site categories it needs, all granted)``, platform's order.
    categories: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class GppSettings:
    """The site's MSPA declarations for the GPP ``usnat`` section (``[gpp]``, :mod:`.gpp`)."""

    #: The site signed the MSPA and its ad transactions are Covered Transactions.
    mspa_covered_transaction: bool
    #: Opt-Out Option Mode for covered transactions; None: not applicable.
    mspa_opt_out_option_mode: bool | None = None
    #: Service Provider Mode for covered transactions; None: not applicable.
    mspa_service_provider_mode: bool | None = None


@dataclass(frozen=True)
class SiteConfig:
    """Everything cookiegate knows about one retailer site."""

    id: str
    name: str
    revision: int
    policy_url: str
    #: Hosts allowed to embed the banner and post consents (``*.`` = subdomains).
    domains: tuple[str, ...]
    cookie_name: str
    #: Empty means a host-only cookie on whatever page set it.
    cookie_domain: str
    lifetime_days: int
    #: Months a proof is kept after the consent expired, then purged.
    retention_months: int
    default_locale: str
    locales: tuple[str, ...]
    categories: tuple[Category, ...]
    services: tuple[Service, ...]
    #: Custom texts: locale -> key -> text. Keys are ``TEXT_KEYS`` plus
    #: ``categories.<id>.name|description`` and ``services.<id>.description``.
    texts: t.Mapping[str, t.Mapping[str, str]]
    source: str
    #: Services run without consent under the UK statistics exception (empty: off).
    uk_statistics: tuple[str, ...] = ()
    #: Legal but doubtful settings (a catalogue service in a category its
    #: purpose does not fit), shown by ``cookiegate check-config``.
    warnings: tuple[ConfigProblem, ...] = ()
    #: Google Consent Mode settings (``[consent_mode]``).
    consent_mode: ConsentModeSettings = ConsentModeSettings()
    #: A tag manager's container may load before consent (``[tag_manager] before_consent``).
    tag_manager_early: bool = False
    #: The platform bridge (``platform = "shopify" | "wordpress"``); None: no platform.
    platform: Platform | None = None
    #: Days a refusal is remembered before asking again: at least 6 months (CNIL).
    refusal_lifetime_days: int = 182
    #: ``[jurisdictions]``: regimes and where they apply; None: opt_in everywhere.
    jurisdictions: Jurisdictions | None = None
    #: ``[gpp]``: MSPA declarations for the IAB GPP ``usnat`` section; None: none written.
    gpp: GppSettings | None = None

    @property
    def longest_lifetime_days(self) -> int:
        """The longest a choice is remembered: the consent cookie's declared lifetime, and how
        long a proof must outlive its token (usually the refusal lifetime)."""
        return max(self.lifetime_days, self.refusal_lifetime_days)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def optional_categories(self) -> tuple[Category, ...]:
        """The categories a visitor actually chooses (all but the locked ones)."""
        return tuple(c for c in self.categories if not c.locked)

    # Facts every consent's token needs, worked out once per config object: the
    # purposes hash alone serialised and hashed the whole service list (1.2 KB of JSON
    # for the demo site) on every consent, 9 % of its CPU time (bench/README.md). A
    # config is frozen, so they cannot change under it; ``cached_property`` writes the
    # instance's ``__dict__`` directly, which a frozen dataclass allows.

    @functools.cached_property
    def optional_ids(self) -> frozenset[str]:
        """The IDs of :attr:`optional_categories`."""
        return frozenset(c.id for c in self.optional_categories)

    @functools.cached_property
    def category_of(self) -> t.Mapping[str, str]:
        """Service ID -> the ID of its category."""
        return {s.id: s.category for s in self.services}

    @functools.cached_property
    def purposes_hash(self) -> str:
        """:func:`~cookiegate.siteconfig.purposes.purposes_hash` of this config."""
        return purposes.purposes_hash(self)

    def services_in(self, category_id: str) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.category == category_id)

    def allows_origin(self, origin: str | None) -> bool:
        """True when ``origin`` (an ``Origin`` header value) may use this site."""
        return origin_allowed(origin, self.domains)
