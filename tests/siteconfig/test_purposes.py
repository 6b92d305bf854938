"""The purposes hash: the same for a reworded config, new for a new purpose or recipient."""

from __future__ import annotations

import copy
import tomllib
import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import parse_site
from cookiegate.siteconfig.purposes import purposes_hash

DEMO: dict[str, t.Any] = tomllib.loads((DEMO_SITES_DIR / "demo.toml").read_text())
BASE = purposes_hash(parse_site(DEMO))
WORDS = st.text(
    st.characters(categories=["L", "N"], include_characters=" ,.'"), min_size=3, max_size=60
)


def _hash(edit: t.Callable[[dict[str, t.Any]], object]) -> str:
    data = copy.deepcopy(DEMO)
    edit(data)
    return purposes_hash(parse_site(data))


def test_the_hash_is_short_hex_and_stable() -> None:
    assert len(BASE) == 8 and int(BASE, 16) >= 0
    assert purposes_hash(parse_site(copy.deepcopy(DEMO))) == BASE


@settings(max_examples=40, deadline=None)
@given(
    service=st.sampled_from(sorted(DEMO["services"])),
    field=st.sampled_from(["name", "description"]),
    text=WORDS.filter(lambda s: s.strip() == s and s),
    revision=st.integers(min_value=2, max_value=10_000),
)
def test_rewording_a_service_or_bumping_the_revision_keeps_the_hash(
    service: str, field: str, text: str, revision: int
) -> None:
    def edit(data: dict[str, t.Any]) -> None:
        data["services"][service][field] = text
        data["revision"] = revision

    assert _hash(edit) == BASE


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(policy_url="https://www.voltline.example/legal/cookies-2027"),
        lambda d: d.update(texts={"en": {"title": "Cookies, briefly"}}),
        lambda d: d["categories"]["analytics"].update(consent_mode=[]),
        lambda d: d["services"]["dynamic-yield"].update(patterns=["cdn.dynamicyield.com"]),
        lambda d: d["services"]["dynamic-yield"].update(
            cookies=["_dyid"], lifetimes={"_dyid": "1y"}
        ),
        lambda d: d["services"]["stripe"].update(privacy_url="https://stripe.com/privacy"),
        # Order is presentation: services listed in reverse.
        lambda d: d.update(services=dict(reversed(list(d["services"].items())))),
    ],
    ids=[
        "policy-url",
        "custom-text",
        "consent-mode",
        "patterns",
        "cookies",
        "privacy-url",
        "order",
    ],
)
def test_wording_and_blocking_details_are_not_purposes(edit: t.Any) -> None:
    assert _hash(edit) == BASE


NEW_SERVICE = {
    "name": "Hotjar",
    "provider": "Hotjar Ltd",
    "category": "analytics",
    "description": "Heatmaps of how pages are used.",
    "privacy_url": "https://www.hotjar.com/legal/policies/privacy/",
    "patterns": ["static.hotjar.com"],
    "cookies": ["_hjid"],
    "lifetimes": {"_hjid": "1y"},
}


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["services"].update(hotjar=NEW_SERVICE),
        lambda d: (
            d["categories"].update(surveys={}),
            d.update(
                texts={
                    "en": {
                        "categories.surveys.name": "Surveys",
                        "categories.surveys.description": "Short surveys.",
                    }
                }
            ),
        ),
        lambda d: d["services"]["dynamic-yield"].update(category="advertising"),
        lambda d: d["services"]["dynamic-yield"].update(provider="Mastercard Europe SA"),
        lambda d: d["services"]["dynamic-yield"].update(countries=["IL", "US"]),
        lambda d: d["services"].pop("youtube"),
    ],
    ids=["new-service", "new-category", "moved-service", "new-vendor", "new-country", "removed"],
)
def test_a_new_service_category_vendor_or_destination_changes_the_hash(edit: t.Any) -> None:
    assert _hash(edit) != BASE
