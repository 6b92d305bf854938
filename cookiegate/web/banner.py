"""What the banner shows: its texts, and the exact content served in ``banner.json``.

The content is built for one site and locale, catalog texts overridden by the
site's custom texts, and its hash goes into every proof of consent, so the
proof holds the very words the visitor read.

The source (msgid) English is US spelling; ``en_GB`` has its own catalog
("personalise", "basket", "adverts"), so a British visitor reads British
English and an American one does not.
"""

from __future__ import annotations

import typing as t

from babel import Locale
from babel import UnknownLocaleError
from flask_babel import force_locale
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..siteconfig.jurisdictions import NOTICE_TEXT_KEYS
from ..siteconfig.load import TEXT_KEYS

if t.TYPE_CHECKING:
    from ..siteconfig.jurisdictions import Overlay
    from ..siteconfig.model import SiteConfig

#: Catalog texts of the banner; a site's ``[texts.<locale>]`` overrides them.
#: ``%(service)s`` and ``%(category)s`` are filled in by the banner script, so
#: translations must keep them exactly (tests/system/test_translations.py checks).
BANNER_TEXTS = {
    "title": _l("We use cookies"),
    "description": _l(
        "We use cookies and similar technologies to run this store. With your "
        "permission we also use them to measure visits, personalize what you see "
        "and show you relevant ads. You can change your mind at any time."
    ),
    "accept_all": _l("Accept all"),
    "reject_all": _l("Reject all"),
    "preferences": _l("Preferences"),
    "save": _l("Save my choices"),
    "back": _l("Back"),
    "always_on": _l("Always on"),
    # Beside a category switch when some of its services are on and some off.
    "some_services": _l("Some services on"),
    "reopen": _l("Cookie settings"),
    "policy_link": _l("Cookie policy"),
    "consent_id": _l("Your consent ID"),
    # The category name is quoted as a label so no language has to inflect it.
    "blocked_content": _l(
        "This content from %(service)s is blocked because you have not allowed "
        "cookies in the category “%(category)s”."
    ),
    "allow_service": _l("Allow %(service)s"),
    "gpc_notice": _l(
        "Your browser sends a Global Privacy Control signal. We honor it as a "
        "refusal of advertising cookies, so they stay off."
    ),
    # Beside a category switch the signal keeps off.
    "gpc_honoured": _l("Off: your opt-out preference signal has been honored"),
    # The UK statistics exception (PECR reg. 6 as amended in 2025): told, not asked.
    "uk_stats_title": _l("Statistics to improve this store"),
    "uk_stats_notice": _l(
        "We count visits with our own statistics tool, without asking first, to see "
        "what works and improve this store. UK law allows this. It is never used for "
        "advertising or shared with advertisers. You can object, and we will stop."
    ),
    "uk_stats_on": _l("On until you object"),
    "object": _l("Object"),
    "objected": _l("You objected, so our statistics are off."),
}
#: The opt-out notice's texts (an overlay with ``banner = "notice"``, docs/jurisdictions.md);
#: an overlay's ``[jurisdictions.<name>.texts.<locale>]`` overrides them. The two link texts
#: are the links the CCPA regulations name (11 CCR §7026(a)(1),
#: https://www.law.cornell.edu/regulations/california/11-CCR-7026).
NOTICE_TEXTS = {
    "notice_title": _l("Cookies and your privacy"),
    "notice_description": _l(
        "We and our partners use cookies to run this store, measure visits and show you "
        "relevant ads, which may count as selling or sharing personal information. You can "
        "opt out at any time."
    ),
    "do_not_sell": _l("Do Not Sell or Share My Personal Information"),
    "privacy_choices": _l("Your Privacy Choices"),
}
CATEGORY_TEXTS = {
    "necessary": (
        _l("Strictly necessary"),
        _l(
            "Keep you signed in, remember your cart and take payment securely. "
            "The store cannot work without them, so they are always on."
        ),
    ),
    "functional": (_l("Functional"), _l("Extra features such as product reviews and live chat.")),
    "analytics": (
        _l("Analytics"),
        _l(
            "Count visits and see which pages and products are popular, so we can "
            "improve the store."
        ),
    ),
    "personalisation": (
        _l("Personalization"),
        _l("Recommend products and tailor content based on what you have viewed."),
    ),
    "advertising": (
        _l("Advertising"),
        _l(
            "Show you our ads on other websites and social networks and measure how well they work."
        ),
    ),
    "social": (
        _l("Social media and videos"),
        _l("Sign in with social accounts, share products and play embedded videos."),
    ),
    "marketing": (
        _l("Marketing email tracking"),
        _l("See which of our emails you opened and what you looked at after clicking one."),
    ),
}


def banner_content(config: SiteConfig, locale: str, overlay: str | None = None) -> dict[str, t.Any]:
    """Exactly what the banner shows in ``locale``; its hash goes into every proof.

    Every text is final here (custom text, else catalog), so the stored shown
    content holds the very words the visitor read, in their language. With an
    ``overlay`` of the site's ``[jurisdictions]``, its texts win and the content says
    which regime the visitor was shown; without one it is the content of a site
    without jurisdictions, byte for byte.
    """
    found = config.jurisdictions.overlay(overlay) if config.jurisdictions and overlay else None
    custom = {**config.texts.get(locale, {}), **(found.texts.get(locale, {}) if found else {})}
    with force_locale(locale):
        texts = {key: custom.get(key) or str(BANNER_TEXTS[key]) for key in TEXT_KEYS}
        categories = [
            {
                "id": c.id,
                "name": _category_text(config, custom, c.id, "name"),
                "description": _category_text(config, custom, c.id, "description"),
                "locked": c.locked,
                "services_count": _services_count(len(config.services_in(c.id))),
            }
            for c in config.categories
        ]
        # A catalogue service's purpose is translated like any banner text
        # (cookiegate/catalogue/texts.py marks them); a site's own text is kept.
        purposes = {
            s.id: str(gettext(s.description)) if s.catalogue_id and s.description else s.description
            for s in config.services
        }
        notice = {key: custom.get(key) or str(NOTICE_TEXTS[key]) for key in NOTICE_TEXT_KEYS}
    services = [
        {
            "id": s.id,
            "name": s.name,
            "provider": s.provider,
            "category": s.category,
            "description": custom.get(f"services.{s.id}.description") or purposes[s.id],
            "necessary_because": custom.get(f"services.{s.id}.necessary_because")
            or s.necessary_because,
            "privacy_url": s.privacy_url,
            "cookies": list(s.cookies),
        }
        for s in config.services
    ]
    content: dict[str, t.Any] = {
        "site": config.id,
        "revision": config.revision,
        "locale": locale,
        "dir": text_direction(locale),
        "policy_url": config.policy_url,
        "texts": texts,
        "categories": categories,
        "services": services,
        # Run without consent until the visitor objects (UK statistics exception).
        "uk_statistics": list(config.uk_statistics),
    }
    if found is not None:
        content.update(_overlay_content(config, found, notice))
    return content


def _overlay_content(
    config: SiteConfig, found: Overlay, notice: t.Mapping[str, str]
) -> dict[str, t.Any]:
    """What a ``[jurisdictions]`` overlay adds to the shown content: its regime and kind,
    and the notice's texts (final: custom, else catalog) when its banner is the notice."""
    return {
        "uk_statistics": list(config.uk_statistics) if found.uk_statistics else [],
        "regime": found.regime,
        "overlay": {
            "name": found.name,
            "banner": found.banner,
            "granted": list(found.granted),
            "gpc": found.gpc,
            "texts": dict(notice) if found.banner == "notice" else {},
        },
    }


def _services_count(num: int) -> str:
    """The services count of a category in the plural form its locale needs.

    "3 služby" but "5 služeb" in Czech: only the catalog knows the forms.
    """
    return str(ngettext("%(num)d service", "%(num)d services", num))


def _category_text(
    config: SiteConfig, custom: t.Mapping[str, str], category_id: str, field: str
) -> str:
    """A category's name or description: custom text, else catalog, else any custom text.

    Only categories the catalogs do not know reach the last step, and config
    validation guarantees they have a custom text in some locale.
    """
    key = f"categories.{category_id}.{field}"
    if custom.get(key):
        return custom[key]
    if category_id in CATEGORY_TEXTS:
        name, description = CATEGORY_TEXTS[category_id]
        return str(name if field == "name" else description)
    fallback = config.texts.get(config.default_locale, {})
    return fallback.get(key) or next(
        texts[key] for texts in config.texts.values() if texts.get(key)
    )


def text_direction(locale: str) -> str:
    """``rtl`` or ``ltr`` from CLDR, so adding Arabic or Hebrew needs only a catalog."""
    try:
        return "rtl" if Locale.parse(locale).text_direction == "rtl" else "ltr"
    except (ValueError, UnknownLocaleError):
        return "ltr"
