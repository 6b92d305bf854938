"""Consent tokens: round trip, key rotation, and every way a token must fail."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate import read_consent
from cookiegate.consent import tokens
from cookiegate.consent.choices import Decision
from cookiegate.core.errors import TokenError

NEW, OLD = "newest-key-0123456789abcdef", "older-key-0123456789abcdef"
NOW = 1_800_000_000


def _token(**changes: object) -> tokens.ConsentToken:
    fields: dict[str, object] = {
        "consent_id": "4f2c1b1e-0000-4000-8000-000000000001",
        "site": "demo",
        "revision": 3,
        "decision": Decision(
            {"necessary": True, "analytics": True, "advertising": False}, {"youtube": True}
        ),
        "issued_at": NOW,
        "expires_at": NOW + 86400,
    }
    fields.update(changes)
    return tokens.ConsentToken(**fields)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field() -> None:
    original = _token()
    assert tokens.verify([NEW], tokens.sign([NEW], original), "demo", now=NOW) == original


def test_newest_key_signs_and_older_keys_still_verify() -> None:
    signed = tokens.sign([NEW, OLD], _token())
    # Signed with the newest key: verifiable with it alone, not with the old one alone.
    assert tokens.verify([NEW], signed, "demo", now=NOW).consent_id
    with pytest.raises(TokenError, match="bad_signature"):
        tokens.verify([OLD], signed, "demo", now=NOW)
    # A token from before the rotation is accepted while its key is listed ...
    legacy = tokens.sign([OLD], _token())
    assert tokens.verify([NEW, OLD], legacy, "demo", now=NOW).revision == 3
    # ... and refused once the key is retired.
    with pytest.raises(TokenError, match="bad_signature"):
        tokens.verify([NEW], legacy, "demo", now=NOW)


@pytest.mark.parametrize(
    ("site", "now", "revision", "reason"),
    [
        ("other", NOW, None, "bad_signature"),  # per-site salt
        ("demo", NOW + 86400, None, "expired"),
        ("demo", NOW, 4, "wrong_revision"),
    ],
)
def test_foreign_expired_or_stale_tokens_are_refused(
    site: str, now: int, revision: int | None, reason: str
) -> None:
    signed = tokens.sign([NEW], _token())
    with pytest.raises(TokenError) as info:
        tokens.verify([NEW], signed, site, now=now, revision=revision)
    assert info.value.reason == reason


def test_a_validly_signed_token_naming_another_site_is_refused() -> None:
    # Same salt but a payload claiming another site: only possible with the key.
    signed = tokens._serializer([NEW], "demo").dumps({**_token().to_payload(), "site": "shop2"})
    with pytest.raises(TokenError, match="wrong_site"):
        tokens.verify([NEW], signed, "demo", now=NOW)


@pytest.mark.parametrize(
    "payload_change",
    [{"rev": "3"}, {"rev": True}, {"choices": {"analytics": "yes"}}, {"exp": None}, {"id": 7}],
)
def test_signed_tokens_with_wrong_types_are_malformed(payload_change: dict[str, object]) -> None:
    signed = tokens._serializer([NEW], "demo").dumps({**_token().to_payload(), **payload_change})
    with pytest.raises(TokenError, match="malformed"):
        tokens.verify([NEW], signed, "demo", now=NOW)


@pytest.mark.parametrize("value", ["", "x" * 5000, "é.abc.def", "a.b.c", "....", "\x00"])
def test_junk_is_refused_without_crashing(value: str) -> None:
    with pytest.raises(TokenError):
        tokens.verify([NEW], value, "demo", now=NOW)


def test_every_other_spelling_of_the_last_character_is_refused() -> None:
    # Base64 ignores the spare bits of the last character; only the canonical spelling counts.
    signed = tokens.sign([NEW], _token())
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    accepted = []
    for c in alphabet:
        try:
            tokens.verify([NEW], signed[:-1] + c, "demo", now=NOW)
            accepted.append(c)
        except TokenError:
            pass
    assert accepted == [signed[-1]]


@settings(max_examples=300, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.characters(codec="ascii"))
def test_any_single_character_change_is_refused(position: int, replacement: str) -> None:
    signed = tokens.sign([NEW], _token())
    i = position % len(signed)
    tampered = signed[:i] + replacement + signed[i + 1 :]
    if tampered == signed:
        return
    with pytest.raises(TokenError):
        tokens.verify([NEW], tampered, "demo", now=NOW)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_strings_only_ever_raise_token_error(value: str) -> None:
    with pytest.raises(TokenError):
        tokens.verify([NEW], value, "demo", now=NOW)


def test_read_consent_is_none_for_anything_but_a_valid_current_token() -> None:
    good = tokens.sign([NEW], _token(issued_at=int(time.time()), expires_at=int(time.time()) + 60))
    assert read_consent(good, "demo", [NEW]).decision.categories["analytics"] is True
    assert read_consent(good, "demo", [NEW], revision=4) is None
    assert read_consent(good, "other", [NEW]) is None
    assert read_consent(good + "x", "demo", [NEW]) is None


# ------------------------------------------------------------------ refusal memory

REFUSAL = {"decision": Decision({"necessary": True, "analytics": False}, {}), "refusal": True}


@pytest.mark.parametrize(
    ("fields", "purposes", "kept"),
    [
        (REFUSAL | {"purposes": "0a1b2c3d"}, "0a1b2c3d", True),  # reworded: no banner
        (REFUSAL | {"purposes": "0a1b2c3d"}, "ffffffff", False),  # purposes changed: ask
        (REFUSAL | {"purposes": "0a1b2c3d"}, None, False),  # caller knows no purposes
        (REFUSAL, "", False),  # a token from before the hash: "" is no purposes hash
        ({"purposes": "0a1b2c3d"}, "0a1b2c3d", False),  # an acceptance: always asked again
    ],
)
def test_only_a_refusal_with_unchanged_purposes_outlives_a_revision_bump(
    fields: dict[str, object], purposes: str | None, kept: bool
) -> None:
    signed = tokens.sign([NEW], _token(**fields))
    # At its own revision every one of them holds.
    assert tokens.verify([NEW], signed, "demo", now=NOW, revision=3, purposes=purposes)
    if kept:
        assert tokens.verify([NEW], signed, "demo", now=NOW, revision=4, purposes=purposes)
    else:
        with pytest.raises(TokenError, match="wrong_revision"):
            tokens.verify([NEW], signed, "demo", now=NOW, revision=4, purposes=purposes)


def test_a_kept_refusal_still_expires() -> None:
    signed = tokens.sign([NEW], _token(**REFUSAL, purposes="0a1b2c3d"))
    with pytest.raises(TokenError, match="expired"):
        tokens.verify([NEW], signed, "demo", now=NOW + 86400, revision=4, purposes="0a1b2c3d")


def test_a_token_from_before_the_purposes_hash_still_verifies_at_its_revision() -> None:
    payload = _token().to_payload()
    del payload["ph"], payload["ref"]
    signed = tokens._serializer([NEW], "demo").dumps(payload)
    token = tokens.verify([NEW], signed, "demo", now=NOW, revision=3)
    assert (token.purposes, token.refusal) == ("", False)


@pytest.mark.parametrize("payload_change", [{"ph": 7}, {"ph": None}, {"ref": 1}, {"ref": "yes"}])
def test_a_purposes_hash_or_refusal_flag_of_the_wrong_type_is_malformed(
    payload_change: dict[str, object],
) -> None:
    signed = tokens._serializer([NEW], "demo").dumps({**_token().to_payload(), **payload_change})
    with pytest.raises(TokenError, match="malformed"):
        tokens.verify([NEW], signed, "demo", now=NOW)


def test_read_consent_keeps_a_refusal_across_a_reworded_revision() -> None:
    now = int(time.time())
    refusal = _token(**REFUSAL, purposes="0a1b2c3d", issued_at=now, expires_at=now + 60)
    signed = tokens.sign([NEW], refusal)
    kept = read_consent(signed, "demo", [NEW], revision=4, purposes="0a1b2c3d")
    assert kept is not None and kept.revision == 3 and kept.refusal
    assert read_consent(signed, "demo", [NEW], revision=4, purposes="ffffffff") is None
    assert read_consent(signed, "demo", [NEW], revision=4) is None
