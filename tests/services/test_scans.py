"""Saved scans: the latest report per site in the store (SQLite and PostgreSQL) and its admin page."""

from __future__ import annotations

import typing as t

from flask import Flask

from cookiegate.catalogue.load import load_catalogue
from cookiegate.scan import observe as o
from cookiegate.scan.analyse import analyse
from cookiegate.services import scans
from cookiegate.siteconfig.load import parse_site

from ..admin_helpers import AdminActions
from ..conftest import FrozenClock

HOSTILE = '<script>alert("x")</script>'
PAGE = "https://www.voltline.example/"


def _report(
    config: t.Any = None, cookie: str = "_ga", tracker: str = "t.unknown.example"
) -> dict[str, t.Any]:
    """A report analysed from what a browser could have seen, hostile names included."""
    crawl = o.Crawl(start_url=PAGE, site="voltline.example", started_at="2026-11-30T07:00:00Z")
    crawl.pages.append(o.PageVisit(PAGE, o.BEFORE, final_url=PAGE, http_status=200))
    crawl.requests += [
        o.RequestSeen("https://www.googletagmanager.com/gtag/js?id=G-1", "script", PAGE, o.BEFORE),
        o.RequestSeen(f"https://{tracker}/{HOSTILE}", "image", PAGE, o.BEFORE),
    ]
    crawl.cookies += [
        o.CookieSeen(cookie, ".voltline.example", "/", -1, False, False, "Lax", PAGE, o.BEFORE),
        o.CookieSeen(
            HOSTILE,
            "www.voltline.example",
            "/",
            -1,
            False,
            False,
            "Lax",
            PAGE,
            o.BEFORE,
            set_by=f"{PAGE}js/{HOSTILE}.js",
        ),
    ]
    return analyse(crawl, load_catalogue(), config)


def test_latest_scan_is_stored_and_replaced_per_site(db_app: Flask, clock: FrozenClock) -> None:
    store = db_app.extensions["cookiegate"].store
    assert scans.latest(store, "demo") is None
    first = _report()
    scans.save_latest(store, "demo", first, clock())
    clock.advance(days=1)
    second = _report(cookie="_fbp")
    scans.save_latest(store, "demo", second, clock())
    saved = scans.latest(store, "demo")
    assert saved is not None
    assert saved.report == second
    assert saved.scanned_at.startswith("2026-11-27")
    assert saved.verdict == "fail"
    assert list(scans.all_latest(store)) == ["demo"]


def test_admin_says_how_to_scan_when_a_site_has_none(db_admin: AdminActions) -> None:
    db_admin.as_viewer()
    page = db_admin.client.get("/admin/sites/demo/scan").get_data(as_text=True)
    assert "No scan yet — run cookiegate scan URL --site demo" in page
    listing = db_admin.client.get("/admin/scans").get_data(as_text=True)
    assert "No scan yet" in listing
    assert 'href="/admin/scans"' in db_admin.client.get("/admin/").get_data(as_text=True)


def test_admin_shows_the_latest_report_with_hostile_names_escaped(
    db_admin: AdminActions, clock: FrozenClock
) -> None:
    state = db_admin.app.extensions["cookiegate"]
    report = _report(state.sites["demo"])
    scans.save_latest(state.store, "demo", report, clock())
    db_admin.as_viewer()
    resp = db_admin.client.get("/admin/sites/demo/scan")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(" in page
    # The findings the report holds are on the page: the before-consent failure, the unknown
    # host, the first-party cookie to classify and the config fragment.
    assert 'id="before-requests"' in page and "google-analytics" in page
    assert "t.unknown.example" in page
    assert 'id="config-fragment"' in page and "[services.unknown-example]" in page
    assert "admin/scan.css" in page
    listing = db_admin.client.get("/admin/scans").get_data(as_text=True)
    assert "Failure before consent" in listing


def test_scan_pages_need_a_login_and_a_known_site(db_admin: AdminActions) -> None:
    assert db_admin.client.get("/admin/sites/demo/scan").status_code == 302
    db_admin.as_viewer()
    assert db_admin.client.get("/admin/sites/nope/scan").status_code == 404


def _seen(*urls_and_cookies: str) -> o.Crawl:
    crawl = o.Crawl(start_url=PAGE, site="voltline.example", started_at="2026-11-30T07:00:00Z")
    crawl.pages.append(o.PageVisit(PAGE, o.BEFORE, final_url=PAGE, http_status=200))
    for item in urls_and_cookies:
        if "://" in item:
            crawl.requests.append(o.RequestSeen(item, "script", PAGE, o.BEFORE))
        else:
            crawl.cookies.append(
                o.CookieSeen(
                    item, "www.voltline.example", "/", -1, False, False, "Lax", PAGE, o.BEFORE
                )
            )
    return crawl


def test_what_the_site_may_run_without_consent_is_no_failure(
    demo_data: dict[str, t.Any],
) -> None:
    demo_data["services"]["stats"] = {
        "name": "Voltline statistics",
        "provider": "Voltline Ltd",
        "category": "analytics",
        "description": "Counts visits on our own server.",
        "patterns": ["stats.voltline.example/js"],
        "cookies": ["vl_stats_id"],
    }
    demo_data["uk_statistics_exception"] = {"enabled": True, "services": ["stats"]}
    # A UK-only shop: the exception applies to every visitor. (With [jurisdictions] it is the
    # UK overlay's, and the loader runs nothing without consent before it knows the place.)
    demo_data.pop("jurisdictions", None)
    config = parse_site(demo_data)
    crawl = _seen(
        "https://js.stripe.com/v3/",
        "vl_stats_id",
        "vl_basket",
        "https://connect.facebook.net/en_US/fbevents.js",
        "_fbp",
    )
    report = analyse(crawl, load_catalogue(), config)
    before = report["before_consent"]
    assert {r["service"] for r in before["requests"]} == {"meta-pixel"}
    assert {r["name"] for r in before["cookies"]} == {"_fbp"}
    # Without the exception the same statistics are a failure before consent.
    del demo_data["uk_statistics_exception"]
    report = analyse(crawl, load_catalogue(), parse_site(demo_data))
    failed = set(report["summary"]["services_before_consent"])
    assert failed == {"meta-pixel", "stats"}
