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


def test_the_written_out_countries_are_babels_cldr_territories() -> None:
    """The list kept as text stays the one Babel's CLDR data gives (less non-countries)."""
    import re

    from babel import Locale

    from cookiegate.core.checks import COUNTRIES
    from cookiegate.core.checks import NOT_COUNTRIES

    territories = {str(code) for code in Locale("en").territories}
    assert COUNTRIES == {
        c for c in territories if re.fullmatch(r"[A-Z]{2}", c) and c not in NOT_COUNTRIES
    }
