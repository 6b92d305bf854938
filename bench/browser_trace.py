"""Where a returning view's script time goes by Chromium's own trace events, per script URL.

Run:  .venv/bin/python bench/browser_trace.py [--views 20] [--base main] [--first]

ScriptDuration (what ``loader_ab.py`` and ``browser_bench.py`` report) is the renderer's time in
V8, page minus the same page without a banner; ``loader_steps.py`` times only the loader's own
statements. This bench says what the rest is: it records a CDP trace (``Tracing`` domain,
``devtools.timeline`` and V8 categories) of each view, served as ``loader_ab.py`` serves it
(build A at ``--base``, build B this checkout, ``none.html`` beside them), and sums per view, on
the renderer's main thread, each event's duration by name and script URL: ``v8.compile``
(with whether V8's code cache was consumed, rejected or produced), ``v8.run``,
``EvaluateScript``, ``FunctionCall`` (callbacks: the observer, listeners, timers), garbage
collection, ``ParseHTML``, style and layout. ``--first``: first visits (fresh contexts) instead.

Printed: per build, median ms per view for each (event, script) pair above 0.01 ms, events
nested in one another each counted (an EvaluateScript holds its v8.compile and v8.run).
"""

from __future__ import annotations

import argparse
import collections
import logging
import shutil
import statistics
import sys
import tempfile
import typing as t
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import browser_bench as bb  # noqa: E402
import loader_ab  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.conftest import LiveServer  # noqa: E402

# The light set (the timeline's own events, compile and code cache details); ``--v8`` adds
# V8's runtime call events (lazy compilation, microtasks), which slow the run itself severalfold.
CATEGORIES = "devtools.timeline,disabled-by-default-v8.compile,v8.execute"
# ``--lean``: the timeline's events only (EvaluateScript, FunctionCall ...), the least overhead:
# their durations, to the µs, are the A/B figure (ScriptDuration pairs move by ±1 ms here).
LEAN_CATEGORIES = "devtools.timeline"
V8_CATEGORIES = ",v8,disabled-by-default-devtools.timeline,disabled-by-default-v8.gc"
# Events worth naming per view (the rest of the categories' events are mostly nested details).
KEEP = {
    "EvaluateScript", "v8.compile", "v8.run", "v8.produceCache", "v8.compileModule",
    "FunctionCall", "EventDispatch", "TimerFire", "FireIdleCallback", "V8.GCScavenger",
    "MajorGC", "MinorGC", "V8.GC_MC_BACKGROUND_MARKING", "ParseHTML", "UpdateLayoutTree",
    "Layout", "RecalculateStyles", "v8.parseOnBackground", "V8.CompileCode",
    "V8.ScriptCompiler", "v8.callFunction", "CpuProfiler::StartProfiling", "RunMicrotasks",
    "ParseAuthorStyleSheet", "ScheduleStyleRecalculation", "InvalidateLayout",
    "v8.deserializeCache", "V8.CompileLazy", "V8.Execute",
}  # fmt: skip


def _url(event: dict[str, t.Any]) -> str:
    args = event.get("args", {})
    data = args.get("data") or args.get("beginData") or args
    url = data.get("url") or data.get("scriptName") or data.get("fileName") or ""
    name = str(url).rsplit("/", 2)
    tail = "/".join(name[-2:]) if "/" in str(url) else str(url)
    if event["name"] == "v8.compile":
        if data.get("consumedCacheSize"):
            tail += " [cache consumed]"
        elif data.get("cacheRejected"):
            tail += " [cache rejected]"
        elif data.get("notEligibleReason") or data.get("cacheKind"):
            tail += f" [{data.get('notEligibleReason') or data.get('cacheKind')}]"
        if data.get("streamed"):
            tail += " [streamed]"
    if event["name"] == "EventDispatch":
        tail = str(data.get("type", ""))
    if event["name"] == "FunctionCall":
        tail += f" {data.get('functionName', '')}".rstrip()
    return tail


def summarise(events: list[dict[str, t.Any]]) -> dict[str, float]:
    """ms per (event, url) on the renderer's main thread(s)."""
    # The page's renderer: the one that parsed an http page (not the browser's own WebUI).
    pages = {e["pid"] for e in events if e["name"] == "ParseHTML" and _url(e).startswith("pages/")}
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("args", {}).get("name") == "CrRendererMain"
        and e["pid"] in pages
    }
    out: dict[str, float] = collections.defaultdict(float)
    opened: dict[tuple[t.Any, ...], list[dict[str, t.Any]]] = collections.defaultdict(list)
    for e in events:
        if (e.get("pid"), e.get("tid")) not in main or e["name"] not in KEEP:
            continue
        if e.get("ph") == "X":
            out[f"{e['name']} {_url(e)}"] += e.get("dur", 0) / 1000
        elif e.get("ph") == "B":
            opened[(e["pid"], e["tid"], e["name"])].append(e)
        elif e.get("ph") == "E" and opened[(e["pid"], e["tid"], e["name"])]:
            begin = opened[(e["pid"], e["tid"], e["name"])].pop()
            merged = {**begin, "args": {**begin.get("args", {}), **e.get("args", {})}}
            out[f"{e['name']} {_url(merged)}"] += (e["ts"] - begin["ts"]) / 1000
    return out


def traced(cdp: t.Any, page: t.Any, url: str, categories: str) -> tuple[dict[str, float], float]:
    """Load ``url`` under a trace; (per-event ms, ScriptDuration ms)."""
    events: list[dict[str, t.Any]] = []
    done: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda m: events.extend(m["value"]))
    cdp.on("Tracing.tracingComplete", lambda m: done.append(True))
    cdp.send("Performance.enable")
    cdp.send("Tracing.start", {"categories": categories, "transferMode": "ReportEvents"})
    before = bb._script_duration(cdp)
    page.goto(url)
    page.wait_for_timeout(300)
    script = 1000 * (bb._script_duration(cdp) - before)
    cdp.send("Tracing.end")
    while not done:
        page.wait_for_timeout(20)
    return summarise(events), script


# ``--marks``: no trace; the page, cross-origin isolated, times its loader tag itself (fetch from
# the warm cache, compile, evaluation), to 5 µs.
MARKS = (
    '<script>__t0 = performance.now()</script><script src="{{LOADER}}"></script>'
    "<script>__t1 = performance.now()</script>"
)


EVALUATION = """self.__t1 === undefined ? [0, 0] : [__t1 - Math.max(__t0,
  performance.getEntriesByType("resource").find((e) => /loader\\.js/.test(e.name)).responseEnd),
  performance.getEntriesByType("resource").find((e) => /loader\\.js/.test(e.name)).transferSize]"""


def marked(view: t.Any, url: str) -> tuple[dict[str, float], float]:
    """Load ``url`` (the marked page, when it has the loader) untraced."""
    view.goto(url)
    view.wait_for_timeout(150)
    tag = view.evaluate(EVALUATION)
    assert view.evaluate("crossOriginIsolated"), "the marks would have 100 µs steps"
    return {
        "the loader's evaluation (page marks, from its response end)": tag[0],
        "the loader's transfer size (0: from the HTTP cache)": tag[1],
    }, 0.0


def run(base: str, views: int, first: bool, categories: str) -> dict[str, list[dict[str, float]]]:
    out: dict[str, list[dict[str, float]]] = {"": [], "a": [], "b": []}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        live = LiveServer(Path(tmp), pages=bb.PAGES)
        server = loader_ab.Server(
            live, loader_ab.loaders(live, base), loader_ab.banners(live, base), not categories
        )
        if not categories:
            page_html = (bb.PAGES / "cookiegate.html").read_text(encoding="utf-8")
            marks = page_html.replace('<script src="{{LOADER}}"></script>', MARKS)
            assert marks != page_html, "cookiegate.html: no loader tag to time"
            original = server.answer
            server.answer = lambda path, *a: (  # type: ignore[method-assign]
                (marks.replace("{{LOADER}}", f"{server.assets}/{path.split('?')[1]}"
                               f"{loader_ab.LOADER}").encode(), "text/html", "no-store")
                if path.startswith("/pages/cookiegate.html?") else original(path, *a)
            )  # fmt: skip
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=bb.ARGS)
        ctx, page = bb.rejected(browser, live.url("cookiegate.html"))
        for build in ("a", "b"):  # warm the cache (and V8's code cache: three runs)
            for _ in range(4):
                page.goto(server.page("cookiegate.html", build))
        for _ in range(views):
            for build in ("", "a", "b"):
                name = "cookiegate.html" if build else "none.html"
                context = browser.new_context() if first else ctx
                view = context.new_page()
                cdp = context.new_cdp_session(view)
                events, script = (
                    traced(cdp, view, server.page(name, build), categories)
                    if categories
                    else marked(view, server.page(name, build))
                )
                events["ScriptDuration (Performance.getMetrics)"] = script
                out[build].append(events)
                cdp.detach()
                view.close()
                if first:
                    context.close()
        browser.close()
        server.stop()
        live.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main")
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--first", action="store_true", help="first visits, fresh contexts")
    parser.add_argument("--v8", action="store_true", help="V8's runtime call events too (slow)")
    parser.add_argument("--lean", action="store_true", help="the timeline's events only")
    parser.add_argument("--marks", action="store_true", help="no trace: the page's own marks")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    categories = CATEGORIES + (V8_CATEGORIES if args.v8 else "")
    categories = "" if args.marks else LEAN_CATEGORIES if args.lean else categories
    report(args, run(args.base, args.views, args.first, categories))


def report(args: t.Any, views: dict[str, list[dict[str, float]]]) -> None:
    keys = {k for per in views.values() for v in per for k in v}
    med = {
        b: {k: statistics.median(v.get(k, 0.0) for v in per) for k in keys}
        for b, per in views.items()
    }
    kind = "first visits" if args.first else "returning views"
    print(f"## {kind}: median ms per view of {args.views}\n")
    print(f"| event, script | none.html | A ({args.base}) | B (this checkout) |")
    print("|---|---:|---:|---:|")
    for k in sorted(keys, key=lambda k: -max(med["a"][k], med["b"][k])):
        if max(med[b][k] for b in med) >= 0.01:
            print(f"| {k} | {med[''][k]:.3f} | {med['a'][k]:.3f} | {med['b'][k]:.3f} |")


if __name__ == "__main__":
    main()
