"""What the shipped nginx and Caddy configs must do, checked against the real servers.

``test_deploy_nginx.py`` and ``test_deploy_caddy.py`` run this class, each
with its server; every file of the manifest is checked, so a file added to the
published set is checked without a change here.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re
import shutil
import sqlite3
import typing as t
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest

from .deploy_servers import Upstream
from .deploy_servers import WebServer
from .deploy_servers import require_server
from .deploy_servers import workdir

ORIGIN = "http://localhost:8000"
DECODE: dict[str, t.Callable[[bytes], bytes]] = {
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    "identity": lambda data: data,
}


class Answer(t.NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    base: str, path: str, method: str = "GET", body: bytes | None = None, **headers: str
) -> Answer:
    """One request, nothing decoded (``urllib`` would follow or hide what is checked here)."""
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    try:
        names = {k.replace("_", "-"): v for k, v in headers.items()}
        conn.request(method, path, body=body, headers=names)
        resp = conn.getresponse()
        return Answer(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


@dataclass
class Stack:
    upstream: Upstream
    server: WebServer
    out: Path
    manifest: dict[str, t.Any]

    def file(self, pattern: str) -> dict[str, t.Any]:
        return next(e for e in self.manifest["files"] if re.search(pattern, e["path"]))


class DeployChecks:
    """The behaviour both shipped configs promise; subclasses name the server."""

    server: t.ClassVar[str]

    @classmethod
    def start(cls, work: Path, out: Path, upstream: str) -> WebServer:
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def stack(cls) -> t.Iterator[Stack]:
        require_server(cls.server)
        work = workdir()
        upstream = Upstream(work).start()
        server = None
        try:
            out = work / "published"
            manifest = upstream.publish(out)
            server = cls.start(work, out, f"127.0.0.1:{upstream.port}")
            yield Stack(upstream, server, out, manifest)
        finally:
            if server:
                server.stop()
            upstream.stop()
            shutil.rmtree(work, ignore_errors=True)

    def test_every_published_file_is_served_in_each_encoding_with_its_headers(
        self, stack: Stack
    ) -> None:
        for entry in stack.manifest["files"]:
            for encoding, decode in DECODE.items():
                got = fetch(stack.server.base, entry["path"], Accept_Encoding=encoding)
                where = f"{entry['path']} ({encoding})"
                assert got.status == 200, where
                assert got.headers.get("Content-Encoding", "identity") == encoding, where
                assert hashlib.sha256(decode(got.body)).hexdigest() == entry["sha256"], where
                assert got.headers["Content-Type"] == entry["content_type"], where
                assert "Accept-Encoding" in got.headers.get("Vary", ""), where
                assert got.headers["Access-Control-Allow-Origin"] == "*", where
                assert got.headers["X-Content-Type-Options"] == "nosniff", where
                assert got.headers["ETag"], where
                cache = got.headers["Cache-Control"]
                max_age = int(re.search(r"max-age=(\d+)", cache).group(1))  # type: ignore[union-attr]
                if entry["immutable"]:
                    assert "immutable" in cache and max_age == 31536000, where
                else:
                    assert "immutable" not in cache and 0 < max_age <= entry["max_age"], where

    def test_the_bytes_are_the_apps_wherever_the_app_serves_the_same_url(
        self, stack: Stack
    ) -> None:
        compared = []
        for entry in stack.manifest["files"]:
            app = fetch(stack.upstream.base, entry["path"], Accept_Encoding="identity")
            if app.status != 200:
                continue  # a URL only the published set has
            served = fetch(stack.server.base, entry["path"], Accept_Encoding="identity")
            assert served.body == app.body, entry["path"]
            compared.append(entry["path"])
        assert "/v1/sites/demo/loader.js" in compared

    def test_a_revalidation_with_the_etag_is_a_304_per_encoding(self, stack: Stack) -> None:
        path = stack.file(r"/loader\.js$")["path"]
        br = fetch(stack.server.base, path, Accept_Encoding="br")
        gz = fetch(stack.server.base, path, Accept_Encoding="gzip")
        assert br.headers["ETag"] != gz.headers["ETag"]
        again = fetch(
            stack.server.base, path, Accept_Encoding="br", If_None_Match=br.headers["ETag"]
        )
        assert again.status == 304 and again.body == b""
        assert (
            fetch(
                stack.server.base, path, Accept_Encoding="gzip", If_None_Match=br.headers["ETag"]
            ).status
            == 200
        )

    def test_a_consent_is_proxied_and_recorded_with_the_address_the_proxy_saw(
        self, stack: Stack
    ) -> None:
        # The app's banner.json (a query string: proxied), for the hash of the texts shown.
        banner = json.loads(fetch(stack.server.base, "/v1/sites/demo/banner.json?locale=en").body)
        body = {
            "revision": banner["revision"],
            "shown_hash": banner["shown_hash"],
            "locale": banner["locale"],
            "method": "reject_all",
            "choices": {c["id"]: False for c in banner["categories"] if not c["locked"]},
            "page_url": "https://www.voltline.example/",
        }
        got = fetch(
            stack.server.base,
            "/v1/sites/demo/consents",
            "POST",
            json.dumps(body).encode(),
            Content_Type="application/json",
            Origin=ORIGIN,
            # A visitor's forged header: the proxy appends the real address, the app takes that.
            X_Forwarded_For="203.0.113.9",
        )
        assert got.status == 201, got.body
        consent_id = json.loads(got.body)["consent_id"]
        with sqlite3.connect(stack.upstream.db) as db:
            row = db.execute("SELECT ip FROM proofs WHERE consent_id = ?", (consent_id,)).fetchone()
        assert row == ("127.0.0.0",)

    def test_a_consent_preflight_is_answered_by_the_app(self, stack: Stack) -> None:
        got = fetch(
            stack.server.base,
            "/v1/sites/demo/consents",
            "OPTIONS",
            Origin=ORIGIN,
            Access_Control_Request_Method="POST",
            Access_Control_Request_Headers="content-type",
        )
        assert got.status == 204
        assert got.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "POST" in got.headers["Access-Control-Allow-Methods"]

    def test_a_query_string_is_the_apps_to_answer(self, stack: Stack) -> None:
        got = fetch(stack.server.base, "/v1/sites/demo/loader.js?v=0000", Accept_Encoding="br")
        assert got.status == 404
        assert "is not current" in json.loads(got.body)["message"]

    def test_a_body_over_the_limit_is_refused_before_the_app(self, stack: Stack) -> None:
        got = fetch(
            stack.server.base,
            "/v1/sites/demo/consents",
            "POST",
            b"{" + b" " * 64 * 1024 + b"}",
            Content_Type="application/json",
            Origin=ORIGIN,
        )
        assert got.status == 413, (got.status, got.body[:300])
        assert b'"error"' not in got.body  # the proxy's answer, not the app's JSON

    def test_the_published_set_is_served_while_the_app_is_down(self, stack: Stack) -> None:
        stack.upstream.stop()
        try:
            for entry in stack.manifest["files"]:
                got = fetch(stack.server.base, entry["path"], Accept_Encoding="br")
                assert got.status == 200, entry["path"]
            consent = fetch(
                stack.server.base,
                "/v1/sites/demo/consents",
                "POST",
                b"{}",
                Content_Type="application/json",
                Origin=ORIGIN,
            )
            assert consent.status == 502
        finally:
            stack.upstream.start()
