"""The declaration built from the demo config: every service, cookie and storage key, with
lifetimes, and facts whose hash follows the content."""

from __future__ import annotations

from cookiegate.consent.proofs import content_hash
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.declaration import build
from cookiegate.declaration import facts
from cookiegate.declaration.model import OWN_SERVICE
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.load import parse_site

DEMO = load_site(DEMO_SITES_DIR / "demo.toml")


def test_every_service_cookie_and_storage_key_of_the_demo_config_is_declared_with_a_lifetime() -> (
    None
):
    declaration = build(DEMO, None)
    entries = {e.id: e for e in declaration.entries()}
    assert set(entries) == {OWN_SERVICE, *(s.id for s in DEMO.services)}
    for service in DEMO.services:
        entry = entries[service.id]
        assert [i.name for i in entry.cookies] == list(service.cookies)
        assert [i.name for i in entry.storage] == list(service.storage)
        assert all(i.declared is not None for i in entry.cookies), service.id
    # Catalogue facts arrive through the config: GA's documented lifetimes and countries.
    ga = {i.name: i.declared for i in entries["google-analytics"].cookies}
    assert ga["_ga"] == 2 * 365 * 86400 and ga["_gid"] == 86400 and ga["_gat"] == 60
    assert entries["google-analytics"].countries == ("IE", "US")
    assert entries["google-analytics"].provider == "Google Ireland Limited"
    # cookiegate's own consent cookie lives as long as a refusal, the longer of its lifetimes.
    own = entries[OWN_SERVICE].cookies[0]
    assert (own.name, own.declared) == ("cookiegate_demo", 182 * 86400)


def test_the_legal_basis_is_necessary_in_the_locked_category_else_the_services() -> None:
    entries = {e.id: e for e in build(DEMO, None).entries()}
    assert entries["stripe"].basis == "necessary"
    assert entries["google-analytics"].basis == "consent"


def test_without_a_scan_nothing_is_observed_and_there_is_no_drift() -> None:
    declaration = build(DEMO, None)
    assert declaration.scanned_on == "" and declaration.drift == ()
    assert all(not i.observed_on for e in declaration.entries() for i in e.cookies)


def test_facts_and_their_hash_change_with_the_config_only(demo_data: dict) -> None:
    first = content_hash(facts(build(parse_site(demo_data), None)))
    assert content_hash(facts(build(parse_site(demo_data), None))) == first
    demo_data["services"]["stripe"]["lifetimes"]["__stripe_mid"] = "2y"
    assert content_hash(facts(build(parse_site(demo_data), None))) != first
