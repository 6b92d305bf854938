"""Every benchmark in one run, folded into one table of ratios to floors of the same run.

Run through ``bench/run`` (``--quick`` for smoke sizes). Each benchmark script
runs in turn with ``--json``; its own progress goes to stderr, its rows come
back here, and this prints the one table that ``bench/README.md`` and the
docs quote: for each hot path, cookiegate's figure, the floor measured beside
it (a bare Flask hello app under the same gunicorn settings, nginx serving a
static file, ``sqlite3 -csv`` / ``psql \\copy``, the static-HTML banner, the
peers from npm in the same Chromium), their ratio and issue 14/15's target.

A bench that fails prints its error and its rows are left out; the others
still run, and the exit status is non-zero.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import typing as t
from datetime import UTC
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
Row = tuple[str, str, str, float | None, str, bool | None]


def run(script: str, *args: str) -> list[dict[str, t.Any]] | dict[str, t.Any] | None:
    """Run ``bench/<script> --json [args]``; its JSON (one document, or one object a line)."""
    cmd = [sys.executable, str(ROOT / "bench" / script), "--json", *args]
    print(f"# running {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        print(f"# {script} failed with exit status {done.returncode}", file=sys.stderr)
        return None
    text = done.stdout.strip()
    try:
        return t.cast(dict[str, t.Any], json.loads(text))
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def at_least(ratio: float | None, target: float) -> bool | None:
    return None if ratio is None else ratio >= target


def at_most(ratio: float | None, target: float) -> bool | None:
    return None if ratio is None else ratio <= target


def server_rows(rows: list[dict[str, t.Any]]) -> list[Row]:
    floors = {r["store"]: r["rps"] for r in rows if r["endpoint"] == "bare hello"}
    out: list[Row] = []
    for r in rows:
        if r["endpoint"] == "bare hello":
            continue
        target = r.get("target")
        out.append(
            (
                f"server, {r['store']}: {r['endpoint']} (req/s)",
                f"{r['rps']:,.0f}",
                f"bare Flask hello {r.get('floor_rps', floors[r['store']]):,.0f}"
                + (
                    f" (pairs {r['ratio_min']:.2f}–{r['ratio_max']:.2f}; "
                    f"CPU ratio {r['cpu_ratio']:.2f})"
                    if "ratio_min" in r
                    else ""
                ),
                r["ratio"],
                f"≥ {target}" if target else "",
                at_least(r["ratio"], target) if target else None,
            )
        )
    return out


def static_rows(rows: list[dict[str, t.Any]]) -> list[Row]:
    floor = next(r["rps"] for r in rows if r["endpoint"].startswith("hello"))
    return [
        (
            f"nginx: published {r['endpoint']} (req/s)",
            f"{r['rps']:,.0f}",
            f"nginx static hello {floor:,.0f}",
            r["ratio"],
            f"≥ {r['target']}" if r.get("target") else "",
            at_least(r["ratio"], r["target"]) if r.get("target") else None,
        )
        for r in rows
        if not r["endpoint"].startswith("hello")
    ]


def browser_rows(report: dict[str, t.Any]) -> list[Row]:
    rows = {r["tool"]: r for r in report["rows"]}
    floor = rows["static-HTML floor"]["banner_painted_ms"]
    vanilla = next(r for r in report["rows"] if r["tool"].startswith("vanilla-cookieconsent"))
    out: list[Row] = []
    for name, label, target in (
        ("cookiegate", "", 1.5),
        ("cookiegate, first-party published", ", first-party published", 1.3),
    ):
        r = rows.get(name)
        if r:
            ratio = r["painted_to_floor"]
            own = rows.get(f"static-HTML floor, {name}")
            out.append(
                (
                    f"browser: banner painted{label} (ms)",
                    f"{r['banner_painted_ms']}",
                    f"static-HTML banner on nginx {own['banner_painted_ms']}"
                    if own
                    else f"static-HTML banner {floor}",
                    ratio,
                    f"≤ {target}",
                    at_most(ratio, target),
                )
            )
    cg = rows["cookiegate"]
    ratio = cg["script_to_vanilla"]
    out.append(
        (
            "browser: first-visit script (ms)",
            f"{cg['script_ms']}",
            f"vanilla-cookieconsent {vanilla['script_ms']}",
            ratio,
            "≤ 0.5 and ≤ 8 ms",
            ratio <= 0.5 and cg["script_ms"] <= 8,
        )
    )
    ratio = cg["returning_script_to_vanilla"]
    out.append(
        (
            "browser: returning visitor script (ms)",
            f"{cg['returning_script_ms']}",
            f"vanilla-cookieconsent {vanilla['returning_script_ms']}",
            ratio,
            "≤ 1",
            at_most(ratio, 1),
        )
    )
    requests = cg["returning_requests"] / vanilla["returning_requests"]
    out.append(
        (
            "browser: returning visitor requests",
            f"{cg['returning_requests']}",
            f"vanilla-cookieconsent {vanilla['returning_requests']}",
            requests,
            "≤ 1",
            at_most(requests, 1),
        )
    )
    return out


def export_rows(rows: list[dict[str, t.Any]]) -> list[Row]:
    out: list[Row] = []
    for r in rows:
        if r["floor_s"] is None:
            continue
        ratio = r["seconds"] / r["floor_s"]
        tool = "sqlite3 -csv" if r["store"] == "sqlite" else "psql \\copy"
        target = r["format"] == "csv"
        out.append(
            (
                f"export {r['records']:,} {r['format']}, {r['store']} "
                f"(s; peak RSS {r['peak_rss_mb']:.0f} MB)",
                f"{r['seconds']:.2f}",
                f"{tool} {r['floor_s']:.2f}",
                ratio,
                "≤ 2, RSS ≤ 60 MB" if target else "",
                (ratio <= 2 and r["peak_rss_mb"] <= 60) if target else None,
            )
        )
    return out


def gate_rows(report: dict[str, t.Any]) -> list[Row]:
    return [
        (
            f"gate: {name} (ms per {report['page_bytes'] // 1000} KB page)",
            f"{row['ms']}",
            "the same response ungated",
            row["ratio"],
            "",
            None,
        )
        for name, row in report["responses"].items()
        if "ungated" not in name
    ]


def loader_rows() -> list[Row]:
    """The loader's size with the demo site's rules (no floor: the issue sets bytes)."""
    sys.path.insert(0, str(ROOT))
    from cookiegate import create_app

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEYS": "bench-" + "x" * 20})
    body = app.extensions["cookiegate"].loaders["demo"].body
    import brotli

    sizes = {
        "gzip": len(gzip.compress(body, 9, mtime=0)),
        "brotli": len(brotli.compress(body, quality=11)),
    }
    return [
        (
            f"loader.js with the demo rules, {name} (bytes)",
            f"{size:,}",
            "",
            None,
            f"≤ {limit:,}",
            size <= limit,
        )
        for (name, size), limit in zip(sizes.items(), (4096, 3500), strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes, a few minutes in all")
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated benches to run (server, static, browser, export, gate); default all",
    )
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    quick = ["--quick"] if args.quick else []
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    rows: list[Row] = loader_rows()
    failed = []
    for script, extra, fold in (
        ("server_bench.py", quick, server_rows),
        ("static_bench.py", quick, static_rows),
        ("browser_bench.py", quick, browser_rows),
        ("export_memory.py", quick or ["--formats", "csv,ndjson"], export_rows),
        ("gate_bench.py", quick, gate_rows),
    ):
        if only is not None and script.split("_")[0] not in only:
            continue
        found = run(script, *extra)
        if found is None:
            failed.append(script)
        else:
            rows += fold(found)  # type: ignore[arg-type]
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
        or "?"
    )
    print(
        f"cookiegate benchmarks, {started:%Y-%m-%d %H:%M} UTC, commit {commit}, "
        f"{platform.machine()} {os.cpu_count()} CPUs, load {load_before[0]:.1f} → "
        f"{os.getloadavg()[0]:.1f}{', --quick' if args.quick else ''}\n"
    )
    print("| path | cookiegate | floor, same run | ratio | target | met |")
    print("|---|---:|---|---:|---|---|")
    for name, value, floor, ratio, target, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        shown = "" if ratio is None else f"{ratio:.2f}"
        print(f"| {name} | {value} | {floor} | {shown} | {target} | {mark} |")
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
