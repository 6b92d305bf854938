"""Two lifetimes for a choice: how long an acceptance and a refusal are remembered.

An acceptance lasts ``consent_lifetime_days`` (at most 13 months) and only for the
config revision it was given at: a consent must be informed, and a new revision may
say something else about what was agreed to. A refusal lasts
``refusal_lifetime_days`` (at least six months, CNIL; the EU Digital Omnibus proposal
of November 2025 writes the same rule, :mod:`cookiegate.siteconfig.purposes`) and
survives a revision bump as long as the purposes hash is unchanged: a reworded text
is no reason to ask again someone who said no, a new purpose or recipient is.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ..siteconfig.purposes import purposes_hash

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig
    from .choices import Decision

DAY = 86400
#: Most configs whose facts are kept (:func:`_facts`); a server has a few sites.
_FACTS_KEPT = 64


@dataclass(frozen=True)
class _Facts:
    """What every token of one config needs, worked out once per config object."""

    optional: frozenset[str]
    #: Service ID -> its category.
    category_of: t.Mapping[str, str]
    #: :func:`~cookiegate.siteconfig.purposes.purposes_hash` of the config.
    purposes: str


#: ``id(config)`` -> (config, its facts). The config is held, so its ``id`` cannot be
#: reused by another object while cached, and an identity check makes a hit certain.
_FACTS: dict[int, tuple[SiteConfig, _Facts]] = {}


def _facts(config: SiteConfig) -> _Facts:
    """The config's :class:`_Facts`, built on first use.

    Every consent signed a token whose purposes hash serialised and hashed the whole
    service list again (1.2 KB of JSON for the demo site): 9 % of a consent's CPU time
    in the profile (bench/README.md). Configs are frozen and built once at start, so the
    figures cannot change under a config object; keyed by identity because a config
    (it holds its texts as a dict) cannot be hashed.
    """
    hit = _FACTS.get(id(config))
    if hit is not None and hit[0] is config:
        return hit[1]
    facts = _Facts(
        optional=frozenset(c.id for c in config.optional_categories),
        category_of={s.id: s.category for s in config.services},
        purposes=purposes_hash(config),
    )
    if len(_FACTS) >= _FACTS_KEPT:
        _FACTS.clear()  # tests build many apps; a server never gets here
    _FACTS[id(config)] = (config, facts)
    return facts


def is_refusal(config: SiteConfig, decision: Decision) -> bool:
    """True when ``decision`` grants nothing that needs consent: every optional category is
    refused and no service of one is granted on its own.

    However it was given (``reject_all``, ``withdraw``, ``gpc`` or ``custom`` with every
    switch off), only the outcome counts. Services run under the UK statistics exception
    need no consent, so an objection to them, or none, changes nothing: refused
    categories with or without an objection are a refusal.

    A partial choice (something granted, something refused) counts as an acceptance: it
    holds a consent, and a consent is only valid for what the visitor was told (a new
    revision re-asks) and for the acceptance lifetime, which regulators cap at 13 months
    while the refusal lifetime has only a floor; giving it the refusal's rules would
    stretch a consent past both limits.
    """
    facts = _facts(config)
    optional, category_of = facts.optional, facts.category_of
    if any(decision.categories.get(c, False) for c in optional):
        return False
    return not any(v for s, v in decision.services.items() if category_of.get(s) in optional)


def lifetime_days(config: SiteConfig, decision: Decision) -> int:
    """Days the token and its cookie live: the refusal lifetime for a refusal
    (:func:`is_refusal`), else the consent lifetime."""
    return config.refusal_lifetime_days if is_refusal(config, decision) else config.lifetime_days


def token_fields(config: SiteConfig, decision: Decision, issued_at: int) -> dict[str, t.Any]:
    """The lifetime fields of a new token: ``expires_at``, ``refusal`` and ``purposes``."""
    refusal = is_refusal(config, decision)
    days = config.refusal_lifetime_days if refusal else config.lifetime_days
    return {
        "expires_at": issued_at + days * DAY,
        "refusal": refusal,
        "purposes": _facts(config).purposes,
    }
