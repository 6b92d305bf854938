"""Where cookiegate's main-thread script time goes, first visit and returning visitor.

Run:  .venv/bin/python bench/browser_profile.py [--views 30] [--interval 25] [--top 15]

For each page view (a fresh context for a first visit; the same context, warm cache, for a
returning visitor who rejected all once) it records a V8 CPU profile through CDP
(``Profiler.setSamplingInterval`` in µs, then ``Profiler.start``/``stop`` around the navigation)
and sums, over every view, the self time of each function of cookiegate's scripts (loader.js,
banner.*.js) and of the browser built-ins they call (their ``get cookie``, ``setAttribute``, the
regex compiler, garbage collection while they run ...). It also reads ``performance.now()``
marks the page takes around the loader tag (``bench/browser_pages/cookiegate.html``): the
loader's evaluation is the time from its response end to the mark after it.

Per-view medians are printed, top entries first; figures are a sampling profiler's (±1 sample
per entry per view), meant to say where the time goes, not how much the bench's ScriptDuration
is (browser_bench.py says that).
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import shutil
import statistics
import sys
import tempfile
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.conftest import LiveServer  # noqa: E402

PAGES = Path(__file__).resolve().parent / "browser_pages"
OURS = ("loader.js", "loader.", "banner.")
MARKS = """() => {
  const r = performance.getEntriesByType('resource').find((e) => /\\/loader\\.js/.test(e.name));
  return {eval: window.__t1 - Math.max(window.__t0, r ? r.responseEnd : 0),
          dcl: window.__dcl1 - window.__dcl0};
}"""


def _ours(url: str) -> bool:
    name = url.rsplit("/", 1)[-1]
    return bool(url) and name.startswith(OURS[1:]) and name.endswith(".js")


def _attribute(profile: dict[str, t.Any]) -> dict[str, float]:
    """Self time (ms) per entry for every node that is ours or runs under one of ours."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    samples = profile.get("samples", [])
    deltas = profile.get("timeDeltas", [])
    self_us: collections.Counter[int] = collections.Counter()
    # timeDeltas[i] is the time before sample i; sample i lasts until sample i + 1.
    for i, node in enumerate(samples[:-1]):
        self_us[node] += deltas[i + 1]
    out: dict[str, float] = collections.defaultdict(float)
    for node_id, us in self_us.items():
        frame = nodes[node_id]["callFrame"]
        key, cur = None, node_id
        while cur is not None:
            f = nodes[cur]["callFrame"]
            if _ours(f["url"]):
                name = frame["functionName"] or "(anonymous)"
                where = (
                    f"{f['url'].rsplit('/', 1)[-1].split('.')[0]}:"
                    f"{f['lineNumber'] + 1}:{f['columnNumber']}"
                )
                key = (
                    f"{name} @{where}"
                    if cur == node_id
                    else f"{name} [native, under {f['functionName'] or '(top)'} @{where}]"
                )
                break
            cur = parent.get(cur)
        if key is None and frame["functionName"] == "(garbage collector)":
            key = "(garbage collector, whole page)"
        if key is not None:
            out[key] += us / 1000
    return out


def _run(views: int, interval: int, top: int) -> None:
    chromium = os.environ.get("COOKIEGATE_CHROMIUM") or shutil.which("chromium")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        live = LiveServer(Path(tmp), pages=PAGES)
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        url = live.url("cookiegate-marks.html")
        per: dict[str, list[dict[str, float]]] = {"first": [], "returning": []}
        marks: dict[str, list[dict[str, float]]] = {"first": [], "returning": []}

        def profiled(page: t.Any, kind: str, wait: str) -> None:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": interval})
            cdp.send("Profiler.start")
            page.goto(url)
            page.wait_for_function(wait, timeout=15000)
            page.wait_for_timeout(300)
            profile = cdp.send("Profiler.stop")["profile"]
            cdp.detach()
            per[kind].append(_attribute(profile))
            marks[kind].append(page.evaluate(MARKS))

        shown = (
            "document.querySelector('.cg-dialog') && !document.querySelector('.cg-dialog').hidden"
        )
        for _ in range(views):
            ctx = browser.new_context()
            profiled(ctx.new_page(), "first", shown)
            ctx.close()
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_function(shown)
        page.locator(".cg-first [data-cg-action=reject]").click()
        page.wait_for_function("cookiegate.consent && !cookiegate.consent.pending")
        for _ in range(views):
            profiled(page, "returning", "window.__dcl1 !== undefined")
        ctx.close()
        browser.close()
        live.stop()
    for kind in ("first", "returning"):
        views_ = per[kind]
        totals = [sum(v.values()) for v in views_]
        keys = {k for v in views_ for k in v}
        rows = sorted(
            ((statistics.mean(v.get(k, 0) for v in views_), k) for k in keys), reverse=True
        )
        ev = statistics.median(m["eval"] for m in marks[kind])
        dcl = statistics.median(m["dcl"] for m in marks[kind])
        print(f"\n### {kind} visit: {len(views_)} views, sampling {interval} µs")
        print(
            f"cookiegate's sampled self time per view: median {statistics.median(totals):.2f} ms;"
            f" marks: loader evaluation {ev:.2f} ms, DOMContentLoaded listeners {dcl:.2f} ms\n"
        )
        print("| mean ms / view | median | function |\n|---:|---:|---|")
        for ms, key in rows[:top]:
            mid = statistics.median(v.get(key, 0) for v in views_)
            print(f"| {ms:.3f} | {mid:.3f} | `{key}` |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=30)
    parser.add_argument("--interval", type=int, default=25, help="sampling interval, µs")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    _run(args.views, args.interval, args.top)


if __name__ == "__main__":
    main()
