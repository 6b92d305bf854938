"""The compliance rules checked by reading a site's config.

A config the server loads has already passed the refusals of :mod:`cookiegate.siteconfig`
(its field checks, and the regulators' rules in :mod:`cookiegate.siteconfig.rules`); these
checks say *what* was checked, with the config's own values as evidence, and still fail on a
config built some other way (so the report never passes by assumption).
"""

from __future__ import annotations

import typing as t

from ..measure.base import Check
from ..siteconfig import rules as site_rules
from ..siteconfig.signals import mode_statement

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

#: Consent Mode signals that mean advertising: what Global Privacy Control opts out of.
AD_SIGNALS = frozenset({"ad_storage", "ad_user_data", "ad_personalization"})


def _names(items: t.Iterable[str], limit: int = 6) -> str:
    items = list(items)
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more if items else "none"


def reject_first_layer(config: SiteConfig) -> Check:
    return Check(
        "choice-same-layer",
        True,
        "config: [banner] reject_all_on_first_layer cannot be false (refused when loading), "
        "so every banner of this site offers Reject all on its first layer",
    )


def no_pre_ticked(config: SiteConfig) -> Check:
    locked = [c.id for c in config.categories if c.locked]
    optional = [c.id for c in config.optional_categories]
    ok = locked == ["necessary"]
    return Check(
        "no-pre-ticked",
        ok,
        f"config: locked on: {_names(locked)}; {len(optional)} optional categories "
        f"({_names(optional)}) start refused (default = true is refused when loading)"
        + ("" if ok else "; only 'necessary' may be locked on"),
    )


def consent_lifetime(config: SiteConfig) -> Check:
    days = config.lifetime_days
    return Check(
        "consent-lifetime",
        days <= site_rules.MAX_LIFETIME_DAYS,
        f"config: consent_lifetime_days = {days} (limit {site_rules.MAX_LIFETIME_DAYS}, 13 months)",
    )


def necessary_only_necessary(config: SiteConfig) -> Check:
    services = config.services_in("necessary")
    paths = {f"services.{s.id}.category" for s in services}
    problems = [why for path, why in site_rules.regulator_problems(config) if path in paths]
    if problems:
        return Check("necessary-only-necessary", False, "config: " + " ".join(problems))
    return Check(
        "necessary-only-necessary",
        True,
        f"config: necessary holds {len(services)} service(s) ({_names(s.name for s in services)});"
        " none needs an analytics or advertising Consent Mode signal or loads a known "
        "analytics/advertising host",
    )


def advertising_categories(config: SiteConfig) -> list[str]:
    """The optional categories that carry advertising Consent Mode signals, by category or
    service: what sale/sharing and targeted ads mean in this site's terms."""
    ad = []
    for c in config.categories:
        signals = set(c.consent_mode).union(*(s.consent_mode for s in config.services_in(c.id)))
        if signals & AD_SIGNALS and not c.locked:
            ad.append(c.id)
    return ad


def gpc_refuses_advertising(config: SiteConfig) -> Check:
    """Every category that carries advertising signals is refused for a GPC browser."""
    ad = [c for c in config.categories if c.id in advertising_categories(config)]
    missing = [c.id for c in ad if not c.gpc_refuses]
    refused = [c.id for c in config.categories if c.gpc_refuses]
    if missing:
        return Check(
            "gpc-honoured",
            False,
            f"config: {_names(missing)} carry advertising Consent Mode signals but are not "
            "refused for Global Privacy Control (set gpc_refuses = true)",
        )
    return Check(
        "gpc-honoured",
        True,
        f"config: categories refused for Global Privacy Control: {_names(refused)}; "
        f"categories with advertising signals: {_names(c.id for c in ad)}",
    )


def consent_mode(config: SiteConfig) -> Check:
    """The Consent Mode mode, stated; ``advanced`` fails until a DPO has taken it on."""
    decision, statement = mode_statement(config)
    return Check("no-tags-before-consent", not decision, f"config: {statement}")


def disclosure_checks(config: SiteConfig) -> list[Check]:
    """The disclosure rules of :mod:`cookiegate.siteconfig.rules`, one check per rule.

    Their problems are filed by the field they name; a rule with no problem
    passes with the config's values as evidence.
    """
    found: dict[str, list[str]] = {}
    for path, why in site_rules.problems(config):
        if path.startswith("uk_statistics_exception"):
            rule = "uk-statistics-exception"
        else:
            rule = _BY_FIELD.get(path.rsplit(".", 1)[-1], "purpose-descriptions")
        found.setdefault(rule, []).append(f"{path}: {why}")
    services = config.services
    necessary = [s for s in services if (c := config.category(s.category)) and c.locked]
    google = [s for s in services if site_rules.is_google(s)]
    lawful = [s.id for s in services if s.basis != "consent"]
    uk = config.uk_statistics
    passing = {
        "purpose-descriptions": f"{len(services)} services each describe their purpose; "
        f"{len(config.categories)} categories have descriptions",
        "necessary-reason": "; ".join(f"{s.name}: {_clip(s.necessary_because)}" for s in necessary)
        or "no service is strictly necessary",
        "no-legitimate-interest": f"{len(services) - len(lawful)} services rely on consent; "
        + (
            f"legitimate interest only for {_names(lawful)}, which store and read nothing"
            if lawful
            else "none on legitimate interest"
        ),
        "google-recipient": "; ".join(
            f"{s.name}: provider {s.provider!r}, privacy link {s.privacy_url}" for s in google
        )
        or "no Google service",
        "uk-statistics-exception": f"on for {_names(uk)} (first-party statistics only)"
        if uk
        else "off: no analytics runs without consent",
    }
    return [
        Check(
            rule, rule not in found, "config: " + ("; ".join(found[rule]) if rule in found else ok)
        )
        for rule, ok in passing.items()
    ]


#: The field a :mod:`cookiegate.siteconfig.rules` problem names -> the compliance rule it breaks.
_BY_FIELD = {
    "description": "purpose-descriptions",
    "necessary_because": "necessary-reason",
    "basis": "no-legitimate-interest",
    "provider": "google-recipient",
    "privacy_url": "google-recipient",
}


def _clip(text: str, size: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= size else text[: size - 1] + "…") if text else "no reason"


#: Every config check, in the order the report lists them.
CHECKS: tuple[t.Callable[[SiteConfig], Check], ...] = (
    reject_first_layer,
    no_pre_ticked,
    consent_lifetime,
    necessary_only_necessary,
    gpc_refuses_advertising,
    consent_mode,
)


def config_checks(config: SiteConfig) -> list[Check]:
    """Run every config check on ``config``."""
    return [check(config) for check in CHECKS] + disclosure_checks(config)
