"""The consent POST: a decoded JSON body in, a :class:`ConsentRequest` out.

Pure: the web layer hands in the body (and whether the request carried
Global Privacy Control) and gets back a validated request or a
:class:`~cookiegate.core.errors.ChoiceError` naming the field at fault. This
module checks the body's shape, sizes and text and keeps only the part of
the page URL a proof needs; whether the choices fit the site and the method
is :mod:`cookiegate.consent.choices`'s question.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ..core.errors import ChoiceError
from ..core.errors import StaleRevision
from .choices import Decision
from .choices import InForce
from .choices import Method
from .choices import parse_decision
from .tokens import MAX_TOKEN

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

_HASH = re.compile(r"^[0-9a-f]{64}$")
#: Control characters (C0 and DEL) and lone surrogates; one regex search per string.
_BAD_TEXT = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
#: Bytes of a raw body without which no string in it can hold a bad character.
_MAYBE_BAD = re.compile(rb"[\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xed]")
MAX_URL = 2048
_FIELDS = {
    "revision",
    "shown_hash",
    "locale",
    "method",
    "choices",
    "services",
    "page_url",
    "previous_token",
    # What the banner was told (banner.json); checked against the server's own resolution
    # by the web layer, never recorded from here.
    "jurisdiction",
    "regime",
}


@dataclass(frozen=True)
class ConsentRequest:
    """A validated consent POST."""

    revision: int
    shown_hash: str
    locale: str
    method: Method
    decision: Decision
    page_url: str
    previous_token: str | None
    #: Given under a jurisdiction overlay with the UK statistics exception: the token says so,
    #: so the loader runs those statistics for the returning visitor (it cannot know the place).
    uk: bool = False


#: A consent body nests two levels (body -> choices -> value); allow some slack.
MAX_DEPTH = 4


def json_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest, without parsing it.

    Checked before parsing, so a small body of ``[[[[…]]]]`` cannot drive the
    parser's recursion (a crash in some parsers, a 500 in others). A body
    with fewer opening brackets than :data:`MAX_DEPTH` cannot nest deeper,
    whatever its strings hold; it is counted in C, without the walk.
    """
    opened = raw.count(b"[") + raw.count(b"{")
    if opened <= MAX_DEPTH:
        return opened
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_request(
    config: SiteConfig,
    body: t.Any,
    *,
    gpc: bool = False,
    adpc: bool = False,
    raw: bytes | None = None,
    place: InForce | None = None,
) -> ConsentRequest:
    """Validate a decoded consent POST body against ``config``.

    :param gpc: the request carried ``Sec-GPC: 1``, ``adpc`` ``ADPC: withdraw=*`` or
        ``object=*``: what they refuse it may not grant (see :func:`parse_decision`).
    :param raw: the body as sent, when the caller has it. JSON forbids raw
        control characters in strings, so a bad character arrives escaped
        (a backslash), as DEL, as a UTF-8-encoded surrogate (``0xED`` lead
        byte, which Python's JSON decoder lets through) or in a UTF-16/32
        body (NUL bytes); a body with none of those bytes skips the walk
        over every string.
    :param place: what the visitor's jurisdiction puts in force (regime, pre-granted
        categories, UK exception); the site's own rules when not given.
    :raises ChoiceError: a field is missing, unknown, of the wrong type or contradictory.
    :raises StaleRevision: the visitor saw another revision than the current one.
    """
    _check_shape(body, raw)
    revision = _get(body, "revision", int)
    if revision != config.revision:
        raise StaleRevision(
            f"The banner shown was revision {revision}, but the site is now at revision "
            f"{config.revision}; reload the banner and ask again."
        )
    shown_hash = _get(body, "shown_hash", str)
    if not _HASH.match(shown_hash):
        raise ChoiceError(
            "shown_hash", "shown_hash must be the 64-character hex hash from banner.json."
        )
    locale = _get(body, "locale", str)
    if locale not in config.locales:
        raise ChoiceError("locale", f"Locale {locale!r} is not enabled for this site.")
    try:
        method = Method(_get(body, "method", str))
    except ValueError:
        raise ChoiceError("method", f"method must be one of {[m.value for m in Method]}.") from None
    choices, services = _get(body, "choices", dict), body.get("services", {})
    decision = parse_decision(config, method, choices, services, gpc=gpc, adpc=adpc, place=place)
    previous = body.get("previous_token")
    if previous is not None and (not isinstance(previous, str) or len(previous) > MAX_TOKEN):
        raise ChoiceError(
            "previous_token", "previous_token must be the consent cookie's value, a string."
        )
    return ConsentRequest(
        revision=revision,
        shown_hash=shown_hash,
        locale=locale,
        method=method,
        decision=decision,
        page_url=strip_url(_get(body, "page_url", str)),
        previous_token=previous or None,
        uk=config.jurisdictions is not None and place is not None and bool(place.exempt),
    )


def _check_shape(body: t.Any, raw: bytes | None) -> None:
    """A JSON object of known fields, with no bad character in any string."""
    if not isinstance(body, dict):
        raise ChoiceError("", "The request body must be a JSON object.")
    if raw is None or _MAYBE_BAD.search(raw):
        _refuse_bad_text(body, "")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise ChoiceError(
            unknown[0], f"Unknown field {unknown[0]!r}; expected some of {sorted(_FIELDS)}."
        )


def strip_url(url: str) -> str:
    """Keep scheme, host and path of a page URL; drop query, fragment and credentials.

    Queries carry e-mail addresses, order numbers and campaign IDs that a
    proof of consent has no need to keep.
    """
    if len(url) > MAX_URL:
        raise ChoiceError("page_url", f"page_url is longer than {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ChoiceError("page_url", "page_url is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChoiceError("page_url", "page_url must be the http(s) address of the page.")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path or "/", "", ""))


def _get(body: dict[str, t.Any], key: str, kind: type) -> t.Any:
    if key not in body:
        raise ChoiceError(key, f"The field {key!r} is required.")
    value = body[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ChoiceError(key, f"{key!r} must be of type {kind.__name__}.")
    return value


def _refuse_bad_text(value: t.Any, path: str) -> None:
    """Refuse NUL, other control characters and lone surrogates anywhere in the body.

    JSON parsers accept ``"\\u0000"`` and ``"\\ud800"``, but PostgreSQL refuses
    NUL in text and lone surrogates cannot be encoded, so such a request would
    fail late, and differently per store. Refusing it here keeps both alike.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_bad_text(key, path)
            _refuse_bad_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            _refuse_bad_text(item, path)
    elif isinstance(value, str) and _BAD_TEXT.search(value):
        raise ChoiceError(
            path, f"{path or 'The body'} contains control characters or invalid Unicode."
        )
