"""Server throughput under gunicorn, as ratios to a hello-world endpoint of the same app.

Run from the repository root after the README's set-up:

    .venv/bin/python bench/server_bench.py [--quick] [--stores sqlite,postgres]

It starts gunicorn with the shipped production config (cookiegate/gunicorn_conf.py)
on 127.0.0.1, drives it with wrk from the same machine (installed with apt-get
when missing), alternating the endpoints round by round so that machine noise
hits them alike, and prints a table of medians and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "COOKIEGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGETS = {"loader.js": 0.8, "banner.json": 0.8, "consent POST": 0.5}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (Debian package) ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        return shutil.which("wrk") or sys.exit("wrk did not install")
    sys.exit("This benchmark needs wrk: apt-get install wrk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_schema() -> tuple[str, str]:
    """A fresh schema in the test database and a URL whose connections use it."""
    import sqlalchemy as sa

    schema = f"cg_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, url.render_as_string(hide_password=False)


def drop_schema(schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()


class Gunicorn:
    def __init__(self, database_url: str, workdir: Path, workers: int) -> None:
        from cookiegate.store import Store

        Store(database_url).upgrade()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "COOKIEGATE_DATABASE_URL": database_url,
            "COOKIEGATE_SECRET_KEYS": "bench-key-0123456789abcdef",
            "COOKIEGATE_INSTANCE_PATH": str(workdir),
            "COOKIEGATE_BIND": f"127.0.0.1:{self.port}",
            "COOKIEGATE_WORKERS": str(workers),
            "COOKIEGATE_ACCESS_LOG": "/dev/null",
            "COOKIEGATE_CONSENT_RATE_LIMIT": "100000000 per minute",
            "COOKIEGATE_CONSENT_RATE_LIMIT_PER_SITE": "100000000 per minute",
        }
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:cookiegate.gunicorn_conf",
            "--pythonpath",
            str(ROOT / "bench"),
            "benchapp:app",
        ]
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("gunicorn did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def consent_script(base: str, workdir: Path) -> Path:
    with urllib.request.urlopen(f"{base}/v1/sites/demo/banner.json?locale=en") as r:
        banner = json.load(r)
    body = {
        "revision": banner["revision"],
        "shown_hash": banner["shown_hash"],
        "locale": "en",
        "method": "custom",
        "choices": {
            c["id"]: c["id"] == "analytics" for c in banner["categories"] if not c["locked"]
        },
        "page_url": "https://www.voltline.example/tv/oled-55",
    }
    script = workdir / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        'wrk.headers["Origin"] = "http://localhost:8000"\n'
    )
    return script


def wrk(
    binary: str, url: str, seconds: float, connections: int, extra: list[str]
) -> tuple[float, int]:
    """Requests per second and non-2xx count of one wrk run."""
    out = subprocess.run(
        [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def run_store(
    store: str, args: argparse.Namespace, binary: str
) -> list[tuple[str, str, float, float, int]]:
    workdir = Path(tempfile.mkdtemp(prefix="cookiegate-bench-"))
    schema = None
    if store == "postgres":
        schema, url = postgres_schema()
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    server = Gunicorn(url, workdir, args.workers)
    try:
        post = consent_script(server.base, workdir)
        br = ["-H", "Accept-Encoding: br"]
        endpoints = {
            "hello (ceiling)": (f"{server.base}/bench/hello", []),
            "loader.js": (f"{server.base}/v1/sites/demo/loader.js", br),
            "banner.json": (f"{server.base}/v1/sites/demo/banner.json?locale=de", br),
            "consent POST": (f"{server.base}/v1/sites/demo/consents", ["-s", str(post)]),
        }
        if store != "sqlite":
            # Reads do not touch the database: measure them once, on SQLite.
            endpoints = {
                k: v for k, v in endpoints.items() if k in ("hello (ceiling)", "consent POST")
            }
        samples: dict[str, list[float]] = {name: [] for name in endpoints}
        failures = dict.fromkeys(endpoints, 0)
        for endpoint, extra in endpoints.values():  # warm-up
            wrk(binary, endpoint, 1, args.connections, extra)
        for _ in range(args.rounds):
            for name, (endpoint, extra) in endpoints.items():
                rps, bad = wrk(binary, endpoint, args.seconds, args.connections, extra)
                samples[name].append(rps)
                failures[name] += bad
        ceiling = statistics.median(samples["hello (ceiling)"])
        return [
            (store, name, statistics.median(v), statistics.median(v) / ceiling, failures[name])
            for name, v in samples.items()
        ]
    finally:
        server.stop()
        if schema:
            drop_schema(schema)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s per endpoint")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    args.rounds, args.seconds = (1, 3) if args.quick else (3, 10)
    binary = ensure_wrk()
    rows = []
    for store in args.stores.split(","):
        print(f"measuring {store} ...", file=sys.stderr)
        rows += run_store(store, args, binary)
    print(
        f"\nServer throughput: gunicorn, {args.workers} workers x 4 threads, "
        f"wrk -t2 -c{args.connections} on the same machine ({os.cpu_count()} CPUs), "
        f"{args.rounds} round(s) x {args.seconds} s, medians"
    )
    print(f"{'store':9} {'endpoint':16} {'req/s':>9} {'vs hello':>9} {'target':>7} {'non-2xx':>8}")
    for store, name, rps, ratio, bad in rows:
        target = TARGETS.get(name)
        mark = "" if target is None else f"≥{target:.1f} {'ok' if ratio >= target else 'MISS'}"
        print(f"{store:9} {name:16} {rps:9.0f} {ratio:9.2f} {mark:>7} {bad:8d}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
