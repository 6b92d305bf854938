"""Whole-config rules on what the banner discloses and on what may run without consent.

:func:`regulator_problems` refuses trackers filed as strictly necessary
(pre-ticked and locked categories are refused field by field in
:mod:`cookiegate.siteconfig.load`). :func:`problems` refuses configs that
would leave the visitor uninformed or rely on a basis the law does not allow
for device access: a service without a purpose, a necessary service without
a reason, legitimate interest for cookies or tags, a Google service that does
not name Google as the recipient, and the UK statistics exception stretched
beyond first-party statistics. They run on the resolved config, so services
taken from the catalogue are checked like written ones.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urlsplit

from ..core.hosts import domain_host
from ..core.hosts import host_within

if t.TYPE_CHECKING:
    from .model import Service
    from .model import SiteConfig

#: 13 months, the longest a consent may be kept before asking again (CNIL).
MAX_LIFETIME_DAYS = 395

#: Consent Mode signals that mean tracking; never "strictly necessary".
_TRACKING_SIGNALS = {"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage"}
#: Hosts of well-known analytics and advertising tags, never strictly necessary.
_TRACKER_HOSTS = (
    "google-analytics.com",
    "googletagmanager.com",
    "doubleclick.net",
    "googleadservices.com",
    "googlesyndication.com",
    "facebook.net",
    "facebook.com",
    "analytics.tiktok.com",
    "bat.bing.com",
    "px.ads.linkedin.com",
    "snap.licdn.com",
    "ct.pinterest.com",
    "hotjar.com",
    "clarity.ms",
    "criteo.com",
)

#: Legal bases a service may name; consent is the default and the only one for device access.
BASES = ("consent", "legitimate_interest")

#: Hosts that are Google's own (Google, YouTube, DoubleClick and their asset hosts).
GOOGLE_HOSTS = (
    "google-analytics.com",
    "googletagmanager.com",
    "doubleclick.net",
    "googleadservices.com",
    "googlesyndication.com",
    "googleapis.com",
    "gstatic.com",
    "googleusercontent.com",
    "googlevideo.com",
    "googleoptimize.com",
    "app-measurement.com",
    "youtube.com",
    "youtube-nocookie.com",
    "ytimg.com",
    "recaptcha.net",
    "2mdn.net",
    "withgoogle.com",
)
#: ``google.com``, ``google.co.uk``, ``google.de`` ... and their subdomains.
_GOOGLE_TLD = re.compile(r"(?:^|\.)google\.(?:com?\.)?[a-z]{2,3}$")
_GOOGLE_WORD = re.compile(r"\bgoogle\b", re.IGNORECASE)
#: Google's page on how it uses data from sites that use its services, which its EU
#: user consent policy asks partner sites to show; host -> accepted paths.
GOOGLE_PARTNER_PAGES = {
    "business.safety.google": ("/privacy", "/privacy/"),
    "policies.google.com": ("/technologies/partner-sites", "/technologies/partner-sites/"),
    "www.google.com": ("/policies/privacy/partners", "/policies/privacy/partners/"),
}
_AD_SIGNALS = {"ad_storage", "ad_user_data", "ad_personalization"}


def check_basis(value: str) -> str | None:
    if value not in BASES:
        return f"{value!r} is not a legal basis cookiegate knows; use one of {list(BASES)}."
    return None


def problems(config: SiteConfig) -> t.Iterator[tuple[str, str]]:
    """Yield ``(field path, why)`` for every rule below the config breaks."""
    locked = {c.id for c in config.categories if c.locked}
    for service in config.services:
        path = f"services.{service.id}"
        yield from _purpose(config, service, path)
        yield from _necessary_reason(service, path, service.category in locked)
        yield from _basis(service, path)
        yield from _google_recipient(service, path)
    yield from uk_statistics_problems(config)


def _purpose(config: SiteConfig, service: Service, path: str) -> t.Iterator[tuple[str, str]]:
    translated = all(
        config.texts.get(loc, {}).get(f"services.{service.id}.description")
        for loc in config.locales
    )
    if not service.description.strip() and not translated:
        yield (
            f"{path}.description",
            f"{service.name!r} needs a description of its purpose, shown to visitors under "
            "its name: consent is informed only when the visitor knows what each service "
            "is for (EDPB, CNIL, ICO).",
        )


def _necessary_reason(service: Service, path: str, necessary: bool) -> t.Iterator[tuple[str, str]]:
    if necessary and not service.necessary_because.strip():
        yield (
            f"{path}.necessary_because",
            f"{service.name!r} runs without consent as strictly necessary, so it needs a "
            "written reason why the shop cannot work without it (shown to visitors under "
            "the service; ePrivacy Directive art. 5(3), ICO, CNIL).",
        )
    elif not necessary and service.necessary_because:
        yield (
            f"{path}.necessary_because",
            f"{service.name!r} is not in the necessary category, so it asks for consent and "
            "must not claim to be necessary; remove necessary_because.",
        )


def _device_access(service: Service) -> list[str]:
    """What the service stores or reads on the visitor's device, in words."""
    found = []
    if service.cookies:
        found.append(f"cookies {list(service.cookies)}")
    if service.storage:
        found.append(f"storage keys {list(service.storage)}")
    if service.indexeddb:
        found.append(f"IndexedDB databases {list(service.indexeddb)}")
    if service.patterns:
        found.append(f"tags from {list(service.patterns)}")
    if service.consent_mode:
        found.append(f"Consent Mode storage {list(service.consent_mode)}")
    return found


def _basis(service: Service, path: str) -> t.Iterator[tuple[str, str]]:
    access = _device_access(service)
    if service.basis == "legitimate_interest" and access:
        yield (
            f"{path}.basis",
            f"{service.name!r} stores or reads on the visitor's device ({'; '.join(access)}), "
            "which needs consent whatever the purpose (ePrivacy Directive art. 5(3), PECR "
            "reg. 6); legitimate interest cannot be its basis.",
        )


def is_google_host(host: str) -> bool:
    """True for a host (or subdomain) of Google's, in any country's ``google.*`` too."""
    return bool(_GOOGLE_TLD.search(host.lower())) or any(host_within(host, h) for h in GOOGLE_HOSTS)


def is_google(service: Service) -> bool:
    """True when Google runs the service: its provider or name says so, or it loads from Google."""
    return bool(_GOOGLE_WORD.search(service.provider) or _GOOGLE_WORD.search(service.name)) or any(
        is_google_host(p.split("/", 1)[0]) for p in service.patterns
    )


def is_google_partner_page(url: str) -> bool:
    """True for Google's page on how it uses data from partner sites (any language)."""
    parts = urlsplit(url)
    paths = GOOGLE_PARTNER_PAGES.get((parts.hostname or "").lower(), ())
    return parts.scheme == "https" and parts.path in paths


def _google_recipient(service: Service, path: str) -> t.Iterator[tuple[str, str]]:
    if not is_google(service):
        return
    if not _GOOGLE_WORD.search(service.provider):
        yield (
            f"{path}.provider",
            f"{service.name!r} is run by Google, so its provider must name Google (e.g. "
            "'Google Ireland Ltd'): visitors are told who receives their data "
            "(GDPR art. 13(1)(e)).",
        )
    if not is_google_partner_page(service.privacy_url):
        yield (
            f"{path}.privacy_url",
            f"{service.name!r} is run by Google, so its privacy link must be Google's page "
            "on how it uses data from sites that use its services "
            "('https://business.safety.google/privacy/' or "
            "'https://policies.google.com/technologies/partner-sites'), as Google's EU user "
            f"consent policy requires; got {service.privacy_url or 'none'!r}.",
        )


def _own_host(config: SiteConfig, host: str) -> bool:
    """True when ``host`` is one of the site's own domains (or under its cookie domain)."""
    parents = [domain_host(d) for d in config.domains]
    if config.cookie_domain:
        parents.append(config.cookie_domain)
    return any(host_within(host, p) for p in parents)


def uk_statistics_problems(config: SiteConfig) -> t.Iterator[tuple[str, str]]:
    """The UK statistics exception covers first-party statistics only (DUAA 2025 s.112).

    PECR reg. 6 as amended lets a site store or read information without
    consent only to collect statistics about how its own service is used, to
    improve it, when the visitor is told and can object: not for advertising,
    profiling or another company's analytics.
    """
    by_id = {s.id: s for s in config.services}
    gpc = {c.id for c in config.categories if c.gpc_refuses}
    for i, sid in enumerate(config.uk_statistics):
        path = f"uk_statistics_exception.services[{i}]"
        service = by_id.get(sid)
        if service is None:
            yield path, f"{sid!r} is not one of the site's services {sorted(by_id)}."
            continue
        name = service.name
        if service.category != "analytics":
            yield (
                path,
                f"{name!r} is in {service.category!r}; the exception covers only statistics "
                "to improve the site, so the service must be in 'analytics'.",
            )
        elif service.category in gpc:
            yield (
                path,
                f"{name!r} is in 'analytics', which this site refuses under Global Privacy "
                "Control (it sells or shares it); such data cannot be exempt statistics.",
            )
        if _AD_SIGNALS.intersection(service.consent_mode):
            yield (
                path,
                f"{name!r} needs advertising Consent Mode signals; advertising and profiling "
                "can never use the statistics exception.",
            )
        if not service.patterns:
            yield (
                path,
                f"{name!r} lists no patterns, so an objection could not stop it; add the "
                "host/path of its script or collection endpoint on the site's own domain.",
            )
        yield from _first_party(config, service, path)


def _first_party(config: SiteConfig, service: Service, path: str) -> t.Iterator[tuple[str, str]]:
    """Refuse a UK statistics service that is a known tracker or loads from another site."""
    hosts = {p: p.split("/", 1)[0] for p in service.patterns}
    foreign = [p for p, host in hosts.items() if not _own_host(config, host)]
    tracker = [p for p, host in hosts.items() if is_google_host(host) or is_tracker_host(host)]
    if tracker or is_google(service):
        yield (
            path,
            f"{service.name!r} is a third-party analytics or advertising service "
            f"({service.provider or (tracker or foreign)[0]}); the exception covers only "
            "first-party statistics the site collects itself.",
        )
    elif foreign:
        yield (
            path,
            f"{service.name!r} loads {foreign[0]!r}, which is not on the site's own domains "
            f"{list(config.domains)}; the exception covers only first-party (self-hosted) "
            "statistics.",
        )


def is_tracker_host(host: str) -> bool:
    """True for a host (or subdomain) of a well-known analytics or advertising tag."""
    return any(host_within(host, h) for h in _TRACKER_HOSTS)


def regulator_problems(config: SiteConfig) -> t.Iterator[tuple[str, str]]:
    """Yield ``(field path, why)`` for settings regulators reject."""
    for service in config.services_in("necessary"):
        path = f"services.{service.id}"
        tracking = sorted(_TRACKING_SIGNALS.intersection(service.consent_mode))
        if tracking:
            yield (
                f"{path}.category",
                f"{service.name!r} needs Consent Mode {tracking}, which is analytics or "
                "advertising, so it cannot be strictly necessary; put it in a category "
                "the visitor chooses.",
            )
        for pattern in service.patterns:
            host = pattern.split("/", 1)[0]
            if is_tracker_host(host):
                yield (
                    f"{path}.category",
                    f"{service.name!r} loads {pattern!r}, an analytics/advertising host, "
                    "so it cannot be strictly necessary.",
                )
                break
