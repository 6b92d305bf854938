"""What the demo site's served loader is made of, in bytes, and what it would be without guards.

Run:  .venv/bin/python bench/loader_parts.py        (needs node and npx, as static/build.sh)

Issue 14 sets the served demo loader at ≤ 4,096 B gzip and ≤ 3,500 B brotli. This prints the
served file's parts (the code, the site's rules, what the server appends after the loader)
and the same file built from ``static/js/src`` with the blocking guards left out: ``main.js``
without its calls to ``intercept``, ``guardCss``, ``guardNetwork`` and without the
MutationObserver, so esbuild drops every function only they reach. Not a build anyone should
ship; it answers "would the target be met if blocking cost nothing?". Built with the esbuild
and terser versions and flags of ``static/build.sh``.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "static" / "build.sh"
#: The statements of src/loader/main.js that set up the guards (esbuild tree-shakes the rest).
GUARDS = (
    re.compile(r"^(intercept|guardCss|guardNetwork)\(\);\n", re.MULTILINE),
    re.compile(r"^new MutationObserver\(.*?^\}\);\n", re.MULTILINE | re.DOTALL),
)


def sizes(text: str) -> tuple[int, int, int]:
    """Raw, gzip -9 and brotli 11 bytes, as bench/summary.py counts the loader."""
    raw = text.encode()
    return len(raw), len(gzip.compress(raw, 9, mtime=0)), len(brotli.compress(raw, quality=11))


def served() -> str:
    sys.path.insert(0, str(ROOT))
    from cookiegate import create_app

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEYS": "bench-" + "x" * 20})
    body: bytes = app.extensions["cookiegate"].loaders["demo"].body
    return body.decode()


def build_without_guards(workdir: Path) -> str:
    """The loader bundle from a copy of the sources whose main.js sets up no guard."""
    pins = dict(re.findall(r"^(ESBUILD|TERSER)_VERSION=(\S+)$", BUILD.read_text(), re.MULTILINE))
    shutil.copytree(ROOT / "static" / "js" / "src", workdir / "src")
    main = workdir / "src" / "loader" / "main.js"
    text = main.read_text()
    for pattern in GUARDS:
        text, found = pattern.subn("", text)
        if not found:
            sys.exit(f"loader_parts: {pattern.pattern!r} is no longer in src/loader/main.js")
    main.write_text(text)
    bundled, out = workdir / "bundle.js", workdir / "loader.js"
    for cmd in (
        [f"esbuild@{pins['ESBUILD']}", str(main), "--bundle", "--minify", "--format=iife",
         "--target=es2020", "--legal-comments=none", "--log-level=warning", f"--outfile={bundled}"],
        [f"terser@{pins['TERSER']}", str(bundled), "--compress", "passes=3", "--mangle",
         "--ecma", "2020", "-o", str(out)],
    ):  # fmt: skip
        subprocess.run(["npx", "--yes", *cmd], check=True, cwd=workdir)
    return out.read_text()


def main() -> None:
    whole = served()
    start = whole.index('{"site":')
    _, end = json.JSONDecoder().raw_decode(whole, start)
    rules = whole[start:end]
    loader, _, appended = whole.partition("\n/*cookiegate ")
    appended = "\n/*cookiegate " + appended if appended else ""
    with tempfile.TemporaryDirectory() as tmp:
        bare = build_without_guards(Path(tmp)).replace("__COOKIEGATE_RULES__", rules, 1)
    bare = loader[: loader.index("\n") + 1] + bare  # the served build header
    rows = {
        "served demo loader (code + rules + appended)": sizes(whole),
        "  the site's rules (JSON)": sizes(rules),
        "  appended after the loader (the GPP stub …)": sizes(appended),
        "  the loader's code alone (rules empty)": sizes(loader.replace(rules, "{}", 1)),
        "built without any guard, with the same rules and appended": sizes(bare + appended),
        "  its code alone (rules empty)": sizes(bare.replace(rules, "{}", 1)),
    }
    print(f"{'':60} {'raw':>7} {'gzip':>7} {'brotli':>7}")
    for name, (raw, gz, br) in rows.items():
        print(f"{name:60} {raw:7,} {gz:7,} {br:7,}")
    print(f"{'target (issue 14)':60} {'':7} {4096:7,} {3500:7,}")


if __name__ == "__main__":
    main()
