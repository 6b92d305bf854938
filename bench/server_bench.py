"""Server throughput under gunicorn, as ratios to a bare Flask hello app served alike.

Run from the repository root after the README's set-up:

    .venv/bin/python bench/server_bench.py [--quick] [--stores sqlite,postgres]

It starts two gunicorns with the shipped production config
(cookiegate/gunicorn_conf.py) on 127.0.0.1: cookiegate (bench/benchapp.py)
and, side by side, a bare Flask hello app with no cookiegate code
(bench/barehello.py), the floor every figure is divided by. wrk drives them
from the same machine (installed with apt-get when missing), alternating the
endpoints round by round so that machine noise hits them alike, and the
script prints a table of medians and ratios. Each endpoint is measured right
beside a run of the floor, in alternating order, and its ratio is the median
of those pairs (see :func:`measure`).
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "COOKIEGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FLOOR = "bare hello"
#: Issue 14's targets, as ratios to the bare hello app of the same run.
TARGETS = {
    "cookiegate hello": 0.9,
    "loader.js": 0.85,
    "banner.json": 0.85,
    "/healthz": 0.8,
    "consent POST": 0.30,
}


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


def fresh_store(store: str, workdir: Path) -> tuple[str, str | None]:
    """A new, migrated database for one server: its URL, and the PostgreSQL schema to drop.

    ``store`` is ``sqlite`` (a file in ``workdir``) or ``postgres`` (a schema of its own
    in the test database, :func:`postgres_schema`).
    """
    from cookiegate.store import Store

    schema = None
    if store == "postgres":
        schema, url = postgres_schema()
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    Store(url).upgrade()
    return url, schema


def drop_schema(schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()


class Gunicorn:
    """One gunicorn with the shipped config, serving ``app`` (``module:variable`` in bench/)."""

    def __init__(self, app: str, database_url: str, workdir: Path, workers: int | None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "COOKIEGATE_DATABASE_URL": database_url,
            "COOKIEGATE_SECRET_KEYS": "bench-key-0123456789abcdef",
            "COOKIEGATE_INSTANCE_PATH": str(workdir),
            "COOKIEGATE_BIND": f"127.0.0.1:{self.port}",
            "COOKIEGATE_ACCESS_LOG": "/dev/null",
            "COOKIEGATE_BENCH_STATS": str(workdir / "group-commit.jsonl"),
            "COOKIEGATE_CONSENT_RATE_LIMIT": "100000000 per minute",
            "COOKIEGATE_CONSENT_RATE_LIMIT_PER_SITE": "100000000 per minute",
        }
        if workers is not None:  # else the shipped default (CPUs + 1)
            env["COOKIEGATE_WORKERS"] = str(workers)
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:cookiegate.gunicorn_conf",
            "--pythonpath",
            str(ROOT / "bench"),
            app,
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

    def _family(self) -> Iterator[tuple[int, list[str]]]:
        """(pid, /proc stat fields after the name) of the master and of its live workers."""
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if self.proc.pid in (int(entry), int(fields[1])):
                yield int(entry), fields

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of this gunicorn: master, live workers, reaped workers."""
        total = 0
        for pid, fields in self._family():
            if pid == self.proc.pid:  # its own time and that of its reaped children
                total += sum(int(f) for f in fields[11:15])
            else:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def workers(self) -> frozenset[int]:
        """Pids of the live workers: a new one means a worker was recycled."""
        return frozenset(pid for pid, _ in self._family() if pid != self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)


#: A current desktop Chrome's User-Agent, sent with the consent POSTs.
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def bench_consent(banner: dict[str, Any]) -> dict[str, Any]:
    """The consent every server bench posts: analytics on, the other optional categories off."""
    return {
        "revision": banner["revision"],
        "shown_hash": banner["shown_hash"],
        "locale": "en",
        "method": "custom",
        "choices": {
            c["id"]: c["id"] == "analytics" for c in banner["categories"] if not c["locked"]
        },
        "page_url": "https://www.voltline.example/tv/oled-55",
    }


def consent_script(base: str, workdir: Path) -> Path:
    with urllib.request.urlopen(f"{base}/v1/sites/demo/banner.json?locale=en") as r:
        body = bench_consent(json.load(r))
    script = workdir / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        'wrk.headers["Origin"] = "http://localhost:8000"\n'
        # Browsers send one, and a proof records its summary (parsed once per distinct string).
        f'wrk.headers["User-Agent"] = "{BROWSER}"\n'
    )
    return script


def wrk(
    binary: str, url: str, seconds: float, connections: int, extra: list[str]
) -> tuple[float, int, int]:
    """Requests per second, non-2xx count and number of requests of one wrk run."""
    out = subprocess.run(
        [binary, "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return rps, int(bad.group(1)) if bad else 0, done


def endpoints(store: str, base: str, floor: str, post: Path) -> dict[str, tuple[str, list[str]]]:
    """What to measure: name -> (URL, extra wrk arguments)."""
    br = ["-H", "Accept-Encoding: br"]
    found = {
        FLOOR: (f"{floor}/hello", []),
        "cookiegate hello": (f"{base}/bench/hello", []),
        "loader.js": (f"{base}/v1/sites/demo/loader.js", br),
        "banner.json": (f"{base}/v1/sites/demo/banner.json?locale=de", br),
        "/healthz": (f"{base}/healthz", []),
        "/readyz (deep)": (f"{base}/readyz", []),
        "consent POST": (f"{base}/v1/sites/demo/consents", ["-s", str(post)]),
    }
    if store != "sqlite":
        # Only the write and the readiness check touch the database: the reads
        # are measured once, on SQLite.
        found = {k: v for k, v in found.items() if k in (FLOOR, "/readyz (deep)", "consent POST")}
    return found


def grouping(stats_file: Path) -> str:
    """How many consent writes shared a commit, summed over the workers' own counts."""
    if not stats_file.exists():
        return "no group-commit figures (workers did not exit cleanly)"
    lines = [json.loads(line) for line in stats_file.read_text().splitlines() if line]
    commits, writes = sum(x["commits"] for x in lines), sum(x["writes"] for x in lines)
    wait, held = (sum(x.get(k, 0) for x in lines) / max(commits, 1) / 1000 for k in KEYS)
    return (
        f"{writes} consents in {commits} transactions, {writes / max(commits, 1):.1f} per "
        f"commit ({len(lines)} workers); per commit {wait:.1f} ms waiting for the write lock, "
        f"{held:.1f} ms holding it (writes and commit)"
    )


#: The group commit's timings (cookiegate/store/group.py), summed over the workers.
KEYS = ("wait_us", "held_us")


Row = tuple[str, str, float, float, float, float, int, float, float, float]


def measure(
    measured: dict[str, tuple[str, list[str]]],
    servers: dict[str, Gunicorn],
    args: argparse.Namespace,
    binary: str,
) -> dict[str, dict[str, list[float]]]:
    """Every endpoint, each run right beside a floor run, round after round.

    The floor is not measured once per round but next to every endpoint, in
    alternating order (floor first in even rounds, second in odd ones), and
    each endpoint's ratio is the median of these pairs: on a machine shared
    with other work the load drifts within seconds, and a floor measured a
    minute away from its subject gave 1,101 req/s in one row and 3,059 in
    another of the same run. A warm-up runs every endpoint first (the first
    request for a locale builds its answer, workers fill their caches).

    :returns: endpoint -> {"rps", "floor", "ratio", "cpu", "floor_cpu", "bad"} samples.
    """
    floor_url, floor_extra = measured[FLOOR]
    for endpoint, extra in measured.values():  # warm-up
        wrk(binary, endpoint, args.warmup, args.connections, extra)
    keys = ("rps", "floor", "ratio", "cpu", "floor_cpu", "bad")
    found = {name: {key: [] for key in keys} for name in measured if name != FLOOR}

    def one(name: str, url: str, extra: list[str]) -> tuple[float, float, int, bool]:
        target = servers[name]
        pids, before = target.workers(), target.cpu_seconds()
        rps, bad, done = wrk(binary, url, args.seconds, args.connections, extra)
        cpu = (target.cpu_seconds() - before) / max(done, 1) * 1e6
        return rps, cpu, bad, target.workers() != pids

    for number in range(args.rounds):
        for name, (url, extra) in measured.items():
            if name == FLOOR:
                continue
            pair = [(FLOOR, floor_url, floor_extra), (name, url, extra)]
            if number % 2:
                pair.reverse()
            # A worker recycled by max_requests (a new app build, ~1.2 s of CPU for
            # cookiegate's) inside a window would charge one endpoint for it: such a pair
            # is measured again, at most twice.
            for _ in range(3):
                done = {who: one(who, u, e) for who, u, e in pair}
                if not any(x[3] for x in done.values()):
                    break
                print(f"a worker was recycled while measuring {name}: again", file=sys.stderr)
            results = {who: x[:3] for who, x in done.items()}
            (rps, cpu, bad), (floor, floor_cpu, _) = results[name], results[FLOOR]
            for key, value in zip(
                keys, (rps, floor, rps / floor, cpu, floor_cpu, bad), strict=True
            ):
                found[name][key].append(value)
    return found


def run_store(store: str, args: argparse.Namespace, binary: str) -> tuple[list[Row], str]:
    workdir = Path(tempfile.mkdtemp(prefix="cookiegate-bench-"))
    url, schema = fresh_store(store, workdir)
    server = Gunicorn("benchapp:asgi", url, workdir, args.workers)
    floor = Gunicorn("barehello:asgi", url, workdir, args.workers)
    try:
        post = consent_script(server.base, workdir)
        measured = endpoints(store, server.base, floor.base, post)
        if args.only:
            wanted = {FLOOR, *args.only.split(",")}
            measured = {k: v for k, v in measured.items() if k in wanted}
        servers = {name: floor if name == FLOOR else server for name in measured}
        found = measure(measured, servers, args, binary)
        floor_rps = [x for v in found.values() for x in v["floor"]]
        floor_cpu = [x for v in found.values() for x in v["floor_cpu"]]
        med = statistics.median
        rows: list[Row] = [
            (store, FLOOR, med(floor_rps), 1.0, med(floor_cpu), 1.0, 0, med(floor_rps), 1.0, 1.0)
        ]
        for name, v in found.items():
            rows.append(
                (
                    store,
                    name,
                    med(v["rps"]),
                    med(v["ratio"]),
                    med(v["cpu"]),
                    med([f / c for f, c in zip(v["floor_cpu"], v["cpu"], strict=True)]),
                    int(sum(v["bad"])),
                    med(v["floor"]),
                    min(v["ratio"]),
                    max(v["ratio"]),
                )
            )
        server.stop()
        return rows, grouping(workdir / "group-commit.jsonl")
    finally:
        server.stop()
        floor.stop()
        if schema:
            drop_schema(schema)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds of 2 s per endpoint (and its floor)"
    )
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument(
        "--workers", type=int, default=None, help="default: the shipped config's (CPUs + 1)"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=None, help="default 5 (--quick: 3)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="per wrk run; default 5 (--quick: 2)"
    )
    parser.add_argument("--warmup", type=float, default=None, help="seconds per endpoint first")
    parser.add_argument(
        "--only", default=None, help="comma-separated endpoint names to measure (default: all)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    args = parser.parse_args()
    rounds, seconds = (3, 2) if args.quick else (5, 5)
    args.rounds, args.seconds = args.rounds or rounds, args.seconds or seconds
    args.warmup = args.warmup or args.seconds
    binary = ensure_wrk()
    rows, groups = [], {}
    for store in args.stores.split(","):
        print(f"measuring {store} ...", file=sys.stderr)
        measured, groups[store] = run_store(store, args, binary)
        rows += measured
    if args.json:
        keys = (
            "store",
            "endpoint",
            "rps",
            "ratio",
            "cpu_us",
            "cpu_ratio",
            "non_2xx",
            "floor_rps",
            "ratio_min",
            "ratio_max",
        )
        for row in rows:
            print(json.dumps({**dict(zip(keys, row, strict=True)), "target": TARGETS.get(row[1])}))
        return
    from cookiegate.core.settings import environ_value

    workers = args.workers or environ_value("COOKIEGATE_WORKERS")
    threads = environ_value("COOKIEGATE_THREADS")
    writers = environ_value("COOKIEGATE_WRITE_THREADS")
    print(
        f"\nServer throughput: gunicorn (cookiegate/gunicorn_conf.py), {workers} workers x "
        f"{threads} threads (+ {writers} consent-write threads), access log off, "
        f"wrk -t2 -c{args.connections} on the same machine "
        f"({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}), "
        f"{args.rounds} round(s) x {args.seconds:g} s, each beside a floor run; "
        f"ratio = median over the rounds of req/s / the bare Flask hello run beside it"
    )
    print(
        "CPU = server CPU time (gunicorn master and workers, user + system) per request; "
        "CPU ratio = bare hello's CPU per request / this one's (insensitive to other load)"
    )
    print(
        f"{'store':9} {'endpoint':17} {'req/s':>9} {'floor':>7} {'ratio':>6} {'range':>11} "
        f"{'target':>10} {'CPU us':>7} {'CPU ratio':>9} {'non-2xx':>8}"
    )
    for store, name, rps, ratio, cpu_us, cpu_ratio, bad, floor, low, high in rows:
        target = TARGETS.get(name)
        mark = "" if target is None else f"≥{target:.2f} {'ok' if ratio >= target else 'MISS'}"
        print(
            f"{store:9} {name:17} {rps:9.0f} {floor:7.0f} {ratio:6.2f} {low:5.2f}-{high:<5.2f} "
            f"{mark:>10} {cpu_us:7.0f} {cpu_ratio:9.2f} {bad:8d}"
        )
    for store, text in groups.items():
        print(f"group commit, {store}: {text}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
