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
machine's other processes), the step named by the mark before it; the total from the first
mark to the last; then what runs after the start, summed over its calls per view: the
MutationObserver's two parts (the parser's nodes after the loader) and the DOMContentLoaded
listener (release). Run it twice around a change, alternating, and compare medians.
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
    # After the start: the observer's callback (the parser's nodes after the loader) and the
    # DOMContentLoaded listener, each summed over its calls into self.__cgAfter (µs).
    main, calls = re.subn(
        r"^(\s+)(holdAdded|cleanAdded)\((.*)\);$",
        r"\1__cgTime('observer: \2', () => \2(\3));",
        main,
        flags=re.M,
    )
    main, listener = re.subn(
        r'(doc\.addEventListener\("DOMContentLoaded", \(\) => \{\n)(.*?)(\n  \}\);\n)',
        r"\1__cgTime('DOMContentLoaded listener', () => {\n\2\n});\3",
        main,
        flags=re.S,
    )
    main, observer = re.subn(
        r"(new MutationObserver\(\(mutations\) => )\{\n(.*?)\n  \}\)\.observe\(",
        r"\1__cgTime('observer (whole callback)', () => {\n\2\n  }))" ".observe(",
        main,
        flags=re.S,
    )
    assert calls == 2 and listener == observer == 1, "main.js: the observer or listener moved"
    timer = (
        "self.__cgAfter = {};\nconst __cgTime = (name, fn) => {\n"
        "  const t = performance.now();\n  try { return fn(); } finally {\n"
        "    __cgAfter[name] = (__cgAfter[name] || 0) + 1000 * (performance.now() - t);\n  }\n};\n"
    )
    code = "performance.mark('start');\n" + timer + head + main
    return code.replace("__COOKIEGATE_RULES__", "/*@rules@*/{}")


def long_page(cards: int) -> str:
    """cookiegate.html with ``cards`` product cards (11 elements each, 6 deep) before its footer:
    the parser's nodes after the loader, at a shop's size, for the observer."""
    card = (
        '<div class="card"><a href="/p/{i}"><img src="data:," alt=""></a><h2><a href="/p/{i}">'
        'Product {i}</a></h2><p class="price"><span>£{i}</span></p><ul><li>Fast</li>'
        "<li>Free</li></ul><button>Add</button></div>"
    )
    grid = "".join(card.format(i=i) for i in range(cards))
    html = (bb.PAGES / "cookiegate.html").read_text(encoding="utf-8")
    return html.replace("<footer>", f"<main><section><div>{grid}</div></section></main><footer>")


def measure(views: int, profile: bool = False, cards: int = 0) -> dict[str, list[float]]:
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
            # --profile: a browser profile on disk, where V8's code cache works (a visitor's
            # browser); an in-memory context compiles every function afresh on every view.
            where = Path(tmp) / "profile"
            on_disk = bb.OnDisk(p, shutil.which("chromium"), where) if profile else None
            ctx, page = bb.rejected(on_disk or browser, live.url("cookiegate.html"))

            def isolate(route: t.Any) -> None:
                answer = route.fetch()
                route.fulfill(response=answer, headers={**answer.headers, **ISOLATED})

            ctx.route(re.compile(r".*/cookiegate[-a-z]*\.html$"), isolate)
            viewed = "cookiegate.html"
            if cards:
                viewed = "cookiegate-long.html"
                live.add_page(viewed, long_page(cards))
            for view in range(views + 5):
                page.goto(live.url(viewed))
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
                after = page.evaluate("self.__cgAfter")
                for name in (
                    "observer (whole callback)", "observer: holdAdded", "observer: cleanAdded"
                ):  # fmt: skip
                    out.setdefault(name, []).append(after.get(name, 0.0))
                out.setdefault("DOMContentLoaded listener", []).append(
                    after.get("DOMContentLoaded listener", 0.0)
                )
            ctx.close()
            browser.close()
            live.stop()
    finally:
        target.write_text(built, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=30)
    parser.add_argument(
        "--profile", action="store_true", help="a browser profile on disk (V8's code cache)"
    )
    parser.add_argument(
        "--cards", type=int, default=0, help="a longer page: this many product cards (11 elements)"
    )
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    steps = measure(args.views, args.profile, args.cards)
    cache = ", profile on disk (code cache)" if args.profile else ""
    cache += f", {args.cards} product cards" if args.cards else ""
    print(f"## returning view, loader start per step: {args.views} views{cache}\n")
    print("| median µs | mean µs | step (from the mark before it) |\n|---:|---:|---|")
    for name, values in steps.items():
        print(f"| {statistics.median(values):.0f} | {statistics.mean(values):.0f} | `{name}` |")


if __name__ == "__main__":
    main()
