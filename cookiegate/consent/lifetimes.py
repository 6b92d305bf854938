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

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig
    from .choices import Decision

DAY = 86400


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
    optional, category_of = config.optional_ids, config.category_of
    if any(decision.categories.get(c, False) for c in optional):
        return False
    return not any(v for s, v in decision.services.items() if category_of.get(s) in optional)


def lifetime_days(config: SiteConfig, decision: Decision) -> int:
    """Days the token and its cookie live: the refusal lifetime for a refusal
    (:func:`is_refusal`), else the consent lifetime."""
    return _days(config, is_refusal(config, decision))


def token_fields(config: SiteConfig, decision: Decision, issued_at: int) -> dict[str, t.Any]:
    """The lifetime fields of a new token: ``expires_at``, ``refusal`` and ``purposes``.

    :func:`is_refusal` runs once here, and its answer picks the lifetime as
    :func:`lifetime_days` does.
    """
    refusal = is_refusal(config, decision)
    return {
        "expires_at": issued_at + _days(config, refusal) * DAY,
        "refusal": refusal,
        "purposes": config.purposes_hash,
    }


def _days(config: SiteConfig, refusal: bool) -> int:
    """The one rule: a refusal lives the refusal lifetime, anything else the consent lifetime."""
    return config.refusal_lifetime_days if refusal else config.lifetime_days
