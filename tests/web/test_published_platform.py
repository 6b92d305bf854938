"""The served loader: the platform bridges ride after it only for a site with a platform."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

from cookiegate.core.settings import STATIC_DIR
from tests.siteconfig.test_platform import with_platform


def test_the_served_loader_carries_the_bridges_only_for_a_site_with_a_platform(
    make_app: t.Callable[..., t.Any], sites_dir: Path
) -> None:
    """A shop without a platform gets the very loader it got before; one with a platform gets
    the same loader with the bridges after it, reading ``pf`` from the rules."""
    built = (STATIC_DIR / "js" / "platform.js").read_text(encoding="utf-8")
    # Served without its sources' hash, which only the build check reads (loader/payload.py).
    bridges = re.sub(
        r"^/\*cookiegate platform sha256:[0-9a-f]+\*/", "/*cookiegate platform*/", built
    )
    assert bridges != built
    plain = make_app().test_client().get("/v1/sites/demo/loader.js").get_data(as_text=True)
    assert "cookiegate platform" not in plain and '"pf"' not in plain
    (sites_dir / "demo.toml").write_text(with_platform("wordpress"), encoding="utf-8")
    bridged = make_app().test_client().get("/v1/sites/demo/loader.js").get_data(as_text=True)
    assert bridged.endswith(bridges)
    # Everything before the rules' new last entry is the plain loader's.
    assert bridged.startswith(plain[: plain.index('"pre":')])
    assert '"pf":["wordpress",{"functional":["necessary"],' in bridged
