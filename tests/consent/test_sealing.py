"""The chain hash: what it covers, and the same hash when its text is written before the lock."""

from __future__ import annotations

import typing as t

from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent import proofs

TEXT = st.text(max_size=12)
#: The JSON a record's fields can hold: text (non-ASCII too), numbers, flags, None.
VALUE = st.one_of(TEXT, st.integers(), st.booleans(), st.none())


def _record(values: list[t.Any], declaration: bool, place: bool) -> dict[str, t.Any]:
    record = dict(zip(proofs.SEALED_FIELDS, values, strict=True))
    if declaration:
        record.update(declaration_revision=3, declaration_hash="d" * 64)
    if place:
        record.update(jurisdiction="GB", regime="opt_in")
    return record


@given(
    values=st.lists(VALUE, min_size=17, max_size=17),
    index=st.integers(min_value=1, max_value=10**12),
    prev_hash=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    declaration=st.booleans(),
    place=st.booleans(),
)
def test_the_hash_is_the_sha256_of_the_canonical_json_of_the_sealed_fields_in_order(
    values: list[t.Any], index: int, prev_hash: str, declaration: bool, place: bool
) -> None:
    """Every record ever written verifies against this formula: it must not move."""
    record = _record(values, declaration, place) | {"chain_index": index, "prev_hash": prev_hash}
    listed = [record[f] for f in proofs.SEALED_FIELDS]
    if declaration:
        listed += [3, "d" * 64]
    if place:
        listed += ["GB", "opt_in"]
    assert proofs.seal(record) == proofs.content_hash(listed)


@given(values=st.lists(VALUE, min_size=17, max_size=17), place=st.booleans())
def test_the_text_written_before_the_lock_seals_at_whatever_place_the_head_gives(
    values: list[t.Any], place: bool
) -> None:
    record = _record(values, declaration=True, place=place)
    unlinked = proofs.unlinked(record)  # chain_index and prev_hash not known yet
    for index, prev_hash in ((1, proofs.GENESIS), (42, "ab" * 32)):
        linked = record | {"chain_index": index, "prev_hash": prev_hash}
        assert unlinked.seal(index, prev_hash) == proofs.seal(linked)
