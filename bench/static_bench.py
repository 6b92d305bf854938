"""The published loader served by nginx, as a ratio to nginx's own static hello.

Run from the repository root after the README's set-up:

    .venv/bin/python bench/static_bench.py [--quick] [--json]

It publishes the demo site (``cookiegate publish``), starts Debian's nginx with
the shipped ``deploy/nginx/cookiegate.conf`` and, in the same nginx, a second
server block that serves a 6-byte ``hello`` file, then drives both with wrk
from the same machine, alternating round by round so machine noise hits them
alike. ``loader.js`` is asked for with ``Accept-Encoding: br``, as browsers do.
The target is 0.8x the hello (issue 15). A third row serves the same brotli
bytes as a plain file of the plain server block: the gap between it and the
hello is what the loader's size costs, the rest is the config's work.
``--json`` prints one JSON object per row, for ``bench/run`` to fold in.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import typing as t
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.8


def ensure(present: bool, package: str) -> None:
    """Install a Debian package when it is missing and we run as root; else stop and say so."""
    if present:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {package} (Debian) ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", package], check=True, capture_output=True)
        return
    sys.exit(f"This benchmark needs {package}: apt-get install {package}")


def wrk(url: str, seconds: float, connections: int, extra: list[str]) -> tuple[float, int]:
    """Requests per second and non-2xx/3xx count of one wrk run."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def measure(args: argparse.Namespace) -> list[dict[str, t.Any]]:
    from tests.system.deploy_servers import BROTLI_MODULE
    from tests.system.deploy_servers import Nginx
    from tests.system.deploy_servers import Upstream
    from tests.system.deploy_servers import free_port
    from tests.system.deploy_servers import workdir

    ensure(bool(shutil.which("nginx", path="/usr/sbin:/usr/bin")), "nginx")
    ensure(BROTLI_MODULE.exists(), "libnginx-mod-http-brotli-static")
    ensure(bool(shutil.which("wrk")), "wrk")
    work = workdir()
    nginx = None
    try:
        out = work / "published"
        Upstream(work).publish(out)  # publishing needs no running server
        hello_dir = work / "hello"
        hello_dir.mkdir()
        (hello_dir / "hello.txt").write_text("hello\n")
        # The same brotli bytes as a plain file of the plain server: what the size alone costs.
        shutil.copy(out / "v1/sites/demo/loader.js.br", hello_dir / "same-bytes.br")
        port = free_port()
        extra = f"server {{ listen 127.0.0.1:{port}; root {hello_dir}; }}"
        nginx = Nginx(work, out, "127.0.0.1:9", extra=extra)
        loader = f"{nginx.base}/v1/sites/demo/loader.js"
        request = urllib.request.Request(loader, headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(request) as resp:
            assert resp.headers["Content-Encoding"] == "br", "nginx did not send the .br file"
            size = len(resp.read())
        endpoints = {
            "hello (floor)": (f"http://127.0.0.1:{port}/hello.txt", []),
            f"loader.js br ({size} B)": (loader, ["-H", "Accept-Encoding: br"]),
            "same bytes, plain file": (f"http://127.0.0.1:{port}/same-bytes.br", []),
        }
        samples: dict[str, list[float]] = {name: [] for name in endpoints}
        failures = dict.fromkeys(endpoints, 0)
        for url, extra_args in endpoints.values():  # warm-up
            wrk(url, 1, args.connections, extra_args)
        for _ in range(args.rounds):
            for name, (url, extra_args) in endpoints.items():
                rps, bad = wrk(url, args.seconds, args.connections, extra_args)
                samples[name].append(rps)
                failures[name] += bad
    finally:
        if nginx:
            nginx.stop()
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(samples["hello (floor)"])
    return [
        {
            "bench": "static",
            "endpoint": name,
            "rps": round(statistics.median(values)),
            "ratio": round(statistics.median(values) / floor, 3),
            "target": TARGET if name.startswith("loader") else None,
            "non_2xx": failures[name],
        }
        for name, values in samples.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s per endpoint")
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    args.rounds, args.seconds = (1, 3) if args.quick else (3, 10)
    rows = measure(args)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    print(
        f"\nStatic serving: nginx (1 worker, deploy/nginx/cookiegate.conf), wrk -t2 "
        f"-c{args.connections} on the same machine ({os.cpu_count()} CPUs), "
        f"{args.rounds} round(s) x {args.seconds} s, medians"
    )
    print(f"{'endpoint':24} {'req/s':>9} {'vs hello':>9} {'target':>9} {'non-2xx':>8}")
    for row in rows:
        target, ratio = row["target"], row["ratio"]
        mark = "" if target is None else f"≥{target} {'ok' if ratio >= target else 'MISS'}"
        print(f"{row['endpoint']:24} {row['rps']:9} {ratio:9.2f} {mark:>9} {row['non_2xx']:8}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
