"""Refusal memory through the API: the refusal lifetime on the cookie, the purposes hash in
the token and the loader's rules, and which choices a wording-only revision bump keeps."""

from __future__ import annotations

import base64
import json
import re
import typing as t
from pathlib import Path

import pytest

from cookiegate.consent import tokens
from cookiegate.core.errors import TokenError

from ..conftest import KEYS
from ..conftest import Visitor
from ..conftest import inlined_rules

DAY = 86400
SAME_HOST = {"Origin": "http://localhost"}


def _payload(token: str) -> dict[str, t.Any]:
    part = token.split(".")[0]
    return t.cast(
        dict[str, t.Any], json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    )


def _max_age(resp: t.Any) -> int:
    return int(re.search(r"Max-Age=(\d+)", resp.headers["Set-Cookie"]).group(1))  # type: ignore[union-attr]


def _rules(client: t.Any) -> dict[str, t.Any]:
    return inlined_rules(client.get("/v1/sites/demo/loader.js").text)


@pytest.mark.parametrize(
    ("method", "granted", "days", "refusal"),
    [
        ("reject_all", [], 182, True),
        ("custom", [], 182, True),
        ("custom", ["analytics"], 180, False),
        ("accept_all", None, 180, False),
    ],
)
def test_a_refusal_cookie_lives_for_the_refusal_lifetime_and_carries_the_loaders_hash(
    visitor: Visitor, method: str, granted: list[str] | None, days: int, refusal: bool
) -> None:
    body = visitor.body(method)
    if granted is not None:
        body["choices"] = {c: c in granted for c in body["choices"]}
    resp = visitor.post(body, headers=SAME_HOST)
    assert resp.status_code == 201, resp.json
    assert _max_age(resp) == days * DAY == resp.json["expires_at"] - resp.json["issued_at"]
    token = _payload(resp.json["token"])
    assert token["ref"] is refusal
    assert token["ph"] == _rules(visitor.client)["ph"]
    assert "days" not in _rules(visitor.client)  # the token says how long it lives


def _bump(sites_dir: Path, revision: int, edit: t.Callable[[str], str] = lambda s: s) -> None:
    path = sites_dir / "demo.toml"
    text = re.sub(r"(?m)^revision = \d+$", f"revision = {revision}", path.read_text())
    path.write_text(edit(text))


def test_a_wording_bump_keeps_a_refusal_and_a_new_service_does_not(
    visitor: Visitor, sites_dir: Path, make_app: t.Callable[..., t.Any], clock: t.Any
) -> None:
    refused = visitor.post(visitor.body("reject_all")).json["token"]
    accepted = visitor.post(visitor.body("accept_all")).json["token"]
    keys = KEYS.split(",")

    def holds(token: str, client: t.Any) -> bool:
        """As the gate and read_consent read it, a month later."""
        rules, now = _rules(client), clock().timestamp() + 30 * DAY
        try:
            tokens.verify(keys, token, "demo", now=now, revision=rules["rev"], purposes=rules["ph"])
        except TokenError:
            return False
        return True

    _bump(sites_dir, 2, lambda s: s.replace("Recommends products", "Suggests products"))
    reworded = make_app().test_client()
    assert _rules(reworded)["ph"] == _payload(refused)["ph"]
    assert holds(refused, reworded) and not holds(accepted, reworded)

    _bump(
        sites_dir,
        3,
        lambda s: s.replace("[services.youtube]", "[services.hotjar]\n\n[services.youtube]"),
    )
    new_service = make_app().test_client()
    assert _rules(new_service)["ph"] != _payload(refused)["ph"]
    assert not holds(refused, new_service) and not holds(accepted, new_service)
