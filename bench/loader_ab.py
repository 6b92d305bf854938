"""Two builds of the loader side by side in one run: this checkout's against a git ref's.

Run:  .venv/bin/python bench/loader_ab.py [--base main] [--views 40]

The machine is shared and noisy, so a change to the loader is measured against the build it
replaces in the same run, view after view: A is ``static/js/loader.js`` as committed at
``--base``, B the one in this checkout. Both get the same demo rules (this checkout's
``loader_rules``, so the rules format must not differ between A and B) and the same banner
file; a plain static server on loopback serves them under ``/a/`` and ``/b/``, with the
loader's own cache header (max-age), from ``localhost`` while the pages come from
``127.0.0.1`` (another origin, as in production and ``browser_bench.py``).

Per view, in alternation A, B (and ``none.html``, the same page without any banner):

* first visit, fresh context: Chromium's ScriptDuration of the page minus ``none.html``'s,
  and the first frame that shows the banner (``browser_bench.PAINT_PROBE``) against the
  static-HTML floor's first contentful paint;
* returning visitor (one context that rejected all once, warm cache): ScriptDuration minus
  ``none.html``'s, and the requests of such a view.

A goes before B on even views, B before A on odd ones. Printed: medians, the paired
differences (B − A of each view, median and mean), and the loaders' sizes (gzip -9, brotli 11).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import typing as t
import urllib.request
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import browser_bench as bb  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from cookiegate.loader.payload import BUNDLE_MARKER  # noqa: E402
from cookiegate.loader.payload import RULES_MARKER  # noqa: E402
from e2e.conftest import LiveServer  # noqa: E402

LOADER = "/v1/sites/demo/loader.js"


def _at(base: str, path: str) -> str | None:
    """``path`` as committed at ``base``; None when it is not there."""
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{base}:{path}"], capture_output=True, text=True
    )
    return shown.stdout if shown.returncode == 0 else None


def loaders(live: LiveServer, base: str) -> dict[str, bytes]:
    """The loader of ``base`` (A) and of this checkout (B), with the same rules inlined.

    What the server appends after the loader for the demo site (the GPP stub, the platform
    bridges: ``/*cookiegate NAME …*/`` headers) is appended to A as ``base`` had it; a base
    without ``gppstub.js`` appended the whole ``gpp.js`` instead.
    """
    files = live.app.extensions["cookiegate"].published
    served = files[LOADER].asset.body.decode()
    start = served.index('{"site":')  # the served build headers are shorter than the files'
    _, end = json.JSONDecoder().raw_decode(served, start)
    rules = served[start:end]
    appended = re.findall(r"^/\*cookiegate (\w+)[ *]", served, flags=re.MULTILINE)[1:]
    if Path(base).is_file():  # a built loader.js kept aside (nothing appended)
        old = Path(base).read_text(encoding="utf-8")
    else:
        old = _at(base, "static/js/loader.js") or ""
        for name in appended:
            bundle = _at(base, f"static/js/{name}.js")
            if bundle is None and name == "gppstub":
                bundle = _at(base, "static/js/gpp.js")
            old = old.rstrip("\n") + "\n" + (bundle or "")
    return {"a": old.replace(RULES_MARKER, rules, 1).encode(), "b": served.encode()}


def banners(live: LiveServer, base: str) -> dict[str, dict[str, bytes]]:
    """Each build's banner files: B the published ones, A the same texts, stylesheet and purge
    lists in ``base``'s ``banner.js`` (so a change to the banner chunk is measured too; a base
    given as a file, or without a banner.js, gets B's)."""
    published = live.app.extensions["cookiegate"].published
    files = {p: f.asset.body for p, f in published.items() if "/banner." in p}
    own = (ROOT / "static/js/banner.js").read_text(encoding="utf-8")
    old = None if Path(base).is_file() else _at(base, "static/js/banner.js")
    if old is None or BUNDLE_MARKER not in old:
        return {"a": files, "b": files}
    head = own.split(BUNDLE_MARKER)[0]
    a = {}
    for path, body in files.items():
        text = body.decode()
        # The served file may add lines before the code (payload.py banner_file): find the
        # bundle by the code just before it, not by the head's length.
        start = text.index(head[-80:]) + 80
        _, end = json.JSONDecoder().raw_decode(text, start)
        a[path] = old.replace(BUNDLE_MARKER, text[start:end], 1).encode()
    return {"a": a, "b": files}


def _mirror(live: LiveServer) -> t.Callable[[str], bytes]:
    """``path``'s body as the live server answers it, asked once per path."""
    seen: dict[str, bytes] = {}
    lock = threading.Lock()

    def get(path: str) -> bytes:
        with lock:
            if path not in seen:
                with urllib.request.urlopen(live.origin + path) as r:  # loopback only
                    seen[path] = bytes(r.read())
            return seen[path]

    return get


class Server:
    """Pages on 127.0.0.1, the two loaders and the published banner files on localhost."""

    def __init__(
        self,
        live: LiveServer,
        code: dict[str, bytes],
        banner: dict[str, dict[str, bytes]],
        isolated: bool = False,
    ) -> None:
        """``isolated``: pages cross-origin isolated (timers to 5 µs, not 100; browser_trace.py)."""
        published = {
            p: f.asset.body for p, f in live.app.extensions["cookiegate"].published.items()
        }
        css = (ROOT / "static/css/banner.css").read_bytes()
        outer = self
        self.banner = banner
        self.texts = _mirror(live)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: t.Any) -> None:
                pass

            def do_GET(self) -> None:
                body, ctype, cache = outer.answer(self.path, published, code, css)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body or b"")))
                self.send_header("Cache-Control", cache)
                self.send_header("Access-Control-Allow-Origin", "*")
                if isolated:
                    self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
                    self.send_header("Cross-Origin-Opener-Policy", "same-origin")
                    self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
                self.end_headers()
                self.wfile.write(body or b"")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def answer(
        self, path: str, published: dict[str, bytes], code: dict[str, bytes], css: bytes
    ) -> tuple[bytes | None, str, str]:
        """(body, content type, Cache-Control) for ``path``; body None for a 404."""
        js = "text/javascript"
        build, _, rest = path.lstrip("/").partition("/")
        if path.startswith("/pages/"):
            page, _, build = rest.partition("?")
            html = (bb.PAGES / page).read_text(encoding="utf-8")
            html = html.replace("{{LOADER}}", f"{self.assets}/{build}{LOADER}")
            return html.replace("{{API}}", self.assets).encode(), "text/html", "no-store"
        if rest == "static/css/banner.css":
            return css, "text/css", "max-age=300"
        if build in code and "/" + rest == LOADER:
            return code[build], js, "max-age=300"
        if build in code and "/" + rest in self.banner[build]:
            return self.banner[build]["/" + rest], js, "max-age=31536000, immutable"
        if build in code and "/" + rest in published:
            return published["/" + rest], js, "max-age=31536000, immutable"
        if build in code and rest.startswith("v1/sites/demo/banner.json?"):
            # The place's texts (a site with [jurisdictions]), as the live server answers
            # them, from memory: the Flask development server's time is not the browser's.
            return self.texts("/" + rest), "application/json", "no-store"
        return None, "text/plain", "no-store"

    @property
    def assets(self) -> str:
        return f"http://localhost:{self.port}"

    def page(self, name: str, build: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/pages/{name}?{build}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _latency(ctx: t.Any, page: t.Any, ms: float) -> t.Any:
    """A CDP session on ``page``; with ``ms``, every request of the page waits that long (Chromium's
    network emulation), so that round trips weigh as on a network rather than on loopback."""
    cdp = ctx.new_cdp_session(page)
    if ms:
        cdp.send("Network.enable")
        conditions = {"offline": False, "downloadThroughput": -1, "uploadThroughput": -1}
        cdp.send("Network.emulateNetworkConditions", {**conditions, "latency": ms})
    return cdp


def first_visits(
    browser: t.Any, server: Server, views: int, latency: float = 0
) -> dict[str, list[float]]:
    """Per view: script ms (page minus none.html) and banner paint ms, A and B; the floor."""
    out: dict[str, list[float]] = {k: [] for k in ("script a", "script b", "paint a", "paint b")}
    out["floor"] = []
    for view in range(views):
        ctx = browser.new_context()
        page = ctx.new_page()
        _latency(ctx, page, latency)
        page.goto(server.page("floor.html"))
        out["floor"].append(page.evaluate(bb.FCP))
        ctx.close()
        base = 0.0
        # A before B on even views, B before A on odd ones: neither build always goes second.
        for build in ("", "a", "b") if view % 2 == 0 else ("", "b", "a"):
            ctx = browser.new_context()
            page = ctx.new_page()
            cdp = _latency(ctx, page, latency)
            cdp.send("Performance.enable")
            if build:
                page.add_init_script(bb.PAINT_PROBE % json.dumps(".cg-dialog"))
            page.goto(server.page("cookiegate.html" if build else "none.html", build))
            if build:
                page.wait_for_function("window.__bannerPaint !== undefined", timeout=15000)
            page.wait_for_timeout(400)
            duration = 1000 * bb._script_duration(cdp)
            if build:
                out[f"script {build}"].append(duration - base)
                out[f"paint {build}"].append(page.evaluate("window.__bannerPaint"))
            else:
                base = duration
            ctx.close()
    return out


def returning(browser: t.Any, live: LiveServer, server: Server, views: int) -> dict[str, t.Any]:
    """Reject all once on the live server's page (cookies are per host, not per port), then
    view A, B and none.html in turn, warm cache: script ms and each build's requests."""
    ctx, page = bb.rejected(browser, live.url("cookiegate.html"))
    out: dict[str, t.Any] = {"script a": [], "script b": []}
    for build in ("a", "b"):  # warm each build's cache once, then count one view's requests
        page.goto(server.page("cookiegate.html", build), wait_until="load")
        seen: list[str] = []

        def log(request: t.Any, seen: list[str] = seen) -> None:
            bb._log(seen, request.url)

        page.on("request", log)
        page.goto(server.page("cookiegate.html", build), wait_until="load")
        page.wait_for_timeout(500)
        page.remove_listener("request", log)
        out[f"requests {build}"] = seen
    clean = ctx.new_page()
    page.close()
    for view in range(views):
        pair = {}
        for build in ("", "a", "b") if view % 2 == 0 else ("", "b", "a"):
            cdp = ctx.new_cdp_session(clean)
            cdp.send("Performance.enable")
            clean.goto(server.page("cookiegate.html" if build else "none.html", build))
            clean.wait_for_timeout(300)
            pair[build] = 1000 * bb._script_duration(cdp)
            cdp.detach()
            if build:
                out[f"script {build}"].append(pair[build] - pair[""])
    ctx.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base", default="main", help="git ref (or a built loader.js file) of build A"
    )
    parser.add_argument("--views", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--returning-only",
        action="store_true",
        help="no first visits (e.g. B is a stripped loader that shows no banner)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0,
        help="first visits: ms of emulated latency per request (round trips as on a network)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="returning views in a browser profile on disk (V8's code cache works there; "
        "it does not in the fresh in-memory contexts of the other views)",
    )
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        live = LiveServer(Path(tmp), pages=bb.PAGES)
        code = loaders(live, args.base)
        server = Server(live, code, banners(live, args.base))
        browser = p.chromium.launch(executable_path=chromium, args=bb.ARGS)
        first = first_visits(
            browser, server, 0 if args.returning_only else args.views, args.latency
        )
        on_disk = bb.OnDisk(p, chromium, Path(tmp) / "profile") if args.profile else None
        back = returning(on_disk or browser, live, server, args.views)
        browser.close()
        server.stop()
        live.stop()
    report(args, code, first, back)


def report(
    args: t.Any, code: dict[str, bytes], first: dict[str, t.Any], back: dict[str, t.Any]
) -> None:
    def med(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    sizes = {k: bb._size(v) for k, v in code.items()}
    floor = med(first["floor"])
    rows = {
        build: {
            "loader_raw_gzip_brotli": sizes[build],
            "first_script_ms": round(med(first[f"script {build}"]), 2),
            "painted_ms": round(med(first[f"paint {build}"]), 1),
            "painted_to_floor": round(med(first[f"paint {build}"]) / floor, 2),
            "returning_script_ms": round(med(back[f"script {build}"]), 2),
            "returning_requests": [bb._short(u) for u in back[f"requests {build}"]],
        }
        for build in ("a", "b")
    }
    if args.json:
        print(json.dumps({"views": args.views, "floor_ms": floor, **rows}, indent=1))
        return
    print(f"## loader A ({args.base}) vs B (this checkout): medians of {args.views} views\n")
    print(
        "| build | loader raw / gzip / brotli | first visit script ms | banner painted ms"
        " (÷ floor) | returning script ms | returning requests |\n|---|---|---|---|---|---|"
    )
    for build, name in (("a", args.base), ("b", "this checkout")):
        r = rows[build]
        print(
            f"| {build}: {name} | {' / '.join(map(str, r['loader_raw_gzip_brotli']))} "
            f"| {r['first_script_ms']} | {r['painted_ms']} ({r['painted_to_floor']}×) "
            f"| {r['returning_script_ms']} | {len(r['returning_requests'])}: "
            f"{', '.join(r['returning_requests'])} |"
        )
    pairs = {
        "first visit script": (first["script a"], first["script b"]),
        "banner painted": (first["paint a"], first["paint b"]),
        "returning script": (back["script a"], back["script b"]),
    }
    diffs = {name: [y - x for x, y in zip(*ab, strict=True)] for name, ab in pairs.items()}
    print(
        "\nPaired, B − A per view (median; mean): "
        + ", ".join(
            f"{name} {med(d):+.2f}; {statistics.fmean(d) if d else float('nan'):+.2f} ms"
            for name, d in diffs.items()
        )
        + "."
    )
    print(f"\nStatic-HTML floor (first contentful paint): {floor:.0f} ms.")
    if args.latency:
        print(f"First visits with {args.latency:g} ms emulated latency per request.")


if __name__ == "__main__":
    main()
