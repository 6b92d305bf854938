"""What a visitor chose, and whether a choice request is well-formed.

Pure functions over a :class:`~cookiegate.siteconfig.SiteConfig`: the web
layer hands in the decoded JSON body and gets back a :class:`ConsentRequest`
or a :class:`~cookiegate.errors.ChoiceError` naming the field at fault. The
method must agree with the choices (an "accept all" that refuses something is
a client bug or a forgery, and a proof must not record it).
"""

from __future__ import annotations

import enum
import re
import typing as t
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ..core.errors import ChoiceError
from ..core.errors import StaleRevision

if t.TYPE_CHECKING:
    from ..siteconfig.load import SiteConfig

_HASH = re.compile(r"^[0-9a-f]{64}$")
MAX_URL = 2048
MAX_TOKEN = 4096
_FIELDS = {
    "revision",
    "shown_hash",
    "locale",
    "method",
    "choices",
    "services",
    "page_url",
    "previous_token",
}


class Method(enum.StrEnum):
    """How the visitor gave (or withdrew) consent."""

    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    CUSTOM = "custom"
    GPC = "gpc"
    WITHDRAW = "withdraw"
    #: The visitor objected to statistics run under the UK exception (PECR reg. 6).
    OBJECTION = "objection"


@dataclass(frozen=True)
class Decision:
    """Granted or refused, per category and per service the visitor set."""

    #: Every category of the site, locked ones True.
    categories: t.Mapping[str, bool]
    #: Only services the visitor set apart from their category.
    services: t.Mapping[str, bool]

    def allows(self, config: SiteConfig, service_id: str) -> bool:
        """True when ``service_id`` may run: its own choice, else the UK statistics
        exception, else its category's."""
        if service_id in self.services:
            return self.services[service_id]
        if service_id in config.uk_statistics:
            return True  # runs without consent until the visitor objects
        service = next(s for s in config.services if s.id == service_id)
        return self.categories.get(service.category, False)

    def as_dict(self) -> dict[str, dict[str, bool]]:
        return {"categories": dict(self.categories), "services": dict(self.services)}


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


#: A consent body nests two levels (body -> choices -> value); allow some slack.
MAX_DEPTH = 4


def json_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest, without parsing it.

    Checked before parsing, so a small body of ``[[[[…]]]]`` cannot drive the
    parser's recursion (a crash in some parsers, a 500 in others).
    """
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


def parse_request(config: SiteConfig, body: t.Any, *, gpc: bool = False) -> ConsentRequest:
    """Validate a decoded consent POST body against ``config``.

    :param gpc: the request carried ``Sec-GPC: 1``; it may then grant nothing
        the site refuses under Global Privacy Control (see :func:`parse_decision`).
    :raises ChoiceError: a field is missing, unknown, of the wrong type or contradictory.
    :raises StaleRevision: the visitor saw another revision than the current one.
    """
    if not isinstance(body, dict):
        raise ChoiceError("", "The request body must be a JSON object.")
    _refuse_bad_text(body, "")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise ChoiceError(
            unknown[0], f"Unknown field {unknown[0]!r}; expected some of {sorted(_FIELDS)}."
        )
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
    decision = parse_decision(
        config, method, _get(body, "choices", dict), body.get("services", {}), gpc=gpc
    )
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
    )


def parse_decision(
    config: SiteConfig, method: Method, categories: t.Any, services: t.Any, *, gpc: bool = False
) -> Decision:
    """Check choices cover every category, name only known services, and fit ``method``.

    :param gpc: the browser sent Global Privacy Control with this request. No
        method may then grant a ``gpc_refuses`` category or one of its services:
        the signal is the visitor's standing opt-out, so an "Accept all" click
        or a switch turned on does not outweigh it (CCPA regs. §7025, Colorado
        rule 5). The visitor opts in by turning the signal off for the site.
    """
    if not isinstance(services, dict):
        raise ChoiceError("services", "services must be an object of service id to true/false.")
    known = {c.id for c in config.categories}
    for name, bucket in (("choices", categories), ("services", services)):
        for key, value in bucket.items():
            if not isinstance(value, bool):
                raise ChoiceError(f"{name}.{key}", f"{name}.{key} must be true or false.")
    for key in categories:
        if key not in known:
            raise ChoiceError(f"choices.{key}", f"Unknown category {key!r}.")
    for key in services:
        if not any(s.id == key for s in config.services):
            raise ChoiceError(f"services.{key}", f"Unknown service {key!r}.")
    cats: dict[str, bool] = {}
    for category in config.categories:
        if category.locked:
            if categories.get(category.id, True) is not True:
                raise ChoiceError(
                    f"choices.{category.id}", f"{category.id!r} is always on and cannot be refused."
                )
            cats[category.id] = True
        elif category.id not in categories:
            raise ChoiceError(
                f"choices.{category.id}", f"A choice for {category.id!r} is required."
            )
        else:
            cats[category.id] = categories[category.id]
    locked = {c.id for c in config.categories if c.locked}
    for service in config.services:
        if service.category in locked and services.get(service.id, True) is not True:
            raise ChoiceError(
                f"services.{service.id}",
                f"{service.id!r} is strictly necessary and cannot be refused.",
            )
    decision = Decision(cats, dict(services))
    _check_method(config, method, decision)
    if gpc and method is not Method.GPC and _grants_gpc_refused(config, decision):
        raise ChoiceError(
            "method",
            f"The request carries Sec-GPC: 1 (Global Privacy Control), so it cannot grant "
            f"{_gpc_refused(config)}; send method 'gpc' with them refused.",
        )
    return decision


def _gpc_refused(config: SiteConfig) -> list[str]:
    return [c.id for c in config.categories if c.gpc_refuses]


def _grants_gpc_refused(config: SiteConfig, decision: Decision) -> bool:
    """True when ``decision`` grants a category refused under GPC, or one of its services."""
    refused = _gpc_refused(config)
    return any(decision.categories[c] for c in refused) or any(
        v
        for s, v in decision.services.items()
        if next(x for x in config.services if x.id == s).category in refused
    )


def _check_method(config: SiteConfig, method: Method, decision: Decision) -> None:
    optional = [c.id for c in config.optional_categories]
    values = [decision.categories[c] for c in optional] + list(decision.services.values())
    if method is Method.ACCEPT_ALL and not all(values):
        raise ChoiceError("method", "accept_all must grant every category and service.")
    if method in (Method.REJECT_ALL, Method.WITHDRAW) and any(values):
        raise ChoiceError(
            "method", f"{method.value} must refuse every optional category and service."
        )
    if method is Method.GPC and _grants_gpc_refused(config, decision):
        raise ChoiceError(
            "method",
            f"gpc must refuse {_gpc_refused(config)}: the browser sent Global Privacy Control.",
        )
    if method is Method.OBJECTION:
        exempt = config.uk_statistics
        if not exempt:
            raise ChoiceError(
                "method",
                "objection is only for sites that run statistics under the UK statistics "
                "exception, and this site does not.",
            )
        kept = [s for s in exempt if decision.services.get(s) is not False]
        if kept:
            raise ChoiceError(
                f"services.{kept[0]}",
                f"objection must set every service of the UK statistics exception to false "
                f"({list(exempt)}).",
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
    elif isinstance(value, str) and any(
        ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF or ord(c) == 0x7F for c in value
    ):
        raise ChoiceError(
            path, f"{path or 'The body'} contains control characters or invalid Unicode."
        )
