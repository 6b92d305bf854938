"""The declaration joined to a scan: what was seen says "observed on", what no declared
service claims is drift, and so is a cookie living longer than declared."""

from __future__ import annotations

from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.declaration import build
from cookiegate.declaration.observed import lifetime_seen
from cookiegate.siteconfig.load import load_site

from .scans import PAGE
from .scans import SCANNED_ON
from .scans import days
from .scans import report

DEMO = load_site(DEMO_SITES_DIR / "demo.toml")


def _build(**seen: object) -> object:
    return build(DEMO, report(DEMO, **seen), SCANNED_ON)  # type: ignore[arg-type]


def test_a_declared_cookie_seen_by_the_scan_says_observed_on_its_date() -> None:
    declaration = _build(
        cookies=[
            ("_ga_ABC123", ".voltline.example", days(400)),
            ("vl_session", "www.voltline.example", -1),
        ]
    )
    entries = {e.id: e for e in declaration.entries()}
    ga = {i.name: i for i in entries["google-analytics"].cookies}["_ga_*"]
    assert ga.observed_on == SCANNED_ON and ga.seen_as == ("_ga_ABC123",)
    assert ga.observed == 400 * 86400 and ga.domain == ".voltline.example"
    assert ga.pages == (PAGE,)
    session = {i.name: i for i in entries["voltline-shop"].cookies}["vl_session"]
    assert session.observed == 0
    not_seen = {i.name: i for i in entries["stripe"].cookies}["__stripe_mid"]
    assert not_seen.observed_on == "" and not_seen.observed is None
    assert declaration.drift == ()


def test_an_undeclared_cookie_is_drift_with_its_name_domain_and_page() -> None:
    declaration = _build(cookies=[("_hjSessionUser_1", ".voltline.example", days(365))])
    [finding] = declaration.drift
    assert finding["kind"] == "cookie"
    assert finding["name"] == "_hjSessionUser_1"
    assert finding["domain"] == ".voltline.example"
    assert finding["pages"] == [PAGE]
    # The catalogue knows whose it is (Hotjar), which the site config does not declare.
    assert finding["known_as"] == "hotjar"


def test_a_cookie_living_longer_than_declared_is_drift() -> None:
    declaration = _build(
        cookies=[("_gid", ".voltline.example", days(30)), ("_ga", ".voltline.example", days(400))]
    )
    [finding] = declaration.drift
    assert finding["kind"] == "lifetime" and finding["name"] == "_gid"
    assert finding["service"] == "google-analytics"
    assert (finding["declared_seconds"], finding["observed_seconds"]) == (86400, 30 * 86400)


def test_a_session_cookie_kept_for_days_is_drift_but_a_day_of_slack_is_not() -> None:
    declaration = _build(
        cookies=[
            ("vl_session", "www.voltline.example", days(7)),
            ("_gid", ".voltline.example", days(2)),  # "24h" set late in the day
        ]
    )
    assert [(f["kind"], f["name"]) for f in declaration.drift] == [("lifetime", "vl_session")]


def test_an_unknown_third_party_host_and_storage_key_are_drift() -> None:
    declaration = _build(
        requests=[
            "https://www.googletagmanager.com/gtag/js?id=G-1",
            "https://t.unknown.example/p.gif",
        ],
        storage=[("local", "mystery_key", "https://www.voltline.example")],
    )
    found = {(f["kind"], f["name"]) for f in declaration.drift}
    assert found == {("host", "t.unknown.example"), ("storage", "mystery_key")}
    ga = next(e for e in declaration.entries() if e.id == "google-analytics")
    assert ga.hosts == ("www.googletagmanager.com",)


def test_a_third_party_cookie_of_a_declared_service_joins_it_as_observed() -> None:
    declaration = _build(cookies=[("VISITOR_INFO1_LIVE", ".youtube.com", days(180))])
    assert declaration.drift == ()
    youtube = next(e for e in declaration.entries() if e.id == "youtube")
    [seen] = youtube.cookies
    assert (seen.name, seen.party, seen.domain, seen.declared) == (
        "VISITOR_INFO1_LIVE",
        "third",
        ".youtube.com",
        None,
    )
    assert seen.observed == 180 * 86400


def test_lifetime_seen_reads_the_scans_expiry_field() -> None:
    assert lifetime_seen("session", SCANNED_ON) == 0
    assert lifetime_seen("2026-12-30", SCANNED_ON) == 30 * 86400
    assert lifetime_seen("far future", SCANNED_ON) is not None
    assert lifetime_seen("garbage", SCANNED_ON) is None
