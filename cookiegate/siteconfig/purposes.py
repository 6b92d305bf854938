"""The purposes hash: a digest of what a visitor's choice is about, apart from its wording.

A refusal is remembered across revisions while this hash stays the same
(:mod:`cookiegate.consent.lifetimes`). CNIL's recommendation of 17 September 2020
keeps a choice for six months before asking again (summarised at
https://www.quantic-avocats.com/2020/11/05/cookies-cnil/), and the EU Digital
Omnibus proposal of 19 November 2025 (GDPR art. 88a) lets a new request *for the
same purpose* come only six months after a refusal (summarised at
https://www.itlawfirm.it/en/legal-case-studies/enterprise-law/cookies-new-rules-on-the-way
and https://syrenis.com/?p=25305). So a bump of ``revision`` for a reworded
description must not re-ask everyone who said no, while a new service, a new
purpose or a new recipient must.

It lives here, in the site config layer, because both the loader rules
(:mod:`cookiegate.loader.payload`, ``rules.ph``) and the consent tokens
(:mod:`cookiegate.consent.tokens`) need it, and neither layer may import the
other (``pyproject.toml``, import-linter contracts).
"""

from __future__ import annotations

import hashlib
import json
import typing as t

if t.TYPE_CHECKING:
    from .model import Service
    from .model import SiteConfig

#: Hex digits kept. 32 bits: the hash tells one config's purposes from the next one's
#: (written by the same operator, never chosen by an adversary), and every digit is paid
#: for in the loader on every page view.
HASH_LENGTH = 8


def purposes(config: SiteConfig) -> dict[str, t.Any]:
    """What a visitor grants or refuses, without any text shown about it.

    In: each category (id, and whether it is locked: a service moved into ``necessary``
    runs for someone who refused it), each service (id, category, provider, catalogue
    entry, legal basis, the countries its data goes to) and the services run under the
    UK statistics exception (they run for a visitor who refused, until an objection).
    Out: names, descriptions, custom texts, the policy URL, URL patterns, cookie names and
    lifetimes, Consent Mode signals: wording, or how blocking works, not what is agreed to.
    Order is not a purpose either: categories and services are sorted.
    """
    return {
        "categories": sorted([c.id, c.locked] for c in config.categories),
        "services": sorted(_service(s) for s in config.services),
        "uk_statistics": sorted(config.uk_statistics),
    }


def _service(service: Service) -> list[t.Any]:
    return [
        service.id,
        service.category,
        service.provider,
        service.catalogue_id,
        service.basis,
        sorted(service.countries),
    ]


def purposes_hash(config: SiteConfig) -> str:
    """The first :data:`HASH_LENGTH` hex digits of SHA-256 over :func:`purposes` as
    canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(purposes(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_LENGTH]
