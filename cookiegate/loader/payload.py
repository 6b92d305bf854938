"""The loader payload (the browser script with one site's rules inlined) and the banner files.

Inlining the rules keeps the first, render-blocking request the only one a
returning visitor's page makes. A banner file holds the banner script with one
locale's texts and the stylesheet inlined, so a first visit's banner is one
more request. Both depend only on the site config, the catalogue and the
shipped files, so they are built once per site when the app starts, and
``cookiegate publish`` can write them to disk.
"""

from __future__ import annotations

import hashlib
import json
import re
import typing as t

from ..core.overlaps import url_specificity
from ..core.patterns import cookie_regex
from ..core.patterns import pattern_regex
from ..siteconfig.gpp import gpp_rules
from ..siteconfig.platform import platform_rules
from ..siteconfig.purposes import purposes_hash
from .assets import Asset
from .assets import build_asset
from .signals import consent_mode_services
from .signals import early_services
from .signals import vendor_signals

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

#: The loader script holds this placeholder where the rules go.
RULES_MARKER = "/*@rules@*/{}"
#: The banner script holds this placeholder where a banner file's texts and stylesheet go.
BUNDLE_MARKER = "/*@bundle@*/null"
JS = "text/javascript; charset=utf-8"


def sorted_patterns(config: SiteConfig) -> list[tuple[str, int]]:
    """Every ``(host[/path] pattern, service index)``, most specific first.

    The loader takes the first match, so the most specific pattern decides
    which service a URL belongs to (gtag.js with an ``AW-`` id is Google Ads,
    plain gtag.js is Google Analytics); ties keep the catalogue's order
    (:func:`~cookiegate.core.overlaps.url_specificity`).
    """
    return sorted(
        ((p, i) for i, s in enumerate(config.services) for p in s.patterns),
        key=lambda item: url_specificity(item[0]),
    )


def compiled_rules(config: SiteConfig) -> dict[str, t.Any]:
    """The rules as the loader holds them once decoded (``window.cookiegate.rules``): services
    with cookie regexes and ``[regex, service index]`` patterns, for tests and tools (the
    scanner) that match URLs and cookies the way the browser does."""
    return {
        **_common_rules(config),
        "services": [
            {"id": s.id, "cat": s.category, "cookies": [cookie_regex(n) for n in s.cookies]}
            for s in config.services
        ],
        "patterns": [[pattern_regex(p), i] for p, i in sorted_patterns(config)],
    }


def loader_rules(config: SiteConfig, *, banner_version: str, reopen_label: str) -> dict[str, t.Any]:
    """The blocking rules the loader needs, in a compact JSON-ready shape.

    Services and patterns travel as the config writes them (``svc``:
    ``"id:category index:cookie:…"``, ``pat``: ``"host/path service index"``)
    and ``static/js/src/loader/rules.js`` compiles them to the regexes of
    :mod:`cookiegate.core.patterns` (:func:`compiled_rules`): for the demo
    site a fifth fewer compressed bytes than the compiled form (626 against
    800 B brotli), on every page view of every shop.

    :param banner_version: names the banner files (``banner.<version>.<locale>.js``).
    :param reopen_label: the reopen control's label in the site's default locale.
        The loader draws that control itself, with the label the banner stored
        (``localStorage``) when the visitor chose, in the visitor's language;
        this one is for a view with none stored (another subdomain sharing the
        cookie, storage cleared): one label rather than every locale's, which
        cost every page view ≈ 400 B gzip for the demo's 25 locales.
    """
    cats = [c.id for c in config.categories]
    return {
        **_common_rules(config),
        "svc": [":".join([s.id, str(cats.index(s.category)), *s.cookies]) for s in config.services],
        "pat": [f"{p} {i}" for p, i in sorted_patterns(config)],
        # The site's locales, in config order, space-separated (src/loader/locale.js).
        "l": " ".join(config.locales),
        "r": reopen_label,
        "d": config.default_locale,
        "v": banner_version,
    }


def _common_rules(config: SiteConfig) -> dict[str, t.Any]:
    """The fields the compact and the decoded rules share."""
    signals: dict[str, list[str]] = {}
    for c in config.categories:
        wanted = set(c.consent_mode)
        for s in config.services_in(c.id):
            wanted.update(s.consent_mode)
        if wanted:
            signals[c.id] = sorted(wanted)
    return {
        "site": config.id,
        "rev": config.revision,
        "cookie": config.cookie_name,
        "domain": config.cookie_domain,
        # The purposes hash: a refusal given at another revision still holds while it is the
        # same (src/loader/storage.js decodeToken). The token says how long it lives, so the
        # lifetimes themselves need not travel.
        "ph": purposes_hash(config),
        "cats": [c.id for c in config.categories],
        "locked": [c.id for c in config.categories if c.locked],
        "gpc": [c.id for c in config.categories if c.gpc_refuses],
        # Run without consent until the visitor objects (UK statistics exception). With
        # [jurisdictions] the exception is the UK overlay's: none until the banner chunk
        # learns the visitor is there (src/banner/regime.js).
        "uk": list(config.uk_statistics) if config.jurisdictions is None else [],
        # ... or when a returning visitor's token says it was given under an overlay with the
        # exception (consent/tokens.py `uk`): the loader then adds these (src/loader/main.js).
        **_uk_token_rules(config),
        "signals": signals,
        # Each vendor's consent calls ([form, queue, service, defaults, updates]) and the
        # services that load before consent (src/loader/signals.js, checks.js).
        "sig": vendor_signals(config),
        # Google services whose own grant grants their Consent Mode signals.
        "gs": consent_mode_services(config),
        "pre": early_services(config),
        # The platform bridge's (static/js/src/platform/), only for a site with a platform.
        **platform_rules(config),
        # The __gpp API's MSPA fields (static/js/src/gpp/), only for a site with the API.
        **gpp_rules(config),
    }


def _uk_token_rules(config: SiteConfig) -> dict[str, list[str]]:
    """``ukt``: the UK exception's services, for a site whose overlays enable it; else none
    (not a byte more in other sites' loaders)."""
    overlays = config.jurisdictions.overlays if config.jurisdictions else ()
    if not config.uk_statistics or not any(o.uk_statistics for o in overlays):
        return {}
    return {"ukt": list(config.uk_statistics)}


def _js_literal(value: t.Any) -> str:
    """``value`` as compact JSON that is also a JavaScript literal.

    UTF-8 is kept (the files are served as UTF-8; an escaped Cyrillic letter
    takes six bytes), but U+2028 and U+2029, which older engines refuse in
    string literals, are escaped.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


#: The first line of each built file (static/build.sh): its name and its sources' hash.
_BUILD_HEADER = re.compile(r"^/\*cookiegate (\w+) sha256:[0-9a-f]+\*/$", re.MULTILINE)


def build_payload(script: str, rules: t.Mapping[str, t.Any]) -> Asset:
    """Put ``rules`` into the loader ``script``, then compress and fingerprint the result.

    The build headers lose their sources' hash (``/*cookiegate loader*/``): it says whether a
    committed file is older than its sources (e2e/test_build.py), which no browser needs, and
    its hex digits cost every page view 35 B gzip, 60 B brotli (the loader and the GPP stub).

    :raises ValueError: the script lacks the rules placeholder (a broken build).
    """
    if RULES_MARKER not in script:
        raise ValueError(f"The loader script has no {RULES_MARKER!r} placeholder for the rules.")
    script = _BUILD_HEADER.sub(r"/*cookiegate \1*/", script)
    return build_asset(script.replace(RULES_MARKER, _js_literal(rules), 1).encode(), JS)


def with_bridges(loader: str, bridges: str) -> str:
    """The loader script followed by the platform bridges' (``static/js/platform.js``).

    One file rather than a second request: the bridges must hear the decision the
    loader applies as it starts, and a site with a platform pays for them while every
    other site's loader stays exactly as it was. The bridges run after the loader, so
    ``window.cookiegate`` is there; they read their settings from its rules (``pf``).
    """
    return loader.rstrip("\n") + "\n" + bridges


def minify_css(css: str) -> str:
    """Drop comments and needless white space (the stylesheet travels inside every banner file).

    Only white space next to ``{ } ; ,`` and runs of it go: a space before
    ``:`` can be a descendant combinator (``.cg-root :focus-visible``).
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,])\s*", r"\1", css).replace(";}", "}").strip()


def purge_lists(config: SiteConfig) -> dict[str, dict[str, list[str]]]:
    """What the banner deletes besides cookies when a service is refused: per service id, its
    ``storage`` keys (localStorage and sessionStorage) and ``indexeddb`` database names, as
    written (``*`` wildcards), for the services that have any.

    They travel in the banner files, not in the loader's rules: only the banner deletes
    (``static/js/src/banner/purge.js``), so no page view pays for them. Keyed by service id,
    not index, so a banner file never deletes the wrong service's data for a loader built
    from another version of the config.
    """
    return {
        s.id: {"storage": list(s.storage), "indexeddb": list(s.indexeddb)}
        for s in config.services
        if s.storage or s.indexeddb
    }


def banner_file(
    script: str,
    css: str,
    texts: t.Mapping[str, t.Any],
    purge: t.Mapping[str, t.Any] | None = None,
) -> Asset:
    """The banner script with one locale's ``texts`` (banner.json's content), ``css`` and the
    ``purge`` lists (:func:`purge_lists`) inlined.

    Compressed on first use: a site has a file per locale, most of which a
    process may never send. The purge lists are not part of the texts, so the
    ``shown_hash`` of a proof does not change with them.

    :raises ValueError: the script lacks the bundle placeholder (a broken build).
    """
    if BUNDLE_MARKER not in script:
        raise ValueError(f"The banner script has no {BUNDLE_MARKER!r} placeholder.")
    bundle = _js_literal({"css": css, "texts": texts, "purge": dict(purge or {})})
    return build_asset(script.replace(BUNDLE_MARKER, bundle, 1).encode(), JS, compress_now=False)


def files_version(assets: t.Iterable[Asset]) -> str:
    """One short version over a site's banner files: it changes when any of them does."""
    digest = hashlib.sha256()
    for asset in assets:
        digest.update(asset.version.encode())
    return digest.hexdigest()[:12]
