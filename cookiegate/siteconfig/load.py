"""Site configs: one human-editable TOML file per retailer site.

Loading a file validates every field and collects every problem (by field
path) before failing, and refuses the settings regulators reject, so a config
that loads is one the banner can show lawfully. The result is a tree of the
frozen dataclasses of :mod:`cookiegate.site`, which the rest of cookiegate
reads and never mutates.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from ..catalogue.load import check_country
from ..catalogue.load import check_storage_key
from ..core import checks as rules
from ..core.errors import ConfigError
from ..core.errors import ConfigProblem
from ..core.fields import Fields
from ..core.toml import read_toml
from . import rules as site_rules
from . import services as site_services
from .model import Category as Category
from .model import Service as Service
from .model import SiteConfig as SiteConfig

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

#: Category ids whose names and descriptions come from the translation catalogs.
KNOWN_CATEGORIES = rules.KNOWN_CATEGORIES


def load_site(path: Path) -> SiteConfig:
    """Read and validate one site file.

    :raises ConfigError: listing every problem found, by field path.
    """
    return parse_site(read_toml(path), str(path))


def parse_site(data: t.Mapping[str, t.Any], source: str = "<config>") -> SiteConfig:
    """Validate already-parsed config data; see :func:`load_site`."""
    f = Fields(data, "")
    site_id = f.slug("id")
    locales = tuple(f.list_of("locales", str, default=["en"], check=rules.check_locale))
    default_locale = f.string("default_locale", default=locales[0] if locales else "en")
    if default_locale not in locales:
        f.problem(
            "default_locale",
            f"{default_locale!r} is not one of the enabled locales {list(locales)}.",
        )
    cookie = f.table("cookie")
    banner = f.table("banner")
    if banner.flag("reject_all_on_first_layer", default=True) is not True:
        banner.problem(
            "reject_all_on_first_layer",
            "Reject all must be offered on the first layer, as easy as Accept all "
            "(EDPB cookie banner taskforce, CNIL, ICO); this cannot be turned off.",
        )
    lifetime = f.integer("consent_lifetime_days", default=180, minimum=1)
    if lifetime > site_rules.MAX_LIFETIME_DAYS:
        f.problem(
            "consent_lifetime_days",
            f"{lifetime} days is longer than 13 months ({site_rules.MAX_LIFETIME_DAYS} days), "
            "the longest consent regulators accept before asking again.",
        )
    categories = tuple(_categories(f.table("categories")))
    category_ids = {c.id for c in categories}
    warnings: list[ConfigProblem] = []
    services = tuple(_services(f, data.get("services"), category_ids, warnings))
    config = SiteConfig(
        id=site_id,
        name=f.string("name", default=site_id),
        revision=f.integer("revision", minimum=1),
        policy_url=f.string("policy_url", check=rules.check_policy_url),
        domains=tuple(f.list_of("domains", str, check=rules.check_domain, nonempty=True)),
        cookie_name=cookie.string(
            "name", default=f"cookiegate_{site_id}", check=rules.check_cookie_token
        ),
        cookie_domain=cookie.string("domain", default="", check=rules.check_cookie_domain),
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
    )
    f.finish()
    if (
        config.cookie_domain
        and "cookie.domain" not in {p.path for p in f.problems}
        and not any(rules.domain_within(d, config.cookie_domain) for d in config.domains)
    ):
        f.problem(
            "cookie.domain",
            f"{config.cookie_domain!r} is not a parent of any of the site's domains.",
        )
    if not f.problems:
        for path, message in site_rules.regulator_problems(config):
            f.problem(path, message)
        for path, message in site_rules.problems(config):
            f.problem(path, message)
    if f.problems:
        raise ConfigError(source, f.problems)
    return config


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

    Which services qualify is a whole-config rule (:func:`site_rules.uk_statistics_problems`).
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
        if not rules.is_slug(cid):
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
        signals = tuple(c.list_of("consent_mode", str, default=[], check=rules.check_signal))
        yield Category(cid, locked, c.flag("gpc_refuses", default=cid == "advertising"), signals)
        c.finish()


def _services(
    f: Fields, raw: t.Any, category_ids: set[str], warnings: list[ConfigProblem]
) -> t.Iterator[Service]:
    """Services by catalogue id (inheriting every field) or described in full."""
    for sid, s, entry in site_services.tables(f, raw):
        if not rules.is_slug(sid):
            f.problem(
                f"services.{sid}",
                f"{sid!r} is not a valid id (lower-case letters, digits, - and _).",
            )
        inherit = site_services.inherit
        category = s.string("category", **inherit(entry, "category"))
        site_services.check_category(s, sid, category, entry, category_ids, warnings)
        service = Service(
            id=sid,
            name=s.string("name", **inherit(entry, "name")),
            category=category,
            provider=s.string("provider", **inherit(entry, "provider", "")),
            description=s.string("description", **inherit(entry, "description", "")),
            privacy_url=s.string(
                "privacy_url", check=rules.check_optional_url, **inherit(entry, "privacy_url", "")
            ),
            patterns=tuple(
                s.list_of(
                    "patterns", str, check=rules.check_pattern, **inherit(entry, "patterns", [])
                )
            ),
            cookies=tuple(
                s.list_of(
                    "cookies", str, check=rules.check_cookie_name, **inherit(entry, "cookies", [])
                )
            ),
            consent_mode=tuple(
                s.list_of(
                    "consent_mode",
                    str,
                    check=rules.check_signal,
                    **inherit(entry, "consent_mode", []),
                )
            ),
            necessary_because=s.string("necessary_because", default=""),
            basis=s.string("basis", default="consent", check=site_rules.check_basis),
            storage=tuple(
                s.list_of("storage", str, check=check_storage_key, **inherit(entry, "storage", []))
            ),
            countries=tuple(
                s.list_of("countries", str, check=check_country, **inherit(entry, "countries", []))
            ),
            catalogue_id=entry.id if entry else "",
        )
        if entry is None:
            site_services.check_custom(s.path, service.category, service.patterns, warnings)
        yield service
        s.finish()


def _texts(
    table: Fields,
    locales: tuple[str, ...],
    categories: tuple[Category, ...],
    services: tuple[Service, ...],
) -> dict[str, dict[str, str]]:
    allowed = set(TEXT_KEYS)
    allowed |= {f"categories.{c.id}.{k}" for c in categories for k in ("name", "description")}
    allowed |= {f"services.{s.id}.{k}" for s in services for k in SERVICE_TEXTS}
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
        if c.id in KNOWN_CATEGORIES:
            continue
        for k in ("name", "description"):
            if not any(f"categories.{c.id}.{k}" in per_locale for per_locale in texts.values()):
                table.problem(
                    f"<locale>.categories.{c.id}.{k}",
                    f"Category {c.id!r} is not a built-in one, so it needs a custom {k}.",
                )
    return texts


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
