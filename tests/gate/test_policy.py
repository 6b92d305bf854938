"""The gate reads URLs and choices exactly as the loader does (static/js/src/loader/checks.js)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent.choices import Decision
from cookiegate.consent.tokens import ConsentToken
from cookiegate.gate.policy import Policy
from cookiegate.gate.policy import Rules
from cookiegate.gate.policy import url_key
from cookiegate.loader.payload import compiled_rules

from .helpers import DEMO

RULES = Rules.from_config(DEMO)
BASE = "https://www.voltline.example/shop/tv?x=1"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://WWW.YouTube.com/embed/x#t=1", "www.youtube.com/embed/x"),
        ("https://www.youtube.com", "www.youtube.com/"),
        ("https://www.youtube.com:443/embed", "www.youtube.com/embed"),
        ("http://www.youtube.com:8080/embed", "www.youtube.com:8080/embed"),
        ("https://user:pw@www.facebook.com/tr?id=1", "www.facebook.com/tr?id=1"),
        ("//connect.facebook.net/en_US/fbevents.js", "connect.facebook.net/en_US/fbevents.js"),
        ("  https://www.face\nbook.com/t\tr  ", "www.facebook.com/tr"),
        ("https:\\\\www.facebook.com\\tr", "www.facebook.com/tr"),
        ("../img/a.png", "www.voltline.example/img/a.png"),
        ("?page=2", "www.voltline.example/shop/tv?page=2"),
        ("https://bücher.example/a", "xn--bcher-kva.example/a"),
        ("https://cdn.example/grüße", "cdn.example/gr%C3%BC%C3%9Fe"),
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("mailto:a@b.example", None),
        ("", None),
        ("https://[::1", None),
    ],
)
def test_urls_are_keyed_as_the_loader_keys_them(url: str, key: str | None) -> None:
    assert url_key(url, BASE) == key


URLS = st.sampled_from(
    [
        "www.googletagmanager.com/gtag/js?id=G-1",
        "www.googletagmanager.com/gtag/js?id=AW-1",
        "www.googletagmanager.com/gtag/js?id=DC-1",
        "connect.facebook.net/en_US/fbevents.js",
        "connect.facebook.net/en_US/sdk.js",
        "www.facebook.com/tr?id=1",
        "www.facebook.com/plugins/like.php",
        "www.youtube.com/embed/x",
        "region1.google-analytics.com/g/collect",
        "evil-google-analytics.com/x",
        "js.stripe.com/v3",
        "www.voltline.example/",
    ]
)


@given(URLS, st.sampled_from(["", "/x", "?q=1", ":8443/y"]))
def test_one_combined_regex_finds_the_service_the_loaders_loop_finds(url: str, tail: str) -> None:
    key = url + tail
    shipped = compiled_rules(DEMO)["patterns"]
    first = next((i for p, i in shipped if re.search(p, key)), -1)
    assert RULES.service_of(key) == first


def policy(categories: dict[str, bool], services: dict[str, bool] | None = None) -> Policy:
    cats = {c.id: categories.get(c.id, c.id == "necessary") for c in DEMO.categories}
    return Policy(RULES, ConsentToken("c", "demo", 1, Decision(cats, services or {}), 0, 1))


def index(service: str) -> int:
    return [s.id for s in DEMO.services].index(service)


def test_a_category_grants_its_services_and_a_services_own_choice_beats_it() -> None:
    p = policy({"social": True}, {"youtube": False, "google-analytics": True})
    assert p.allowed(index("facebook-login"))
    assert not p.allowed(index("youtube"))
    assert p.allowed(index("google-analytics"))  # granted alone, its category refused
    assert not p.allowed(index("meta-pixel"))
    assert p.allowed(index("stripe"))  # necessary: always


def test_without_a_token_only_necessary_services_load() -> None:
    p = Policy(RULES, None)
    assert [s.id for i, s in enumerate(DEMO.services) if p.allowed(i)] == [
        "voltline-shop",
        "stripe",
    ]


def test_the_sites_own_early_services_pass_before_consent_and_nothing_else_does() -> None:
    """As the loader's `loads`: the demo's GTM container (before_consent), and in advanced
    Consent Mode the Google tags, load without a choice; every other service waits."""
    nobody = Policy(RULES, None)
    gtm = "https://www.googletagmanager.com/gtm.js?id=GTM-X"
    ga = "https://www.googletagmanager.com/gtag/js?id=G-X"
    assert nobody.blocked_service(gtm, BASE) is None
    assert nobody.blocked_service(ga, BASE) is not None
    advanced = dataclasses.replace(
        DEMO, consent_mode=dataclasses.replace(DEMO.consent_mode, mode="advanced")
    )
    policy = Policy(Rules.from_config(advanced), None)
    assert policy.blocked_service(ga, BASE) is None
    assert policy.blocked_service("https://connect.facebook.net/en_US/fbevents.js", BASE)
