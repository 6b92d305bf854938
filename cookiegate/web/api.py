"""The public API under ``/v1``: the loader, banner texts, and consent records.

Browsers call these from retailer pages, so every answer is JSON (or the
loader script), every error is a JSON ``{error, message}`` with a 4xx code,
and consent writes are accepted only from the site's own origins.

Longer than 300 lines: the routes share their CORS and caching helpers, and
split across modules they would import each other's private parts.
"""

from __future__ import annotations

import functools
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for

from ..consent import tokens
from ..consent.choices import in_force
from ..consent.request import MAX_DEPTH
from ..consent.request import json_depth
from ..consent.request import parse_request
from ..consent.useragent import parse as parse_agent
from ..core.errors import ChoiceError
from ..core.errors import StaleRevision
from ..core.errors import TokenError
from ..core.hosts import host_within
from ..services import ledger
from . import adpc
from . import geo
from . import gpc
from . import served
from .errors import BadRequest
from .errors import Conflict
from .errors import Forbidden
from .errors import NotFound
from .errors import PayloadTooLarge
from .errors import UnsupportedMediaType
from .limits import WriteLimits
from .limits import write_limits
from .published import pinned
from .state import get_state

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig
    from .fast import Prepared
    from .state import State

bp = Blueprint("api", __name__, url_prefix="/v1")
_CORS_METHODS = "GET, POST, OPTIONS"
_OPENAPI = (Path(__file__).resolve().parent / "openapi.json").read_bytes()
_CORS_HEADERS = "Content-Type, Authorization"
_CORS_FIXED = (
    ("Access-Control-Allow-Methods", _CORS_METHODS),
    ("Access-Control-Allow-Headers", _CORS_HEADERS),
    ("Access-Control-Max-Age", "600"),
    # Lets a fetch with credentials store the consent cookie set by a consent POST.
    ("Access-Control-Allow-Credentials", "true"),
)
_LIMITS = "cookiegate.write_limits"


@bp.get("/sites/<site_id>/loader.js")
def loader_js(site_id: str) -> Prepared:
    """The loader with this site's rules.

    Unversioned, it is cached briefly and revalidated by ETag, so a config
    change reaches visitors within minutes. With ``?v=<version>`` (the URL
    ``embed.json`` publishes, with its integrity hash) it is immutable; an
    outdated version is a 404, not silently different bytes. The plain URLs
    are usually answered before Flask (:mod:`.served`) with the same bytes.
    """
    state = get_state()
    state.site(site_id)
    asset = state.loaders[site_id]
    version = request.args.get("v")
    if version is not None and version != asset.version:
        raise NotFound(
            f"Loader version {version!r} of site {site_id!r} is not current (now "
            f"{asset.version!r}); update the pinned URL and integrity from embed.json."
        )
    max_age = int(current_app.config["LOADER_MAX_AGE"])
    return served.loader(state, site_id, pinned=version is not None, max_age=max_age)


@bp.get("/sites/<site_id>/embed.json")
def embed_json(site_id: str) -> Response:
    """The tag to paste: the versioned loader URL with its Subresource Integrity hash."""
    state = get_state()
    state.site(site_id)
    asset = state.loaders[site_id]
    url = url_for("published.published_file", site_id=site_id, name=pinned(asset), _external=True)
    snippet = f'<script src="{url}" integrity="{asset.integrity}" crossorigin="anonymous"></script>'
    resp = jsonify(
        {
            "url": url_for("api.loader_js", site_id=site_id, _external=True),
            "pinned_url": url,
            "integrity": asset.integrity,
            "pinned_snippet": snippet,
        }
    )
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/assets/<name>")
def asset(name: str) -> Prepared:
    """The banner script and stylesheet, immutable under their versioned URL."""
    state = get_state()
    found = state.assets.get(name)
    if found is None:
        raise NotFound(f"No asset named {name!r}.")
    return served.asset(state, name, current=request.args.get("v") == found.version)


@bp.get("/sites/<site_id>/banner.json")
def banner_json(site_id: str) -> Prepared:
    """Categories, services and texts to show, in the negotiated locale, with their hash.

    ``gpc`` says whether this request carried ``Sec-GPC: 1`` (see
    :func:`.served.banner`); the answer is precompressed and has an ETag.
    """
    state = get_state()
    config = state.site(site_id)
    accept = request.headers.get("Accept-Language", "")
    locale = served.negotiated(state, config, request.args.get("locale"), accept)
    place = geo.where(state, config, request.environ) if config.jurisdictions else None
    return served.banner(
        state,
        config,
        locale,
        gpc_sent=gpc.sent(request.headers),
        place=place,
        adpc_sent=adpc.objects(request.headers.get("ADPC", "")),
    )


def _signals() -> dict[str, bool]:
    """The request's signal headers a consent must not contradict: ``Sec-GPC: 1``, and an
    ``ADPC`` header withdrawing every consent or objecting to all (web/adpc.py)."""
    return {"gpc": gpc.sent(request.headers), "adpc": adpc.objects(request.headers.get("ADPC", ""))}


@bp.route("/sites/<site_id>/consents", methods=["POST", "OPTIONS"])
def record(site_id: str) -> tuple[Response, int] | Response:
    """Record a choice and return the consent ID and signed token (201)."""
    state = get_state()
    config = state.site(site_id)
    origin = _require_origin(config)
    if request.method == "OPTIONS":
        return _cors(Response(status=204), origin)
    limits = t.cast(WriteLimits, current_app.extensions[_LIMITS])
    limits.check(request.remote_addr or "127.0.0.1", site_id)
    body, raw = _json_body()
    try:
        # The place first: what it puts in force decides which methods fit (parse_request
        # says what is wrong with a body that is not an object).
        place = geo.recorded(state, config, request.environ, body if isinstance(body, dict) else {})
        place_rules = in_force(config, geo.overlay_of(config, place))
        req = parse_request(config, body, **_signals(), raw=raw, place=place_rules)
        content, shown_hash = state.banner(config, req.locale, geo.overlay_of(config, place))
        receipt = ledger.record_consent(
            state.store,
            config,
            req,
            content,
            ip=request.remote_addr,
            agent=parse_agent(request.headers.get("User-Agent")),
            secret_keys=state.secret_keys,
            now=state.clock(),
            shown_hash=shown_hash,
            declaration=_declaration(state, config),
            place=(place.jurisdiction, place.regime),
        )
    except ChoiceError as e:
        raise BadRequest(str(e)) from None
    except StaleRevision as e:
        raise Conflict(str(e)) from None
    cookie_set = _first_party(config, origin)
    resp = jsonify(
        {
            "consent_id": receipt.consent_id,
            "token": receipt.token,
            "issued_at": receipt.issued_at,
            "expires_at": receipt.expires_at,
            "cookie_set": cookie_set,
        }
    )
    if cookie_set:
        # A server-set cookie escapes Safari's 7-day cap on script-written ones.
        # Not HttpOnly: the loader reads the choices from it.
        resp.set_cookie(
            config.cookie_name,
            receipt.token,
            max_age=receipt.expires_at - receipt.issued_at,
            domain=config.cookie_domain or None,
            secure=request.is_secure,
            samesite="Lax",
        )
    resp.headers["Cache-Control"] = "no-store"
    return _cors(resp, origin), 201


def _declaration(state: State, config: SiteConfig) -> tuple[int, str]:
    """The revision and hash of the cookie declaration this server publishes for the site:
    what the visitor could read when choosing, sealed into the proof."""
    version = state.declaration(config).version
    return version.revision, version.hash


@bp.route("/sites/<site_id>/consents/<consent_id>", methods=["GET", "OPTIONS"])
def receipt(site_id: str, consent_id: str) -> Response:
    """The visitor's own proof record, shown to the holder of its token."""
    state = get_state()
    config = state.site(site_id)
    origin = request.headers.get("Origin")
    if origin is not None and not config.allows_origin(origin):
        raise Forbidden(f"Origin {origin!r} is not one of this site's domains.")
    if request.method == "OPTIONS":
        return _cors(Response(status=204), _require_origin(config))
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    try:
        decoded = tokens.verify(state.secret_keys, token, config.id, now=None)
    except TokenError as e:
        raise Forbidden(f"A valid consent token for this site is required ({e.reason}).") from None
    if decoded.consent_id != consent_id:
        raise Forbidden("This token belongs to another consent.")
    proof = ledger.find_proof(state.store, config.id, consent_id)
    if proof is None:
        raise NotFound(f"No consent {consent_id!r} is recorded for this site.")
    proof["shown"] = ledger.shown_content(state.store, proof["shown_hash"])
    proof.pop("seq", None)
    resp = jsonify(proof)
    resp.headers["Cache-Control"] = "no-store"
    return _cors(resp, origin) if origin else resp


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API (kept true by a schemathesis test)."""
    resp = Response(_OPENAPI, mimetype="application/json")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def _json_body() -> tuple[t.Any, bytes]:
    """The consent body decoded, and as sent; 4xx for anything but small, shallow JSON."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            "Send the consent as JSON with 'Content-Type: application/json'."
        )
    limit = int(current_app.config["MAX_CONSENT_BODY"])
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"The consent body is larger than {limit} bytes.")
    request.max_content_length = limit
    raw = request.get_data(cache=True)
    if json_depth(raw) > MAX_DEPTH:
        raise BadRequest(f"The body nests deeper than {MAX_DEPTH} levels.")
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest("The body is not valid JSON.")
    return body, raw


def _require_origin(config: SiteConfig) -> str:
    """The request's ``Origin`` when it is one of the site's; else 403.

    Browsers send Origin on every cross-origin POST and on preflights, so a
    missing one means a non-browser client or an old form trick; refusing it
    keeps other sites from writing consents on a visitor's behalf.
    """
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        raise Forbidden("An Origin header from one of this site's domains is required.")
    state = get_state()
    if not state.memo(("origin", config.id, origin), lambda: config.allows_origin(origin)):
        raise Forbidden(f"Origin {origin!r} is not one of this site's domains.")
    return origin


def _first_party(config: SiteConfig, origin: str) -> bool:
    """True when a ``Set-Cookie`` from this server lands on the visitor's site.

    That is when cookiegate answers on the site's cookie domain (a
    ``consent.`` subdomain, or a path of the shop behind its proxy); with a
    host-only cookie, only when it answers on the page's own host.
    """
    return _lands_on_site(request.host, origin, config.cookie_domain)


@functools.lru_cache(maxsize=1024)
def _lands_on_site(api: str, origin: str, cookie_domain: str | None) -> bool:
    """:func:`_first_party` for one API host, page origin and cookie domain (few of each)."""
    api_host = urlsplit("//" + api).hostname or ""
    page_host = urlsplit(origin).hostname or ""
    if cookie_domain:
        return all(host_within(h, cookie_domain) for h in (api_host, page_host))
    return api_host == page_host


def _cors(resp: Response, origin: str) -> Response:
    """Let the site's own pages read this answer (and keep the cookie it sets)."""
    headers = resp.headers
    # Views call this on fresh responses: add, without looking for old values.
    headers.add("Access-Control-Allow-Origin", origin)
    headers.extend(_CORS_FIXED)
    if "Vary" in headers:
        resp.vary.add("Origin")
    else:
        headers.add("Vary", "Origin")
    return resp


@bp.after_request
def _cors_on_refusals(resp: Response) -> Response:
    """Refused consent POSTs answer the site's origins with CORS too: the banner must tell a
    refusal (drop it, or make it a GPC choice) from an unreachable server (retry)."""
    if request.endpoint != "api.record" or "Access-Control-Allow-Origin" in resp.headers:
        return resp
    config = get_state().sites.get((request.view_args or {}).get("site_id", ""))
    origin = request.origin
    return _cors(resp, origin) if config and origin and config.allows_origin(origin) else resp


def init_app(app: Flask) -> None:
    """Register the public API with its rate limits."""
    app.register_blueprint(bp)
    # Each app gets its own configured limits.
    app.extensions[_LIMITS] = write_limits(
        app, str(app.config["CONSENT_RATE_LIMIT"]), str(app.config["CONSENT_RATE_LIMIT_PER_SITE"])
    )
