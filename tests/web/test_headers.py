"""Security headers, and log lines that visitor input cannot forge."""

from __future__ import annotations

import logging
import typing as t

import pytest


def test_api_responses_carry_nosniff_and_a_referrer_policy(client: t.Any) -> None:
    resp = client.get("/v1/sites/demo/banner.json")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in resp.headers
    assert "Content-Security-Policy" not in resp.headers


def test_hsts_only_over_https(client: t.Any) -> None:
    resp = client.get("/v1/sites/demo/banner.json", base_url="https://consent.example")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_admin_pages_get_a_strict_csp_and_cannot_be_framed(client: t.Any) -> None:
    resp = client.get("/admin/")
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_crafted_urls_cannot_forge_log_lines(
    app: t.Any, client: t.Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(site_id: str) -> t.NoReturn:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["cookiegate"], "site", explode)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        resp = client.get("/v1/sites/x%0d%0aINFO%20admin%20logged%20in/banner.json")
    assert resp.status_code == 500
    messages = [r.getMessage() for r in caplog.records]
    assert messages and all("\n" not in m and "\r" not in m for m in messages)


def test_routing_errors_under_admin_are_html_pages(client: t.Any) -> None:
    resp = client.delete("/admin/login")
    assert resp.status_code == 405
    assert resp.mimetype == "text/html"
    missing = client.get("/admin/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"


def test_answers_built_by_flask_views_and_errors_carry_the_headers_once(client: t.Any) -> None:
    """The headers are added to every answer the Flask app makes (views, JSON errors, the
    routes' prepared answers), and a header the answer already has is not added twice."""
    for path in ("/v1/openapi.json", "/v1/sites/nosuchsite/banner.json", "/readyz"):
        resp = client.get(path)
        assert resp.headers.getlist("X-Content-Type-Options") == ["nosniff"], path
        assert resp.headers.getlist("Referrer-Policy") == ["strict-origin-when-cross-origin"]
    # The first request for the pinned loader goes through its Flask route, which returns a
    # prepared answer that carries the headers itself.
    version = client.get("/v1/sites/demo/embed.json").json["pinned_url"].rsplit(".", 2)[-2]
    resp = client.get(f"/v1/sites/demo/loader.js?v={version}")
    assert resp.status_code == 200
    assert resp.headers.getlist("X-Content-Type-Options") == ["nosniff"]


def test_admin_headers_keep_a_cache_control_the_page_set(client: t.Any) -> None:
    resp = client.get("/admin/login")
    assert resp.headers.getlist("Cache-Control") == ["no-store"]
    assert resp.headers.getlist("X-Frame-Options") == ["DENY"]
