"""Proof records: what is kept of each choice, and the hash chain that seals them.

A record holds what an auditor needs to show a consent was given freely and
informed (when, which config revision, a hash of exactly what was shown, the
choices, how they were given) and as little personal data as that allows
(IP truncated, URL without query, user agent summarised). Each record's hash
covers its fields and the previous record's hash, so editing, deleting or
reordering any record breaks the chain at that point.
"""

from __future__ import annotations

import functools
import ipaddress
import typing as t
from dataclasses import dataclass
from dataclasses import replace

from itsdangerous import BadData
from itsdangerous import Signer
from itsdangerous import URLSafeSerializer

from ..core.errors import CookiegateError
from .sealing import DECLARATION_FIELDS as DECLARATION_FIELDS
from .sealing import JURISDICTION_FIELDS as JURISDICTION_FIELDS
from .sealing import OPTIONAL_FIELDS as OPTIONAL_FIELDS
from .sealing import SEALED_FIELDS as SEALED_FIELDS
from .sealing import Unlinked as Unlinked
from .sealing import canonical_json as canonical_json
from .sealing import content_hash as content_hash
from .sealing import seal as seal
from .sealing import unlinked as unlinked

GENESIS = "0" * 64


@functools.lru_cache(maxsize=4096)
def truncate_ip(address: str | None) -> str:
    """Keep the network part only: IPv4 to /24, IPv6 to /48.

    Enough to tell roughly where a consent came from in an investigation, not
    enough to single out a household. Cached: visitors come back, and
    parsing an address costs more than the rest of a record's fields.
    """
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@dataclass(frozen=True)
class ChainProblem:
    """The first place a chain fails to verify."""

    chain_index: int
    consent_id: str
    message: str

    def __str__(self) -> str:
        return f"record #{self.chain_index} (consent {self.consent_id}): {self.message}"


@dataclass
class ChainReport:
    """The outcome of walking one site's chain."""

    site_id: str
    #: Records checked (after the checkpoint, when older ones were purged).
    checked: int = 0
    head_hash: str = GENESIS
    problem: ChainProblem | None = None
    #: Chain index of the last record checked.
    length: int = 0
    #: Records purged by retention before the checked part (the checkpoint's index).
    purged: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Checkpoint:
    """Where a chain resumes after a retention purge, signed by the server.

    The signature covers the site, index and hash of the last purged record,
    so nobody without a secret key can delete more records and move the
    checkpoint over the gap.
    """

    site_id: str
    chain_index: int
    hash: str
    purged_through: str
    signature: str

    def payload(self) -> bytes:
        return canonical_json(
            [self.site_id, self.chain_index, self.hash, self.purged_through]
        ).encode()


def _checkpoint_signer(secret_keys: t.Sequence[str]) -> Signer:
    # itsdangerous signs with the last key of the list; ours are newest first.
    return Signer(list(reversed(secret_keys)), salt="cookiegate.checkpoint")


def sign_checkpoint(secret_keys: t.Sequence[str], unsigned: Checkpoint) -> Checkpoint:
    """The checkpoint with its signature by the newest key."""
    signature = _checkpoint_signer(secret_keys).get_signature(unsigned.payload()).decode()
    return replace(unsigned, signature=signature)


def checkpoint_valid(secret_keys: t.Sequence[str], checkpoint: Checkpoint) -> bool:
    """True when any of the keys signed exactly this checkpoint."""
    return bool(secret_keys) and _checkpoint_signer(secret_keys).verify_signature(
        checkpoint.payload(), checkpoint.signature.encode()
    )


class HeadError(CookiegateError):
    """A signed chain head is not one this server's keys signed."""


@dataclass(frozen=True)
class SignedHead:
    """A chain head as an auditor keeps it, away from the server.

    The store's own head row can be rewritten by whoever deletes the newest
    records; a head signed earlier and kept elsewhere cannot, so checking the
    log against it shows such a deletion.
    """

    site_id: str
    length: int
    hash: str
    #: When it was taken (ISO 8601 UTC).
    at: str

    def sign(self, secret_keys: t.Sequence[str]) -> str:
        return _head_serializer(secret_keys).dumps([self.site_id, self.length, self.hash, self.at])

    @classmethod
    def read(cls, secret_keys: t.Sequence[str], token: str) -> SignedHead:
        """:raises HeadError: the token is malformed or not signed by any of the keys."""
        try:
            site_id, length, hash_, at = _head_serializer(secret_keys).loads(token)
            return cls(str(site_id), int(length), str(hash_), str(at))
        except (BadData, ValueError, TypeError):
            raise HeadError(
                "The signed chain head is malformed or not signed by this server's keys."
            ) from None


def _head_serializer(secret_keys: t.Sequence[str]) -> URLSafeSerializer:
    return URLSafeSerializer(list(reversed(secret_keys)), salt="cookiegate.chain-head")


def verify_chain(
    site_id: str,
    records: t.Iterable[t.Mapping[str, t.Any]],
    head: tuple[int, str] | None,
    start: tuple[int, str] | None = None,
    anchors: t.Sequence[SignedHead] = (),
) -> ChainReport:
    """Walk ``records`` in chain order and report the first broken link.

    :param head: ``(length, hash)`` the store recorded as the chain's end, or
        None when no record was ever written; catches deletion of the newest
        records, which leaves an internally consistent but shorter chain.
    :param start: ``(index, hash)`` of the last purged record, from a
        checkpoint whose signature the caller has checked; None starts at
        the genesis.
    :param anchors: signed heads taken earlier (checked by the caller): the
        record at each one's length must still have its hash, and exist.
    """
    expected_at = {a.length: a for a in anchors if a.site_id == site_id}
    report = ChainReport(site_id)
    report.length, report.head_hash = start or (0, GENESIS)
    report.purged = report.length
    for rec in records:
        report.problem = _record_problem(rec, report, expected_at)
        if report.problem is not None:
            return report
        report.length, report.head_hash = rec["chain_index"], rec["hash"]
        report.checked += 1
    report.problem = _end_problem(report, head or (0, GENESIS), expected_at)
    return report


def _record_problem(
    rec: t.Mapping[str, t.Any], report: ChainReport, expected_at: t.Mapping[int, SignedHead]
) -> ChainProblem | None:
    """What is wrong with ``rec`` as the record after the last one ``report`` checked.

    Checked in the order that names the cause best: a gap or repeat in the
    numbering (records deleted or moved), then the link to the previous
    record, then the record's own hash (edited), then a signed head taken at
    this record (the log rewritten consistently since).
    """
    index, cid = rec["chain_index"], rec["consent_id"]
    expected_index = report.length + 1
    if index != expected_index:
        missing = "deleted" if index > expected_index else "duplicated or reordered"
        return ChainProblem(
            index, cid, f"expected record #{expected_index} here; records were {missing}."
        )
    if rec["prev_hash"] != report.head_hash:
        return ChainProblem(
            index,
            cid,
            "its link to the previous record is broken; a record before it "
            "was edited, deleted or moved.",
        )
    if seal(rec) != rec["hash"]:
        return ChainProblem(
            index, cid, "its content does not match its hash; the record was edited."
        )
    anchor = expected_at.get(index)
    if anchor is not None and anchor.hash != rec["hash"]:
        return ChainProblem(
            index, cid, f"it differs from the signed head of {anchor.at}; the log was rewritten."
        )
    return None


def _end_problem(
    report: ChainReport, head: tuple[int, str], expected_at: t.Mapping[int, SignedHead]
) -> ChainProblem | None:
    """What is wrong with where the walk ended: records missing after the last one.

    Deleting the newest records leaves a chain that verifies link by link;
    only a head kept elsewhere shows it. A signed head beyond the end is the
    stronger evidence (the store's own head row can be rewritten too), so it
    is named first.
    """
    beyond = [a for a in expected_at.values() if a.length > report.length]
    if beyond:
        anchor = max(beyond, key=lambda a: a.length)
        return ChainProblem(
            report.length + 1,
            "-",
            f"the log ends after record #{report.length} but the signed head of {anchor.at} "
            f"records #{anchor.length}; the newest records were deleted.",
        )
    length, head_hash = head
    if (report.length, report.head_hash) != (length, head_hash):
        return ChainProblem(
            report.length + 1,
            "-",
            f"the log ends after record #{report.length} but the chain head records "
            f"#{length}; the newest records were deleted.",
        )
    return None
