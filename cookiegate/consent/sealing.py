"""The hash that chains proof records: which fields it covers, and their canonical JSON.

Apart from :mod:`.proofs` (which re-exports all of it) so that module stays one concept
of readable size; the hash itself is unchanged since the first record.
"""

from __future__ import annotations

import hashlib
import json
import typing as t
from dataclasses import dataclass

#: Fields covered by a record's hash, in a fixed order.
SEALED_FIELDS = (
    "consent_id",
    "site_id",
    "chain_index",
    "created_at",
    "revision",
    "shown_hash",
    "locale",
    "method",
    "choices",
    "page_url",
    "ip",
    "ua_browser",
    "ua_os",
    "ua_device",
    "ua_bot",
    "previous_id",
    "prev_hash",
)
#: Sealed when set: the cookie declaration the visitor could read (0005), their place and
#: regime (0006). Older records lack them and verify as they always did (see :func:`seal`).
DECLARATION_FIELDS = ("declaration_revision", "declaration_hash")
JURISDICTION_FIELDS = ("jurisdiction", "regime")
OPTIONAL_FIELDS = (*DECLARATION_FIELDS, *JURISDICTION_FIELDS)


#: What ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
#: builds on every call; kept, since every record's seal calls it three times.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: t.Any) -> str:
    """JSON with sorted keys and no spaces: one byte string per value, for hashing."""
    return _CANONICAL.encode(value)


def content_hash(content: t.Any) -> str:
    """The SHA-256 of a value's canonical JSON (used for the shown banner content)."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def seal(record: t.Mapping[str, t.Any]) -> str:
    """The chain hash of ``record``, which must hold every field of ``SEALED_FIELDS``.

    The optional fields join the hashed list only when the record has them, so the hash of
    every record written before they existed is unchanged.
    """
    return unlinked(record).seal(record["chain_index"], record["prev_hash"])


@dataclass(frozen=True)
class Unlinked:
    """A record's sealed text less its place in the chain, which only the chain head gives.

    Records are sealed while their transaction holds the chain head (on SQLite the write
    lock, which every process's writes wait for), so the canonical JSON of their other
    fields, the bulk of :func:`seal`'s work, is written before the lock is taken; under
    it only the index and the previous hash are spliced in and hashed. The text is the
    canonical JSON of the list :func:`seal` hashes, byte for byte: a list's JSON is its
    items' JSON joined by commas.
    """

    #: ``[consent_id,site_id,`` as JSON.
    before: str
    #: ``,created_at,…,previous_id,``: the fields between ``chain_index`` and ``prev_hash``.
    middle: str
    #: The optional fields the record has, each after a comma, then ``]``.
    after: str

    def seal(self, chain_index: int, prev_hash: str) -> str:
        """The record's hash at ``chain_index`` after the record hashed ``prev_hash``."""
        index, prev = canonical_json(chain_index), canonical_json(prev_hash)
        text = f"{self.before}{index}{self.middle}{prev}{self.after}"
        return hashlib.sha256(text.encode()).hexdigest()


#: Where the two chain fields sit in ``SEALED_FIELDS`` (:class:`Unlinked` splices them in).
_INDEX_AT, _PREV_AT = SEALED_FIELDS.index("chain_index"), SEALED_FIELDS.index("prev_hash")
assert _INDEX_AT > 0 and _PREV_AT == len(SEALED_FIELDS) - 1 and _PREV_AT > _INDEX_AT + 1


def unlinked(record: t.Mapping[str, t.Any]) -> Unlinked:
    """``record``'s :class:`Unlinked` text; its ``chain_index`` and ``prev_hash`` are not read."""
    optional: list[t.Any] = []
    for fields in (DECLARATION_FIELDS, JURISDICTION_FIELDS):
        if record.get(fields[-1]) is not None:
            optional += [record[f] for f in fields]
    head = canonical_json([record[f] for f in SEALED_FIELDS[:_INDEX_AT]])
    middle = canonical_json([record[f] for f in SEALED_FIELDS[_INDEX_AT + 1 : _PREV_AT]])
    tail = "," + canonical_json(optional)[1:-1] if optional else ""
    return Unlinked(head[:-1] + ",", "," + middle[1:-1] + ",", tail + "]")
