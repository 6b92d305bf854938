"""Worker models side by side: throughput (as ratios to a hello) and slow-client resistance.

For each gunicorn worker model this starts the real app (``bench/benchapp.py``:
cookiegate plus a bare ``/bench/hello``) on loopback with the shipped
settings, then

1. drives ``/bench/hello``, ``loader.js`` and a real consent POST with wrk
   and prints req/s and the ratio to hello measured in the same run (the
   machine is shared and noisy: only ratios compare);
2. holds N clients that trickle their request headers one byte at a time,
   and N more that send a consent POST body one byte at a time, and times
   ``loader.js`` and a consent POST while they are held.

Models: ``gthread`` (gunicorn threads, what was shipped before), ``gevent``
(gunicorn's gevent worker, stock), ``asgi`` (gunicorn's native ASGI worker
running the Flask app through a2wsgi's thread pool, nothing more) and
``cookiegate`` (what ``serve --prod`` runs now: that, plus the whole body
read before the app and the header/body deadlines of ``cookiegate/asgi.py``).

    .venv/bin/python bench/slow_clients.py                 # SQLite, 3 x 5 s per endpoint
    .venv/bin/python bench/slow_clients.py --quick         # 1 x 3 s
    .venv/bin/python bench/slow_clients.py --models gevent,cookiegate --slow 200
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://localhost:8000"
MODELS = {
    "gthread": ["-k", "gthread", "--threads", "4"],
    "gevent": ["-k", "gevent"],
    # gunicorn's ASGI worker with a2wsgi and nothing else (no deadlines, no buffering)
    "asgi": ["-k", "asgi"],
    # what `serve --prod` runs: the shipped gunicorn_conf as it is
    "cookiegate": [],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, model: str, workdir: Path, database_url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "COOKIEGATE_DATABASE_URL": database_url,
            "COOKIEGATE_SECRET_KEYS": "bench-key-0123456789abcdef",
            "COOKIEGATE_INSTANCE_PATH": str(workdir),
            "COOKIEGATE_BIND": f"127.0.0.1:{self.port}",
            "COOKIEGATE_ACCESS_LOG": "/dev/null",
            "COOKIEGATE_CONSENT_RATE_LIMIT": "100000000 per minute",
            "COOKIEGATE_CONSENT_RATE_LIMIT_PER_SITE": "100000000 per minute",
        }
        app = {"asgi": "plainasgi:app", "cookiegate": "benchapp:asgi"}.get(model, "benchapp:app")
        cmd = [
            sys.executable,
            *("-m", "gunicorn", "-c", "python:cookiegate.gunicorn_conf"),
            *MODELS[model],
            *("--pythonpath", str(ROOT / "bench"), app),
        ]
        self.log = (workdir / f"{model}.log").open("wb")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn ({model}) did not start; see {self.log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def consent_body(base: str) -> bytes:
    from server_bench import bench_consent

    with urllib.request.urlopen(f"{base}/v1/sites/demo/banner.json?locale=en") as r:
        return json.dumps(bench_consent(json.load(r))).encode()


def wrk(url: str, seconds: float, connections: int, lua: Path | None) -> tuple[float, int]:
    extra = ["-s", str(lua)] if lua else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: .*timeout (\d+)", out)
    return rps, (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0)


def throughput(server: Server, args: argparse.Namespace, lua: Path) -> dict[str, list[float]]:
    endpoints = {
        "hello": (f"{server.base}/bench/hello", None),
        "loader.js": (f"{server.base}/v1/sites/demo/loader.js", None),
        "consent POST": (f"{server.base}/v1/sites/demo/consents", lua),
    }
    samples: dict[str, list[float]] = {k: [] for k in endpoints}
    bad: dict[str, int] = {k: 0 for k in endpoints}
    for url, script in endpoints.values():
        wrk(url, 1, args.connections, script)  # warm up
    for _ in range(args.rounds):
        for name, (url, script) in endpoints.items():
            rps, n = wrk(url, args.seconds, args.connections, script)
            samples[name].append(rps)
            bad[name] += n
    if any(bad.values()):
        print(f"   non-2xx/timeouts: {bad}")
    return samples


def timed(request: urllib.request.Request, timeout: float = 15) -> float:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            r.read()
    except OSError as e:
        print(f"   request failed: {e}")
        return float("inf")
    return time.monotonic() - start


def worst(request: urllib.request.Request, tries: int = 5) -> float:
    """The slowest of ``tries`` answers; stops at the first that never comes."""
    slowest = 0.0
    for _ in range(tries):
        slowest = max(slowest, timed(request))
        if slowest == float("inf"):
            break
    return slowest


class Tricklers:
    """N connections that each send a request one byte at a time, every ``gap`` seconds."""

    def __init__(self, port: int, count: int, payload: bytes, gap: float) -> None:
        self.socks: list[socket.socket] = []
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setblocking(False)
            self.socks.append(s)
        self.payload, self.gap = payload, gap
        self.stop = threading.Event()
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        pos = 0
        alive = list(self.socks)
        while alive and not self.stop.is_set() and pos < len(self.payload):
            for s in list(alive):
                try:
                    s.send(self.payload[pos : pos + 1])
                except OSError:
                    alive.remove(s)
                    self.dropped += 1
            pos += 1
            self.stop.wait(self.gap)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for s in self.socks:
            s.close()


def slow_clients(server: Server, count: int, body: bytes) -> dict[str, float]:
    header = (
        f"GET /v1/sites/demo/loader.js HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"User-Agent: slow{'x' * 200}\r\n\r\n"
    ).encode()
    post_head = (
        f"POST /v1/sites/demo/consents HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {ORIGIN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    heads = Tricklers(server.port, count, header, 0.5)
    bodies = Tricklers(server.port, count, b"", 0.5)
    for s in bodies.socks:
        s.setblocking(True)
        s.sendall(post_head)
        s.setblocking(False)
    bodies.payload = body
    time.sleep(2)  # let every worker pick some up
    loader = urllib.request.Request(f"{server.base}/v1/sites/demo/loader.js")
    post = urllib.request.Request(
        f"{server.base}/v1/sites/demo/consents",
        data=body,
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )
    try:
        loader_s = worst(loader)
        post_s = worst(post)
    finally:
        heads.close()
        bodies.close()
    return {"loader.js": loader_s, "consent POST": post_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="gthread,gevent,cookiegate,asgi")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--slow", type=int, default=200, help="slow clients of each kind")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds = 1, 3
    print(
        f"wrk -t2 -c{args.connections}, {args.rounds} x {args.seconds} s per endpoint, "
        f"{os.cpu_count()} CPUs, SQLite; slow clients: {args.slow} header + {args.slow} body"
    )
    print(f"{'model':11} {'endpoint':13} {'req/s':>8} {'vs hello':>9} {'answer w/ slow':>15}")
    for model in args.models.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            server = Server(model, Path(tmp), url)
            try:
                body = consent_body(server.base)
                lua = Path(tmp) / "post.lua"
                lua.write_text(
                    'wrk.method = "POST"\n'
                    f"wrk.body = {json.dumps(body.decode())}\n"
                    'wrk.headers["Content-Type"] = "application/json"\n'
                    f'wrk.headers["Origin"] = "{ORIGIN}"\n'
                )
                rps = {} if args.no_throughput else throughput(server, args, lua)
                slow = slow_clients(server, args.slow, body)
            finally:
                server.stop()
        hello = statistics.median(rps["hello"]) if rps else 0
        for name in ("hello", "loader.js", "consent POST"):
            value = statistics.median(rps[name]) if rps else 0
            ratio = f"{value / hello:.2f}" if hello else "-"
            answer = f"{slow[name]:.2f} s" if name in slow else ""
            print(f"{model:11} {name:13} {value:8.0f} {ratio:>9} {answer:>15}")


if __name__ == "__main__":
    main()
