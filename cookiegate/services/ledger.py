"""The consent ledger: records, looks up and verifies proofs of consent.

Service layer: it takes the store, site config, keys and clock as arguments,
never Flask globals, so the CLI, the web layer and the tests drive it the same
way.
"""

from __future__ import annotations

import contextlib
import json
import typing as t
import uuid
from dataclasses import dataclass
from datetime import datetime

from ..consent import lifetimes
from ..consent import proofs
from ..consent import tokens
from ..consent.request import ConsentRequest
from ..core.errors import StaleRevision
from ..core.errors import TokenError
from ..core.times import iso_utc
from ..store import Store
from ..store import queries
from . import appends

if t.TYPE_CHECKING:
    from ..consent.useragent import Agent
    from ..siteconfig.model import SiteConfig


@dataclass(frozen=True)
class Receipt:
    """What the API answers after a consent is durably recorded."""

    consent_id: str
    token: str
    issued_at: int
    expires_at: int
    chain_index: int


def record_consent(
    store: Store,
    config: SiteConfig,
    req: ConsentRequest,
    shown_content: t.Mapping[str, t.Any],
    *,
    ip: str | None,
    agent: Agent,
    secret_keys: t.Sequence[str],
    now: datetime,
    shown_hash: str | None = None,
    declaration: tuple[int, str] | None = None,
    place: tuple[str, str] | None = None,
) -> Receipt:
    """Write one proof record and return the signed token for the visitor.

    The record, its shown content and the new chain head commit together
    (with other concurrent writes of this process: group commit), and the
    token is issued only after the commit, so a token always points at a
    stored proof.

    :param shown_content: what the server would show for ``req.locale`` now;
        its hash must equal the one the visitor's banner reported.
    :param shown_hash: ``proofs.content_hash(shown_content)`` when the caller
        keeps it (the web layer does, per site and locale); else computed here.
    :param declaration: ``(revision, hash)`` of the cookie declaration the server
        serves (:mod:`cookiegate.services.declarations`): sealed into the record.
    :param place: ``(jurisdiction, regime)`` the server resolved for the request: sealed.
    :raises StaleRevision: the visitor saw different content.
    """
    shown_hash = _check_shown(req, shown_hash or proofs.content_hash(shown_content))
    previous_id = _previous_id(config, req.previous_token, secret_keys)
    created_at = iso_utc(now)
    record = _unsealed_record(config, req, shown_hash, created_at, ip, agent, previous_id)
    if declaration is not None:
        record["declaration_revision"], record["declaration_hash"] = declaration
    if place is not None:
        record["jurisdiction"], record["regime"] = place

    def shown_row() -> dict[str, t.Any]:
        return {
            "hash": shown_hash,
            "site_id": config.id,
            "revision": req.revision,
            "locale": req.locale,
            "content": proofs.canonical_json(shown_content),
            "created_at": created_at,
        }

    categories = req.decision.categories
    chain_index = appends.append(store, record, shown_row, shown_hash, categories)
    return _receipt(config, req, record["consent_id"], chain_index, secret_keys, now)


def _check_shown(req: ConsentRequest, shown_hash: str) -> str:
    """``shown_hash``, checked against the one the visitor's banner reported.

    A proof must say exactly what the visitor read; texts changed since the
    banner loaded (same revision, edited translation) would make it say
    something else.

    :raises StaleRevision: the hashes differ.
    """
    if shown_hash != req.shown_hash:
        raise StaleRevision(
            "The banner texts the visitor saw differ from the site's current ones; "
            "reload the banner and ask again."
        )
    return shown_hash


def _unsealed_record(
    config: SiteConfig,
    req: ConsentRequest,
    shown_hash: str,
    created_at: str,
    ip: str | None,
    agent: Agent,
    previous_id: str | None,
) -> dict[str, t.Any]:
    """A proof record with every sealed field but its place in the chain.

    The chain index and previous hash are only known once the chain head is
    locked inside the write (:func:`_append`); everything else is fixed
    before, so the transaction holding the lock stays short. The IP is
    truncated and the choices are canonical JSON, so the hash covers exactly
    the text that is stored.
    """
    return {
        "consent_id": str(uuid.uuid4()),
        "site_id": config.id,
        "created_at": created_at,
        "revision": req.revision,
        "shown_hash": shown_hash,
        "locale": req.locale,
        "method": req.method.value,
        "choices": proofs.canonical_json(req.decision.as_dict()),
        "page_url": req.page_url,
        "ip": proofs.truncate_ip(ip),
        "ua_browser": agent.browser,
        "ua_os": agent.os,
        "ua_device": agent.device,
        "ua_bot": agent.is_bot,
        "previous_id": previous_id,
    }


def _receipt(
    config: SiteConfig,
    req: ConsentRequest,
    consent_id: str,
    chain_index: int,
    secret_keys: t.Sequence[str],
    now: datetime,
) -> Receipt:
    """The visitor's signed token for the stored record, and what the API answers.

    Called only after the commit, so a token always names a stored proof.
    The token expires after the site's consent lifetime, or its refusal
    lifetime for a refusal (:mod:`cookiegate.consent.lifetimes`), when the
    banner asks again; it carries the purposes hash, so a refusal outlives a
    revision bump that changes only wording.
    """
    issued = int(now.timestamp())
    token = tokens.ConsentToken(
        consent_id=consent_id,
        site=config.id,
        revision=req.revision,
        decision=req.decision,
        issued_at=issued,
        uk=req.uk,
        **lifetimes.token_fields(config, req.decision, issued),
    )
    return Receipt(
        consent_id=consent_id,
        token=tokens.sign(secret_keys, token),
        issued_at=issued,
        expires_at=token.expires_at,
        chain_index=chain_index,
    )


def _previous_id(config: SiteConfig, token: str | None, secret_keys: t.Sequence[str]) -> str | None:
    """The consent ID a change follows, when the visitor's old token is genuine.

    An expired or stale token still links the history; a forged one is
    ignored rather than refused, so a visitor whose cookie was signed with a
    retired key can still record a new choice.
    """
    if not token:
        return None
    try:
        return tokens.verify(secret_keys, token, config.id, now=None).consent_id
    except TokenError:
        return None


def find_proof(store: Store, site_id: str, consent_id: str) -> dict[str, t.Any] | None:
    """A proof record with its choices decoded, or None."""
    with store.begin() as conn:
        row = queries.get_proof(conn, site_id, consent_id)
    return decoded(row) if row else None


def decoded(row: dict[str, t.Any]) -> dict[str, t.Any]:
    """A stored proof row with its choices read back from their canonical JSON (in place)."""
    row["choices"] = json.loads(row["choices"])
    return row


def shown_content(store: Store, content_hash: str) -> dict[str, t.Any] | None:
    """The exact banner content a proof points at."""
    with store.begin() as conn:
        row = queries.get_shown(conn, content_hash)
    return json.loads(row["content"]) if row else None


def verify_log(
    store: Store,
    site_id: str,
    secret_keys: t.Sequence[str] = (),
    anchors: t.Sequence[proofs.SignedHead] = (),
) -> proofs.ChainReport:
    """Walk a site's chain from its start and report the first broken link.

    The start is the genesis, or after a retention purge the signed
    checkpoint; a checkpoint whose signature none of ``secret_keys`` made
    fails the check at the first record after it.
    """
    with store.begin() as conn:
        head = queries.get_head(conn, site_id)
        checkpoint = get_checkpoint(conn, site_id)
        start = None
        if checkpoint is not None:
            start = (checkpoint.chain_index, checkpoint.hash)
            if not proofs.checkpoint_valid(secret_keys, checkpoint):
                report = proofs.ChainReport(site_id, length=checkpoint.chain_index)
                report.problem = proofs.ChainProblem(
                    checkpoint.chain_index + 1,
                    "-",
                    "the retention checkpoint before it is not signed by this server's "
                    "keys; records may have been deleted and the checkpoint forged.",
                )
                return report
        with contextlib.closing(queries.iter_chain(conn, site_id)) as records:
            return proofs.verify_chain(site_id, records, head, start, anchors)


def get_checkpoint(conn: t.Any, site_id: str) -> proofs.Checkpoint | None:
    """The site's retention checkpoint as a domain object, read inside ``conn``."""
    row = queries.get_checkpoint(conn, site_id)
    if row is None:
        return None
    return proofs.Checkpoint(
        site_id=row["site_id"],
        chain_index=int(row["chain_index"]),
        hash=row["hash"],
        purged_through=row["purged_through"],
        signature=row["signature"],
    )


def logged_sites(store: Store) -> list[str]:
    """Every site with a chain in the store, including sites no longer configured."""
    with store.begin() as conn:
        return queries.site_ids(conn)
