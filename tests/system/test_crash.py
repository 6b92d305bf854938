"""Crash durability: a consent acknowledged with 201 survives SIGKILL of the server.

The real production stack runs here: gunicorn with several worker processes,
on SQLite and on PostgreSQL. Visitors post concurrently, the whole server is
killed mid-run, restarted, and every acknowledged consent must be in the
store with the chain still verifying.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cookiegate.services import ledger
from cookiegate.store import Store

from ..conftest import KEYS
from ..conftest import ORIGIN
from ..conftest import record_figures

WRITERS = 8
RUN_SECONDS = float(os.environ.get("COOKIEGATE_CRASH_SECONDS", "2"))
ROUNDS = int(os.environ.get("COOKIEGATE_CRASH_ROUNDS", "1"))
MIN_ACKS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A gunicorn process group serving cookiegate on a loopback port."""

    def __init__(self, database_url: str, sites_dir: Path, instance: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "COOKIEGATE_DATABASE_URL": database_url,
            "COOKIEGATE_SECRET_KEYS": KEYS,
            "COOKIEGATE_SITES_DIR": str(sites_dir),
            "COOKIEGATE_INSTANCE_PATH": str(instance),
            "COOKIEGATE_BIND": f"127.0.0.1:{self.port}",
            "COOKIEGATE_WORKERS": "3",
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # The shipped production config, as `cookiegate serve --prod` runs it.
        cmd = [sys.executable, "-m", "gunicorn", "-c", "python:cookiegate.gunicorn_conf"]
        self.proc = subprocess.Popen(
            cmd,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("gunicorn did not become healthy within 60 s")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no graceful anything."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def _consent_body(url: str) -> bytes:
    with urllib.request.urlopen(f"{url}/v1/sites/demo/banner.json?locale=en") as r:
        banner = json.load(r)
    return json.dumps(
        {
            "revision": banner["revision"],
            "shown_hash": banner["shown_hash"],
            "locale": "en",
            "method": "reject_all",
            "choices": {c["id"]: False for c in banner["categories"] if not c["locked"]},
            "page_url": "https://www.voltline.example/",
        }
    ).encode()


def _hammer(url: str, body: bytes, stop: threading.Event, acked: list[str]) -> None:
    """Post consents until stopped; keep the IDs the server acknowledged."""
    while not stop.is_set():
        req = urllib.request.Request(
            f"{url}/v1/sites/demo/consents",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Origin": ORIGIN},
        )
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                if r.status == 201:
                    acked.append(json.load(r)["consent_id"])
        except (OSError, urllib.error.HTTPError, ValueError):
            time.sleep(0.01)  # the server is gone or restarting


def test_acknowledged_consents_survive_sigkill(
    database_url: str, sites_dir: Path, tmp_path: Path
) -> None:
    store = Store(database_url)
    store.upgrade()
    server = Server(database_url, sites_dir, tmp_path / "instance")
    acked: list[str] = []
    try:
        for _ in range(ROUNDS):
            server.start()
            body = _consent_body(server.url)
            stop = threading.Event()
            with ThreadPoolExecutor(WRITERS) as pool:
                for _ in range(WRITERS):
                    pool.submit(_hammer, server.url, body, stop, acked)
                # Let a fair number of consents through (busy machines are slow),
                # then kill with requests still in flight.
                round_start, wanted = time.monotonic(), len(acked) + MIN_ACKS
                while time.monotonic() - round_start < RUN_SECONDS or len(acked) < wanted:
                    if time.monotonic() - round_start > 60:
                        break
                    time.sleep(0.05)
                server.kill()
                stop.set()
        server.start()  # the store must come back usable after the last crash
        acked.append(_post_one(server.url))
    finally:
        server.kill()
    found = sum(ledger.find_proof(store, "demo", cid) is not None for cid in acked)
    report = ledger.verify_log(store, "demo")
    store.dispose()
    record_figures(
        f"crash[{store.engine.dialect.name}]",
        {
            "runs": ROUNDS,
            "acknowledged": len(acked),
            "found": found,
            "lost": len(acked) - found,
            "chain": "ok" if report.ok else str(report.problem),
        },
    )
    assert len(acked) > MIN_ACKS * ROUNDS, "the load generator hardly got any consent through"
    assert found == len(acked)
    assert report.ok, report.problem


def _post_one(url: str) -> str:
    req = urllib.request.Request(
        f"{url}/v1/sites/demo/consents",
        data=_consent_body(url),
        method="POST",
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return str(json.load(r)["consent_id"])
