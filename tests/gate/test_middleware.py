"""ConsentGate as a WSGI middleware: which responses it rewrites, their headers, the cookie."""

from __future__ import annotations

import gzip
import logging
import typing as t

import pytest

from cookiegate.core.errors import SettingsError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.gate import ConsentGate

from .helpers import DEMO
from .helpers import KEYS
from .helpers import call
from .helpers import call_gate
from .helpers import environ
from .helpers import gated
from .helpers import html_app
from .helpers import token

GTAG = b'<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
HELD_GTAG = (
    b'<script type="text/plain" data-category="analytics" async '
    b'data-cg-src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
)


def test_without_consent_a_blocked_script_arrives_in_the_loaders_inert_form() -> None:
    assert gated(GTAG) == HELD_GTAG


def test_with_its_category_granted_the_page_passes_byte_for_byte() -> None:
    page = b"<!doctype html><head>" + GTAG + b"</head><p>\xc2\xa3499</p>"
    assert gated(page, token("analytics")) == page


@pytest.mark.parametrize(
    "cookie",
    [
        None,
        "",
        "garbage",
        token("all", keys=("an-attacker-key-0123456789",)),  # forged
        token("all", site="other"),  # another site's
        token("all", expires_in=-10),  # expired
        token("all", revision=DEMO.revision + 1),  # another config revision
        token("all")[:-2] + "AA",  # tampered signature
    ],
    ids=["none", "empty", "garbage", "forged", "foreign", "expired", "stale", "tampered"],
)
def test_a_missing_or_untrustworthy_cookie_grants_nothing(cookie: str | None) -> None:
    assert gated(GTAG, cookie) == HELD_GTAG


def test_a_services_own_refusal_beats_its_granted_category() -> None:
    cookie = token("all", services={"google-analytics": False})
    assert gated(GTAG, cookie) == HELD_GTAG


def test_global_privacy_control_refuses_advertising_even_when_granted() -> None:
    pixel = b'<img src="https://www.facebook.com/tr?id=1&amp;ev=PageView">'
    app = html_app(pixel)
    assert call(app, environ(token("all"))).body == pixel
    assert call(app, environ(token("all"), gpc=True)).body == (
        b'<img data-cg-src="https://www.facebook.com/tr?id=1&amp;ev=PageView">'
    )


def test_html_loses_length_and_etag_and_varies_by_cookie() -> None:
    app = html_app(GTAG, extra=[("ETag", '"abc"'), ("Vary", "Accept-Encoding")])
    result = call(app)
    assert result.header("Content-Length") is None
    assert result.header("ETag") is None
    assert result.header("Vary") == "Accept-Encoding, Cookie, Sec-GPC"
    assert result.header("Content-Type") == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/javascript", "image/svg+xml", "text/plain"]
)
def test_other_responses_are_returned_as_the_app_made_them(content_type: str) -> None:
    body = GTAG * 3
    result = call(html_app([body], content_type=content_type))
    assert result.body == body
    assert result.header("Content-Length") == str(len(body))
    assert result.header("Vary") is None
    assert result.iterable == [body]  # the app's own iterable, not a wrapper


def test_a_compressed_html_response_passes_unchanged_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = gzip.compress(GTAG)
    gate = ConsentGate(
        html_app(body, extra=[("Content-Encoding", "gzip")]), "demo", config=DEMO, secret_keys=KEYS
    )
    with caplog.at_level(logging.WARNING, "cookiegate.gate"):
        assert call_gate(gate).body == body
        assert call_gate(gate).body == body
    assert [r.getMessage() for r in caplog.records] == [
        "cookiegate gate: an HTML response is gzip-compressed, so it passes unchanged; "
        "compress after the gate (docs/gate.md)."
    ]


def test_head_and_not_modified_responses_are_left_alone() -> None:
    env = environ()
    env["REQUEST_METHOD"] = "HEAD"
    result = call(html_app(GTAG), env)
    assert result.body == GTAG and result.header("Content-Length") == str(len(GTAG))


def test_an_app_that_starts_its_response_lazily_is_still_gated() -> None:
    def app(environ: dict[str, t.Any], start_response: t.Any) -> t.Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        yield GTAG[:20]
        yield GTAG[20:]

    assert call(app).body == HELD_GTAG


def test_an_app_that_writes_through_the_write_callable_is_gated() -> None:
    written: list[bytes] = []

    def app(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/html")])
        write(GTAG[:30])
        write(GTAG[30:])
        return [b"<p>end</p>"]

    gate = ConsentGate(app, "demo", config=DEMO, secret_keys=KEYS)
    body = b"".join(gate(environ(), lambda s, h, e=None: written.append))
    assert b"".join(written) + body == HELD_GTAG + b"<p>end</p>"


def test_the_apps_iterable_is_closed() -> None:
    closed = []

    class Body(list[bytes]):
        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, t.Any], start_response: t.Any) -> Body:
        start_response("200 OK", [("Content-Type", "text/html")])
        return Body([GTAG])

    call(app)
    assert closed == [True]


def test_keys_come_from_the_environment_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOKIEGATE_SECRET_KEYS", ",".join(KEYS))
    gate = ConsentGate(html_app(GTAG), "demo")
    assert call_gate(gate, environ(token("all"))).body == GTAG


def test_without_secret_keys_the_gate_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOKIEGATE_SECRET_KEYS", raising=False)
    with pytest.raises(SettingsError, match="secret_keys= or set COOKIEGATE_SECRET_KEYS"):
        ConsentGate(html_app(GTAG), "demo")


def test_a_config_of_another_site_is_refused() -> None:
    with pytest.raises(ValueError, match="is for site 'demo', not 'shop'"):
        ConsentGate(html_app(GTAG), "shop", config=DEMO, secret_keys=KEYS)


def test_the_site_file_is_read_when_given(tmp_path: t.Any) -> None:
    path = tmp_path / "demo.toml"
    path.write_text((DEMO_SITES_DIR / "demo.toml").read_text(encoding="utf-8"), encoding="utf-8")
    gate = ConsentGate(html_app(GTAG), "demo", site_file=path, secret_keys=KEYS)
    assert call_gate(gate).body == HELD_GTAG
