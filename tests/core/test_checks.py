"""Field checks: which ``domains`` entries a site config accepts."""

from __future__ import annotations

import pytest

from cookiegate.core.checks import check_domain


@pytest.mark.parametrize(
    "domain",
    ["Shop.example", "https://shop.example", "shop.example/x", "*.*.example", "a.example:0", ""],
)
def test_malformed_domains_are_refused(domain: str) -> None:
    assert check_domain(domain) is not None
