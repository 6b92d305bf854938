"""Size and speed of the browser code against its peers, measured in headless Chromium.

Run:  .venv/bin/python bench/browser_bench.py [--runs 15] [--quick] [--no-peers] [-v]

Side by side in one run, on the same minimal product page (``bench/browser_pages``):
cookiegate (the loader with the demo site's rules, from a live server) and the peers
vanilla-cookieconsent, klaro and tarteaucitron.js, each installed at a pinned version from the
npm registry into ``bench/.peers`` (git-ignored, never committed; reused when already there)
and served by a local static server. Each peer is set up as its docs integrate it, with one
analytics category/service and its banner shown on a first visit.

What it measures, each as the median of ``--runs`` fresh browser contexts (cold cache):

* bytes: what a first visit must fetch for the banner (JS + CSS), raw / gzip -9 / brotli 11
  (brotli through Node's zlib when ``node`` is on PATH);
* banner visible: milliseconds from navigation start to the first animation frame in which
  the banner is on screen (``checkVisibility`` with opacity and visibility), against a "floor"
  page whose banner is plain HTML + CSS with no script (its first contentful paint);
* main-thread script: Chromium's ScriptDuration (CDP Performance.getMetrics) for the page
  minus ``none.html`` (the same page without a banner), read once the banner is up;
* requests: everything the first visit fetches, the page included;
* returning visitor: after "reject all", the requests of the next page view and, page view
  after page view (warm cache), the script time against ``none.html``; these views run in a
  browser profile on disk (:class:`OnDisk`), as a visitor's do, so V8's code cache works for
  every tool alike.

Nothing leaves the machine: every page and file is served on loopback.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
import urllib.request
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.conftest import LiveServer  # noqa: E402

BENCH = Path(__file__).resolve().parent
PAGES = BENCH / "browser_pages"
PEERS_DIR = BENCH / ".peers"
#: Pinned so that reruns compare like with like; bump deliberately.
PEER_VERSIONS = {"vanilla-cookieconsent": "3.1.0", "klaro": "0.7.22", "tarteaucitronjs": "1.34.0"}


@dataclasses.dataclass
class Tool:
    name: str
    page: str
    #: The banner element: "visible" once it has a box, is not visibility:hidden and not opacity:0.
    banner: str
    #: Files a first visit fetches for the banner: (label, path under bench/.peers/node_modules).
    files: list[tuple[str, str]]
    #: JavaScript that records "reject all" (the returning visitor's earlier choice).
    reject: str
    version: str = ""


PEERS = [
    Tool(
        "vanilla-cookieconsent",
        "peer-vanilla-cookieconsent.html",
        "#cc-main .cm",
        [
            ("cookieconsent.umd.js", "vanilla-cookieconsent/dist/cookieconsent.umd.js"),
            ("cookieconsent.css", "vanilla-cookieconsent/dist/cookieconsent.css"),
        ],
        "CookieConsent.acceptCategory([])",
    ),
    Tool(
        "klaro",
        "peer-klaro.html",
        ".klaro .cookie-notice",
        [("klaro.js (CSS and translations inside)", "klaro/dist/klaro.js")],
        "(() => { const m = klaro.getManager(); m.changeAll(false); m.saveAndApplyConsents(); })()",
    ),
    Tool(
        "tarteaucitron.js",
        "peer-tarteaucitronjs.html",
        "#tarteaucitronAlertBig",
        [
            ("tarteaucitron.min.js", "tarteaucitronjs/tarteaucitron.min.js"),
            ("css/tarteaucitron.min.css", "tarteaucitronjs/css/tarteaucitron.min.css"),
            ("lang/tarteaucitron.en.min.js", "tarteaucitronjs/lang/tarteaucitron.en.min.js"),
            ("tarteaucitron.services.min.js", "tarteaucitronjs/tarteaucitron.services.min.js"),
        ],
        "tarteaucitron.userInterface.respondAll(false)",
        # (advertising.min.js is fetched only with adblocker: true, not the default)
    ),
]
COOKIEGATE = Tool(
    "cookiegate",
    "cookiegate.html",
    ".cg-dialog",
    [],  # measured from the live server
    "",  # a click on the banner's own "Reject all" (see _returning)
)
#: The same, as deploy/nginx/first-party.conf hosts it: the shop's own nginx serves the page and,
#: under /cg/, the published set (precompressed files from `cookiegate publish`); no second host
#: on the critical path. First visit only. Its floor is the static-HTML banner page on the same
#: nginx, its stylesheet from the same origin. Needs nginx with brotli_static (else left out).
FIRST_PARTY = Tool(
    "cookiegate, first-party published", "cookiegate-first-party.html", ".cg-dialog", [], ""
)

#: Installed before any page script: time the first frame that shows a visible banner.
PAINT_PROBE = """
(() => {
  const sel = %s;
  const seen = () => {
    const d = document.querySelector(sel);
    return d && !d.hidden && d.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const tick = () => requestAnimationFrame((t) => {
    if (seen()) requestAnimationFrame(() => { window.__bannerPaint = t; });
    else tick();
  });
  tick();
})();
"""
VISIBLE = (
    "(sel) => { const d = document.querySelector(sel); return !!d && !d.hidden &&"
    " d.checkVisibility({opacityProperty: true, visibilityProperty: true}); }"
)
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


# ------------------------------------------------------------------ peers: install and serve


def install_peers() -> None:
    """npm install the pinned peers into bench/.peers unless they are there already."""
    modules = PEERS_DIR / "node_modules"
    have = {}
    for name in PEER_VERSIONS:
        pkg = modules / name / "package.json"
        if pkg.exists():
            have[name] = json.loads(pkg.read_text(encoding="utf-8")).get("version")
    if have == PEER_VERSIONS:
        return
    if not shutil.which("npm"):
        sys.exit("npm is needed to install the peers (or pass --no-peers).")
    PEERS_DIR.mkdir(exist_ok=True)
    specs = [f"{n}@{v}" for n, v in PEER_VERSIONS.items()]
    print(f"installing {' '.join(specs)} into {PEERS_DIR} ...", file=sys.stderr)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(PEERS_DIR),
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--omit=dev",
            "--no-save",
            *specs,
        ],
        check=True,
        stdout=sys.stderr,
    )


class StaticServer:
    """One plain static server for every page of the first-visit figures, so that no tool is
    charged for another's server: pages on http://127.0.0.1:PORT/pages/, peer files under
    http://localhost:PORT/peers/ (another origin, as a CDN would be), and cookiegate's
    published set (loader and banner files, the bytes ``cookiegate publish`` writes) under
    http://localhost:PORT/v1/, served from memory (in production they are static,
    precompressed files; the Flask development server's time per request is not the
    browser's cost)."""

    def __init__(self, live: LiveServer) -> None:
        modules = PEERS_DIR / "node_modules"
        # The published set, as `cookiegate publish` writes it: path -> bytes.
        published = {
            path: (f.asset.body, f.asset.content_type)
            for path, f in live.app.extensions["cookiegate"].published.items()
        }
        mirrored: dict[str, tuple[bytes, str]] = {}
        lock = threading.Lock()
        outer = self

        def mirror(path: str) -> tuple[bytes, str]:
            with lock:
                if path not in mirrored:
                    with urllib.request.urlopen(live.origin + path) as r:  # loopback only
                        mirrored[path] = bytes(r.read()), r.headers["Content-Type"]
                return mirrored[path]

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Werkzeug's threaded server

            def log_message(self, *a: t.Any) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                body, ctype = None, ""
                m = re.fullmatch(r"/pages/([a-z0-9-]+\.html)", path)
                if m and (PAGES / m[1]).exists():
                    html = (PAGES / m[1]).read_text(encoding="utf-8")
                    html = html.replace("{{PEERS}}", outer.assets_origin + "/peers")
                    html = html.replace(
                        "{{LOADER}}", outer.assets_origin + "/v1/sites/demo/loader.js"
                    )
                    body = html.replace("{{API}}", outer.assets_origin).encode()
                    ctype = "text/html; charset=utf-8"
                elif path.startswith("/peers/"):
                    f = (modules / path[len("/peers/") :]).resolve()
                    if f.is_file() and modules.resolve() in f.parents:
                        body = f.read_bytes()
                        ctype = {".js": "text/javascript", ".css": "text/css"}.get(
                            f.suffix, "application/octet-stream"
                        )
                elif path in published:
                    body, ctype = published[path]
                elif path.startswith(("/v1/", "/static/")):
                    body, ctype = mirror(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        port = self._server.server_port
        self.origin = f"http://127.0.0.1:{port}"
        self.assets_origin = f"http://localhost:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, page: str) -> str:
        return f"{self.origin}/pages/{page}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class NginxShop:
    """The shop's own nginx with the shipped first-party snippet: the first-party page and its
    floor on one origin, the published set under /cg/ (``e2e/test_first_party.py`` runs the
    same set-up as a test)."""

    def __init__(self, live: LiveServer) -> None:
        from tests.system.deploy_servers import Nginx
        from tests.system.deploy_servers import Upstream
        from tests.system.deploy_servers import free_port
        from tests.system.deploy_servers import shop_server_block
        from tests.system.deploy_servers import workdir

        self.work = workdir()
        published = self.work / "published"
        Upstream(self.work).publish(published)  # publishing needs no running server
        pages = self.work / "shop"
        pages.mkdir()
        css = (ROOT / "static/css/banner.css").read_text(encoding="utf-8")
        (pages / "banner.css").write_text(css, encoding="utf-8")
        for name in ("floor.html", FIRST_PARTY.page):
            html = (PAGES / name).read_text(encoding="utf-8").replace("{{API}}/static/css", "")
            (pages / name).write_text(html, encoding="utf-8")
        port = free_port()
        block = shop_server_block(port, pages, published, live.origin)
        self.nginx = Nginx(self.work, published, f"127.0.0.1:{live.port}", extra=block)
        self.origin = f"http://127.0.0.1:{port}"

    def url(self, page: str) -> str:
        return f"{self.origin}/{page}"

    def stop(self) -> None:
        self.nginx.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def nginx_shop(live: LiveServer) -> NginxShop | None:
    """The nginx shop, or None (and why, on stderr) when nginx or its brotli module is missing."""
    from tests.system.deploy_servers import BROTLI_MODULE

    if not shutil.which("nginx", path="/usr/sbin:/usr/bin") or not BROTLI_MODULE.exists():
        print("no nginx with brotli_static: the first-party row is left out", file=sys.stderr)
        return None
    return NginxShop(live)


# ------------------------------------------------------------------ bytes


def _brotli(data: bytes) -> int | None:
    if not shutil.which("node"):
        return None
    code = (
        "const z=require('zlib');let c=[];process.stdin.on('data',d=>c.push(d)).on('end',()=>"
        "console.log(z.brotliCompressSync(Buffer.concat(c),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))"
    )
    out = subprocess.run(["node", "-e", code], input=data, capture_output=True, check=True)
    return int(out.stdout)


Size = tuple[int, int, int | None]


def _size(data: bytes) -> Size:
    return len(data), len(gzip.compress(data, 9)), _brotli(data)


def _sizes(live: LiveServer, peers: list[Tool]) -> dict[str, dict[str, Size]]:
    """Per tool, per file: (raw, gzip -9, brotli 11). Each file is compressed on its own."""

    def fetch(path: str) -> bytes:
        with urllib.request.urlopen(live.origin + path) as r:
            return bytes(r.read())

    loader = fetch("/v1/sites/demo/loader.js")
    version = re.search(rb'"v":"([0-9a-f]+)"', loader)[1].decode()  # type: ignore[index]
    out = {
        "cookiegate": {
            "loader.js + demo rules": _size(loader),
            "banner.<v>.en.js (script, CSS and texts)": _size(
                fetch(f"/v1/sites/demo/banner.{version}.en.js")
            ),
        }
    }
    modules = PEERS_DIR / "node_modules"
    for tool in peers:
        out[tool.name] = {label: _size((modules / p).read_bytes()) for label, p in tool.files}
    return out


def _total(files: dict[str, Size]) -> Size:
    raw = sum(s[0] for s in files.values())
    gz = sum(s[1] for s in files.values())
    brs = [s[2] for s in files.values()]
    return raw, gz, None if None in brs else sum(t.cast(list[int], brs))


# ------------------------------------------------------------------ browser


def _script_duration(cdp: t.Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ScriptDuration"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--quick", action="store_true", help="3 runs (a smoke test, under 2 minutes)"
    )
    parser.add_argument("--no-peers", action="store_true", help="cookiegate only (no npm)")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="per-file sizes and request URLs"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the rows as JSON (for bench/run's table)"
    )
    args = parser.parse_args(argv)
    runs = 3 if args.quick else args.runs
    chromium = os.environ.get("COOKIEGATE_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("No Chromium: set COOKIEGATE_CHROMIUM or install chromium.")
    peers: list[Tool] = [] if args.no_peers else PEERS
    if peers:
        install_peers()
        for tool in peers:
            key = "tarteaucitronjs" if tool.name == "tarteaucitron.js" else tool.name
            tool.version = PEER_VERSIONS[key]
    started = time.monotonic()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        live = LiveServer(Path(tmp), pages=PAGES)
        static = StaticServer(live)
        shop = nginx_shop(live)
        sizes = _sizes(live, peers)
        tools = [COOKIEGATE, *([FIRST_PARTY] if shop else []), *peers]

        def url(tool: Tool | str) -> str:
            if tool is FIRST_PARTY and shop:
                return shop.url(tool.page)
            return static.url(tool if isinstance(tool, str) else tool.page)

        def live_url(tool: Tool | str) -> str:
            """The returning visitor's pages: cookiegate's needs the API to record a choice."""
            if isinstance(tool, str):
                return live.url(tool)
            return live.url(tool.page) if tool is COOKIEGATE else static.url(tool.page)

        paint: dict[str, list[float]] = {x.name: [] for x in tools}
        script: dict[str, list[float]] = {x.name: [] for x in tools}
        requests: dict[str, list[str]] = {}
        returning: dict[str, tuple[list[str], list[float]]] = {}
        floor: list[float] = []
        shop_floor: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)

            disk = OnDisk(p, chromium, Path(tmp) / "profiles")

            def fresh() -> t.Any:
                # No request routing: it would disable the cache and add a hop to every request.
                # The bench pages load nothing from third parties.
                ctx = browser.new_context()
                return ctx, ctx.new_page()

            for run in range(runs):
                ctx, page = fresh()
                page.goto(url("floor.html"))
                floor.append(page.evaluate(FCP))
                ctx.close()
                if shop:
                    ctx, page = fresh()
                    page.goto(shop.url("floor.html"))
                    shop_floor.append(page.evaluate(FCP))
                    ctx.close()
                for tool in tools:
                    ctx, page = fresh()
                    seen: list[str] = []
                    page.on("request", lambda r, seen=seen: _log(seen, r.url))
                    page.add_init_script(PAINT_PROBE % json.dumps(tool.banner))
                    page.goto(url(tool))
                    page.wait_for_function("window.__bannerPaint !== undefined", timeout=15000)
                    paint[tool.name].append(page.evaluate("window.__bannerPaint"))
                    if run == 0:
                        page.wait_for_timeout(500)  # anything fetched just after the banner
                        requests[tool.name] = list(seen)
                    ctx.close()
                # Main-thread script time: each page minus the same page without a banner. Same
                # steps for every page, and no Playwright selector engine, whose injected script
                # would count as the page's script time.
                base = 0.0
                for target in [None, *tools]:
                    ctx, page = fresh()
                    cdp = ctx.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    page.goto(url("none.html") if target is None else url(target))
                    page.wait_for_timeout(400)
                    if target is not None:  # read once the banner is up (a slow peer needs longer)
                        deadline = time.monotonic() + 10
                        while not page.evaluate(VISIBLE, target.banner):
                            if time.monotonic() > deadline:
                                sys.exit(f"{target.name}: no banner on {url(target)}")
                            page.wait_for_timeout(50)
                        page.wait_for_timeout(100)
                    duration = _script_duration(cdp)
                    ctx.close()
                    if target is None:
                        base = duration
                    else:
                        script[target.name].append(1000 * (duration - base))
            for tool in tools:
                if tool is not FIRST_PARTY:
                    returning[tool.name] = _returning(disk.fresh, live_url, tool, runs)
            browser.close()
        static.stop()
        if shop:
            shop.stop()
        live.stop()
    elapsed = time.monotonic() - started
    sizes[FIRST_PARTY.name] = sizes[COOKIEGATE.name]
    floors = {FIRST_PARTY.name: shop_floor} if shop_floor else {}
    rows = _rows(tools, sizes, floor, floors, paint, script, requests, returning)
    if args.json:
        print(json.dumps({"runs": runs, "wall_s": round(elapsed), "rows": rows}, indent=1))
    else:
        _report(tools, rows, sizes, paint, script, requests, returning, runs, args.verbose, elapsed)


class OnDisk:
    """Browser profiles on disk, a new one per context, for the returning visitor's views.

    Playwright's ``browser.new_context()`` is off the record: Chromium keeps no code cache
    there, so V8 would compile each tool's script afresh on every returning view. A visitor's
    browser keeps one: from the third view on it reads the compiled script back
    (bench/README.md "Compile hints"), for cookiegate and the peers alike.
    """

    def __init__(self, p: t.Any, chromium: str | None, where: Path) -> None:
        self.p, self.chromium, self.where, self.made = p, chromium, where, 0

    def new_context(self) -> t.Any:
        self.made += 1
        return self.p.chromium.launch_persistent_context(
            str(self.where / str(self.made)), executable_path=self.chromium, args=ARGS
        )

    def fresh(self) -> tuple[t.Any, t.Any]:
        """A new profile and its page, as ``fresh()`` gives an in-memory context and page."""
        ctx = self.new_context()
        return ctx, ctx.pages[0] if ctx.pages else ctx.new_page()


def rejected(browser: t.Any, url: str) -> tuple[t.Any, t.Any]:
    """A new context and page whose visitor clicked "Reject all" on cookiegate's page at
    ``url``: a returning visitor's state for the benches that time cookiegate's loader."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(url)
    page.locator(".cg-first [data-cg-action=reject]").click()
    page.wait_for_function("cookiegate.consent && !cookiegate.consent.pending")
    return ctx, page


def _returning(
    fresh: t.Callable[[], t.Any], url: t.Callable[[t.Any], str], tool: Tool, runs: int
) -> tuple[list[str], list[float]]:
    """Reject all, then: what the next page view fetches, and its script time page view after
    page view (warm cache) against none.html visited as often."""
    ctx, page = fresh()
    page.goto(url(tool))
    page.wait_for_function(f"({VISIBLE})({json.dumps(tool.banner)})", timeout=15000)
    if tool is COOKIEGATE:
        page.locator(".cg-first [data-cg-action=reject]").click()
        page.wait_for_function("cookiegate.consent && !cookiegate.consent.pending")
    else:
        page.evaluate(tool.reject)
        page.wait_for_timeout(300)
    seen: list[str] = []
    page.on("request", lambda r: _log(seen, r.url))
    page.goto(url(tool), wait_until="load")
    page.wait_for_timeout(500)
    first_load = list(seen)  # the loads below are not counted
    if page.evaluate(VISIBLE, tool.banner):
        sys.exit(f"{tool.name}: the banner shows again after a choice")
    times: list[float] = []
    other, other_page = fresh()
    other_page.goto(url("none.html"))
    for _ in range(runs):
        pair = []
        for pg, target in ((other_page, "none.html"), (page, tool)):
            cdp = pg.context.new_cdp_session(pg)
            cdp.send("Performance.enable")
            pg.goto(url(target))
            pg.wait_for_timeout(300)
            pair.append(_script_duration(cdp))
            cdp.detach()
        times.append(1000 * (pair[1] - pair[0]))
    other.close()
    ctx.close()
    return first_load, times


def _rows(
    tools: list[Tool],
    sizes: dict[str, dict[str, Size]],
    floor: list[float],
    floors: dict[str, list[float]],
    paint: dict[str, list[float]],
    script: dict[str, list[float]],
    requests: dict[str, list[str]],
    returning: dict[str, tuple[list[str], list[float]]],
) -> list[dict[str, t.Any]]:
    """One row per tool: medians, and ratios to the static floor (or the tool's own floor in
    ``floors``) and to vanilla-cookieconsent measured in the same run (the issue's targets
    are stated that way)."""
    med = statistics.median
    floor_ms = med(floor)
    peer = "vanilla-cookieconsent"
    rows = []
    for tool in tools:
        n = tool.name
        raw, gz, br = _total(sizes[n])
        ret = returning.get(n)
        rows.append(
            {
                "tool": n + (f" {tool.version}" if tool.version else ""),
                "bytes_gzip": gz,
                "bytes_brotli": br,
                "banner_painted_ms": round(med(paint[n]), 1),
                "painted_to_floor": round(med(paint[n]) / med(floors.get(n, floor)), 2),
                "script_ms": round(med(script[n]), 2),
                "requests": len(requests[n]),
                "returning_requests": len(ret[0]) if ret else None,
                "returning_script_ms": round(med(ret[1]), 2) if ret else None,
            }
        )
    for n, own in floors.items():
        rows.append({"tool": f"static-HTML floor, {n}", "banner_painted_ms": round(med(own), 1)})
    rows.append({"tool": "static-HTML floor", "banner_painted_ms": round(floor_ms, 1)})
    ref = next((r for r in rows if r["tool"].startswith(peer)), None)
    for row in rows:
        if ref and "script_ms" in row:
            row["script_to_vanilla"] = round(row["script_ms"] / max(ref["script_ms"], 0.01), 2)
            if row["returning_script_ms"] is not None:
                row["returning_script_to_vanilla"] = round(
                    row["returning_script_ms"] / max(ref["returning_script_ms"], 0.01), 2
                )
    return rows


def _report(
    tools: list[Tool],
    rows: list[dict[str, t.Any]],
    sizes: dict[str, dict[str, Size]],
    paint: dict[str, list[float]],
    script: dict[str, list[float]],
    requests: dict[str, list[str]],
    returning: dict[str, tuple[list[str], list[float]]],
    runs: int,
    verbose: bool,
    elapsed: float,
) -> None:
    def kb(n: int | None) -> str:
        return "n/a" if n is None else f"{n / 1000:.1f} KB"

    def ratio(row: dict[str, t.Any], key: str) -> str:
        return f" ({row[key]:.2f}×)" if row.get(key) is not None else ""

    print(f"## cookiegate vs peers: median of {runs} fresh contexts\n")
    print(
        "| tool | first visit: JS + CSS (gzip / brotli) | banner painted, ms (÷ floor) "
        "| script, first visit, ms (÷ vanilla) | requests, first visit "
        "| returning visitor: requests, script ms (÷ vanilla) |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        if row["tool"].startswith("static-HTML floor"):
            continue
        ret = (
            f"{row['returning_requests']}, {row['returning_script_ms']:.1f}"
            + ratio(row, "returning_script_to_vanilla")
            if row["returning_requests"] is not None
            else "–"
        )
        print(
            f"| {row['tool']} | {kb(row['bytes_gzip'])} / {kb(row['bytes_brotli'])} "
            f"| {row['banner_painted_ms']:.0f} ({row['painted_to_floor']:.2f}×) "
            f"| {row['script_ms']:.1f}{ratio(row, 'script_to_vanilla')} "
            f"| {row['requests']} | {ret} |"
        )
    for row in rows:
        if row["tool"].startswith("static-HTML floor"):
            print(f"\n{row['tool']} (first contentful paint): {row['banner_painted_ms']:.0f} ms.")
    print(f"Bench wall time: {elapsed:.0f} s.")
    if verbose:
        print("\n## Files (bytes: raw / gzip -9 / brotli 11)")
        for name, files in sizes.items():
            for label, (raw, gz, br) in files.items():
                print(f"- {name}: {label}: {raw} / {gz} / {br if br is not None else 'n/a'}")
        print("\n## Requests, first visit / returning visitor")
        for tool in tools:
            print(f"- {tool.name}: " + ", ".join(_short(u) for u in requests[tool.name]))
            if tool.name in returning:
                print("  returning: " + ", ".join(_short(u) for u in returning[tool.name][0]))
        print("\n## Per-run figures (ms)")
        for tool in tools:
            n = tool.name
            print(
                f"- {n}: visible {[round(x) for x in paint[n]]}, "
                f"script {[round(x, 1) for x in script[n]]}, "
                f"returning script {[round(x, 1) for x in returning.get(n, ([], []))[1]]}"
            )


def _log(seen: list[str], url: str) -> None:
    """Counts a request; not the favicon, which Chromium asks every page's origin for."""
    if not url.endswith("/favicon.ico"):
        seen.append(url)


def _short(url: str) -> str:
    u = urlsplit(url)
    return u.path.rsplit("/", 1)[-1] + (f"?{u.query}" if u.query else "")


if __name__ == "__main__":
    main()
