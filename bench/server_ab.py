"""Consent POSTs on two or more server variants at once, interleaved run by run.

    .venv/bin/python bench/server_ab.py --variant A: --variant B:COOKIEGATE_WRITE_THREADS=8

Each ``--variant NAME:VAR=VALUE,VAR=VALUE`` is a cookiegate gunicorn (shipped
config, ``bench/benchapp.py``) with those environment variables on top of the
bench's (``TREE=/path`` serves the code of another checkout instead, e.g. one
made with ``git archive main | tar -x -C /path``, compiled catalogs copied in),
each on a fresh SQLite file (or ``--store postgres``: a schema each),
plus the bare Flask hello as the floor. wrk then drives them in turn, round
after round, in balanced order (:func:`balanced_order`; use a multiple of
``2 x`` the servers for ``--rounds``), so load from other work hits every variant
alike; the table gives each variant's median req/s, its median ratio to the
floor run of the same round, and its server CPU per request. Use it to decide
a change that ``bench/server_bench.py`` cannot resolve on a busy machine: the
variants share every minute of the run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from server_bench import Gunicorn  # noqa: E402
from server_bench import consent_script  # noqa: E402
from server_bench import drop_schema  # noqa: E402
from server_bench import ensure_wrk  # noqa: E402
from server_bench import fresh_store  # noqa: E402
from server_bench import wrk  # noqa: E402


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, assignments = text.partition(":")
    env = dict(a.split("=", 1) for a in assignments.split(",") if a)
    return name, env


def balanced_order(names: list[str], number: int) -> list[str]:
    """The order of round ``number``: rotations, then the same rotations reversed.

    With rotations alone, one variant ran right after the other consent variant in two
    rounds of three and never the other way round, and the one running second after
    another server's fsyncs came out about 25 % lower in two runs (bench/README.md); over
    ``2 x len(names)`` rounds every variant follows every other one equally often.
    """
    shift = number % len(names)
    order = names[shift:] + names[:shift]
    return order[::-1] if (number // len(names)) % 2 else order


def start(app: str, store: str, workdir: Path, env: dict[str, str]) -> tuple[Gunicorn, str | None]:
    """A gunicorn for ``app`` on a fresh database, with ``env`` set while it starts."""
    url, schema = fresh_store(store, workdir)
    env = dict(env)
    tree = env.pop("TREE", None)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    import server_bench

    root = server_bench.ROOT
    # Run from the other tree: ``python -m`` puts its working directory first on sys.path.
    server_bench.ROOT = Path(tree) if tree else root
    try:
        return Gunicorn(app, url, workdir, None), schema
    finally:
        server_bench.ROOT = root
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", action="append", required=True)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    binary = ensure_wrk()
    variants = [parse_variant(v) for v in args.variant]
    servers: dict[str, Gunicorn] = {}
    schemas: list[str] = []
    dirs: list[Path] = []
    try:
        for name, env in [("bare hello", {}), *variants]:
            workdir = Path(tempfile.mkdtemp(prefix="cookiegate-ab-"))
            dirs.append(workdir)
            app = "barehello:asgi" if name == "bare hello" else "benchapp:asgi"
            servers[name], schema = start(app, args.store, workdir, env)
            if schema:
                schemas.append(schema)
        runs = {}
        for name, server in servers.items():
            if name == "bare hello":
                runs[name] = (f"{server.base}/hello", [])
            else:
                post = consent_script(server.base, dirs[list(servers).index(name)])
                runs[name] = (f"{server.base}/v1/sites/demo/consents", ["-s", str(post)])
        for url, extra in runs.values():  # warm-up
            wrk(binary, url, 3, args.connections, extra)
        found: dict[str, dict[str, list[float]]] = {n: {"rps": [], "cpu": []} for n in runs}
        ratios: dict[str, list[float]] = {n: [] for n in runs}
        names = list(runs)
        for number in range(args.rounds):
            order = balanced_order(names, number)
            this: dict[str, float] = {}
            for name in order:
                url, extra = runs[name]
                before = servers[name].cpu_seconds()
                rps, bad, done = wrk(binary, url, args.seconds, args.connections, extra)
                cpu = (servers[name].cpu_seconds() - before) / max(done, 1) * 1e6
                found[name]["rps"].append(rps)
                found[name]["cpu"].append(cpu)
                this[name] = rps
                if bad:
                    print(f"{name}: {bad} non-2xx answers", file=sys.stderr)
            for name in names:
                ratios[name].append(this[name] / this["bare hello"])
        med = statistics.median
        print(
            f"{args.store}, {args.rounds} rounds x {args.seconds:g} s, "
            f"load {os.getloadavg()[0]:.1f}"
        )
        print(f"{'variant':24} {'req/s':>7} {'ratio':>6} {'range':>11} {'CPU us':>7}")
        for name in names:
            r = ratios[name]
            print(
                f"{name:24} {med(found[name]['rps']):7.0f} {med(r):6.2f} "
                f"{min(r):5.2f}-{max(r):<5.2f} {med(found[name]['cpu']):7.0f}"
            )
    finally:
        for server in servers.values():
            server.stop()
        for schema in schemas:
            drop_schema(schema)
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
