"""CPU time of one consent POST in process, beside a bare Flask hello, and where it goes.

    .venv/bin/python bench/server_cpu.py [--requests 3000] [--profile 25] [--threads 1]

No server, no wrk: each request is a whole ASGI-scope-to-answer call of the
consent write lane (:class:`cookiegate.lane.WholeAnswers`, the code gunicorn's
worker calls for a consent POST) on a fresh SQLite file, timed with the
process's CPU clock (so the commits' fsync waits do not count, their system
time does). The bare hello (``bench/barehello.py``) runs through the same
bridge, alternating in blocks, so both see the same machine. Under gunicorn
the server's own cost (HTTP parsing, the event loop, the access log) comes
on top of both; this isolates what cookiegate's code adds, which is what a
change to it can remove. With ``--profile N`` it prints cProfile's top N
entries (CPU clock) for the consents.

``--threads 16`` runs the consents from 16 threads at once, as the write lane
does under load, so the group commit batches them (one commit for many).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from server_bench import BROWSER  # noqa: E402
from server_bench import bench_consent  # noqa: E402


def scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, object]:
    """An ASGI HTTP scope as gunicorn's worker builds it."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def consent_body(app: object) -> bytes:
    client = app.test_client()  # type: ignore[attr-defined]
    banner = client.get("/v1/sites/demo/banner.json?locale=en").get_json()
    return json.dumps(bench_consent(banner)).encode()


UA = BROWSER.encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--profile", type=int, default=0, help="print the top N entries")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cookiegate-cpu-"))
    url = args.database_url or f"sqlite:///{workdir / 'cpu.sqlite3'}"
    os.environ.update(
        {
            "COOKIEGATE_DATABASE_URL": url,
            "COOKIEGATE_SECRET_KEYS": "bench-key-0123456789abcdef",
            "COOKIEGATE_INSTANCE_PATH": str(workdir),
            "COOKIEGATE_CONSENT_RATE_LIMIT": "100000000 per minute",
            "COOKIEGATE_CONSENT_RATE_LIMIT_PER_SITE": "100000000 per minute",
        }
    )
    from cookiegate.store import Store

    Store(url).upgrade()
    import barehello
    from benchapp import app

    from cookiegate.lane import WholeAnswers

    body = consent_body(app)
    post = scope(
        "POST",
        "/v1/sites/demo/consents",
        [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"origin", b"http://localhost:8000"),
            (b"user-agent", UA),
        ],
    )
    hello = scope("GET", "/hello", [(b"user-agent", UA)])
    consent_lane = WholeAnswers(app, 1)
    hello_lane = WholeAnswers(barehello.app, 1)
    status = consent_lane._run(post, body)[0]
    assert status == 201, consent_lane._run(post, body)

    walls: list[float] = []

    def consents(n: int) -> float:
        per_thread = max(1, n // args.threads)
        wall = time.perf_counter()

        def work() -> None:
            for _ in range(per_thread):
                consent_lane._run(post, body)

        start = time.process_time()
        if args.threads == 1:
            work()
        else:
            threads = [threading.Thread(target=work) for _ in range(args.threads)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        walls.append(per_thread * args.threads / (time.perf_counter() - wall))
        return (time.process_time() - start) / (per_thread * args.threads) * 1e6

    def hellos(n: int) -> float:
        start = time.process_time()
        for _ in range(n):
            hello_lane._run(hello, b"")
        return (time.process_time() - start) / n * 1e6

    consents(200)
    hellos(200)
    block = args.requests // args.blocks
    pairs = []
    for number in range(args.blocks):
        if number % 2:
            c, h = consents(block), hellos(block)
        else:
            h, c = hellos(block), consents(block)
        pairs.append((c, h))
    c_med = statistics.median(c for c, _ in pairs)
    h_med = statistics.median(h for _, h in pairs)
    ratios = [h / c for c, h in pairs]
    stats = app.extensions["cookiegate"].store.write_stats
    print(
        f"in process, CPU per request: consent {c_med:.0f} us, bare hello {h_med:.0f} us, "
        f"ratio {statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}); "
        f"{args.threads} thread(s), {stats['writes'] / max(stats['commits'], 1):.1f} per commit, "
        f"{statistics.median(walls):.0f} consents/s wall; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    commits = max(stats["commits"], 1)
    print(
        f"per commit: {stats.get('wait_us', 0) / commits / 1000:.2f} ms opening it, "
        f"{stats.get('held_us', 0) / commits / 1000:.2f} ms holding it (writes and commit)"
    )
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        consents(block)
        profiler.disable()
        ps = pstats.Stats(profiler)
        ps.sort_stats("tottime").print_stats(args.profile)
        ps.sort_stats("cumulative").print_stats(args.profile * 2)


if __name__ == "__main__":
    main()
