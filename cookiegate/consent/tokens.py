"""The consent token: what the loader keeps in the first-party consent cookie.

It is an itsdangerous ``URLSafeTimedSerializer`` token whose payload is plain
base64url JSON (never compressed), so the loader can read the choices without
a request, while only the server, holding the keys, can produce one. The salt
names the site, so a token from one site is worthless on another.
"""

from __future__ import annotations

import functools
import json
import time
import typing as t
from dataclasses import dataclass

from itsdangerous import BadData
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode
from itsdangerous.encoding import base64_encode

from ..core.errors import TokenError
from .choices import Decision

SALT_PREFIX = "cookiegate.consent."
#: The longest token read; anything longer is malformed without decoding it.
MAX_TOKEN = 4096


#: ``json.dumps(obj, separators=(",", ":"), sort_keys=True)``, one encoder for every token.
_PAYLOAD = json.JSONEncoder(separators=(",", ":"), sort_keys=True)


class _ReadableSerializer(URLSafeTimedSerializer):
    """A URL-safe serializer that never zlib-compresses, so JavaScript can read the payload."""

    def dump_payload(self, obj: t.Any) -> bytes:
        return base64_encode(_PAYLOAD.encode(obj).encode())


@dataclass(frozen=True)
class ConsentToken:
    """The decoded payload of a valid consent token."""

    consent_id: str
    site: str
    revision: int
    decision: Decision
    #: Unix seconds.
    issued_at: int
    expires_at: int
    #: The purposes hash of the config it was given for
    #: (:func:`~cookiegate.siteconfig.purposes.purposes_hash`); "" in tokens from before it.
    purposes: str = ""
    #: Nothing optional granted (:func:`~cookiegate.consent.lifetimes.is_refusal`): it
    #: outlives a revision bump that leaves :attr:`purposes` unchanged.
    refusal: bool = False
    #: Given under a jurisdiction overlay with the UK statistics exception: the loader then
    #: runs the exception's services for the returning visitor (``rules.ukt``). Written only
    #: when true, so other tokens are as before.
    uk: bool = False

    def to_payload(self) -> dict[str, t.Any]:
        payload: dict[str, t.Any] = {
            "id": self.consent_id,
            "site": self.site,
            "rev": self.revision,
            "choices": dict(self.decision.categories),
            "services": dict(self.decision.services),
            "iat": self.issued_at,
            "exp": self.expires_at,
            "ph": self.purposes,
            "ref": self.refusal,
        }
        if self.uk:
            payload["uk"] = True
        return payload

    def current(self, revision: int, purposes: str | None) -> bool:
        """True when the choice still holds for a config at ``revision`` with the
        ``purposes`` hash: given at that revision, or a refusal whose purposes have not
        changed since (None: the caller does not know them, so only the revision counts; a
        token from before the hash, "", knows none either)."""
        if self.revision == revision:
            return True
        return self.refusal and bool(self.purposes) and self.purposes == purposes


def _serializer(secret_keys: t.Sequence[str], site_id: str) -> _ReadableSerializer:
    if not secret_keys:
        raise ValueError("At least one secret key is needed to sign or verify consent tokens.")
    return _cached_serializer(tuple(secret_keys), site_id)


# Building a serializer derives its signing keys; a server has one key list
# and a few sites, so each pair is built once (itsdangerous serializers keep
# no per-call state and are safe to share between threads).
@functools.lru_cache(maxsize=64)
def _cached_signer(serializer: _ReadableSerializer) -> t.Any:
    """The serializer's signer; itsdangerous signers keep no state between calls."""
    return serializer.make_signer()


@functools.lru_cache(maxsize=64)
def _cached_serializer(secret_keys: tuple[str, ...], site_id: str) -> _ReadableSerializer:
    # itsdangerous signs with the *last* key and verifies with all of them;
    # cookiegate lists keys newest first, so reverse.
    return _ReadableSerializer(list(reversed(secret_keys)), salt=SALT_PREFIX + site_id)


def sign(secret_keys: t.Sequence[str], token: ConsentToken) -> str:
    """Sign ``token`` with the newest of ``secret_keys`` (listed newest first).

    The same as ``serializer.dumps(payload)``, with the signer built once per
    key list and site (:func:`_cached_signer`) instead of per token.
    """
    serializer = _serializer(secret_keys, token.site)
    signer = _cached_signer(serializer)
    signed: bytes = signer.sign(serializer.dump_payload(token.to_payload()))
    return signed.decode("ascii")


def verify(
    secret_keys: t.Sequence[str],
    value: str,
    site_id: str,
    *,
    now: float | None,
    revision: int | None = None,
    purposes: str | None = None,
) -> ConsentToken:
    """Decode and check a consent token.

    :param now: Unix time to check expiry against; None skips the expiry check
        (a receipt or a history link may name an old consent).
    :param revision: when given, a token for another config revision is refused,
        unless it is a refusal given for the same ``purposes`` (:meth:`ConsentToken.current`).
    :param purposes: the config's purposes hash, to keep such refusals.
    :raises TokenError: tampered, foreign-site, expired, stale or malformed.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_TOKEN or not value.isascii():
        raise TokenError("malformed")
    if not _canonical(value):
        raise TokenError("malformed")
    try:
        payload = _serializer(secret_keys, site_id).loads(value)
    except BadSignature:
        raise TokenError("bad_signature") from None
    try:
        token = ConsentToken(
            consent_id=_typed(payload["id"], str),
            site=_typed(payload["site"], str),
            revision=_typed(payload["rev"], int),
            decision=Decision(_bools(payload["choices"]), _bools(payload["services"])),
            issued_at=_typed(payload["iat"], int),
            expires_at=_typed(payload["exp"], int),
            purposes=_typed(payload.get("ph", ""), str),
            refusal=_typed(payload.get("ref", False), bool),
            uk=_typed(payload.get("uk", False), bool),
        )
    except (KeyError, TypeError):
        raise TokenError("malformed") from None
    if token.site != site_id:
        raise TokenError("wrong_site")
    if now is not None and token.expires_at <= now:
        raise TokenError("expired")
    if revision is not None and not token.current(revision, purposes):
        raise TokenError("wrong_revision")
    return token


def _canonical(value: str) -> bool:
    """True when each base64 part is written the one way the signer writes it.

    Base64 decoders ignore the spare low bits of the last character, so
    several spellings decode to the same signature; accepting only the
    canonical one means no altered string is ever taken as a valid token.
    """
    parts = value.split(".")
    if len(parts) != 3:
        return False
    try:
        return all(p and base64_encode(base64_decode(p)).decode() == p for p in parts)
    except BadData:
        return False


def _typed(value: t.Any, kind: type) -> t.Any:
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise TypeError
    return value


def _bools(value: t.Any) -> dict[str, bool]:
    if not isinstance(value, dict) or not all(isinstance(v, bool) for v in value.values()):
        raise TypeError
    return dict(value)


def read_consent(
    token: str,
    site_id: str,
    secret_keys: t.Sequence[str],
    *,
    revision: int | None = None,
    purposes: str | None = None,
) -> ConsentToken | None:
    """Decode a consent cookie for a retailer's own backend; None means "no consent".

    :param secret_keys: the same ``COOKIEGATE_SECRET_KEYS`` list, newest first.
    :param revision: the site's current config revision, to refuse stale consents.
    :param purposes: the site's purposes hash (``rules.ph`` in its loader,
        :func:`~cookiegate.siteconfig.purposes.purposes_hash`): a refusal given for an
        older revision with the same purposes is then kept, as the loader keeps it.
        Without it such a refusal reads as None, which grants the same: nothing.
    """
    try:
        return verify(
            secret_keys, token, site_id, now=time.time(), revision=revision, purposes=purposes
        )
    except TokenError:
        return None
