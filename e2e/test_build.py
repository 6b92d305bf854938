"""The minified files the server sends are built from the current sources (no browser needed)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parent.parent / "static" / "js"


@pytest.mark.parametrize("name", ["loader", "banner"])
def test_built_script_matches_its_source(name: str) -> None:
    built = (JS / f"{name}.js").read_text(encoding="utf-8")
    source = (JS / "src" / f"{name}.js").read_bytes()
    header = re.match(r"/\*cookiegate src/\w+\.js sha256:([0-9a-f]{12})\*/\n", built)
    assert header, f"static/js/{name}.js lacks its build header; run static/build.sh"
    assert header.group(1) == hashlib.sha256(source).hexdigest()[:12], (
        f"static/js/{name}.js is older than src/{name}.js; run static/build.sh"
    )


def test_loader_keeps_the_rules_placeholder() -> None:
    assert (JS / "loader.js").read_text(encoding="utf-8").count("/*@rules@*/{}") == 1
