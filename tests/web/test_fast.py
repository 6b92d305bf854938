"""The read path's prepared answers: served before Flask, byte for byte what the routes send."""

from __future__ import annotations

import gzip
import typing as t

import pytest


def _flask_requests(app: t.Any) -> list[str]:
    """Paths of the requests that reach Flask from now on."""
    seen: list[str] = []

    @app.before_request
    def note() -> None:
        from flask import request

        seen.append(request.path)

    return seen


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/sites/demo/loader.js", {"Accept-Encoding": "gzip, br"}),
        ("/v1/sites/demo/loader.js", {}),
        ("/v1/sites/demo/banner.json?locale=de", {"Accept-Encoding": "br"}),
        ("/v1/sites/demo/banner.json", {"Accept-Language": "en-GB,en;q=0.8", "Sec-GPC": "1"}),
        ("/healthz", {}),
    ],
)
def test_a_plain_url_is_answered_before_flask_with_the_routes_own_bytes(
    app: t.Any, path: str, headers: dict[str, str]
) -> None:
    client = app.test_client()
    seen = _flask_requests(app)
    first = client.get(path, headers=headers)  # built by the route
    again = client.get(path, headers=headers)  # served from memory
    assert seen == [path.partition("?")[0]]
    assert again.status_code == first.status_code == 200
    assert again.data == first.data
    assert sorted(again.headers.items()) == sorted(first.headers.items())


def test_prepared_answers_revalidate_and_answer_head(app: t.Any) -> None:
    client = app.test_client()
    url = "/v1/sites/demo/banner.json?locale=en"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.data).startswith(b"{")
    etag = first.headers["ETag"]
    for match in (etag, f"W/{etag}", f'"other", {etag}'):
        again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": match})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag
    # Another encoding is another representation: its ETag differs.
    plain = client.get(url, headers={"If-None-Match": etag})
    assert plain.status_code == 200 and plain.headers["ETag"] != etag
    head = client.head(url, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]


def test_banner_variants_follow_the_visitor_language_and_gpc(app: t.Any) -> None:
    client = app.test_client()
    for _ in range(2):  # built, then from memory
        german = client.get("/v1/sites/demo/banner.json", headers={"Accept-Language": "de-AT"})
        signalled = client.get("/v1/sites/demo/banner.json?locale=en", headers={"Sec-GPC": "1"})
        plain = client.get("/v1/sites/demo/banner.json?locale=en")
        assert german.json["locale"] == "de" and german.headers["Content-Language"] == "de"
        assert signalled.json["gpc"] is True and plain.json["gpc"] is False
        assert signalled.json["shown_hash"] == plain.json["shown_hash"]
        vary = {v.strip() for v in plain.headers["Vary"].split(",")}
        assert {"Accept-Language", "Sec-GPC"} <= vary


def test_hsts_and_security_headers_on_prepared_answers(make_app: t.Any) -> None:
    client = make_app(PROXY_COUNT=1).test_client()
    for _ in range(2):
        resp = client.get("/v1/sites/demo/loader.js", headers={"X-Forwarded-Proto": "https"})
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        plain = client.get("/v1/sites/demo/loader.js")
        assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/sites/demo/loader.js?v=0123456789", 404),  # a stale pinned version
        ("POST", "/v1/sites/demo/loader.js", 405),
        ("GET", "/v1/sites/nosuchsite/banner.json", 404),
        ("GET", "/v1/assets/banner.js?v=1&v=2", 200),  # unusual query: the route decides
    ],
)
def test_anything_unusual_goes_to_the_flask_routes(
    app: t.Any, method: str, path: str, status: int
) -> None:
    client = app.test_client()
    seen = _flask_requests(app)
    client.get("/v1/sites/demo/loader.js")  # prepare the plain answers
    client.get("/v1/assets/banner.js")
    seen.clear()
    resp = client.open(path, method=method)
    assert resp.status_code == status
    assert seen == [path.partition("?")[0]]
    if status >= 400:
        assert resp.json["error"]
