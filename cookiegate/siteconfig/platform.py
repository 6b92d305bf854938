"""A site's platform bridge: which shop platform's consent API also hears each decision.

``platform = "shopify"`` or ``"wordpress"`` makes the loader forward every decision to
that platform's own consent API, so the platform's features (Shopify's pixels, checkout
and audiences; the WordPress plugins that read the WP Consent API) follow the same choice
the proof records. The platform's purposes are not the site's categories, so
``[platform_categories]`` maps each platform category to the site categories it needs;
a platform category is granted only when every one of them is (a category with none is
never granted). Defaults map the usual names, and ``check-config`` prints the mapping.

The platform categories are the vendors' own:

- Shopify Customer Privacy API, ``setTrackingConsent({analytics, marketing, preferences,
  sale_of_data})``: https://shopify.dev/docs/api/customer-privacy
- WP Consent API, ``wp_set_consent(category, 'allow'|'deny')`` with the categories
  functional, preferences, statistics, statistics-anonymous and marketing:
  https://wordpress.org/plugins/wp-consent-api/ (README of
  https://github.com/WordPress/wp-consent-level-api)
"""

from __future__ import annotations

from ..core.fields import Fields
from .model import Category
from .model import Platform
from .model import SiteConfig

#: Per platform, each of its categories with the site categories it maps to by default, in
#: the order the platform documents them; only the ones the site has are kept.
DEFAULTS: dict[str, dict[str, tuple[str, ...]]] = {
    "shopify": {
        "analytics": ("analytics", "statistics"),
        "marketing": ("advertising", "marketing"),
        "preferences": ("preferences", "functional", "personalisation"),
        # Sale or sharing of personal data (US state laws): what advertising does.
        "sale_of_data": ("advertising",),
    },
    "wordpress": {
        "functional": ("necessary",),
        "preferences": ("preferences", "functional", "personalisation"),
        "statistics": ("analytics", "statistics"),
        "statistics-anonymous": ("analytics", "statistics"),
        "marketing": ("advertising", "marketing"),
    },
}
PLATFORMS = tuple(DEFAULTS)


def parse_platform(f: Fields, categories: tuple[Category, ...]) -> Platform | None:
    """``platform`` and ``[platform_categories]`` of the site file; None without a platform."""
    name = f.string(
        "platform",
        default="",
        check=lambda v: (
            None
            if v in PLATFORMS
            else f"{v!r} is not a platform; use one of {list(PLATFORMS)}, or leave it out."
        ),
    )
    table = f.table("platform_categories")
    if name not in DEFAULTS:
        if table.keys() and not name:
            f.problem("platform_categories", "Set `platform` first; this maps its categories.")
        table.finish()
        return None
    ids = {c.id for c in categories}
    mapping = {
        key: tuple(c for c in candidates if c in ids) for key, candidates in DEFAULTS[name].items()
    }
    for key in table.keys():
        if key not in mapping:
            table.problem(key, f"{name} has no category {key!r}; it has {list(mapping)}.")
            continue
        mapping[key] = tuple(
            table.list_of(
                key,
                str,
                check=lambda v: (
                    None
                    if v in ids
                    else f"{v!r} is not one of the site's categories {sorted(ids)}."
                ),
            )
        )
    table.finish()
    return Platform(name, tuple(mapping.items()))


def platform_rules(config: SiteConfig) -> dict[str, object]:
    """The loader rules' ``pf`` entry, present only for a site with a platform (so the
    loader of every other site is byte for byte what it was): ``[name, {platform
    category: [site categories]}]``, read by ``static/js/src/platform/``, and a third
    item, 1, when the site has ``[jurisdictions]``: the visitor's regime may then be
    other than opt_in, and the WordPress bridge asks the server for it (its consent type)."""
    if config.platform is None:
        return {}
    mapping = {k: list(v) for k, v in config.platform.categories}
    placed = [1] if config.jurisdictions is not None else []
    return {"pf": [config.platform.name, mapping, *placed]}


def platform_statement(config: SiteConfig) -> str | None:
    """What ``check-config`` says about the bridge: the platform and each category's mapping."""
    if config.platform is None:
        return None
    parts = [
        f"{key} <- {' + '.join(cats) if cats else 'nothing (never granted)'}"
        for key, cats in config.platform.categories
    ]
    return (
        f"platform = {config.platform.name}: every decision is forwarded to its consent API; "
        f"a platform category is granted when all its site categories are: {'; '.join(parts)}."
    )
