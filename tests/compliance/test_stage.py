"""The stage page's origin: a site whose domains name no host cannot be staged."""

from __future__ import annotations

import dataclasses

import pytest

from cookiegate.compliance.stage import StageError
from cookiegate.compliance.stage import page_origin
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import load_site


def test_a_site_with_no_usable_host_is_refused_naming_the_site() -> None:
    demo = load_site(DEMO_SITES_DIR / "demo.toml")
    with pytest.raises(StageError, match="Site 'demo' lists no usable host in its domains."):
        page_origin(dataclasses.replace(demo, domains=(":8443",)))
