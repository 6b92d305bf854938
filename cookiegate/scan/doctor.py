"""``cookiegate doctor``'s checks of a live shop page, on data already fetched.

A page that loads the loader late, from a stale or uncached URL, behind a
policy that blocks it, or with an integrity hash that no longer matches,
either waits on cookiegate or runs its tags unblocked. Each check here takes
the fetched page, loader and server answers and returns findings
(ok / warn / fail with a reason); the command does the fetching.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import typing as t
from dataclasses import dataclass
from urllib.parse import parse_qs
from urllib.parse import urljoin
from urllib.parse import urlsplit

from .csp import Load
from .csp import Policy
from .csp import allows
from .csp import parse_header
from .csp import parse_policy
from .pagehead import PageHead
from .pagehead import ScriptTag
from .pagehead import find_loader
from .pagehead import read_head

__all__ = ["find_loader", "read_head"]  # the command reads the page through this module

Status = t.Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer: final URL, status, headers (lower-case names), decoded body."""

    url: str
    status: int
    headers: t.Mapping[str, str]
    body: bytes
    #: The ``Content-Encoding`` it came with (the body is already decoded).
    encoding: str = ""
    #: Every value of ``Content-Security-Policy`` when the header came more than once.
    csp: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """The result of one check."""

    check: str
    status: Status
    message: str


def check_first(head: PageHead, tag: ScriptTag | None) -> Finding:
    """The loader must be a classic, synchronous script before every other script."""
    if tag is None:
        return Finding(
            "loader-first", "fail", "No cookiegate loader (…/loader.js) among the <head> scripts."
        )
    before = [s for s in head.scripts[: tag.index] if s.runs]
    if before:
        first = before[0].src or "an inline script"
        return Finding(
            "loader-first",
            "fail",
            f"{len(before)} script(s) run before the loader, first {first!r}: "
            "their tags run before anything is blocked. Move the loader first in <head>.",
        )
    late = [a for a in ("async", "defer") if a in tag.attrs]
    if late or tag.attrs.get("type", "").lower() == "module":
        how = " and ".join(late) or 'type="module"'
        return Finding(
            "loader-first",
            "fail",
            f"The loader is {how}: it runs after the page's tags. Load it as a plain <script src>.",
        )
    return Finding("loader-first", "ok", "The loader is the first script in <head>, synchronous.")


def is_pinned(url: str) -> bool:
    """A versioned URL (``?v=`` or a content-hashed file name) never changes its bytes."""
    parts = urlsplit(url)
    return "v" in parse_qs(parts.query) or bool(re.search(r"/loader\.[\w-]+\.js$", parts.path))


def check_cache(loader: Fetched) -> Finding:
    """Cache-Control and a validator: a returning visitor's page must not wait on the server."""
    cc = loader.headers.get("cache-control", "").lower()
    if loader.status != 200:
        return Finding("cache", "fail", f"The loader URL answered {loader.status}, not 200.")
    if not cc:
        return Finding("cache", "warn", "The loader has no Cache-Control: browsers guess.")
    if "no-store" in cc:
        return Finding("cache", "fail", f"Cache-Control {cc!r}: every page view refetches it.")
    age = re.search(r"max-age=(\d+)", cc)
    max_age = int(age.group(1)) if age else 0
    validator = "etag" in loader.headers or "last-modified" in loader.headers
    if is_pinned(loader.url):
        if max_age < 86400:
            return Finding(
                "cache", "warn", f"A pinned loader URL could be cached for a year; it has {cc!r}."
            )
        return Finding("cache", "ok", f"Pinned URL, Cache-Control {cc!r}.")
    if not validator:
        return Finding(
            "cache", "warn", f"Cache-Control {cc!r} but no ETag: every revalidation is a download."
        )
    return Finding("cache", "ok", f"Cache-Control {cc!r}, revalidated by ETag.")


def check_compression(loader: Fetched) -> Finding:
    """The loader should come brotli- or gzip-compressed when the browser offers them."""
    if loader.encoding in ("br", "gzip"):
        vary = loader.headers.get("vary", "").lower()
        if "accept-encoding" not in vary and "*" not in vary:
            return Finding(
                "compression",
                "warn",
                f"{loader.encoding} without Vary: Accept-Encoding: "
                "a shared cache may serve it to a browser that cannot decode it.",
            )
        return Finding("compression", "ok", f"Served {loader.encoding}-compressed.")
    return Finding(
        "compression",
        "warn",
        f"Served uncompressed ({len(loader.body)} bytes) though br and gzip were offered.",
    )


def check_sri(tag: ScriptTag, loader: Fetched, page_url: str) -> Finding:
    """An integrity hash must match the bytes, or the browser refuses the loader (fail-open)."""
    integrity = tag.attrs.get("integrity", "").strip()
    if not integrity:
        if is_pinned(loader.url):
            return Finding("sri", "warn", "The loader URL is pinned but has no integrity hash.")
        return Finding("sri", "ok", "Not pinned: no integrity hash needed.")
    wanted = [h for h in integrity.split() if h.split("-", 1)[0] in hashlib.algorithms_available]
    digests = {
        h: base64.b64encode(hashlib.new(h.split("-", 1)[0], loader.body).digest()).decode()
        for h in wanted
    }
    if not any(h.split("-", 1)[1].split("?")[0] == digest for h, digest in digests.items()):
        return Finding(
            "sri",
            "fail",
            f"The integrity {integrity!r} does not match the loader's bytes: the browser will "
            "refuse it and every tag runs unblocked. Update it from embed.json.",
        )
    cross = urlsplit(loader.url)[:2] != urlsplit(page_url)[:2]
    if cross and "crossorigin" not in tag.attrs:
        return Finding(
            "sri", "fail", 'A cross-origin loader with integrity needs crossorigin="anonymous".'
        )
    if cross and not loader.headers.get("access-control-allow-origin"):
        return Finding(
            "sri",
            "fail",
            "The loader answers without Access-Control-Allow-Origin: "
            "the browser cannot check its integrity and refuses it.",
        )
    if not is_pinned(loader.url):
        return Finding(
            "sri",
            "warn",
            "Integrity on an unversioned URL breaks at the next config change; "
            "use the pinned URL from embed.json.",
        )
    return Finding("sri", "ok", "The integrity hash matches the loader's bytes.")


def page_policies(page: Fetched, head: PageHead) -> list[Policy]:
    """Every enforced policy: each ``Content-Security-Policy`` header, and ``<meta>`` ones."""
    values = page.csp
    if not values and "content-security-policy" in page.headers:
        values = (page.headers["content-security-policy"],)
    policies = [p for v in values for p in parse_header(v)]
    return policies + [parse_policy(m) for m in head.meta_csp if m.strip()]


def check_csp(
    policies: list[Policy], tag: ScriptTag, loader_url: str, api_url: str, page_url: str
) -> Finding:
    """Every policy must let the loader run (script-src) and post a choice (connect-src)."""
    if not policies:
        return Finding("csp", "ok", "The page sends no Content-Security-Policy.")
    script = Load(loader_url, page_url, tag.attrs.get("nonce", ""), tag.attrs.get("integrity", ""))
    api = Load(api_url, page_url)
    for policy in policies:
        sources = policy.sources("script-src-elem") or policy.sources("script-src")
        if sources is not None and not allows(sources, script, script=True):
            return Finding(
                "csp",
                "fail",
                f"script-src of {policy.text!r} blocks the loader {loader_url!r}: "
                "nothing gets blocked, tags run as if cookiegate were absent.",
            )
        sources = policy.sources("connect-src")
        if sources is not None and not allows(sources, api, script=False):
            return Finding(
                "csp",
                "fail",
                f"connect-src of {policy.text!r} blocks the consent API {api_url!r}: "
                "choices are never recorded.",
            )
    return Finding("csp", "ok", "The CSP allows the loader and the consent API.")


def embedded_rules(loader: bytes) -> dict[str, t.Any] | None:
    """The site rules the loader carries inline (``{"site":…,"rev":…}``), or None."""
    text = loader.decode("utf-8", "replace")
    start = text.find('{"site":')
    if start < 0:
        return None
    try:
        rules, _ = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return None
    return rules if isinstance(rules, dict) and "rev" in rules else None


def api_url(loader_url: str, rules: t.Mapping[str, t.Any] | None) -> str:
    """Where the loader posts choices: next to itself, as ``loader/env.js`` builds it."""
    api = rules.get("api") if rules else None
    if isinstance(api, str):
        return urljoin(loader_url, api)
    return re.sub(r"loader(\.[\w-]+)?\.js.*$", "consents", loader_url)


def check_current(
    page_rules: t.Mapping[str, t.Any] | None,
    loader_url: str,
    embed: t.Mapping[str, t.Any] | None,
    server_rules: t.Mapping[str, t.Any] | None,
) -> Finding:
    """The page's loader must carry the server's current config revision."""
    if page_rules is None:
        return Finding("current", "fail", "The loader carries no site rules: is it cookiegate's?")
    if embed is None or server_rules is None:
        return Finding(
            "current", "warn", "Could not read the server's embed.json; revision not compared."
        )
    mine, theirs = page_rules.get("rev"), server_rules.get("rev")
    if mine != theirs:
        return Finding(
            "current",
            "fail",
            f"The page's loader has config revision {mine!r}, the server's is {theirs!r}: "
            "republish (cookiegate publish) or update the pinned URL from embed.json.",
        )
    version = parse_qs(urlsplit(loader_url).query).get("v")
    pinned = parse_qs(urlsplit(str(embed.get("pinned_url", ""))).query).get("v")
    if version and pinned and version != pinned:
        return Finding(
            "current",
            "fail",
            f"The pinned loader version {version[0]!r} is not the current {pinned[0]!r}.",
        )
    return Finding("current", "ok", f"The loader carries the current revision {mine!r}.")
