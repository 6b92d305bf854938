"""Consent records: ``POST /v1/sites/<site>/consents`` and the visitor's own receipt.

Writes are accepted only from the site's own origins (:mod:`.cors`), within
the rate limits, as small shallow JSON; refusals carry CORS too, so the
banner can tell a refusal from an unreachable server.
"""

from __future__ import annotations

import functools
import typing as t
from urllib.parse import urlsplit

from flask import Response
from flask import current_app
from flask import jsonify
from flask import request

from ...consent import tokens
from ...consent.choices import in_force
from ...consent.request import MAX_DEPTH
from ...consent.request import json_depth
from ...consent.request import parse_request
from ...consent.useragent import parse as parse_agent
from ...core.errors import ChoiceError
from ...core.errors import StaleRevision
from ...core.errors import TokenError
from ...core.hosts import host_within
from ...services import ledger
from .. import adpc
from .. import geo
from .. import gpc
from ..errors import BadRequest
from ..errors import Conflict
from ..errors import Forbidden
from ..errors import NotFound
from ..errors import PayloadTooLarge
from ..errors import UnsupportedMediaType
from ..limits import WriteLimits
from ..state import get_state
from .blueprint import bp
from .cors import cors
from .cors import require_origin

if t.TYPE_CHECKING:
    from ...siteconfig.model import SiteConfig
    from ..state import State

#: Where :func:`init_app` keeps each app's :class:`~..limits.WriteLimits`.
LIMITS = "cookiegate.write_limits"


def _signals() -> dict[str, bool]:
    """The request's signal headers a consent must not contradict: ``Sec-GPC: 1``, and an
    ``ADPC`` header withdrawing every consent or objecting to all (web/adpc.py)."""
    return {"gpc": gpc.sent(request.headers), "adpc": adpc.objects(request.headers.get("ADPC", ""))}


@bp.route("/sites/<site_id>/consents", methods=["POST", "OPTIONS"])
def record(site_id: str) -> tuple[Response, int] | Response:
    """Record a choice and return the consent ID and signed token (201)."""
    state = get_state()
    config = state.site(site_id)
    origin = require_origin(config)
    if request.method == "OPTIONS":
        return cors(Response(status=204), origin)
    limits = t.cast(WriteLimits, current_app.extensions[LIMITS])
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
    return cors(resp, origin), 201


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
        return cors(Response(status=204), require_origin(config))
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
    return cors(resp, origin) if origin else resp


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


@bp.after_request
def _cors_on_refusals(resp: Response) -> Response:
    """Refused consent POSTs answer the site's origins with CORS too: the banner must tell a
    refusal (drop it, or make it a GPC choice) from an unreachable server (retry)."""
    if request.endpoint != "api.record" or "Access-Control-Allow-Origin" in resp.headers:
        return resp
    config = get_state().sites.get((request.view_args or {}).get("site_id", ""))
    origin = request.origin
    return cors(resp, origin) if config and origin and config.allows_origin(origin) else resp
