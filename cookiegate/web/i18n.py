"""The visitor's and the staff member's language, and flask-babel set up to serve it.

A banner request gets a locale the site enables (explicit ``locale``
parameter, then ``Accept-Language``, then the site's default); an admin page
follows the staff member's browser among the locales with a catalog. What the
banner says in that locale is :mod:`cookiegate.web.banner`.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from flask import Flask
from flask import request
from flask_babel import Babel

from .catalogs import catalog_locales
from .catalogs import stale_catalogs

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

#: The language of the msgids, served when no catalog matches.
SOURCE_LOCALE = "en"


def init_app(app: Flask) -> None:
    """Attach flask-babel; the admin UI follows the staff member's browser language.

    The locales with a catalog are listed once here, so choosing the admin
    locale costs no file-system access per request.
    """
    directories = _translation_dirs(app)
    available = sorted({SOURCE_LOCALE, *catalog_locales(directories)})
    for problem in stale_catalogs(directories):
        app.logger.warning(
            "%s; run 'scripts/i18n compile' (or reinstall cookiegate) to build it.", problem
        )

    def admin_locale() -> str:
        return best_locale(available, None, request.accept_languages) or SOURCE_LOCALE

    Babel(app, locale_selector=admin_locale, default_locale=SOURCE_LOCALE)


def _translation_dirs(app: Flask) -> list[Path]:
    raw = str(app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations"))
    return [Path(app.root_path, d) for d in raw.split(";") if d]


def negotiate(config: SiteConfig, explicit: str | None, accept: t.Any) -> str:
    """Choose a locale the site enables: explicit > Accept-Language > default.

    An explicit locale the site does not enable is ignored rather than
    refused, because it usually comes from a page's ``<html lang>``.

    :param accept: ``(tag, quality)`` pairs, such as ``request.accept_languages``.
    """
    return best_locale(config.locales, explicit, accept) or config.default_locale


def best_locale(offered: t.Iterable[str], explicit: str | None, accept: t.Any) -> str | None:
    """The offered locale that best fits an explicit tag, then ``Accept-Language``.

    ``de-AT`` falls back to ``de``, ``en-GB`` matches ``en_GB``, and ``en-US``
    with only ``en_GB`` offered matches ``en_GB`` (same language, other
    region). Each browser language gets its fallbacks before the next one is
    tried, so "de-AT, en;q=0.5" means German (werkzeug's ``best_match`` would
    answer English). Languages sent with ``q=0`` are refused by the browser
    and never chosen; ``*`` means "anything", left to the caller's default.
    """
    by_tag = {loc.lower().replace("_", "-"): loc for loc in offered}

    def pick(tag: str) -> str | None:
        tag = tag.strip().lower().replace("_", "-")
        language = tag.partition("-")[0]
        while tag:
            if tag in by_tag:
                return by_tag[tag]
            tag = tag.rpartition("-")[0]
        siblings = (loc for key, loc in by_tag.items() if key.partition("-")[0] == language)
        return next(siblings, None)

    if explicit and (found := pick(explicit)):
        return found
    ranked = sorted((pair for pair in accept if pair[1] > 0), key=lambda pair: -pair[1])
    for tag, _quality in ranked:
        if tag != "*" and (found := pick(tag)):
            return found
    return None
