"""Where a returning visitor's loader start goes, step by step, in microseconds.

Run:  .venv/bin/python bench/loader_steps.py [--views 30]      (needs node: npx esbuild)

A sampling profile (``browser_profile.py``) spreads a 2 ms start over many entries of a few
samples each, and ScriptDuration A/B pairs (``loader_ab.py``) move by ±1 ms between runs on this
shared machine; neither can tell a 50 µs change. This bench times the steps themselves: it
builds this checkout's loader unminified with a ``performance.mark`` before each module's top
level and before each top-level statement of ``src/loader/main.js``, serves it for one run as
the app serves the loader (its cache headers: warm HTTP cache, as a returning visitor has), and
makes the page cross-origin isolated so the marks have 5 µs resolution (100 µs otherwise). One
context rejects all once, then views the page ``--views`` times after 5 warm-up views.

Printed per step: median and mean µs (the mean shows the long tail: garbage collection, the
machine's other processes), the step named by the mark before it; and the total from the
first mark to the last. Run it twice around a change, alternating, and compare medians.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import browser_bench as bb  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.conftest import LiveServer  # noqa: E402

JS = ROOT / "static" / "js"
ISOLATED = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
}


def marked_loader() -> str:
    """This checkout's loader, unminified, with a mark before each module and main.js step."""
    version = re.search(r"^ESBUILD_VERSION=(\S+)", (ROOT / "static/build.sh").read_text(), re.M)
    assert version, "static/build.sh names no ESBUILD_VERSION"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "loader.js"
        subprocess.run(
            ["npx", "--yes", f"esbuild@{version[1]}", "src/loader/main.js", "--bundle",
             "--format=iife", "--target=es2020", "--log-level=warning", f"--outfile={out}"],
            cwd=JS, check=True,
        )  # fmt: skip
        code = out.read_text(encoding="utf-8")
    head, main = code.split("  // src/loader/main.js\n")
    head = re.sub(r"\n  // (src/\S+)\n", lambda m: f"\n  performance.mark('{m[1]}');\n", head)
    # A top-level statement of main.js starts at two spaces; its continuation lines are
    # indented further, its closing lines start with } or ).
    main = re.sub(
        r"^  (?![\s})/])(.{0,40}).*$",
        lambda m: f"  performance.mark({m[1].strip()!r});\n{m[0]}",
        main,
        flags=re.M,
    )
    main = main.replace("})();", "performance.mark('end');\n})();")
    code = "performance.mark('start');\n" + head + main
    return code.replace("__COOKIEGATE_RULES__", "/*@rules@*/{}")


def measure(views: int) -> dict[str, list[float]]:
    """Per step (named by its mark), the µs of each view; "total" first mark to last."""
    target = JS / "loader.js"
    built = target.read_text(encoding="utf-8")
    target.write_text(built.split("\n", 1)[0] + "\n" + marked_loader(), encoding="utf-8")
    out: dict[str, list[float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            live = LiveServer(Path(tmp), pages=bb.PAGES, host="localhost")  # built at start
            target.write_text(built, encoding="utf-8")
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=bb.ARGS)
            ctx, page = bb.rejected(browser, live.url("cookiegate.html"))

            def isolate(route: t.Any) -> None:
                answer = route.fetch()
                route.fulfill(response=answer, headers={**answer.headers, **ISOLATED})

            ctx.route("**/cookiegate.html", isolate)
            for view in range(views + 5):
                page.goto(live.url("cookiegate.html"))
                page.wait_for_timeout(150)
                marks = page.evaluate(
                    "performance.getEntriesByType('mark').map(e => [e.name, e.startTime])"
                )
                assert page.evaluate("crossOriginIsolated"), "the marks would have 100 µs steps"
                if view < 5:
                    continue
                for (name, start), (_, end) in zip(marks, marks[1:], strict=False):
                    out.setdefault(name, []).append(1000 * (end - start))
                out.setdefault("total", []).append(1000 * (marks[-1][1] - marks[0][1]))
            browser.close()
            live.stop()
    finally:
        target.write_text(built, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=30)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    steps = measure(args.views)
    print(f"## returning view, loader start per step: {args.views} views\n")
    print("| median µs | mean µs | step (from the mark before it) |\n|---:|---:|---|")
    for name, values in steps.items():
        print(f"| {statistics.median(values):.0f} | {statistics.mean(values):.0f} | `{name}` |")


if __name__ == "__main__":
    main()
