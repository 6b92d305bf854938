"""The public API as browsers use it: loader, banner texts, consent writes, receipts."""

from __future__ import annotations

import base64
import json
import re
import typing as t

import pytest

from cookiegate.consent.proofs import truncate_ip
from cookiegate.core.patterns import pattern_regex
from cookiegate.core.patterns import url_without_scheme
from cookiegate.services import ledger

from ..conftest import ORIGIN
from ..conftest import Visitor
from ..conftest import count_proofs
from ..conftest import inlined_rules


def test_loader_carries_the_site_rules_and_revalidates_by_etag(client: t.Any) -> None:
    first = client.get("/v1/sites/demo/loader.js")
    assert first.status_code == 200
    assert first.mimetype == "text/javascript"
    assert "/*@rules@*/" not in first.text
    assert '"site":"demo"' in first.text and "googletagmanager" in first.text
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = client.get("/v1/sites/demo/loader.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_loader_rules_make_the_most_specific_pattern_decide(client: t.Any) -> None:
    text = client.get("/v1/sites/demo/loader.js").text
    rules = inlined_rules(text)
    # As the loader decodes them (static/js/src/loader/rules.js): "id:category:cookies…" and
    # "host/path index", in the order the loader tries them.
    services = [entry.split(":")[0] for entry in rules["svc"]]
    patterns = [(pattern_regex(p), int(i)) for p, i in (e.split(" ") for e in rules["pat"])]

    def owner(url: str) -> str | None:
        target = url_without_scheme(url)
        return next((services[i] for rx, i in patterns if re.search(rx, target)), None)

    assert owner("https://www.googletagmanager.com/gtag/js?id=G-1") == "google-analytics"
    assert owner("https://www.googletagmanager.com/gtag/js?id=AW-1") == "google-ads"
    assert owner("https://connect.facebook.net/en_US/fbevents.js") == "meta-pixel"
    assert owner("https://connect.facebook.net/en_GB/sdk.js") == "facebook-login"
    assert owner("https://region1.google-analytics.com/g/collect?v=2") == "google-analytics"
    assert owner("https://evil-google-analytics.com/x.js") is None
    assert owner("https://shop.example/?next=google-analytics.com") is None


@pytest.mark.parametrize("path", ["loader.js", "banner.json"])
def test_unknown_site_is_a_json_404(client: t.Any, path: str) -> None:
    resp = client.get(f"/v1/sites/nosuchsite/{path}")
    assert resp.status_code == 404
    assert resp.json == {
        "error": "not_found",
        "message": "No site with id 'nosuchsite' is configured on this server.",
    }


def test_banner_json_lists_categories_services_and_hash(client: t.Any) -> None:
    resp = client.get("/v1/sites/demo/banner.json?locale=en")
    body = resp.json
    assert resp.status_code == 200
    assert [c["id"] for c in body["categories"]][0] == "necessary"
    assert body["categories"][0]["locked"] is True
    assert not any(c["locked"] for c in body["categories"][1:])
    assert {"accept_all", "reject_all", "preferences"} <= set(body["texts"])
    assert len(body["shown_hash"]) == 64
    assert resp.headers["Content-Language"] == "en"
    assert "Accept-Language" in resp.headers["Vary"]


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("?locale=de-AT", "fr", "de"),
        ("?locale=en-GB", "", "en_GB"),
        ("", "fr-CH;q=0.9, pl;q=1.0", "pl"),
        ("?locale=xx", "sv", "sv"),
        ("", "ja, zh", "en_GB"),  # the demo site's default: a UK shop
    ],
)
def test_banner_locale_is_negotiated_among_enabled_locales(
    client: t.Any, query: str, accept: str, expected: str
) -> None:
    resp = client.get(f"/v1/sites/demo/banner.json{query}", headers={"Accept-Language": accept})
    assert resp.json["locale"] == expected


def test_consent_is_recorded_with_minimised_proof_fields(
    visitor: Visitor, state: t.Any, clock: t.Any
) -> None:
    resp = visitor.post(
        headers={
            "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
        },
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["expires_at"] - body["issued_at"] == 180 * 86400
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    proof = visitor.client.application.extensions["cookiegate"]
    record = ledger.find_proof(proof.store, "demo", body["consent_id"])
    assert record["ip"] == "203.0.113.0"
    assert record["page_url"] == "https://www.voltline.example/tv/oled-55"
    assert record["ua_browser"].startswith("Mobile Safari")
    assert record["ua_os"] == "iOS"
    assert record["ua_device"] == "mobile"
    assert record["method"] == "accept_all"
    assert record["created_at"] == "2026-11-26T12:00:00.000000Z"
    assert record["choices"]["categories"]["analytics"] is True
    assert record["chain_index"] == 1


def test_token_payload_is_readable_without_the_key(visitor: Visitor) -> None:
    token = visitor.post(visitor.body("reject_all")).json["token"]
    payload = token.split(".")[0]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert data["site"] == "demo" and data["rev"] == 1
    assert data["choices"]["necessary"] is True
    assert data["choices"]["advertising"] is False


def test_ipv6_is_truncated_to_48_bits(visitor: Visitor, state: t.Any) -> None:
    resp = visitor.post(environ_base={"REMOTE_ADDR": "2001:db8:abcd:12:1:2:3:4"})
    assert (
        ledger.find_proof(state.store, "demo", resp.json["consent_id"])["ip"] == "2001:db8:abcd::"
    )
    assert truncate_ip("::ffff:198.51.100.9") == "198.51.100.0"


def _bad_bodies(v: Visitor) -> list[tuple[str, t.Any, int, str]]:
    return [
        ("unknown field", v.body(extra=1), 400, "Unknown field 'extra'"),
        (
            "unknown category",
            v.body(choices={**v.body()["choices"], "spying": True}),
            400,
            "Unknown category 'spying'",
        ),
        (
            "missing category",
            v.body(choices={"analytics": True}),
            400,
            "A choice for 'functional' is required",
        ),
        (
            "non-bool choice",
            v.body(choices={**v.body()["choices"], "analytics": "yes"}),
            400,
            "choices.analytics must be true or false",
        ),
        (
            "necessary refused",
            v.body("reject_all", choices={**v.body("reject_all")["choices"], "necessary": False}),
            400,
            "always on",
        ),
        (
            "unknown service",
            v.body(services={"tracker-x": True}),
            400,
            "Unknown service 'tracker-x'",
        ),
        (
            "accept_all refusing",
            v.body("accept_all", choices={**v.body()["choices"], "advertising": False}),
            400,
            "accept_all must grant",
        ),
        (
            "reject_all granting",
            v.body("reject_all", services={"youtube": True}),
            400,
            "reject_all must refuse",
        ),
        (
            "gpc granting ads",
            v.body("gpc", choices={**v.body("reject_all")["choices"], "advertising": True}),
            400,
            "gpc must refuse",
        ),
        ("bad method", v.body(method="maybe"), 400, "method must be one of"),
        (
            "missing revision",
            {k: x for k, x in v.body().items() if k != "revision"},
            400,
            "'revision' is required",
        ),
        ("bool revision", v.body(revision=True), 400, "'revision' must be of type int"),
        ("disabled locale", v.body(locale="ja"), 400, "Locale 'ja' is not enabled"),
        ("bad hash", v.body(shown_hash="abc"), 400, "shown_hash must be"),
        (
            "javascript url",
            v.body(page_url="javascript:alert(1)"),
            400,
            "page_url must be the http(s)",
        ),
        ("NUL in url", v.body(page_url="https://a.example/\u0000"), 400, "control characters"),
        ("lone surrogate", v.body(page_url="https://a.example/\ud800"), 400, "invalid Unicode"),
        ("array body", [1, 2], 400, "must be a JSON object"),
        ("stale revision", v.body(revision=0), 409, "revision 0"),
        ("other texts", v.body(shown_hash="0" * 64), 409, "differ from the site's current ones"),
    ]


def test_every_bad_consent_gets_a_4xx_naming_the_problem_and_writes_nothing(
    visitor: Visitor, state: t.Any
) -> None:
    for label, body, status, message in _bad_bodies(visitor):
        resp = visitor.post(body)
        assert resp.status_code == status, (label, resp.json)
        assert message in resp.json["message"], (label, resp.json)
        assert set(resp.json) == {"error", "message"}
    assert count_proofs(state) == 0


@pytest.mark.parametrize(
    ("headers", "data", "status", "message"),
    [
        (
            {"Origin": "https://evil.example"},
            None,
            403,
            "Origin 'https://evil.example' is not one of this site's domains",
        ),
        ({}, None, 403, "An Origin header"),
        ({"Origin": "null"}, None, 403, "An Origin header"),
        ({"Origin": "http://localhost.evil.example"}, None, 403, "not one of this site's domains"),
        ({"Origin": ORIGIN, "Content-Type": "text/plain"}, "{}", 415, "application/json"),
        (
            {"Origin": ORIGIN, "Content-Type": "application/x-www-form-urlencoded"},
            "a=1",
            415,
            "application/json",
        ),
        (
            {"Origin": ORIGIN, "Content-Type": "application/json"},
            "{not json",
            400,
            "not valid JSON",
        ),
        (
            {"Origin": ORIGIN, "Content-Type": "application/json"},
            "x" * 9000,
            413,
            "larger than 8192 bytes",
        ),
    ],
)
def test_forged_or_malformed_requests_are_refused_and_write_nothing(
    client: t.Any,
    state: t.Any,
    headers: dict[str, str],
    data: str | None,
    status: int,
    message: str,
) -> None:
    body = data if data is not None else json.dumps(Visitor(client).body())
    if "Content-Type" not in headers:
        headers = {**headers, "Content-Type": "application/json"}
    resp = client.post("/v1/sites/demo/consents", data=body, headers=headers)
    assert resp.status_code == status
    assert message in resp.json["message"]
    # Only the site's own origins may read why (the banner tells a refusal from an outage).
    allowed = ORIGIN if headers.get("Origin") == ORIGIN else None
    assert resp.headers.get("Access-Control-Allow-Origin") == allowed
    assert count_proofs(state) == 0


def test_preflight_grants_cors_only_to_the_sites_origins(client: t.Any) -> None:
    ok = client.options(
        "/v1/sites/demo/consents",
        headers={"Origin": "http://127.0.0.1:5173", "Access-Control-Request-Method": "POST"},
    )
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5173"
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Origin" in ok.headers["Vary"]
    bad = client.options(
        "/v1/sites/demo/consents",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert bad.status_code == 403
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_unknown_site_post_is_404_and_writes_nothing(visitor: Visitor, state: t.Any) -> None:
    resp = visitor.client.post(
        "/v1/sites/other/consents", json=visitor.body(), headers={"Origin": ORIGIN}
    )
    assert resp.status_code == 404
    assert count_proofs(state) == 0


def test_cookie_is_set_by_the_server_only_on_the_pages_own_host(visitor: Visitor) -> None:
    same_host = visitor.post(headers={"Origin": "http://localhost"})
    assert same_host.json["cookie_set"] is True
    cookie = same_host.headers["Set-Cookie"]
    assert cookie.startswith("cookiegate_demo=")
    assert "SameSite=Lax" in cookie and "Max-Age=15552000" in cookie
    assert "HttpOnly" not in cookie
    other_host = visitor.post(headers={"Origin": "http://127.0.0.1:3000"})
    assert other_host.json["cookie_set"] is False
    assert "Set-Cookie" not in other_host.headers


def test_change_links_to_the_previous_consent(visitor: Visitor, state: t.Any) -> None:
    first = visitor.post().json
    second = visitor.post(visitor.body("withdraw", previous_token=first["token"])).json
    forged = visitor.post(
        visitor.body("reject_all", previous_token=first["token"][:-2] + "xx")
    ).json
    assert (
        ledger.find_proof(state.store, "demo", second["consent_id"])["previous_id"]
        == first["consent_id"]
    )
    assert ledger.find_proof(state.store, "demo", forged["consent_id"])["previous_id"] is None


def test_receipt_needs_the_consents_own_token(visitor: Visitor) -> None:
    first = visitor.post().json
    second = visitor.post().json
    url = f"/v1/sites/demo/consents/{first['consent_id']}"
    ok = visitor.client.get(url, headers={"Authorization": f"Bearer {first['token']}"})
    assert ok.status_code == 200
    assert ok.json["consent_id"] == first["consent_id"]
    assert ok.json["shown"]["texts"]["accept_all"] == "Accept all"
    assert ok.json["method"] == "accept_all"
    other = visitor.client.get(url, headers={"Authorization": f"Bearer {second['token']}"})
    assert other.status_code == 403
    none = visitor.client.get(url)
    assert none.status_code == 403 and "malformed" in none.json["message"]


def test_healthz_reports_the_database(client: t.Any) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json["status"] == "ok"


def test_wrong_method_is_a_json_405(client: t.Any) -> None:
    resp = client.delete("/v1/sites/demo/consents")
    assert resp.status_code == 405
    assert resp.json["error"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)],
)
def test_loader_is_served_precompressed_and_decodes_to_the_same_bytes(
    client: t.Any, accept: str, encoding: str | None
) -> None:
    import gzip

    import brotli

    plain = client.get("/v1/sites/demo/loader.js").data
    resp = client.get("/v1/sites/demo/loader.js", headers={"Accept-Encoding": accept})
    assert resp.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in resp.headers["Vary"]
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}[encoding]
    assert decode(resp.data) == plain
    assert len(resp.data) < len(plain) or encoding is None


def test_pinned_loader_is_immutable_and_matches_its_integrity_hash(client: t.Any) -> None:
    import hashlib

    embed = client.get("/v1/sites/demo/embed.json").json
    pinned = client.get(embed["pinned_url"].removeprefix("http://localhost"))
    assert pinned.status_code == 200
    assert "immutable" in pinned.headers["Cache-Control"]
    digest = base64.b64encode(hashlib.sha384(pinned.data).digest()).decode()
    assert embed["integrity"] == f"sha384-{digest}"
    assert f'integrity="{embed["integrity"]}"' in embed["pinned_snippet"]
    stale = client.get("/v1/sites/demo/loader.js?v=0123456789")
    assert stale.status_code == 404 and "not current" in stale.json["message"]


def test_banner_files_are_named_by_the_rules_and_immutable(client: t.Any) -> None:
    rules = inlined_rules(client.get("/v1/sites/demo/loader.js").text)
    for locale in ("en_GB", "de"):
        resp = client.get(f"/v1/sites/demo/banner.{rules['v']}.{locale}.js")
        assert resp.status_code == 200 and resp.mimetype == "text/javascript"
        assert "immutable" in resp.headers["Cache-Control"]
        assert f'"locale":"{locale}"' in resp.text and '"shown_hash":"' in resp.text
    # A loader cached from before a config change asks for an older version: it gets the
    # current file, briefly cached, rather than no banner.
    stale = client.get("/v1/sites/demo/banner.0123456789ab.de.js")
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
    assert client.get("/v1/sites/demo/banner.0123456789ab.xx.js").status_code == 404
    # What loaders from before the banner files fetch still answers.
    for name, mimetype in (("banner.js", "text/javascript"), ("banner.css", "text/css")):
        assert client.get(f"/v1/assets/{name}?v=old").mimetype == mimetype
    assert client.get("/v1/assets/secrets.txt").status_code == 404


@pytest.mark.parametrize(
    "page_url",
    ["https://a.example/\u0000", "https://a.example/\ud800", "https://a.example/\x1b[2J"],
)
def test_nul_and_lone_surrogates_get_the_same_400_on_every_store(
    make_app: t.Any, database_url: str, page_url: str
) -> None:
    app = make_app(DATABASE_URL=database_url)
    app.extensions["cookiegate"].store.upgrade()  # PostgreSQL is not migrated on start
    visitor = Visitor(app.test_client())
    resp = visitor.post(visitor.body(page_url=page_url))
    assert resp.status_code == 400
    assert "control characters or invalid Unicode" in resp.json["message"]
    assert count_proofs(app.extensions["cookiegate"]) == 0


def test_a_refused_consent_answers_the_sites_origin_with_cors_and_no_other(client: t.Any) -> None:
    """The banner reads why a choice was refused (a 4xx it drops, a Sec-GPC refusal it turns
    into a GPC choice) instead of taking it for an unreachable server."""
    bad = client.post("/v1/sites/demo/consents", json={}, headers={"Origin": ORIGIN})
    assert bad.status_code == 400
    assert bad.headers["Access-Control-Allow-Origin"] == ORIGIN
    foreign = client.post(
        "/v1/sites/demo/consents", json={}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403 and "Access-Control-Allow-Origin" not in foreign.headers


@pytest.mark.parametrize(
    "raw_url",
    [
        # Unescaped in the JSON text: DEL, and a lone surrogate as UTF-8 bytes,
        # which Python's JSON decoder accepts without a backslash.
        b"https://a.example/\x7f",
        "https://a.example/\ud800".encode("utf-8", "surrogatepass"),
    ],
)
def test_bad_characters_sent_unescaped_get_the_same_400(
    visitor: Visitor, state: t.Any, raw_url: bytes
) -> None:
    body = json.dumps(visitor.body(page_url="PAGE")).encode().replace(b"PAGE", raw_url)
    resp = visitor.client.post(
        "/v1/sites/demo/consents",
        data=body,
        headers={"Origin": visitor.origin, "Content-Type": "application/json"},
    )
    assert resp.status_code == 400
    assert "control characters or invalid Unicode" in resp.json["message"]
    assert count_proofs(state) == 0


def test_a_utf16_body_is_checked_for_bad_characters_too(visitor: Visitor, state: t.Any) -> None:
    body = json.dumps(visitor.body(page_url="https://a.example/\u0001"), ensure_ascii=False)
    resp = visitor.client.post(
        "/v1/sites/demo/consents",
        data=body.encode("utf-16"),
        headers={"Origin": visitor.origin, "Content-Type": "application/json"},
    )
    assert resp.status_code == 400
    assert count_proofs(state) == 0
