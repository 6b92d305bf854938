"""Where a cookiegate request's time goes: py-spy over gunicorn under wrk load.

    .venv/bin/pip install py-spy        # not a dependency of cookiegate
    .venv/bin/python bench/server_profile.py consent [--store postgres] [--seconds 15]
    .venv/bin/python bench/server_profile.py hello|loader|banner|healthz
    .venv/bin/python bench/server_profile.py bare     # the floor: bench/barehello.py's hello

Starts cookiegate under gunicorn with the shipped config (as
``bench/server_bench.py`` does), drives one endpoint with wrk, samples every
worker with ``py-spy record --subprocesses --idle`` off (CPU only), writes
a speedscope file (``--out``, open it at speedscope.app) and prints the
functions with the largest share of samples: inclusive (the function and
what it calls) and self (its own lines).
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from server_bench import Gunicorn  # noqa: E402
from server_bench import consent_script  # noqa: E402
from server_bench import drop_schema  # noqa: E402
from server_bench import ensure_wrk  # noqa: E402
from server_bench import postgres_schema  # noqa: E402
from server_bench import wrk  # noqa: E402

PATHS = {
    "hello": "/bench/hello",
    "loader": "/v1/sites/demo/loader.js",
    "banner": "/v1/sites/demo/banner.json?locale=de",
    "healthz": "/healthz",
    "consent": "/v1/sites/demo/consents",
    "bare": "/hello",
}


def frames(speedscope: Path) -> tuple[collections.Counter[str], collections.Counter[str], int]:
    """Inclusive and self sample counts per function, and the total, from a speedscope file."""
    data = json.loads(speedscope.read_text())
    # By function, not by line: py-spy names each sampled line a frame of its own.
    names = [f"{f['name']} ({Path(f.get('file', '?')).name})" for f in data["shared"]["frames"]]
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            total += weight
            for name in {names[i] for i in stack}:
                inclusive[name] += weight
            if stack:
                own[names[stack[-1]]] += weight
    return inclusive, own, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("endpoint", choices=sorted(PATHS))
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=Path("profile.speedscope.json"))
    args = parser.parse_args()
    from cookiegate.store import Store

    binary = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="cookiegate-profile-"))
    schema = None
    if args.store == "postgres":
        schema, url = postgres_schema()
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    Store(url).upgrade()
    app = "barehello:asgi" if args.endpoint == "bare" else "benchapp:asgi"
    server = Gunicorn(app, url, workdir, None)
    try:
        extra = []
        if args.endpoint == "consent":
            extra = ["-s", str(consent_script(server.base, workdir))]
        elif args.endpoint in ("loader", "banner"):
            extra = ["-H", "Accept-Encoding: br"]
        url_ = server.base + PATHS[args.endpoint]
        # Every worker booted and warm first: a profile that starts with the first answer
        # counted the other workers' start (create_app) as 8-13 % of a hello's samples.
        wrk(binary, url_, 5, 32, extra)
        done: list[tuple[float, int, int]] = []
        load = threading.Thread(
            target=lambda: done.append(wrk(binary, url_, args.seconds + 4, 32, extra)),
            daemon=True,
        )
        load.start()
        spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
        subprocess.run(
            [spy, "record", "--subprocesses", "--gil", "--rate", "250",
             "--duration", str(args.seconds), "--format", "speedscope",
             "-o", str(args.out), "--pid", str(server.proc.pid)],
            check=True, capture_output=True,
        )  # fmt: skip
        load.join()
    finally:
        server.stop()
        if schema:
            drop_schema(schema)
        shutil.rmtree(workdir, ignore_errors=True)
    inclusive, own, total = frames(args.out)
    # Samples per request compare two profiles taken at different load (bare vs hello).
    rps = done[0][0] if done else float("nan")
    print(
        f"{args.endpoint} on {args.store}: {total} samples of busy worker threads, "
        f"{rps:.0f} req/s, {total / (rps * args.seconds) * 1000:.0f} samples per 1,000 requests"
    )
    for title, counts in (("inclusive", inclusive), ("self", own)):
        print(f"\n{title:>9}  function")
        for name, n in counts.most_common(args.top):
            print(f"{100 * n / total:8.1f}%  {name}")


if __name__ == "__main__":
    main()
