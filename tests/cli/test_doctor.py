"""``cookiegate doctor URL`` against real servers on loopback: a cookiegate app and a shop.

The shop (http.server) serves pages that pass and pages that fail each check;
the cookiegate app (werkzeug) serves the real loader and embed.json.
"""

from __future__ import annotations

import json
import socket
import threading
import typing as t
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from cookiegate.cli.main import main

Route = tuple[dict[str, str], bytes]


@pytest.fixture
def cookiegate_url(app: t.Any) -> t.Iterator[str]:
    """The real app on a loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


class Shop:
    """A shop on loopback whose pages are set per test: path -> (headers, body)."""

    def __init__(self) -> None:
        routes: dict[str, Route] = {}
        self.routes = routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers, body = routes.get(self.path, ({}, b""))
                self.send_response(200 if self.path in routes else 404)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: t.Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, head: str, csp: str = "") -> str:
        html = f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>hi</body>"
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if csp:
            headers["Content-Security-Policy"] = csp
        self.routes[path] = (headers, html.encode())
        return self.url + path


@pytest.fixture
def shop() -> t.Iterator[Shop]:
    s = Shop()
    yield s
    s.server.shutdown()
    s.server.server_close()
    s.thread.join(5)


def _doctor(*args: str) -> tuple[int, dict[str, tuple[str, str]]]:
    result = CliRunner().invoke(main, ["doctor", "--json", *args])
    assert "Traceback" not in result.output
    report = json.loads(result.output)
    assert report["ok"] is (result.exit_code == 0)
    return result.exit_code, {f["check"]: (f["status"], f["message"]) for f in report["findings"]}


def _status(found: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {check: status for check, (status, _) in found.items()}


def test_a_well_embedded_loader_passes_every_check(shop: Shop, cookiegate_url: str) -> None:
    loader = f"{cookiegate_url}/v1/sites/demo/loader.js"
    url = shop.page(
        "/good",
        f'<script type="application/ld+json">{{}}</script><script src="{loader}"></script>'
        '<script src="/app.js"></script>',
        csp=f"script-src 'self' {cookiegate_url}; connect-src 'self' {cookiegate_url}",
    )
    code, found = _doctor(url)
    assert code == 0
    assert _status(found) == {
        "loader-first": "ok",
        "cache": "ok",
        "compression": "ok",
        "sri": "ok",
        "csp": "ok",
        "current": "ok",
    }
    assert found["current"][1] == "The loader carries the current revision 1."


def test_the_pinned_snippet_from_embed_json_passes_and_a_wrong_hash_fails(
    shop: Shop, cookiegate_url: str
) -> None:
    embed = json.loads(_get(f"{cookiegate_url}/v1/sites/demo/embed.json"))
    code, found = _doctor(shop.page("/pinned", embed["pinned_snippet"]))
    assert code == 0
    assert found["sri"] == ("ok", "The integrity hash matches the loader's bytes.")
    assert "Pinned URL" in found["cache"][1]

    wrong = embed["pinned_snippet"].replace(embed["integrity"], "sha384-" + "A" * 64)
    code, found = _doctor(shop.page("/wrong-hash", wrong))
    assert code == 1
    assert found["sri"][0] == "fail"
    assert "does not match the loader's bytes" in found["sri"][1]


def _get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as r:
        return t.cast(str, r.read().decode())


@pytest.mark.parametrize(
    ("head", "message"),
    [
        ("<script>window.dataLayer=[]</script>{loader}", "1 script(s) run before the loader"),
        ('<script src="/gtm.js"></script>{loader}', "first '/gtm.js'"),
        ('<script async src="{src}"></script>', "The loader is async"),
        ('<script defer src="{src}"></script>', "The loader is defer"),
        ("<title>no loader</title>", "No cookiegate loader"),
    ],
)
def test_a_loader_that_is_not_first_and_synchronous_fails(
    shop: Shop, cookiegate_url: str, head: str, message: str
) -> None:
    src = f"{cookiegate_url}/v1/sites/demo/loader.js"
    url = shop.page("/p", head.format(loader=f'<script src="{src}"></script>', src=src))
    code, found = _doctor(url)
    assert code == 1
    assert found["loader-first"][0] == "fail"
    assert message in found["loader-first"][1]


@pytest.mark.parametrize(
    ("csp", "message"),
    [
        ("script-src 'self'", "script-src of \"script-src 'self'\" blocks the loader"),
        ("default-src 'self'", "blocks the loader"),
        ("script-src {cg}; connect-src 'self'", "blocks the consent API"),
        ("script-src 'nonce-abc' 'strict-dynamic' {cg}", "blocks the loader"),
    ],
)
def test_a_policy_that_blocks_the_loader_or_the_api_fails(
    shop: Shop, cookiegate_url: str, csp: str, message: str
) -> None:
    src = f"{cookiegate_url}/v1/sites/demo/loader.js"
    url = shop.page("/csp", f'<script src="{src}"></script>', csp=csp.format(cg=cookiegate_url))
    code, found = _doctor(url)
    assert code == 1
    assert found["csp"][0] == "fail"
    assert message in found["csp"][1]


def test_a_nonce_on_the_loader_satisfies_strict_dynamic(shop: Shop, cookiegate_url: str) -> None:
    src = f"{cookiegate_url}/v1/sites/demo/loader.js"
    csp = f"script-src 'nonce-r4nd' 'strict-dynamic'; connect-src {cookiegate_url}"
    url = shop.page("/nonce", f'<script nonce="r4nd" src="{src}"></script>', csp=csp)
    assert _status(_doctor(url)[1])["csp"] == "ok"


def test_a_stale_self_hosted_copy_fails_and_its_headers_are_warned(
    shop: Shop, cookiegate_url: str
) -> None:
    current = _get(f"{cookiegate_url}/v1/sites/demo/loader.js")
    assert '"rev":1,' in current
    shop.routes["/static/loader.js"] = (
        {"Content-Type": "text/javascript"},
        current.replace('"rev":1,', '"rev":0,').encode(),
    )
    url = shop.page("/stale", '<script src="/static/loader.js"></script>')
    code, found = _doctor(url, "--server", cookiegate_url)
    assert code == 1
    assert found["current"][0] == "fail"
    assert "revision 0, the server's is 1" in found["current"][1]
    assert _status(found)["cache"] == "warn"  # no Cache-Control at all
    assert _status(found)["compression"] == "warn"  # br and gzip offered, neither used


def test_text_output_names_each_check_and_a_non_http_url_is_refused(
    shop: Shop, cookiegate_url: str
) -> None:
    url = shop.page("/t", f'<script src="{cookiegate_url}/v1/sites/demo/loader.js"></script>')
    result = CliRunner().invoke(main, ["doctor", url])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split()[:2] == ["ok", "loader-first"]
    refused = CliRunner().invoke(main, ["doctor", "file:///etc/passwd"])
    assert refused.exit_code == 2
    assert "'file:///etc/passwd' is not an http(s) URL." in refused.output


def test_an_unreachable_page_is_a_one_line_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(main, ["doctor", f"http://127.0.0.1:{port}/"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: Could not fetch 'http://127.0.0.1:{port}/'")
