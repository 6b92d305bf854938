"""Export time and peak memory for up to 1,000,000 proof records, against the database's own dump.

Run:  .venv/bin/python bench/export_memory.py [--records 1000000] [--quick]
      [--store sqlite|postgres|both] [--formats csv,json,ndjson] [--rounds 2]
      [--schema NAME] [--against OTHER_TREE] [--json]

For each store it fills a fresh database with synthetic, correctly chained
proof records of the demo site (spread over 30 days; bulk inserts: DB-API
``executemany`` on SQLite, ``COPY FROM STDIN`` on PostgreSQL), then, side by
side in the same run:

- the floor: the database's own CSV dump of the same rows in the same order
  (``sqlite3 -csv``, ``psql \\copy (SELECT …) TO … csv``), to /dev/null;
- the real ``cookiegate export`` command, once per format, in a fresh child
  process writing to /dev/null, timed from start to exit (imports included)
  with the child's own peak RSS read from ``wait4``.

A first row per store exports one day (1/30 of the records), so "memory stays
flat" is the difference between it and the big export. Each round goes to
stderr with the load average, and each child's CPU (user + sys) and, on
PostgreSQL, its backend's CPU: on a shared machine those compare where wall
seconds do not. ``--schema NAME`` keeps the PostgreSQL records in that
schema and reuses them in later runs (filled when it does not hold
``--records`` of them). PostgreSQL uses
COOKIEGATE_TEST_POSTGRES_URL (default the test server on 127.0.0.1:5432) in a
scratch schema dropped afterwards (skipped, saying so, when there is no
server). ``--quick`` exports 20,000 records, for a smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegate.consent.proofs import GENESIS  # noqa: E402
from cookiegate.consent.proofs import SEALED_FIELDS  # noqa: E402
from cookiegate.consent.proofs import canonical_json  # noqa: E402
from cookiegate.consent.proofs import seal  # noqa: E402
from cookiegate.core.checks import KNOWN_CATEGORIES  # noqa: E402
from cookiegate.store import Store  # noqa: E402
from cookiegate.store.schema import chain_heads  # noqa: E402
from cookiegate.store.schema import shown_versions  # noqa: E402

PG_URL = os.environ.get(
    "COOKIEGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
KEYS = "bench-newest-key-0123456789abcdef"
START = datetime(2026, 10, 1, tzinfo=UTC)
CATEGORIES = KNOWN_CATEGORIES
METHODS = ("accept_all", "reject_all", "custom", "gpc", "withdraw")
BATCH = 10_000


def _rows(n: int) -> t.Iterator[tuple[dict[str, t.Any], dict[str, bool]]]:
    """``n`` sealed, chained records of site ``demo``, oldest first."""
    prev = GENESIS
    step = timedelta(days=30) / max(n, 1)
    for i in range(1, n + 1):
        method = METHODS[i % len(METHODS)]
        granted = (
            {
                c: c == "necessary" or (method == "accept_all") or (i + j) % 3 == 0
                for j, c in enumerate(CATEGORIES)
            }
            if method in ("accept_all", "custom")
            else {c: c == "necessary" for c in CATEGORIES}
        )
        rec: dict[str, t.Any] = {
            "consent_id": str(uuid.UUID(int=i, version=4)),
            "site_id": "demo",
            "chain_index": i,
            "created_at": (START + step * i).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "revision": 1,
            "shown_hash": "a" * 64,
            "locale": "en",
            "method": method,
            "choices": canonical_json({"categories": granted, "services": {}}),
            "page_url": f"https://www.voltline.example/tv/oled-{i % 977}",
            "ip": f"192.0.{i % 256}.0",
            "ua_browser": "Chrome",
            "ua_os": "Windows",
            "ua_device": "desktop" if i % 4 else "mobile",
            "ua_bot": False,
            "previous_id": None,
            "prev_hash": prev,
        }
        rec["hash"] = prev = seal(rec)
        rec["seq"] = i
        yield rec, granted


COLUMNS = ("seq", *SEALED_FIELDS, "hash")


def fill(url: str, n: int) -> float:
    """Create the schema and insert ``n`` records in bulk; returns seconds taken.

    Rows go in through the DB-API itself (``executemany`` of tuples on
    SQLite, ``COPY`` on PostgreSQL): a SQLAlchemy insert of a million
    dictionaries took about 540 s per store.
    """
    began = time.perf_counter()
    store = Store(url)
    store.upgrade()
    with store.begin(write=True) as conn:
        conn.execute(
            shown_versions.insert().values(
                hash="a" * 64,
                site_id="demo",
                revision=1,
                locale="en",
                content="{}",
                created_at="2026-10-01T00:00:00.000000Z",
            )
        )
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        last = (_fill_sqlite if store.is_sqlite else _fill_postgres)(dbapi, n)
        conn.execute(chain_heads.insert().values(site_id="demo", length=n, hash=last))
    if store.is_sqlite:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE proofs")
    store.dispose()
    return time.perf_counter() - began


def _batches(n: int) -> t.Iterator[tuple[list[tuple[t.Any, ...]], list[tuple[t.Any, ...]], str]]:
    """``(proof rows, choice rows, last hash)`` in batches of :data:`BATCH` records."""
    proof_rows: list[tuple[t.Any, ...]] = []
    choice_rows: list[tuple[t.Any, ...]] = []
    last = GENESIS
    for rec, granted in _rows(n):
        proof_rows.append(tuple(rec[c] for c in COLUMNS))
        choice_rows += [(rec["seq"], c, g) for c, g in granted.items()]
        last = rec["hash"]
        if len(proof_rows) >= BATCH:
            yield proof_rows, choice_rows, last
            proof_rows, choice_rows = [], []
    yield proof_rows, choice_rows, last


def _fill_sqlite(dbapi: t.Any, n: int) -> str:
    cursor = dbapi.cursor()
    insert = f"INSERT INTO proofs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    head = GENESIS
    for proof_rows, choice_rows, last in _batches(n):
        head = last
        cursor.executemany(insert, proof_rows)
        cursor.executemany("INSERT INTO proof_choices VALUES (?, ?, ?)", choice_rows)
    return head


def _fill_postgres(dbapi: t.Any, n: int) -> str:
    """``COPY … FROM STDIN``: https://www.psycopg.org/psycopg3/docs/basic/copy.html"""
    cursor = dbapi.cursor()
    head = GENESIS
    for proof_rows, choice_rows, last in _batches(n):
        head = last
        with cursor.copy(f"COPY proofs ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in proof_rows:
                copy.write_row(row)
        with cursor.copy("COPY proof_choices (seq, category, granted) FROM STDIN") as copy:
            for row in choice_rows:
                copy.write_row(row)
    return head


DAYS = {"day": ("2026-10-01", "2026-10-01"), "all": ("2026-10-01", "2026-10-31")}


#: The child: the real command, then its own peak RSS (VmHWM) on stderr. Not the
#: ``ru_maxrss`` of ``wait4``: Linux keeps the forking parent's resident size in it
#: across ``exec``, so a big bench process would show as the export's memory.
CHILD = """
import atexit, sys
def peak():
    with open("/proc/self/status") as f:
        kb = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    sys.stderr.write(f"#peak-kb {kb}\\n")
atexit.register(peak)
from cookiegate.cli import main
main()
"""


def export(url: str, fmt: str, instance: Path, days: str = "all", tree: Path | None = None) -> Run:
    """Run ``cookiegate export`` in a fresh process: seconds from start to exit, CPU, peak RSS MB.

    :param tree: run the ``cookiegate`` package of this source tree (another
        checkout: ``--against``) instead of the installed one.
    """
    env = {
        **os.environ,
        "COOKIEGATE_DATABASE_URL": url,
        "COOKIEGATE_SECRET_KEYS": KEYS,
        "COOKIEGATE_INSTANCE_PATH": str(instance),
    }
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    start, end = DAYS[days]
    args = ["--site", "demo", "--from", start, "--to", end, "--format", fmt]
    cmd = [sys.executable, "-c", CHILD, "export", *args, "--output", os.devnull]
    # ``python -c`` puts the working directory first on sys.path: run in the tree
    # whose package is meant, or this checkout's would shadow PYTHONPATH's.
    run = timed(cmd, env, url, cwd=tree)
    if run.returncode != 0:
        raise SystemExit(f"export failed: {run.stderr}")
    kb = int(run.stderr.rsplit("#peak-kb ", 1)[1].split()[0])
    return run._replace(peak_mb=kb / 1024)


class Run(t.NamedTuple):
    """One timed child: wall seconds, its own CPU (user + sys), its database backend's CPU."""

    seconds: float
    cpu: float
    backend_cpu: float | None
    returncode: int
    stderr: str
    peak_mb: float = 0.0


def timed(cmd: list[str], env: dict[str, str], url: str, cwd: Path | None = None) -> Run:
    """Run ``cmd``; with PostgreSQL, the CPU of its backends too (``/proc/<pid>/stat``).

    The child's connections carry a unique ``application_name`` (libpq reads
    ``PGAPPNAME``); a thread finds their backends in ``pg_stat_activity`` and
    reads their CPU every 10 ms until they end (the last reading is kept: at
    most 10 ms of a backend's CPU is missed).
    """
    tag = f"cg-bench-{uuid.uuid4().hex[:8]}"
    env = {**env, "PGAPPNAME": tag}
    watcher = _Backends(url, tag) if not url.startswith("sqlite") else None
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        if watcher:
            watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        backend = watcher.stop() if watcher else None
        err.seek(0)
        text = err.read().decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, backend, child.returncode, text)


class _Backends:
    """The CPU seconds of the PostgreSQL backends whose ``application_name`` is ``tag``."""

    def __init__(self, url: str, tag: str) -> None:
        self.url, self.tag = url, tag
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return sum(self.cpu.values())

    def _watch(self) -> None:
        import psycopg

        conninfo = sa.engine.make_url(self.url).set(drivername="postgresql")
        dsn = conninfo.render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            while not self.done.wait(0.01):
                found = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.tag]
                ).fetchall()
                for pid in {p for (p,) in found} | set(self.cpu):
                    try:
                        with open(f"/proc/{pid}/stat") as f:
                            fields = f.read().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self.tick


def floor(url: str) -> tuple[str, Run] | None:
    """The database's own CSV dump of the same rows in the same order, in seconds.

    ``sqlite3 -csv`` for SQLite, ``psql \\copy (SELECT …) … csv`` for
    PostgreSQL, both to /dev/null: the rows the export selects (site, days,
    chain order), with no cell formatting.
    """
    parsed = sa.engine.make_url(url)
    select = (
        "SELECT * FROM {table} WHERE site_id = 'demo' AND created_at >= '2026-10-01' "
        "AND created_at < '2026-11-01' ORDER BY chain_index"
    )
    if parsed.get_backend_name() == "sqlite":
        sql = select.format(table="proofs")
        cmd = ["sqlite3", "-csv", "-header", str(parsed.database), sql + ";"]
        tool = "sqlite3 -csv"
    else:
        schema = str(parsed.query["options"]).split("=", 1)[1]
        sql = f"\\copy ({select.format(table=schema + '.proofs')}) TO '/dev/null' WITH CSV HEADER"
        cmd = ["psql", "-q", "-h", str(parsed.host), "-U", str(parsed.username)]
        cmd += ["-d", str(parsed.database), "-c", sql]
        tool = "psql \\copy csv"
    try:
        run = timed(cmd, dict(os.environ), url)
    except OSError as e:
        print(f"# floor skipped: {e}", file=sys.stderr)
        return None
    if run.returncode != 0:
        print(f"# floor skipped: {run.stderr}", file=sys.stderr)
        return None
    return tool, run


def postgres_url(keep: str | None = None) -> tuple[str, t.Callable[[], None], bool] | None:
    """A scratch schema's URL, how to drop it, and whether it is new.

    :param keep: a schema name to use and keep (created if missing, never dropped),
        so later runs can reuse its records (``--schema``).
    """
    try:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        schema = keep or f"cg_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            new = not conn.exec_driver_sql(
                "SELECT 1 FROM pg_namespace WHERE nspname = %(s)s", {"s": schema}
            ).first()
            if new:
                conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sa.exc.OperationalError as e:
        print(f"PostgreSQL skipped: {e.orig}", file=sys.stderr)
        return None

    def drop() -> None:
        if not keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop, new


def _filled(url: str, records: int) -> bool:
    """Whether a kept schema already holds ``records`` records of the bench (its chain head)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            length = conn.execute(sa.select(chain_heads.c.length)).scalar()
        return bool(length == records)
    except sa.exc.ProgrammingError:
        return False
    finally:
        engine.dispose()


ROUNDS = 2
#: Where the human-readable table goes (stderr with ``--json``).
OUT = sys.stdout
ROW = "{:>9,} | {:<6} | {:<9} | {:>7.2f} | {:>7} | {:>5} | {:>11} | {:>6} | {:>10}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--formats", default="csv,json,ndjson")
    parser.add_argument("--quick", action="store_true", help="20,000 records, both stores.")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (e.g. main's worktree): its export runs in turn with this one's",
    )
    parser.add_argument(
        "--schema",
        help="PostgreSQL: keep the records in this schema and reuse them in later runs",
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds per format")
    parser.add_argument(
        "--json", action="store_true", help="the table on stderr, one JSON object per row on stdout"
    )
    args = parser.parse_args()
    if args.json:
        global OUT
        OUT = sys.stderr
    if args.quick:
        args.records = 20_000
    formats = args.formats.split(",")
    stores = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    print(
        f"{'records':>9} | {'format':<6} | {'store':<9} | {'seconds':>7} | "
        f"{'floor s':>7} | {'ratio':>5} | {'peak RSS MB':>11} | {'cpu s':>6} | "
        f"{'backend s':>10}",
        file=OUT,
    )
    print("-" * 100, file=OUT)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        for name in stores:
            drop: t.Callable[[], None] = lambda: None  # noqa: E731
            reuse = False
            if name == "sqlite":
                url = f"sqlite:///{instance / 'bench.sqlite3'}"
            else:
                found = postgres_url(args.schema)
                if found is None:
                    continue
                url, drop, new = found
                reuse = not new and _filled(url, args.records)
            try:
                if not reuse:
                    took = fill(url, args.records)
                    print(f"# {name}: filled {args.records:,} in {took:.0f} s", file=sys.stderr)
                rounds = args.rounds
                _measure(name, url, instance, args.records, formats, args.against, rounds)
            finally:
                drop()


def _measure(
    name: str,
    url: str,
    instance: Path,
    records: int,
    formats: list[str],
    against: Path | None = None,
    rounds: int = ROUNDS,
) -> None:
    """One store's rows: a one-day export (flat memory), then each format beside its floor.

    The floor and the export are timed in turn, ``rounds`` times, and
    the fastest of each is kept: on a shared machine the slow runs are the
    other processes' doing, and both sides get the same chances. With
    ``against``, that checkout's export runs in each round too (an A/B in
    the same run), in its own row marked ``*``. Each round's figures go to
    stderr with the load average, as ``#`` lines.
    """
    small = max(1, records // 30)
    day = export(url, "csv", instance, days="day")
    print(_row(small, "csv", name, day, None), file=OUT)
    for fmt in formats:
        floors: list[Run] = []
        runs: list[Run] = []
        others: list[Run] = []
        for n in range(rounds if fmt == "csv" or against else 1):
            base = floor(url)
            if base:
                floors.append(base[1])
            if against is not None:
                others.append(export(url, fmt, instance, tree=against))
            runs.append(export(url, fmt, instance))
            _round(n, fmt, base[1] if base else None, others[-1] if others else None, runs[-1])
        best_floor = min(floors, key=lambda r: r.seconds) if floors else None
        if others:
            print(_row(records, fmt, name + "*", _best(others), best_floor), file=OUT)
        best = _best(runs)
        print(_row(records, fmt, name, best, best_floor), file=OUT)
        if OUT is sys.stderr:
            row = {"records": records, "format": fmt, "store": name, "seconds": best.seconds}
            row |= {"floor_s": best_floor.seconds if best_floor else None}
            row |= {"peak_rss_mb": best.peak_mb, "cpu_s": best.cpu}
            print(json.dumps(row), flush=True)


def _best(runs: list[Run]) -> Run:
    """The fastest run, with the highest peak RSS of them all."""
    fastest = min(runs, key=lambda r: r.seconds)
    return fastest._replace(peak_mb=max(r.peak_mb for r in runs))


def _cpu(run: Run | None) -> str:
    if run is None:
        return "-"
    backend = "" if run.backend_cpu is None else f" + {run.backend_cpu:.2f}"
    return f"{run.seconds:.2f} s ({run.cpu:.2f}{backend} CPU)"


def _round(n: int, fmt: str, base: Run | None, other: Run | None, run: Run) -> None:
    """One round's wall and CPU seconds (the process's + its backend's) and the load average."""
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"# {time.strftime('%H:%M:%S', time.gmtime())} UTC round {n + 1} {fmt}, load {load}: "
        f"floor {_cpu(base)}; against {_cpu(other)}; this {_cpu(run)}",
        file=sys.stderr,
        flush=True,
    )


def _row(records: int, fmt: str, name: str, run: Run, base: Run | None) -> str:
    floor_s, ratio = (
        (f"{base.seconds:.2f}", f"{run.seconds / base.seconds:.2f}") if base else ("", "")
    )
    backend = "" if run.backend_cpu is None else f"{run.backend_cpu:.2f}"
    return ROW.format(
        records,
        fmt,
        name,
        run.seconds,
        floor_s,
        ratio,
        f"{run.peak_mb:.1f}",
        f"{run.cpu:.2f}",
        backend,
    )


if __name__ == "__main__":
    main()
