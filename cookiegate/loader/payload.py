"""The loader payload: the browser script with one site's blocking rules inlined.

Inlining the rules keeps the first, render-blocking request the only one a
returning visitor's page makes. The payload depends only on the site config
and the script file, so it is built and compressed once per site when the
app starts.
"""

from __future__ import annotations

import json
import typing as t

from ..core.overlaps import url_specificity
from ..core.patterns import cookie_regex
from ..core.patterns import pattern_regex
from .assets import Asset
from .assets import build_asset

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

#: The loader script holds this placeholder where the rules go.
RULES_MARKER = "/*@rules@*/{}"


def loader_rules(config: SiteConfig, assets: t.Mapping[str, str]) -> dict[str, t.Any]:
    """The blocking rules the loader needs, in a compact JSON-ready shape.

    Patterns are sorted most specific first, in the catalogue's order
    (:func:`~cookiegate.core.overlaps.url_specificity`), and the loader takes
    the first match, so the most specific pattern decides which service a URL
    belongs to (gtag.js with an ``AW-`` id is Google Ads, plain gtag.js is
    Google Analytics).

    :param assets: path-absolute, versioned URLs of the banner script and stylesheet.
    """
    services = list(config.services)
    patterns = sorted(
        ((p, i) for i, s in enumerate(services) for p in s.patterns),
        key=lambda item: url_specificity(item[0]),
    )
    signals: dict[str, list[str]] = {}
    for c in config.categories:
        wanted = set(c.consent_mode)
        for s in config.services_in(c.id):
            wanted.update(s.consent_mode)
        signals[c.id] = sorted(wanted)
    return {
        "site": config.id,
        "rev": config.revision,
        "cookie": config.cookie_name,
        "domain": config.cookie_domain,
        "days": config.lifetime_days,
        "cats": [c.id for c in config.categories],
        "locked": [c.id for c in config.categories if c.locked],
        "gpc": [c.id for c in config.categories if c.gpc_refuses],
        # Run without consent until the visitor objects (UK statistics exception).
        "uk": list(config.uk_statistics),
        "signals": signals,
        "services": [
            {"id": s.id, "cat": s.category, "cookies": [cookie_regex(n) for n in s.cookies]}
            for s in services
        ],
        "patterns": [[pattern_regex(p), i] for p, i in patterns],
        **assets,
    }


def build_payload(script: str, rules: t.Mapping[str, t.Any]) -> Asset:
    """Put ``rules`` into the loader ``script``, then compress and fingerprint the result.

    :raises ValueError: the script lacks the rules placeholder (a broken build).
    """
    if RULES_MARKER not in script:
        raise ValueError(f"The loader script has no {RULES_MARKER!r} placeholder for the rules.")
    # ensure_ascii keeps U+2028/U+2029 and every non-ASCII character escaped,
    # so the JSON is a valid JavaScript literal in any encoding.
    body = script.replace(
        RULES_MARKER, json.dumps(rules, separators=(",", ":"), ensure_ascii=True), 1
    )
    return build_asset(body.encode(), "text/javascript; charset=utf-8")
