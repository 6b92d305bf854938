"""Site configs: one human-editable TOML file per retailer site.

Loading a file validates every field and collects every problem (by field
path) before failing, and refuses the settings regulators reject, so a config
that loads is one the banner can show lawfully. The result is a tree of the
frozen dataclasses of :mod:`cookiegate.siteconfig.model`, which the rest of
cookiegate reads and never mutates.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from ..core import checks
from ..core.errors import ConfigError
from ..core.errors import ConfigProblem
from ..core.fields import Fields
from ..core.hosts import domain_within
from ..core.toml import read_toml
from . import rules
from .gpp import parse_gpp
from .jurisdictions import jurisdiction_problems
from .jurisdictions import parse_jurisdictions
from .jurisdictions import refusal_lifetime
from .model import Category
from .model import Service
from .model import SiteConfig
from .platform import parse_platform
from .services import parse_services
from .signals import parse_consent_mode
from .signals import parse_tag_manager

#: Text keys of the banner a site may override per locale.
TEXT_KEYS = (
    "title",
    "description",
    "accept_all",
    "reject_all",
    "preferences",
    "save",
    "back",
    "always_on",
    "some_services",
    "reopen",
    "policy_link",
    "consent_id",
    "blocked_content",
    "allow_service",
    "gpc_notice",
    "gpc_honoured",
    "uk_stats_title",
    "uk_stats_notice",
    "uk_stats_on",
    "object",
    "objected",
)

#: Service texts a site may override per locale (``services.<id>.<key>``).
SERVICE_TEXTS = ("description", "necessary_because")


def load_site(path: Path) -> SiteConfig:
    """Read and validate one site file.

    :raises ConfigError: listing every problem found, by field path.
    """
    return parse_site(read_toml(path), str(path))


def parse_site(data: t.Mapping[str, t.Any], source: str = "<config>") -> SiteConfig:
    """Validate already-parsed config data; see :func:`load_site`."""
    f = Fields(data, "")
    site_id = f.slug("id")
    locales, default_locale = _locales(f)
    cookie = f.table("cookie")
    _first_layer(f.table("banner"))
    lifetime = _lifetime(f)
    categories = tuple(_categories(f.table("categories")))
    warnings: list[ConfigProblem] = []
    services = tuple(parse_services(f, data.get("services"), {c.id for c in categories}, warnings))
    jurisdictions = parse_jurisdictions(
        f.table("jurisdictions"),
        {c.id for c in categories if not c.locked},
        _text_keys(categories, services),
    )
    config = SiteConfig(
        id=site_id,
        name=f.string("name", default=site_id),
        revision=f.integer("revision", minimum=1),
        policy_url=f.string("policy_url", check=checks.check_policy_url),
        domains=tuple(f.list_of("domains", str, check=checks.check_domain, nonempty=True)),
        cookie_name=cookie.string(
            "name", default=f"cookiegate_{site_id}", check=checks.check_cookie_token
        ),
        cookie_domain=cookie.string("domain", default="", check=checks.check_cookie_domain),
        lifetime_days=lifetime,
        retention_months=_retention(f),
        default_locale=default_locale,
        locales=locales,
        categories=categories,
        services=services,
        texts=_texts(f.table("texts"), locales, categories, services),
        source=source,
        uk_statistics=_uk_statistics(f.table("uk_statistics_exception")),
        warnings=tuple(warnings),
        consent_mode=parse_consent_mode(f.table("consent_mode")),
        tag_manager_early=parse_tag_manager(f.table("tag_manager")),
        platform=parse_platform(f, categories),
        refusal_lifetime_days=refusal_lifetime(f),
        jurisdictions=jurisdictions,
        gpp=parse_gpp(f),
    )
    f.finish()
    _cookie_domain_covers(f, config)
    if not f.problems:
        for path, message in rules.regulator_problems(config):
            f.problem(path, message)
        for path, message in rules.problems(config):
            f.problem(path, message)
        for path, message in jurisdiction_problems(config):
            f.problem(f"jurisdictions.{path}", message)
    if f.problems:
        raise ConfigError(source, f.problems)
    return config


def _locales(f: Fields) -> tuple[tuple[str, ...], str]:
    """The enabled locales and the default one, which must be among them."""
    locales = tuple(f.list_of("locales", str, default=["en"], check=checks.check_locale))
    default_locale = f.string("default_locale", default=locales[0] if locales else "en")
    if default_locale not in locales:
        f.problem(
            "default_locale",
            f"{default_locale!r} is not one of the enabled locales {list(locales)}.",
        )
    return locales, default_locale


def _first_layer(banner: Fields) -> None:
    """Refuse ``reject_all_on_first_layer = false``: Reject all is never a second-layer choice."""
    if banner.flag("reject_all_on_first_layer", default=True) is not True:
        banner.problem(
            "reject_all_on_first_layer",
            "Reject all must be offered on the first layer, as easy as Accept all "
            "(EDPB cookie banner taskforce, CNIL, ICO); this cannot be turned off.",
        )


def _lifetime(f: Fields) -> int:
    """Days a consent lasts before the banner asks again: at most 13 months."""
    lifetime = f.integer("consent_lifetime_days", default=180, minimum=1)
    if lifetime > rules.MAX_LIFETIME_DAYS:
        f.problem(
            "consent_lifetime_days",
            f"{lifetime} days is longer than 13 months ({rules.MAX_LIFETIME_DAYS} days), "
            "the longest consent regulators accept before asking again.",
        )
    return lifetime


def _cookie_domain_covers(f: Fields, config: SiteConfig) -> None:
    """A cookie domain must be a parent of one of the site's domains, or the cookie is lost."""
    if (
        config.cookie_domain
        and "cookie.domain" not in {p.path for p in f.problems}
        and not any(domain_within(d, config.cookie_domain) for d in config.domains)
    ):
        f.problem(
            "cookie.domain",
            f"{config.cookie_domain!r} is not a parent of any of the site's domains.",
        )


def _retention(f: Fields) -> int:
    """Months to keep proofs after the consent expired: 1 to 120 (default 24).

    Long enough to answer a complaint about an expired consent; bounded so a
    typo cannot keep personal data for a century.
    """
    months = f.integer("retention_months", default=24, minimum=1)
    if months > 120:
        f.problem(
            "retention_months",
            f"{months} months is more than 10 years; proofs are personal data, "
            "keep them no longer than needed (at most 120 months).",
        )
    return months


def _uk_statistics(table: Fields) -> tuple[str, ...]:
    """The services of an enabled ``[uk_statistics_exception]``; off by default.

    Which services qualify is a whole-config rule (:func:`.rules.uk_statistics_problems`).
    """
    enabled = table.flag("enabled", default=False)
    services = tuple(table.list_of("services", str, default=[]))
    if enabled and not services:
        table.problem("services", "List the first-party analytics services it covers.")
    table.finish()
    return services if enabled else ()


def _categories(table: Fields) -> t.Iterator[Category]:
    if "necessary" not in table.keys():
        table.problem(
            "necessary",
            "A 'necessary' category is required; it holds what the shop cannot work without.",
        )
    for cid in table.keys():
        c = table.table(cid)
        if not checks.is_slug(cid):
            table.problem(cid, f"{cid!r} is not a valid id (lower-case letters, digits, - and _).")
        locked = c.flag("locked", default=cid == "necessary")
        if cid == "necessary" and not locked:
            c.problem("locked", "The necessary category is always on; it cannot be unlocked.")
        elif cid != "necessary" and locked:
            c.problem(
                "locked", f"Only 'necessary' may be locked on; {cid!r} must be a free choice."
            )
        if c.flag("default", default=False) and cid != "necessary":
            c.problem(
                "default",
                f"{cid!r} must not be granted by default: "
                "pre-ticked boxes are not consent (CJEU, Planet49).",
            )
        signals = tuple(c.list_of("consent_mode", str, default=[], check=checks.check_signal))
        yield Category(cid, locked, c.flag("gpc_refuses", default=cid == "advertising"), signals)
        c.finish()


def _texts(
    table: Fields,
    locales: tuple[str, ...],
    categories: tuple[Category, ...],
    services: tuple[Service, ...],
) -> dict[str, dict[str, str]]:
    allowed = _text_keys(categories, services)
    texts: dict[str, dict[str, str]] = {}
    for locale in table.keys():
        if locale not in locales:
            table.problem(locale, f"{locale!r} is not one of the enabled locales {list(locales)}.")
        flat = table.flat_strings(locale)
        for key in flat:
            if key not in allowed:
                table.problem(
                    f"{locale}.{key}",
                    "Unknown text key; the site config reference lists the keys to override.",
                )
        texts[locale] = flat
    # Categories the catalogs do not know need a name and a description.
    for c in categories:
        if c.id in checks.KNOWN_CATEGORIES:
            continue
        for k in ("name", "description"):
            if not any(f"categories.{c.id}.{k}" in per_locale for per_locale in texts.values()):
                table.problem(
                    f"<locale>.categories.{c.id}.{k}",
                    f"Category {c.id!r} is not a built-in one, so it needs a custom {k}.",
                )
    return texts


def _text_keys(categories: tuple[Category, ...], services: tuple[Service, ...]) -> set[str]:
    """Every text key a site (or an overlay) may override."""
    allowed = set(TEXT_KEYS)
    allowed |= {f"categories.{c.id}.{k}" for c in categories for k in ("name", "description")}
    allowed |= {f"services.{s.id}.{k}" for s in services for k in SERVICE_TEXTS}
    return allowed


def load_sites(directory: Path) -> dict[str, SiteConfig]:
    """Load every ``*.toml`` site file of ``directory``, keyed by site id.

    :raises ConfigError: for the first bad file, or two files with one id.
    """
    if not directory.is_dir():
        raise ConfigError(
            str(directory), [ConfigProblem("", "The sites directory does not exist.")]
        )
    sites: dict[str, SiteConfig] = {}
    for path in sorted(directory.glob("*.toml")):
        config = load_site(path)
        if config.id in sites:
            raise ConfigError(
                str(path),
                [
                    ConfigProblem(
                        "id", f"Site id {config.id!r} is also used by {sites[config.id].source}."
                    )
                ],
            )
        sites[config.id] = config
    if not sites:
        raise ConfigError(str(directory), [ConfigProblem("", "No *.toml site files found.")])
    return sites
