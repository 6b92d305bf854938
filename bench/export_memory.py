"""Export throughput and peak memory for up to 1,000,000 proof records.

Run:  .venv/bin/python bench/export_memory.py [--records 1000000] [--quick]
      [--store sqlite|postgres|both] [--formats csv,json,ndjson]

For each store it fills a fresh database with synthetic, correctly chained
proof records of the demo site (spread over 30 days), then runs the real
``cookiegate export`` command once per format in a child process writing to
/dev/null, and reads that child's own peak RSS from ``wait4``. A first row per
store exports 1,000 records, so "memory stays flat" is the difference between
it and the big export. PostgreSQL uses COOKIEGATE_TEST_POSTGRES_URL (default
the test server on 127.0.0.1:5432) in a scratch schema dropped afterwards.

``--quick`` exports 20,000 records on SQLite only, for a smoke run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
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
from cookiegate.consent.proofs import canonical_json  # noqa: E402
from cookiegate.consent.proofs import seal  # noqa: E402
from cookiegate.core.checks import KNOWN_CATEGORIES  # noqa: E402
from cookiegate.store import Store  # noqa: E402
from cookiegate.store.schema import chain_heads  # noqa: E402
from cookiegate.store.schema import proof_choices  # noqa: E402
from cookiegate.store.schema import proofs  # noqa: E402
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


def fill(url: str, n: int) -> float:
    """Create the schema and insert ``n`` records; returns seconds taken."""
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
        batch: list[dict[str, t.Any]] = []
        choice_batch: list[dict[str, t.Any]] = []
        last: dict[str, t.Any] = {}
        for rec, granted in _rows(n):
            batch.append(rec)
            choice_batch += [
                {"seq": rec["seq"], "category": c, "granted": g} for c, g in granted.items()
            ]
            last = rec
            if len(batch) >= BATCH:
                conn.execute(proofs.insert(), batch)
                conn.execute(proof_choices.insert(), choice_batch)
                batch, choice_batch = [], []
        if batch:
            conn.execute(proofs.insert(), batch)
            conn.execute(proof_choices.insert(), choice_batch)
        conn.execute(
            chain_heads.insert().values(site_id="demo", length=n, hash=last.get("hash", GENESIS))
        )
    store.dispose()
    return time.perf_counter() - began


def export(url: str, fmt: str, instance: Path, end: str = "2026-10-31") -> tuple[float, float]:
    """Run ``cookiegate export`` in a child process: (seconds, peak RSS in MB)."""
    env = {
        **os.environ,
        "COOKIEGATE_DATABASE_URL": url,
        "COOKIEGATE_SECRET_KEYS": KEYS,
        "COOKIEGATE_INSTANCE_PATH": str(instance),
    }
    cmd = [sys.executable, __file__, "--child", fmt, end]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return float(out.strip()), usage.ru_maxrss / 1024  # Linux reports KiB


def floor(url: str) -> tuple[str, float] | None:
    """The database's own CSV dump of the proofs table, in seconds: the floor.

    ``sqlite3 -csv`` for SQLite, ``psql \\copy … csv`` for PostgreSQL, both to /dev/null.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        cmd = ["sqlite3", "-csv", "-header", str(parsed.database), "SELECT * FROM proofs;"]
        tool = "sqlite3 -csv"
    else:
        schema = parsed.query["options"].split("=", 1)[1]
        sql = f"\\copy (SELECT * FROM {schema}.proofs) TO '/dev/null' WITH CSV HEADER"
        cmd = [
            "psql",
            "-q",
            "-h",
            str(parsed.host),
            "-U",
            str(parsed.username),
            "-d",
            str(parsed.database),
            "-c",
            sql,
        ]
        tool = "psql \\copy csv"
    began = time.perf_counter()
    try:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"# floor skipped: {e}", file=sys.stderr)
        return None
    return tool, time.perf_counter() - began


def child(fmt: str, end: str) -> None:
    """Run ``cookiegate export`` in this process and print the seconds it took.

    Timed after the imports (several seconds on a slow machine, and the same
    for any command), so the figure is the app start plus the export itself.
    """
    from cookiegate.cli.main import main as cli

    began = time.perf_counter()
    cli.main(
        [
            "export",
            "--site",
            "demo",
            "--from",
            "2026-10-01",
            "--to",
            end,
            "--format",
            fmt,
            "--output",
            os.devnull,
        ],
        standalone_mode=False,
    )
    print(f"{time.perf_counter() - began:.3f}")


def postgres_url() -> tuple[str, t.Callable[[], None]] | None:
    try:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        schema = f"cg_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sa.exc.OperationalError as e:
        print(f"PostgreSQL skipped: {e.orig}", file=sys.stderr)
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--formats", default="csv,json,ndjson")
    parser.add_argument("--quick", action="store_true", help="20,000 records on SQLite only.")
    args = parser.parse_args()
    if args.quick:
        args.records, args.store = 20_000, "sqlite"
    formats = args.formats.split(",")
    stores = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    print(
        f"{'records':>9} | {'format':<6} | {'store':<8} | {'seconds':>7} | "
        f"{'rows/s':>8} | {'peak RSS MB':>11}"
    )
    print("-" * 65)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        for name in stores:
            drop: t.Callable[[], None] = lambda: None  # noqa: E731
            if name == "sqlite":
                url = f"sqlite:///{instance / 'bench.sqlite3'}"
            else:
                found = postgres_url()
                if found is None:
                    continue
                url, drop = found
            try:
                took = fill(url, args.records)
                print(f"# {name}: filled {args.records:,} records in {took:.0f} s", file=sys.stderr)
                # The first 1,000 records fall on 2026-10-01 only when n >= 30,000.
                small = max(1, args.records * 1 // 30)
                seconds, rss = export(url, "csv", instance, end="2026-10-01")
                print(
                    f"{small:>9,} | {'csv':<6} | {name:<8} | {seconds:>7.1f} | "
                    f"{small / seconds:>8,.0f} | {rss:>11.1f}"
                )
                base = floor(url)
                if base:
                    print(
                        f"{args.records:>9,} | {'floor':<6} | {name:<8} | {base[1]:>7.1f} | "
                        f"{args.records / base[1]:>8,.0f} | {'-':>11}  ({base[0]})"
                    )
                for fmt in formats:
                    seconds, rss = export(url, fmt, instance)
                    rate = args.records / seconds
                    ratio = f"  ({seconds / base[1]:.1f}x the floor)" if base else ""
                    print(
                        f"{args.records:>9,} | {fmt:<6} | {name:<8} | {seconds:>7.1f} | "
                        f"{rate:>8,.0f} | {rss:>11.1f}{ratio}",
                        flush=True,
                    )
            finally:
                drop()


if __name__ == "__main__":
    main()
