"""The minified files the server sends are built from the current sources (no browser needed).

static/build.sh bundles static/js/src/NAME/main.js and every module it imports into
static/js/NAME.js, and heads the output with a sha256 over those sources. These tests walk the
same import graph and fail when a built file is older than any one of its sources.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parent.parent / "static" / "js"
BUNDLES = ("loader", "banner", "platform", "gpp", "gppstub")
#: A static import or re-export of a relative module: `import … from "./x.js"`, `import "./x.js"`.
IMPORT = re.compile(
    r"""^(?:import|export)\b[^;'"]*?\bfrom\s*["'](\.\.?/[^"']+)["']"""
    r"""|^import\s*["'](\.\.?/[^"']+)["']""",
    re.MULTILINE,
)


def sources(name: str) -> list[Path]:
    """Every file a bundle is built from (its entry point's import graph), sorted by path."""
    seen: set[Path] = set()
    todo = [JS / "src" / name / "main.js"]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            for match in IMPORT.finditer(path.read_text(encoding="utf-8")):
                todo.append((path.parent / (match.group(1) or match.group(2))).resolve())
    return sorted(seen, key=relative)


def relative(path: Path) -> str:
    return path.relative_to(JS).as_posix()


def sources_hash(paths: list[Path]) -> str:
    """build.sh's hash: `sha256sum` of each source (run in static/js), hashed again."""
    listing = "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {relative(path)}\n" for path in paths
    )
    return hashlib.sha256(listing.encode()).hexdigest()[:12]


@pytest.mark.parametrize("name", BUNDLES)
def test_built_script_matches_its_sources(name: str) -> None:
    built = (JS / f"{name}.js").read_text(encoding="utf-8")
    header = re.match(r"/\*cookiegate (\w+) sha256:([0-9a-f]{12})\*/\n", built)
    assert header, f"static/js/{name}.js lacks its build header; run static/build.sh"
    assert header.group(1) == name
    assert header.group(2) == sources_hash(sources(name)), (
        f"static/js/{name}.js is older than its sources in static/js/src; run static/build.sh"
    )


def test_every_source_is_in_a_bundle() -> None:
    """A module no bundle imports would be edited for nothing (and escape the check above)."""
    bundled = {p for name in BUNDLES for p in sources(name)}
    every = sorted((JS / "src").rglob("*.js"))
    unused = [relative(path) for path in every if path.resolve() not in bundled]
    assert not unused, f"No bundle imports {unused}"


def test_the_loader_imports_no_banner_code_and_the_banner_no_loader_code() -> None:
    """The loader runs on every page view, so the UI stays out of it; the banner reaches the
    loader only through window.cookiegate, which a loader cached by the browser still offers."""
    assert not [relative(p) for p in sources("loader") if "/src/banner/" in p.as_posix()]
    assert not [relative(p) for p in sources("banner") if "/src/loader/" in p.as_posix()]


def test_the_platform_bridges_stay_out_of_the_loader_and_reach_it_only_through_its_api() -> None:
    """Sites without a platform never pay for the bridges; the bridges run after the loader in
    the same file and read it only through window.cookiegate (its rules, consent and on)."""
    assert not [relative(p) for p in sources("loader") if "/src/platform/" in p.as_posix()]
    assert not [relative(p) for p in sources("platform") if "/src/platform/" not in p.as_posix()]


def test_the_gpp_api_stays_out_of_the_loader_and_reaches_it_only_through_its_api() -> None:
    """Sites without a US opt-out overlay or [gpp] never pay for the __gpp API; its stub runs
    after the loader in the same file, the API comes later, and both read the loader only
    through window.cookiegate."""
    assert not [relative(p) for p in sources("loader") if "/src/gpp" in p.as_posix()]
    assert not [relative(p) for p in sources("gpp") if "/src/gpp/" not in p.as_posix()]
    assert [relative(p) for p in sources("gppstub")] == ["src/gppstub/main.js"]


def test_loader_keeps_the_rules_placeholder() -> None:
    assert (JS / "loader.js").read_text(encoding="utf-8").count("/*@rules@*/{}") == 1


#: The loader's members the banner reaches through ``window.cookiegate._``. A browser may run a
#: cached loader with a newer banner.js (or the reverse), so these names are a contract: renaming
#: one must be a deliberate change here, not a side effect of a refactor.
LOADER_MEMBERS = frozenset(
    {
        "api",
        "attrs",
        "apply",
        "allowed",
        "serviceOf",
        "cookieService",
        "urlOf",
        "readToken",
        "pending",
        "setCookie",
        "getCookies",
        "texts",
        "fetch",
        "consent",
        "placed",
    }
)


def test_the_loader_offers_the_banner_exactly_the_contracted_members() -> None:
    api = (JS / "src" / "loader" / "api.js").read_text(encoding="utf-8")
    block = re.search(r"^  _: \{\n(.*?)^  \},", api, re.MULTILINE | re.DOTALL)
    assert block, "src/loader/api.js lost its `_: {...}` block for the banner"
    offered = set(re.findall(r"^    (\w+)\b", block.group(1), re.MULTILINE))
    assert offered == LOADER_MEMBERS


def test_the_banner_uses_only_contracted_loader_members() -> None:
    used = {
        member
        for path in sources("banner")
        for member in re.findall(r"\bloader\.(?!js\b)(\w+)", path.read_text(encoding="utf-8"))
    }
    assert used, "the banner no longer reaches the loader as `loader.…`; update this test"
    assert used <= LOADER_MEMBERS, f"not offered by the loader: {sorted(used - LOADER_MEMBERS)}"
