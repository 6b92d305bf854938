"""Banner texts in the visitor's language, via flask-babel.

The only module that imports flask_babel. It picks the locale for a request
(explicit ``locale`` parameter, then ``Accept-Language``, then the site's
default, always among the locales the site enables) and builds the exact
content the banner shows, catalog texts overridden by the site's custom texts.
"""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import request
from flask_babel import Babel
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .siteconfig import TEXT_KEYS
from .siteconfig import SiteConfig

#: Catalog texts of the banner; a site's ``[texts.<locale>]`` overrides them.
BANNER_TEXTS = {
    "title": _l("We use cookies"),
    "description": _l(
        "We use cookies and similar technologies to run this shop. With your "
        "permission we also use them to measure visits, personalise what you see "
        "and show you relevant adverts. You can change your mind at any time."
    ),
    "accept_all": _l("Accept all"),
    "reject_all": _l("Reject all"),
    "preferences": _l("Preferences"),
    "save": _l("Save my choices"),
    "back": _l("Back"),
    "always_on": _l("Always on"),
    "reopen": _l("Cookie settings"),
    "policy_link": _l("Cookie policy"),
    "consent_id": _l("Your consent ID"),
    "blocked_content": _l(
        "This content from %(service)s is blocked because you have not allowed "
        "%(category)s cookies."
    ),
    "allow_service": _l("Allow %(service)s"),
    "gpc_notice": _l(
        "Your browser sent a Global Privacy Control signal, so advertising "
        "stays off. Your opt-out preference signal has been honoured."
    ),
}
CATEGORY_TEXTS = {
    "necessary": (_l("Strictly necessary"), _l(
        "Keep you signed in, remember your basket and take payment securely. "
        "The shop cannot work without them, so they are always on.")),
    "functional": (_l("Functional"), _l(
        "Extra features such as product reviews and live chat.")),
    "analytics": (_l("Analytics"), _l(
        "Count visits and see which pages and products are popular, so we can "
        "improve the shop.")),
    "personalisation": (_l("Personalisation"), _l(
        "Recommend products and tailor content based on what you have viewed.")),
    "advertising": (_l("Advertising"), _l(
        "Show you our adverts on other websites and social networks and measure "
        "how well they work.")),
    "social": (_l("Social media and videos"), _l(
        "Sign in with social accounts, share products and play embedded videos.")),
    "marketing": (_l("Marketing e-mail tracking"), _l(
        "See which of our e-mails you opened and what you looked at after "
        "clicking one.")),
}  # fmt: skip


def init_app(app: Flask) -> None:
    """Attach flask-babel; the admin UI follows the browser's language."""
    Babel(app, locale_selector=_admin_locale)


def _admin_locale() -> str | None:
    return request.accept_languages.best_match(["en"]) or "en"


def negotiate(config: SiteConfig, explicit: str | None, accept: t.Any) -> str:
    """Choose a locale the site enables: explicit > Accept-Language > default.

    ``de-AT`` falls back to ``de`` and ``en-GB`` matches ``en_GB``; an explicit
    locale the site does not enable is ignored rather than refused, because
    it usually comes from a page's ``<html lang>``.
    """
    enabled = {loc.lower().replace("_", "-"): loc for loc in config.locales}

    def pick(tag: str) -> str | None:
        tag = tag.strip().lower().replace("_", "-")
        while tag:
            if tag in enabled:
                return enabled[tag]
            tag = tag.rpartition("-")[0]
        return None

    if explicit and (found := pick(explicit)):
        return found
    for tag, _quality in accept:
        if tag != "*" and (found := pick(tag)):
            return found
    return config.default_locale


def banner_content(config: SiteConfig, locale: str) -> dict[str, t.Any]:
    """Exactly what the banner shows in ``locale``; its hash goes into every proof."""
    custom = config.texts.get(locale, {})
    with force_locale(locale):
        texts = {key: custom.get(key) or str(BANNER_TEXTS[key]) for key in TEXT_KEYS}
        categories = [
            {
                "id": c.id,
                "name": _category_text(config, custom, c.id, "name"),
                "description": _category_text(config, custom, c.id, "description"),
                "locked": c.locked,
            }
            for c in config.categories
        ]
    services = [
        {
            "id": s.id,
            "name": s.name,
            "provider": s.provider,
            "category": s.category,
            "description": custom.get(f"services.{s.id}.description") or s.description,
            "privacy_url": s.privacy_url,
            "cookies": list(s.cookies),
        }
        for s in config.services
    ]
    return {
        "site": config.id,
        "revision": config.revision,
        "locale": locale,
        "dir": "rtl" if locale.split("_")[0] in {"ar", "he", "fa", "ur"} else "ltr",
        "policy_url": config.policy_url,
        "texts": texts,
        "categories": categories,
        "services": services,
    }


def _category_text(
    config: SiteConfig, custom: t.Mapping[str, str], category_id: str, field: str
) -> str:
    """A category's name or description: custom text, else catalog, else any custom text.

    Only categories the catalogs do not know reach the last step, and config
    validation guarantees they have a custom text in some locale.
    """
    key = f"categories.{category_id}.{field}"
    if key in custom:
        return custom[key]
    if category_id in CATEGORY_TEXTS:
        name, description = CATEGORY_TEXTS[category_id]
        return str(name if field == "name" else description)
    fallback = config.texts.get(config.default_locale, {})
    return fallback.get(key) or next(texts[key] for texts in config.texts.values() if key in texts)
