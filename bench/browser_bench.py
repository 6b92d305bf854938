"""Size and speed of the browser code, measured in headless Chromium (issue 3's budget).

Run:  .venv/bin/python bench/browser_bench.py [--runs 15]

What it measures, each as the median of ``--runs`` fresh browser contexts:

* bytes: the loader as served with the demo site's rules, and banner.js + banner.css,
  raw / gzip -9 / brotli (brotli through Node's zlib when ``node`` is on PATH);
* banner paint: milliseconds from navigation start to the first frame in which the banner
  is on screen, against a "floor" page whose banner is plain HTML + CSS with no script;
* main-thread script: Chromium's ScriptDuration for the page minus the same page without
  the loader (so only cookiegate's parse/compile/run is counted);
* returning visitor: requests made by a page load when a valid consent cookie exists.

Nothing leaves the machine: third-party hosts are answered locally, as in the e2e tests.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.conftest import LiveServer  # noqa: E402

PAGES = Path(__file__).resolve().parent / "browser_pages"

#: Installed before any page script: time the first frame that shows a visible banner.
PAINT_PROBE = """
(() => {
  const seen = () => {
    const d = document.querySelector('.cg-dialog');
    return d && !d.hidden && d.getClientRects().length;
  };
  const tick = () => requestAnimationFrame((t) => {
    if (seen()) requestAnimationFrame(() => { window.__bannerPaint = t; });
    else tick();
  });
  tick();
})();
"""
FCP = (
    "new Promise(ok => new PerformanceObserver((l) => ok(l.getEntries()[0].startTime))"
    ".observe({type: 'paint', buffered: true}))"
)
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]


def _sizes(live: LiveServer) -> dict[str, tuple[int, int, int | None]]:
    import urllib.request

    def fetch(path: str) -> bytes:
        with urllib.request.urlopen(live.origin + path) as r:  # noqa: S310 (loopback)
            return bytes(r.read())

    loader = fetch("/v1/sites/demo/loader.js")
    static = ROOT / "static"
    files = {
        "loader.js + demo rules": loader,
        "banner.js": (static / "js" / "banner.js").read_bytes(),
        "banner.css": (static / "css" / "banner.css").read_bytes(),
    }
    return {k: (len(v), len(gzip.compress(v, 9)), _brotli(v)) for k, v in files.items()}


def _brotli(data: bytes) -> int | None:
    if not shutil.which("node"):
        return None
    code = (
        "const z=require('zlib');let c=[];process.stdin.on('data',d=>c.push(d)).on('end',()=>"
        "console.log(z.brotliCompressSync(Buffer.concat(c),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))"
    )
    out = subprocess.run(["node", "-e", code], input=data, capture_output=True, check=True)
    return int(out.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    chromium = os.environ.get("COOKIEGATE_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("No Chromium: set COOKIEGATE_CHROMIUM or install chromium.")

    with tempfile.TemporaryDirectory() as tmp:
        live = LiveServer(Path(tmp), pages=PAGES)
        sizes = _sizes(live)

        results: dict[str, list[float]] = {"floor": [], "cookiegate": [], "script": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)

            def fresh() -> t.Any:
                # No request routing: it would disable the cache and add a hop to every request.
                # The bench pages load nothing from third parties.
                ctx = browser.new_context()
                return ctx, ctx.new_page()

            for _ in range(args.runs):
                ctx, page = fresh()
                page.goto(live.url("floor.html"))
                results["floor"].append(page.evaluate(FCP))
                ctx.close()
                ctx, page = fresh()
                page.add_init_script(PAINT_PROBE)
                page.goto(live.url("cookiegate.html"))
                page.wait_for_function("window.__bannerPaint !== undefined")
                results["cookiegate"].append(page.evaluate("window.__bannerPaint"))
                ctx.close()
                # Main-thread script time: the loader page minus the same page without it.
                durations = {}
                for name in ("none.html", "cookiegate.html"):
                    ctx, page = fresh()
                    cdp = ctx.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    # Same steps for both pages, and no Playwright selector engine, whose
                    # injected script would count as the page's script time.
                    page.goto(live.url(name))
                    page.wait_for_timeout(400)
                    metrics = cdp.send("Performance.getMetrics")["metrics"]
                    durations[name] = next(
                        m["value"] for m in metrics if m["name"] == "ScriptDuration"
                    )
                    ctx.close()
                results["script"].append(
                    1000 * (durations["cookiegate.html"] - durations["none.html"])
                )
            # Returning visitor: record a choice, then list what the next load fetches.
            ctx, page = fresh()
            page.goto(live.url("cookiegate.html"))
            page.locator(".cg-first [data-cg-action=reject]").click()
            page.wait_for_function("cookiegate.consent && !cookiegate.consent.pending")
            seen: list[str] = []
            page.on("request", lambda r: seen.append(r.url))
            page.goto(live.url("cookiegate.html"), wait_until="load")
            page.wait_for_timeout(500)
            first_load = list(seen)  # the loads below are not counted
            # ...and what the loader alone costs such a visitor, page view after page view,
            # against the same page without it (both pages already visited once).
            returning: list[float] = []
            other, other_page = fresh()
            other_page.goto(live.url("none.html"))
            for _ in range(args.runs):
                pair = []
                for pg, name in ((other_page, "none.html"), (page, "cookiegate.html")):
                    cdp = pg.context.new_cdp_session(pg)
                    cdp.send("Performance.enable")
                    pg.goto(live.url(name))
                    pg.wait_for_timeout(300)
                    metrics = cdp.send("Performance.getMetrics")["metrics"]
                    pair.append(next(m["value"] for m in metrics if m["name"] == "ScriptDuration"))
                    cdp.detach()
                returning.append(1000 * (pair[1] - pair[0]))
            other.close()
            ctx.close()
            browser.close()
        live.stop()

    def med(xs: list[float]) -> float:
        return statistics.median(xs)

    print("## Sizes (bytes: raw / gzip -9 / brotli 11)")
    for name, (raw, gz, br) in sizes.items():
        print(f"- {name}: {raw} / {gz} / {br if br is not None else 'n/a'}")
    floor, cg = med(results["floor"]), med(results["cookiegate"])
    print(f"\n## Banner painted (median of {args.runs}, ms after navigation start)")
    print(f"- static HTML banner (floor): {floor:.1f}")
    print(f"- cookiegate: {cg:.1f}  ({cg / floor:.2f}x the floor)")
    print(f"\n## Main-thread script time of cookiegate (median, ms): {med(results['script']):.2f}")
    print(f"\n## Returning visitor with a valid consent: requests: {len(first_load)}")
    print(f"- main-thread script time of the loader (median, ms): {med(returning):.2f}")
    for u in first_load:
        print(f"- {u}")


if __name__ == "__main__":
    main()
