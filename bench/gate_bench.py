"""The server-side gate's cost per response, as a ratio to the same response without it.

Run from the repository root after the README's set-up:

    .venv/bin/python bench/gate_bench.py [--quick] [--json] [--tokenizers] [--gunicorn]

One Flask app serves a ~100 KB retailer product page with its tags written plainly (gtag.js,
the Meta Pixel snippet and its <noscript> pixel, a YouTube iframe, preconnect hints, 60 product
cards with srcset images). Each variant is called in-process as a WSGI server would (environ
in, body iterated and joined), rounds interleaved so machine noise hits them alike, and the
best round of each is kept (the figure least disturbed by the other processes on the machine):

- ``ungated``: the app as it is (the floor);
- ``gated, no consent``: through ConsentGate with no cookie, every tag made inert;
- ``gated, all granted``: a valid cookie granting everything, the page passes unchanged
  (it is still tokenized: the gate cannot know the page has nothing to hold without reading it);
- ``gated, streamed``: no consent, the page yielded in 8 KB chunks as a streaming template would.

``--tokenizers`` also times bare tokenizing of the page by the candidates considered (those
installed: html.parser, lxml's HTMLPullParser, selectolax/lexbor, html5lib), and ``--gunicorn``
the throughput of the app under gunicorn with wrk, gated and ungated.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegate.consent.choices import Decision  # noqa: E402
from cookiegate.consent.tokens import ConsentToken  # noqa: E402
from cookiegate.consent.tokens import sign  # noqa: E402
from cookiegate.core.settings import DEMO_SITES_DIR  # noqa: E402
from cookiegate.gate import ConsentGate  # noqa: E402
from cookiegate.siteconfig.load import load_site  # noqa: E402

KEYS = "bench-newest-key-0123456789"
#: A start tag the gate made inert.
HELD_TAG = re.compile(rb'<[a-z]+ [^>]*?(?:data-cg-|"text/plain" data-category)[^>]*>')

HEAD = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Voltline 55" 4K TV – Voltline Electronics</title>
<script src="https://consent.voltline.example/v1/sites/demo/loader.js"></script>
<link rel="preconnect" href="https://www.googletagmanager.com">
<link rel="stylesheet" href="/static/site.css"><link rel="icon" href="/favicon.ico">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH1"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}
gtag('js',new Date());gtag('config','G-BENCH1');</script>
<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;
n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;
s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script',
'https://connect.facebook.net/en_US/fbevents.js');fbq('init','1234');fbq('track','PageView');</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=1234&amp;ev=PageView&amp;noscript=1"/></noscript>
<script type="application/ld+json">{"@type":"Product","name":"Voltline 55\\" 4K TV"}</script>
</head><body><header class="site-header"><nav><ul>
"""
CARD = """<li class="card" data-sku="VL-{i:05d}"><a href="/p/tv-{i}" class="card__link">
<picture><source type="image/webp" srcset="/img/tv-{i}.webp 1x, /img/tv-{i}@2x.webp 2x">
<img src="/img/tv-{i}.jpg" srcset="/img/tv-{i}.jpg 1x, /img/tv-{i}@2x.jpg 2x" alt="TV model {i}"
 loading="lazy" width="320" height="240"></picture><h3 class="card__title">Voltline {i} – 55" 4K
 HDR smart TV with Dolby Vision &amp; Atmos</h3></a><p class="card__price"><span class="now">
£{p}.00</span> <span class="was">£{w}.00</span></p><button type="button" class="btn btn--add"
 data-action="basket#add" data-sku="VL-{i:05d}">Add to basket</button><div class="rating"
 aria-label="4.5 out of 5"><span style="width:90%"></span></div></li>
"""
TAIL = """</ul></section>
<iframe width="560" height="315" src="https://www.youtube.com/embed/bench1" title="Product video"
 allowfullscreen></iframe>
<footer><p>© Voltline Ltd</p><script src="/static/site.js" defer></script></footer></body></html>
"""


CARDS = 130


def retailer_page() -> str:
    """A product listing page of about 100 KB."""
    parts = [HEAD]
    parts += [f'<li><a href="/c/{n}">Category {n}</a></li>\n' for n in range(40)]
    parts.append('</ul></nav></header><section class="grid"><ul class="cards">\n')
    parts += [CARD.format(i=i, p=300 + i, w=400 + i) for i in range(CARDS)]
    parts.append(TAIL)
    return "".join(parts)


def template() -> str:
    """The same page as a Jinja template, as a Flask shop renders it."""
    card = (
        CARD.replace("{i:05d}", "{{ '%05d' % i }}")
        .replace("{i}", "{{ i }}")
        .replace("{p}", "{{ 300 + i }}")
        .replace("{w}", "{{ 400 + i }}")
    )
    return (
        "{% raw %}"
        + HEAD
        + "{% endraw %}"
        + '{% for n in range(40) %}<li><a href="/c/{{ n }}">Category {{ n }}</a></li>\n{% endfor %}'
        + '</ul></nav></header><section class="grid"><ul class="cards">\n'
        + "{% for i in range(cards) %}"
        + card
        + "{% endfor %}"
        + "{% raw %}"
        + TAIL
        + "{% endraw %}"
    )


def make_app(page: str, mode: str = "bytes") -> t.Callable[..., t.Any]:
    """The shop: ``bytes`` (a prebuilt page), ``jinja`` (rendered per request) or
    ``stream`` (a Jinja template streamed as it renders, Flask's ``stream_template``)."""
    from flask import Flask
    from flask import Response
    from flask import render_template_string
    from flask import stream_template_string

    app = Flask("benchshop")
    body = page.encode()
    source = template()

    @app.get("/")
    def index() -> t.Any:
        if mode == "jinja":
            return render_template_string(source, cards=CARDS)
        if mode == "stream":
            return Response(stream_template_string(source, cards=CARDS), mimetype="text/html")
        return Response(body, mimetype="text/html")

    return app.wsgi_app


def environ(cookie: str | None) -> dict[str, t.Any]:
    import io

    env: dict[str, t.Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        env["HTTP_COOKIE"] = f"cookiegate_demo={cookie}"
    return env


def call(app: t.Callable[..., t.Any], env: dict[str, t.Any]) -> bytes:
    body = app(dict(env), lambda status, headers, exc_info=None: None)
    try:
        return b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()


def all_granted() -> str:
    config = load_site(DEMO_SITES_DIR / "demo.toml")
    now = int(time.time())
    cats = {c.id: True for c in config.categories}
    return sign(
        [KEYS], ConsentToken("bench", "demo", config.revision, Decision(cats, {}), now, now + 86400)
    )


def best_of(
    variants: dict[str, t.Callable[[], object]], rounds: int, iters: int
) -> dict[str, float]:
    """Seconds per call of each variant: the best of ``rounds`` rounds of ``iters`` calls."""
    best = {name: float("inf") for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            for _ in range(iters):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / iters)
    return best


def tokenizer_variants(page: str) -> dict[str, t.Callable[[], object]]:
    """Bare tokenizing of the page by each installed candidate (no rewriting)."""
    from html.parser import HTMLParser

    from cookiegate.gate.rewrite import _Tokenizer

    body = page.encode()
    out: dict[str, t.Callable[[], object]] = {}

    def stdlib() -> None:
        p = HTMLParser()
        for i in range(0, len(page), 8192):
            p.feed(page[i : i + 8192])
        p.close()

    out["html.parser (stdlib, streaming)"] = stdlib

    class Sink:
        def start_tag(self, *a: object) -> None: ...
        def script_text(self, *a: object) -> None: ...
        def end_tag(self, *a: object) -> None: ...

    def gate_tok() -> None:
        p = _Tokenizer(Sink())  # type: ignore[arg-type]
        for i in range(0, len(page), 8192):
            p.feed(page[i : i + 8192])

    out["html.parser as the gate drives it (attributes of loading tags only)"] = gate_tok
    try:
        from lxml import etree

        def lxml_pull() -> None:
            p = etree.HTMLPullParser(events=("start",))
            for i in range(0, len(body), 8192):
                p.feed(body[i : i + 8192])
                for _ in p.read_events():
                    pass
            p.close()

        out["lxml HTMLPullParser (libxml2, streaming, builds a tree)"] = lxml_pull
    except ImportError:
        pass
    try:
        from selectolax.lexbor import LexborHTMLParser

        out["selectolax/lexbor (whole document, builds a tree)"] = lambda: LexborHTMLParser(body)
    except ImportError:
        pass
    try:
        import html5lib

        out["html5lib tokenizer (pure Python, spec state machine)"] = lambda: list(
            html5lib.getTreeWalker("etree")(html5lib.parse(body))
        )
    except ImportError:
        pass
    return out


def gunicorn_throughput(seconds: int) -> dict[str, float]:
    """Requests per second under gunicorn (1 sync worker) with wrk, ungated and gated."""
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (apt-get install wrk): skipping --gunicorn", file=sys.stderr)
        return {}
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        module = Path(tmp) / "gatebenchapp.py"
        module.write_text(
            "import sys\n"
            f"sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
            "import os\nfrom gate_bench import make_app, retailer_page, KEYS\n"
            "from cookiegate.gate import ConsentGate\n"
            "plain = make_app(retailer_page())\n"
            "gated = ConsentGate(plain, site='demo', secret_keys=KEYS)\n"
        )
        for name in ("plain", "gated"):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    "1",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--chdir",
                    tmp,
                    f"gatebenchapp:{name}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                time.sleep(1.5)
                run = subprocess.run(
                    [wrk, "-t1", "-c4", f"-d{seconds}s", f"http://127.0.0.1:{port}/"],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                line = next(x for x in run.stdout.splitlines() if x.startswith("Requests/sec"))
                results[name] = float(line.split()[1])
            finally:
                proc.terminate()
                proc.wait(10)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--tokenizers", action="store_true", help="also time the candidate tokenizers")
    ap.add_argument(
        "--gunicorn", action="store_true", help="also measure throughput under gunicorn"
    )
    args = ap.parse_args()
    rounds, iters = (3, 10) if args.quick else (15, 40)
    page = retailer_page()
    none, granted = environ(None), environ(all_granted())
    variants: dict[str, t.Callable[[], object]] = {}
    floors: dict[str, str] = {}
    for mode, label in (
        ("bytes", "prebuilt bytes"),
        ("jinja", "Jinja-rendered"),
        ("stream", "Jinja-streamed"),
    ):
        plain = make_app(page, mode)
        gate = ConsentGate(plain, site="demo", secret_keys=KEYS)
        assert call(plain, none) == page.encode(), f"{mode}: the page must be the same"
        assert call(gate, granted) == page.encode(), "a granted page must pass unchanged"
        variants[f"{label}, ungated"] = functools.partial(call, plain, none)
        variants[f"{label}, gated, no consent"] = functools.partial(call, gate, none)
        variants[f"{label}, gated, all granted"] = functools.partial(call, gate, granted)
        for v in ("ungated", "gated, no consent", "gated, all granted"):
            floors[f"{label}, {v}"] = f"{label}, ungated"
    held = call(ConsentGate(make_app(page), site="demo", secret_keys=KEYS), none)
    times = best_of(variants, rounds, iters)
    report: dict[str, t.Any] = {
        "page_bytes": len(page.encode()),
        "tags_held": len(HELD_TAG.findall(held)),
        "rounds": rounds,
        "iterations": iters,
        "load": os.getloadavg()[0],
        "responses": {
            name: {"ms": round(sec * 1e3, 3), "ratio": round(sec / times[floors[name]], 2)}
            for name, sec in times.items()
        },
    }
    if args.tokenizers:
        tok = best_of(tokenizer_variants(page), rounds, max(1, iters // 4))
        report["tokenizers_ms"] = {name: round(sec * 1e3, 3) for name, sec in tok.items()}
    if args.gunicorn:
        report["gunicorn_rps"] = gunicorn_throughput(3 if args.quick else 10)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"gate cost per response: {report['page_bytes']} B retailer page, "
        f"best of {rounds}x{iters}, load {report['load']:.1f}"
    )
    print("| response | ms per response | ratio to ungated |\n|---|---|---|")
    for name, row in report["responses"].items():
        print(f"| {name} | {row['ms']} | {row['ratio']}x |")
    for name, ms in report.get("tokenizers_ms", {}).items():
        print(f"tokenize only, {name}: {ms} ms")
    for name, rps in report.get("gunicorn_rps", {}).items():
        print(f"gunicorn, 1 sync worker, {name}: {rps:.0f} requests/s")


if __name__ == "__main__":
    main()
