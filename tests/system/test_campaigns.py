"""Hostile-input campaigns with counts: token tampering and forged consent writes.

CI runs them at a bounded size; ``bench/campaigns.py`` runs them large
(``COOKIEGATE_CAMPAIGN_TOKENS=10000``) and prints the figures for docs/security.md.
"""

from __future__ import annotations

import base64
import json
import os
import random
import typing as t
from dataclasses import replace

from itsdangerous.encoding import base64_encode

from cookiegate import read_consent
from cookiegate.consent import tokens

from ..conftest import KEYS
from ..conftest import ORIGIN
from ..conftest import Visitor
from ..conftest import count_proofs
from ..conftest import record_figures

N_TOKENS = int(os.environ.get("COOKIEGATE_CAMPAIGN_TOKENS", "600"))
NEW, OLD = KEYS.split(",")
ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=%; "\\é\x00'


def _mutate(rng: random.Random, token: str) -> str:
    """One random corruption of a token string."""
    kind = rng.randrange(8)
    i = rng.randrange(len(token))
    if kind == 0:
        return token[:i] + rng.choice(ALPHABET) + token[i + 1 :]
    if kind == 1:
        return token[:i] + token[i + 1 :]
    if kind == 2:
        return token[:i] + rng.choice(ALPHABET) + token[i:]
    if kind == 3:
        return token[: rng.randrange(len(token))]
    if kind == 4:
        payload, ts, sig = token.split(".")
        return ".".join(rng.sample([payload, ts, sig], 3))
    if kind == 5:
        return token + "." + token
    if kind == 6:
        return token * rng.randrange(2, 40)
    payload, ts, sig = token.split(".")
    # A payload re-encoded with other choices keeps the old signature.
    data = json.loads(_b64decode(payload))
    data["choices"] = {k: True for k in data["choices"]}
    forged = base64_encode(json.dumps(data, separators=(",", ":"), sort_keys=True)).decode()
    return ".".join([forged, ts, sig])


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_tampered_foreign_expired_and_retired_tokens_never_count_as_consent(
    visitor: Visitor, app: t.Any, clock: t.Any
) -> None:
    rng = random.Random(20261126)
    genuine = [visitor.post(visitor.body(m)).json for m in ("accept_all", "reject_all", "custom")]
    state = app.extensions["cookiegate"]
    # Tokens that are intact but must still be refused:
    legacy = tokens.sign(
        [OLD], tokens.verify(state.secret_keys, genuine[0]["token"], "demo", now=None)
    )
    candidates: list[tuple[str, str]] = [(g["token"], g["consent_id"]) for g in genuine]
    special = [
        (tokens.sign([NEW], _with(state, genuine[0]["token"], site="other")), "wrong site"),
        (tokens.sign([NEW], _with(state, genuine[0]["token"], expires_at=1)), "expired"),
        (tokens.sign([NEW], _with(state, genuine[0]["token"], revision=99)), "stale revision"),
        (
            tokens.sign(["retired-key-0123456789abcdef"], _with(state, genuine[0]["token"])),
            "retired key",
        ),
        ("x" * 5000, "oversized"),
        ("", "empty"),
    ]
    tried = accepted = server_errors = 0
    while tried < N_TOKENS:
        i = tried
        if i < len(special):
            value = special[i][0]
        else:
            original, _ = rng.choice(candidates)
            value = _mutate(rng, original)
            if value == original:
                continue
        tried += 1
        decoded = read_consent(value, "demo", [NEW], revision=1)
        # The receipt shows an old consent to its holder even once expired or
        # stale, so there only a forged or foreign token must fail.
        resp = visitor.client.get(
            f"/v1/sites/demo/consents/{genuine[0]['consent_id']}",
            headers={"Authorization": f"Bearer {value}"},
        )
        intact_but_old = i < len(special) and special[i][1] in ("expired", "stale revision")
        if decoded is not None or (resp.status_code == 200 and not intact_but_old):
            accepted += 1
        if resp.status_code >= 500:
            server_errors += 1
    # A token of a retired key is accepted while the key is listed, not after.
    assert read_consent(legacy, "demo", [NEW, OLD]) is not None
    assert read_consent(legacy, "demo", [NEW]) is None
    record_figures(
        "tokens",
        {"tried": tried, "accepted": accepted, "5xx": server_errors},
    )
    assert accepted == 0
    assert server_errors == 0


def _with(state: t.Any, token: str, **changes: t.Any) -> tokens.ConsentToken:
    return replace(tokens.verify(state.secret_keys, token, "demo", now=None), **changes)


FORGERIES: list[tuple[str, dict[str, str], t.Callable[[Visitor], t.Any]]] = [
    ("foreign origin", {"Origin": "https://evil.example"}, lambda v: v.body()),
    ("look-alike origin", {"Origin": "http://localhost.evil.example"}, lambda v: v.body()),
    ("no origin", {}, lambda v: v.body()),
    ("null origin", {"Origin": "null"}, lambda v: v.body()),
    ("spoofed referer", {"Referer": f"{ORIGIN}/shop"}, lambda v: v.body()),
    (
        "form post",
        {"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"},
        lambda v: "method=accept_all",
    ),
    (
        "text/plain beacon",
        {"Origin": ORIGIN, "Content-Type": "text/plain"},
        lambda v: json.dumps(v.body()),
    ),
    (
        "multipart",
        {"Origin": ORIGIN, "Content-Type": "multipart/form-data; boundary=b"},
        lambda v: "--b--",
    ),
    ("scheme mismatch", {"Origin": "ftp://localhost"}, lambda v: v.body()),
]


def test_forged_consent_writes_are_refused_without_cors(visitor: Visitor, state: t.Any) -> None:
    tried = written = 0
    for label, headers, body in FORGERIES:
        payload = body(visitor)
        kwargs = {"json": payload} if isinstance(payload, dict) else {"data": payload}
        resp = visitor.client.post("/v1/sites/demo/consents", headers=headers, **kwargs)
        tried += 1
        assert resp.status_code in (403, 415), (label, resp.status_code, resp.json)
        # Only the site's own origin may read why it was refused (the banner tells a refusal from
        # an outage); no other origin gets CORS.
        cors = resp.headers.get("Access-Control-Allow-Origin")
        assert cors == (ORIGIN if headers.get("Origin") == ORIGIN else None), label
    written = count_proofs(state)
    record_figures("forgery", {"tried": tried, "written": written})
    assert written == 0
