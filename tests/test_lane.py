"""Consent POSTs run in a thread pool of their own (cookiegate.lane.WriteLane), so the
writes waiting on one group commit do not hold the threads every other request needs."""

from __future__ import annotations

import json
import threading
import typing as t

from cookiegate.asgi import serve_app
from cookiegate.asgi import serve_wsgi
from cookiegate.lane import WriteLane
from cookiegate.services import ledger
from cookiegate.web.state import State

from .asgi_driver import Answer
from .asgi_driver import asgi_request
from .conftest import ORIGIN
from .conftest import Visitor
from .conftest import count_proofs


def _call(asgi: t.Any, method: str, path: str) -> tuple[int, bytes]:
    status, _, body = asgi_request(asgi, method, path)
    return status, body


def _naming_app(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
    """A WSGI app that answers with the identity of the thread that ran it."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(threading.get_ident()).encode()]


def test_consent_posts_run_in_the_write_pool_and_everything_else_in_the_app_pool() -> None:
    # One thread each: a pool's requests all run on its one thread.
    app_pool, write_pool = serve_wsgi(_naming_app, threads=1), serve_wsgi(_naming_app, threads=1)
    lane = WriteLane(app_pool, write_pool)
    _, post = _call(lane, "POST", "/v1/sites/demo/consents")
    _, options = _call(lane, "OPTIONS", "/v1/sites/demo/consents")
    _, loader = _call(lane, "GET", "/v1/sites/demo/loader.js")
    _, admin = _call(lane, "POST", "/admin/login")
    assert post != options  # the preflight is not a write
    assert options == loader == admin
    assert _call(lane, "POST", "/v1/sites/other/consents")[1] == post


def _post_asgi(asgi: t.Any, path: str, body: bytes, headers: dict[str, str]) -> Answer:
    """A POST through the ASGI app as the production server runs it."""
    headers = {**headers, "Content-Length": str(len(body))}
    return asgi_request(asgi, "POST", path, headers, body, server=("localhost", 8000))


def test_a_consent_posted_through_the_production_server_is_stored_and_answered_whole(
    app: t.Any, visitor: Visitor, state: State
) -> None:
    asgi = serve_app(app)
    headers = {"Content-Type": "application/json", "Origin": ORIGIN, "Host": "localhost:8000"}
    body = json.dumps(visitor.body()).encode()
    status, answer, content = _post_asgi(asgi, "/v1/sites/demo/consents", body, headers)
    assert status == 201, content
    receipt = json.loads(content)
    assert ledger.find_proof(state.store, "demo", receipt["consent_id"]) is not None
    assert answer["access-control-allow-origin"] == ORIGIN
    assert answer["content-length"] == str(len(content))
    # The same headers as the app answers through the test client (cookie, CORS, security).
    direct = visitor.post()
    assert {k.lower() for k in direct.headers.keys()} == set(answer)
    assert count_proofs(state) == 2


def test_a_bad_consent_through_the_production_server_is_a_json_4xx_and_stores_nothing(
    app: t.Any, state: State
) -> None:
    asgi = serve_app(app)
    headers = {"Content-Type": "application/json", "Origin": ORIGIN, "Host": "localhost:8000"}
    status, _, content = _post_asgi(asgi, "/v1/sites/demo/consents", b"{not json", headers)
    assert status == 400
    assert json.loads(content)["error"] == "bad_request"
    assert count_proofs(state) == 0
