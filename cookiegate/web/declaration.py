"""The cookie declaration over HTTP: JSON, an HTML fragment per locale, and its stylesheet.

The declaration changes only when the config, the catalogue or the saved scan does, so it
is part of the published set (:func:`files`, listed by :func:`.published.site_files`):
``declaration.json``, ``declaration.<locale>.html`` (a fragment, escaped, with no inline
style or script, so it passes a strict Content-Security-Policy) and ``declaration.css``,
written by ``cookiegate publish`` and served from memory here. The loader fills a page's
``<div data-cookiegate-declaration>`` with the fragment of the visitor's locale.
``declaration.html?locale=…`` (this module's route) answers the fragment of a negotiated
locale, for a shop that includes it server-side.
"""

from __future__ import annotations

import json
import typing as t

from flask import Blueprint
from flask import Flask
from flask import render_template
from flask import request
from flask_babel import force_locale
from flask_babel import gettext

from ..core import settings
from ..declaration import Names
from ..declaration import facts
from ..declaration import markdown
from ..declaration import view
from ..loader.assets import build_asset
from ..loader.payload import minify_css
from . import served
from .fast import prepare
from .state import get_state

if t.TYPE_CHECKING:
    from ..loader.assets import Asset
    from ..services.declarations import Current
    from ..siteconfig.model import SiteConfig
    from .fast import Prepared
    from .state import State

HTML = "text/html; charset=utf-8"

bp = Blueprint("declaration", __name__)


def localised(state: State, config: SiteConfig, locale: str) -> dict[str, t.Any]:
    """The declaration's view in ``locale``: its texts, the banner's names for categories
    and purposes (the visitor reads the same words in both). Needs an app context."""
    current = state.declaration(config)
    content, _hash = state.banner(config, locale)
    names = Names(
        categories={c["id"]: (c["name"], c["description"]) for c in content["categories"]},
        purposes={s["id"]: s["description"] for s in content["services"]},
    )
    with force_locale(locale):
        v = view(current.declaration, current.version.revision, locale, gettext, names)
    v["dir"] = content["dir"]
    return v


def fragment(state: State, config: SiteConfig, locale: str) -> str:
    """The HTML fragment in ``locale`` (autoescaped template over :func:`localised`)."""
    return render_template("declaration/fragment.html", d=localised(state, config, locale))


def as_markdown(state: State, config: SiteConfig, locale: str) -> str:
    return markdown(localised(state, config, locale))


def as_json(current: Current) -> str:
    body = {
        "revision": current.version.revision,
        "hash": current.version.hash,
        "live_from": current.version.live_from,
        **facts(current.declaration),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1)


def files(state: State, config: SiteConfig) -> list[tuple[str, Asset]]:
    """The declaration's files of the published set: ``(path, asset)``, cached like the loader."""
    base = f"/v1/sites/{config.id}/"
    css = minify_css((settings.STATIC_DIR / "css" / "declaration.css").read_text("utf-8"))
    out = [
        (base + "declaration.json", _asset(as_json(state.declaration(config)), "application/json")),
        (base + "declaration.css", _asset(css, "text/css; charset=utf-8")),
    ]
    out += [
        (base + f"declaration.{locale}.html", _asset(fragment(state, config, locale), HTML))
        for locale in config.locales
    ]
    return out


def _asset(text: str, content_type: str) -> Asset:
    # Compressed on first use: 25 fragments per site would slow every start.
    return build_asset(text.encode(), content_type, compress_now=False)


@bp.get("/v1/sites/<site_id>/declaration.html")
def declaration_html(site_id: str) -> Prepared:
    """The fragment in the locale of ``?locale=`` or ``Accept-Language`` (else the default)."""
    state = get_state()
    config = state.site(site_id)
    accept = request.headers.get("Accept-Language", "")
    locale = served.negotiated(state, config, request.args.get("locale"), accept)
    found = state.published[f"/v1/sites/{site_id}/declaration.{locale}.html"]

    def build() -> Prepared:
        return prepare(
            found.asset.encodings,
            HTML,
            f"public, max-age={found.max_age or 0}",
            headers=[("Content-Language", locale.replace("_", "-"))],
            vary=["Accept-Language"],
            version=found.asset.version,
        )

    return state.served(("declaration", site_id, locale), build)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
