"""The loader payload as served: its size, and the build headers it carries."""

from __future__ import annotations

import typing as t

import pytest

from cookiegate.loader.payload import build_payload

#: What ``GET /v1/sites/demo/loader.js`` weighs (loader, the demo's rules, the GPP stub) at
#: gzip -9 and brotli 11, as measured when these were set (bench/README.md "Browser"): a
#: change that makes every page view of every shop pay more bytes fails here first. The
#: issue's target is 4,096 / 3,500; lower these as the loader shrinks. Raised on purpose
#: once, from 7,300 / 6,560: a first visit's banner.json request started by the loader
#: (branch ``paint``, +130 B gzip) makes the banner paint one round trip sooner.
DEMO_LOADER_GZIP = 7_430
DEMO_LOADER_BROTLI = 6_680


def test_the_demo_loader_does_not_grow(client: t.Any) -> None:
    """Every page view pays for the loader: its compressed size only goes down."""
    gzip = client.get("/v1/sites/demo/loader.js", headers={"Accept-Encoding": "gzip"})
    brotli = client.get("/v1/sites/demo/loader.js", headers={"Accept-Encoding": "br"})
    assert gzip.headers["Content-Encoding"] == "gzip"
    assert brotli.headers["Content-Encoding"] == "br"
    assert len(gzip.data) <= DEMO_LOADER_GZIP
    assert len(brotli.data) <= DEMO_LOADER_BROTLI


def test_served_build_headers_keep_their_names_and_lose_the_sources_hash() -> None:
    """The hash says whether a committed bundle is older than its sources (e2e/test_build.py),
    which no browser needs; the names still say which bundles a served file holds."""
    script = (
        "/*cookiegate loader sha256:0123456789ab*/\nvar r=/*@rules@*/{};\n"
        "/*cookiegate gppstub sha256:ba9876543210*/\nstub();\n"
    )
    body = build_payload(script, {"site": "demo"}).body.decode()
    assert body == (
        '/*cookiegate loader*/\nvar r={"site":"demo"};\n/*cookiegate gppstub*/\nstub();\n'
    )


def test_a_build_without_the_rules_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        build_payload("/*cookiegate loader sha256:0123456789ab*/\nvar r={};\n", {})
