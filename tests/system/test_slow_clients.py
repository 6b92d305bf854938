"""Slow clients cannot stall ``cookiegate serve --prod`` (issue 15).

The real command runs here (gunicorn, the shipped settings, SQLite in a temp
folder) on a loopback port. 200 clients trickle request headers one byte at
a time and 200 more trickle a consent POST body; while all of them are held
open, ``loader.js`` and a real consent POST must each answer within 1 s (the
issue's requirement: a page's first script may not wait on them), and the
header and body deadlines must then drop every slow client.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import KEYS
from ..conftest import ORIGIN

SLOW = 200  # clients of each kind
DEADLINE = 6  # seconds, COOKIEGATE_HEADER_TIMEOUT and COOKIEGATE_BODY_TIMEOUT here
ANSWER_WITHIN = 1.0  # seconds: the requirement


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _enough_descriptors() -> None:
    """Raise the soft fd limit for 2 x SLOW sockets (plus the server's, same user)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * SLOW + 256
    if soft >= wanted or soft == resource.RLIM_INFINITY:
        return
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"The open-file limit ({hard}) is below the {wanted} this test needs.")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``cookiegate serve --prod`` on a free loopback port; killed with its workers after."""
    _enough_descriptors()
    port = _free_port()
    env = {
        **os.environ,
        "COOKIEGATE_SECRET_KEYS": KEYS,
        "COOKIEGATE_INSTANCE_PATH": str(tmp_path),
        "COOKIEGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'slow.sqlite3'}",
        "COOKIEGATE_WORKERS": "2",
        "COOKIEGATE_HEADER_TIMEOUT": str(DEADLINE),
        "COOKIEGATE_BODY_TIMEOUT": str(DEADLINE),
        "COOKIEGATE_ACCESS_LOG": "/dev/null",
    }
    command = shutil.which("cookiegate", path=str(Path(sys.executable).parent))
    assert command, "the cookiegate console script is not installed beside this Python"
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [command, "serve", "--prod", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((tmp_path / "serve.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        log.close()


class Tricklers:
    """Connections that each send ``payload`` one byte every ``gap`` seconds, never finishing."""

    def __init__(self, port: int, count: int, head: bytes, payload: bytes) -> None:
        self.socks: list[socket.socket] = []
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(head)
            s.setblocking(False)
            self.socks.append(s)
        self.payload = payload
        self.answers = {s: b"" for s in self.socks}  # what the server said before closing
        self.closed: set[socket.socket] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self) -> None:
        for pos in range(len(self.payload)):
            for s in self.socks:
                try:
                    s.send(self.payload[pos : pos + 1])
                except OSError:
                    pass  # dropped by the server: what the test waits for
            if self._stop.wait(0.5):
                return

    def alive(self) -> int:
        """How many connections the server still holds open (keeping what it answered)."""
        for s in self.socks:
            while s not in self.closed:
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    break  # open, nothing said
                except OSError:
                    data = b""  # reset by the server
                if not data:
                    self.closed.add(s)
                self.answers[s] += data
        return len(self.socks) - len(self.closed)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for s in self.socks:
            s.close()


def _consent(url: str) -> urllib.request.Request:
    with urllib.request.urlopen(f"{url}/v1/sites/demo/banner.json?locale=en", timeout=5) as r:
        banner = json.load(r)
    body = {
        "revision": banner["revision"],
        "shown_hash": banner["shown_hash"],
        "locale": "en",
        "method": "reject_all",
        "choices": {c["id"]: False for c in banner["categories"] if not c["locked"]},
        "page_url": "https://www.voltline.example/",
    }
    return urllib.request.Request(
        f"{url}/v1/sites/demo/consents",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )


def _answer(request: urllib.request.Request | str) -> tuple[int, float]:
    start = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as r:
        r.read()
        return r.status, time.monotonic() - start


def test_loader_and_consents_answer_while_slow_clients_are_held_then_dropped(
    server: str,
) -> None:
    port = int(server.rsplit(":", 1)[1])
    consent = _consent(server)
    body = consent.data
    assert isinstance(body, bytes)
    header_head = b"GET /v1/sites/demo/loader.js HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    header_rest = b"User-Agent: " + b"s" * 200 + b"\r\n\r\n"
    post_head = (
        f"POST /v1/sites/demo/consents HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {ORIGIN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    opened = time.monotonic()
    headers = Tricklers(port, SLOW, header_head, header_rest)
    bodies = Tricklers(port, SLOW, post_head, body)
    try:
        time.sleep(1)  # every worker has accepted its share and is reading them
        assert (headers.alive(), bodies.alive()) == (SLOW, SLOW)

        loader_status, loader_took = _answer(f"{server}/v1/sites/demo/loader.js")
        consent_status, consent_took = _answer(consent)
        assert (loader_status, consent_status) == (200, 201)
        assert loader_took < ANSWER_WITHIN, f"loader.js took {loader_took:.2f} s"
        assert consent_took < ANSWER_WITHIN, f"the consent POST took {consent_took:.2f} s"
        # They were still held while we were answered: the deadline had not passed.
        assert time.monotonic() - opened < DEADLINE
        assert (headers.alive(), bodies.alive()) == (SLOW, SLOW)

        give_up = opened + DEADLINE + 20
        while (headers.alive() or bodies.alive()) and time.monotonic() < give_up:
            time.sleep(0.5)
        assert (headers.alive(), bodies.alive()) == (0, 0), "slow clients were not dropped"
        assert time.monotonic() - opened >= DEADLINE - 1  # by the deadline, not by chance
        # A slow body is told why (408); slow headers get nothing to parse an answer for.
        said = {bodies.answers[s].split(b"\r\n", 1)[0] for s in bodies.socks}
        assert said == {b"HTTP/1.1 408 Request Timeout"}
        # ... and the connection is closed then, not kept while the rest of the body trickles in.
        assert all(b"\r\nconnection: close\r\n" in bodies.answers[s].lower() for s in bodies.socks)
        assert {headers.answers[s] for s in headers.socks} == {b""}
    finally:
        headers.close()
        bodies.close()
