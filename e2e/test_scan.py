"""cookiegate scan in real Chromium, against a shop with planted tags and the demo site.

Third-party hosts are answered by Playwright routing installed through the
scanner's ``prepare_context`` hook; nothing leaves the machine.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import socket
import tomllib
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookiegate import create_app
from cookiegate.cli.main import main
from cookiegate.core.browser import missing_chromium_reason
from cookiegate.scan import Options
from cookiegate.scan import scan
from cookiegate.scan.render import to_html
from cookiegate.services import accounts
from cookiegate.services import scans
from cookiegate.siteconfig.load import parse_site

from .admin_a11y import REFLOW_JS
from .admin_a11y import axe_violations
from .admin_a11y import describe_violations
from .conftest import Net
from .scan_site import SiteServer
from .scan_site import route_fakes

PAGES = 15
SHOP_CONFIG = """
id = "shop"
revision = 1
policy_url = "https://shop.example/cookies"
domains = ["127.0.0.1"]

[categories.necessary]
[categories.analytics]
[categories.advertising]
[categories.social]

[services.web-analytics]
name = "Our analytics"
provider = "Google Ireland Ltd"
privacy_url = "https://business.safety.google/privacy/"
category = "analytics"
description = "Counts visits."
patterns = ["googletagmanager.com/gtag/js", "google-analytics.com"]
cookies = ["_ga", "_ga_*"]
"""


@pytest.fixture(scope="module", autouse=True)
def chromium() -> None:
    reason = missing_chromium_reason()
    if reason:
        if os.environ.get("COOKIEGATE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def shop() -> t.Iterator[SiteServer]:
    server = SiteServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shop_config(tmp_path_factory: pytest.TempPathFactory) -> t.Any:
    path = tmp_path_factory.mktemp("sites") / "shop.toml"
    path.write_text(SHOP_CONFIG, encoding="utf-8")
    return parse_site(tomllib.loads(SHOP_CONFIG), str(path))


@pytest.fixture(scope="module")
def report(browser: t.Any, shop: SiteServer, shop_config: t.Any) -> dict[str, t.Any]:
    """One scan of the planted shop, compared with its config; the tests read it."""
    opts = Options(pages=PAGES, timeout=10, max_time=300, prepare_context=route_fakes)
    return scan(shop.url("/"), opts, shop_config, using=browser)


def _one_page_offline(rules: dict[str, t.Any]) -> tuple[Net, Options]:
    """Options to scan one page with every third party answered (and logged) by a fake."""
    net = Net(rules)
    opts = Options(
        pages=1, timeout=10, max_time=120, prepare_context=lambda c: c.route("**/*", net.handle)
    )
    return net, opts


def _rows(rows: list[dict[str, t.Any]], **match: t.Any) -> list[dict[str, t.Any]]:
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


def test_every_planted_tag_is_found_and_matched_to_its_catalogue_entry(
    report: dict[str, t.Any],
) -> None:
    found = {s["id"]: s for s in report["services"]}
    planted = {"google-analytics-4", "google-tag-manager", "meta-pixel", "youtube", "hotjar"}
    assert planted <= set(found)
    assert "www.youtube.com" in found["youtube"]["hosts"]
    assert found["youtube"]["failure"] and found["youtube"]["before_consent"]
    assert "connect.facebook.net" in found["meta-pixel"]["hosts"]
    # The site calls gtag its own "web-analytics"; the report says so and names the entry.
    assert found["google-analytics-4"]["site_service"] == "web-analytics"
    assert [h["host"] for h in report["unmatched_hosts"]] == ["cdn.unknown-tracker.example"]


def test_tags_and_their_cookies_before_consent_are_flagged_first(
    report: dict[str, t.Any],
) -> None:
    before = report["before_consent"]
    failed = {r["catalogue"] for r in before["requests"] if r["status"] == "failure"}
    assert {"google-analytics-4", "google-tag-manager", "meta-pixel", "youtube"} <= failed
    assert _rows(before["requests"], host="cdn.unknown-tracker.example")[0]["status"] == "review"
    cookies = {r["name"]: r for r in before["cookies"]}
    assert cookies["_ga"]["status"] == cookies["_fbp"]["status"] == "failure"
    assert cookies["_fbp"]["set_by"].startswith("https://connect.facebook.net/")
    # Written on the shop's domain by the unknown tracker's script: checked, not the shop's own.
    assert cookies["_unk_id"]["status"] == "review"
    assert cookies["_unk_id"]["set_by_party"] == "third"
    assert _rows(before["storage"], key="hjViewportId")[0]["catalogue"] == "hotjar"
    assert report["summary"]["verdict"] == "fail"
    assert "meta-pixel" in report["summary"]["services_before_consent"]


def test_first_party_cookies_of_the_shops_own_code_are_listed_to_classify(
    report: dict[str, t.Any], shop: SiteServer
) -> None:
    mine = {r["name"]: r for r in report["first_party"]["cookies"]}
    assert set(mine) == {"shop_ab", "shop_pref", "shop_session"}
    assert mine["shop_ab"]["set_by"] == shop.url("/first-party")
    assert mine["shop_pref"]["set_by"] == shop.url("/static/app.js")
    assert mine["shop_session"]["set_by"] == ""  # an HTTP Set-Cookie
    assert mine["shop_session"]["http_only"] is True
    assert [r["key"] for r in report["first_party"]["storage"]] == ["shop_recent"]


def test_crawl_is_bounded_obeys_robots_and_skips_files_and_actions(
    report: dict[str, t.Any], shop: SiteServer
) -> None:
    visited = [p["url"] for p in report["pages"] if p["phase"] == "before"]
    assert len(visited) == PAGES
    skipped = {s["url"]: s["reason"] for s in report["skipped"]}
    assert "robots.txt" in skipped[shop.url("/private/secret")]
    assert "file" in skipped[shop.url("/brochure.pdf")]
    assert "action" in skipped[shop.url("/account/logout")]
    over = [u for u, why in skipped.items() if "--pages" in why]
    products = [u for u in visited if "/p/" in u]
    assert products and len(over) == 30 - len(products)
    moved = _rows(report["pages"], url=shop.url("/old-gtag"))[0]
    assert moved["status"] == "skipped" and "redirects to" in moved["error"]
    assert not any("elsewhere.example" in u or "mailto" in u for u in visited + list(skipped))
    broken = _rows(report["pages"], url=shop.url("/broken"))[0]
    assert broken["status"] == "failed" and "HTTP 500" in broken["error"]


def test_without_cookiegate_the_report_says_so_and_runs_one_pass(
    report: dict[str, t.Any],
) -> None:
    assert report["loader"]["present"] is False
    assert report["accepted"] is False
    assert {p["phase"] for p in report["pages"]} == {"before"}
    assert any("No cookiegate loader" in n for n in report["notes"])


def test_missing_services_come_with_a_fragment_that_loads_with_the_config(
    report: dict[str, t.Any],
) -> None:
    advice = report["config"]
    assert {m["id"] for m in advice["missing"]} == {
        "google-tag-manager",
        "meta-pixel",
        "youtube",
        "hotjar",
    }
    assert "google-analytics-4" in advice["covered"]
    assert [c["domain"] for c in advice["custom"]] == ["unknown-tracker.example"]
    # Pasted at the end of the file, as a web team would.
    merged = tomllib.loads(SHOP_CONFIG + "\n" + advice["fragment"])
    config = parse_site(merged)
    loaded = {s.id: s for s in config.services}
    assert {"google-tag-manager", "meta-pixel", "youtube", "unknown-tracker-example"} <= set(loaded)
    assert loaded["unknown-tracker-example"].category == "advertising"
    assert loaded["unknown-tracker-example"].patterns == ("unknown-tracker.example",)
    assert config.category("functional") is not None  # GTM's category, new to this site


def test_demo_with_the_loader_requests_no_configured_service_before_consent(
    browser: t.Any, live: t.Any, rules: dict[str, t.Any]
) -> None:
    net, opts = _one_page_offline(rules)
    config = live.app.extensions["cookiegate"].sites["demo"]
    report = scan(f"{live.origin}/demo/", opts, config, using=browser)
    assert report["loader"]["present"] and report["loader"]["site"] == "demo"
    assert report["accepted"] is True
    before = report["before_consent"]
    # Everything the site config names stays blocked until Accept all, but GTM's container,
    # which the demo declares and lets load before consent ([tag_manager] before_consent):
    # a note rather than a failure, because the loader held back every tag it inserted ...
    assert {r["service"] for r in _rows(before["requests"], source="site")} == {
        "google-tag-manager"
    }
    assert _rows(before["cookies"], source="site") == []
    assert {r["status"] for r in before["requests"]} == {"note"}
    # ... so the scanner no longer proposes it as missing from the config.
    assert "google-tag-manager" not in report["summary"]["missing_from_config"]
    assert report["summary"]["verdict"] == "pass"
    after = {r["service"] for r in report["requests"] if r["after_consent_only"]}
    assert {"google-analytics", "google-ads", "meta-pixel", "youtube"} <= after
    assert {"_ga", "_fbp"} <= {r["name"] for r in report["cookies"] if r["after_consent_only"]}
    assert len(net.posts()) == 1 and net.posts()[0]["method"] == "accept_all"


def test_demo_without_the_loader_runs_its_services_before_consent(
    browser: t.Any, live: t.Any, rules: dict[str, t.Any]
) -> None:
    _, opts = _one_page_offline(rules)
    report = scan(f"{live.origin}/demo/?loader=off", opts, using=browser)
    assert report["loader"]["present"] is False
    failed = set(report["summary"]["services_before_consent"])
    assert {"google-analytics-4", "google-ads", "meta-pixel", "youtube"} <= failed
    assert {"_ga", "_fbp"} <= {r["name"] for r in report["before_consent"]["cookies"]}


# ------------------------------------------------------------------ the command


def _cli(args: list[str]) -> t.Any:
    """Run the command in a worker thread, as from a shell: it launches its own Chromium,
    which Playwright's sync API refuses on a thread where pytest-playwright's loop runs."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(CliRunner().invoke, main, args).result()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://shop.example/", "is not an http(s) URL"),
        ("not a url", "is not a URL"),
        ("http://:80/", "has no valid host name"),
    ],
)
def test_scan_refuses_a_bad_url_in_one_line(url: str, message: str) -> None:
    result = _cli(["scan", url])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_scan_of_an_unreachable_site_fails_in_one_line() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    result = _cli(["scan", url, "--timeout", "5"])
    assert result.exit_code == 1
    assert f"Could not scan {url}: the server refused the connection" in result.output
    assert "Traceback" not in result.output


def test_scan_of_a_page_that_never_loads_names_the_timeout(shop: SiteServer) -> None:
    result = _cli(["scan", shop.url("/slow"), "--timeout", "1"])
    assert result.exit_code == 1
    assert "did not finish loading in time" in result.output


def test_scan_writes_html_and_json_reports_with_hostile_names_escaped(
    shop: SiteServer, tmp_path: Path
) -> None:
    html, js = tmp_path / "report.html", tmp_path / "report.json"
    for out in (html, js):
        result = _cli(["scan", shop.url("/hostile"), "--pages", "1", "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert f"Report written to {out}" in result.output
    data = json.loads(js.read_text())
    assert "<b>x</b>" in {c["name"] for c in data["first_party"]["cookies"]}
    page = html.read_text()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.index('id="scan-summary"') < page.index('id="before-requests"')


def test_scan_with_site_saves_the_latest_scan_for_the_admin(
    shop: SiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "shop.toml").write_text(SHOP_CONFIG, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv("COOKIEGATE_SITES_DIR", str(sites))
    monkeypatch.setenv("COOKIEGATE_DATABASE_URL", db)
    monkeypatch.setenv("COOKIEGATE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("COOKIEGATE_SECRET_KEYS", "scan-test-key-0123456789")
    result = _cli(["scan", shop.url("/first-party"), "--pages", "1", "--site", "shop"])
    assert result.exit_code == 0, result.output
    assert "Saved as the latest scan of site shop" in result.output
    saved = scans.latest(create_app().extensions["cookiegate"].store, "shop")
    assert saved is not None and saved.start_url == shop.url("/first-party")
    assert saved.report is not None
    assert {"shop_ab", "shop_pref", "shop_session"} == {
        c["name"] for c in saved.report["first_party"]["cookies"]
    }
    unknown = _cli(["scan", shop.url("/"), "--site", "nope"])
    assert unknown.exit_code == 2 and "Unknown site 'nope'" in unknown.output


# ------------------------------------------------------------------ reading the report


@pytest.fixture(scope="module")
def demo_report(browser: t.Any, server: t.Any, rules: dict[str, t.Any]) -> dict[str, t.Any]:
    """A scan of the demo without its loader: every section of the report has rows."""
    _, opts = _one_page_offline(rules)
    config = server.app.extensions["cookiegate"].sites["demo"]
    return scan(f"{server.origin}/demo/?loader=off", opts, config, using=browser)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_admin_scan_page_and_the_html_file_pass_axe(
    browser: t.Any, live: t.Any, demo_report: dict[str, t.Any], tmp_path: Path, scheme: str
) -> None:
    state = live.app.extensions["cookiegate"]
    scans.save_latest(state.store, "demo", demo_report, state.clock())
    email, password = f"scan-{scheme}@voltline.example", "correct horse battery staple"
    accounts.create(state.store, email, password, "viewer", now="2026-11-30T07:00:00.000000Z")
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{live.origin}/admin/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.origin}/admin/")
    page.goto(f"{live.origin}/admin/sites/demo/scan")
    assert page.locator("#before-requests tr.failure").count() > 0
    assert describe_violations(axe_violations(page)) == []
    assert _reflow_problems(page) == []
    report_file = tmp_path / "report.html"
    report_file.write_text(to_html(demo_report), encoding="utf-8")
    page.goto(report_file.as_uri())
    assert page.locator("#services tbody tr").count() == len(demo_report["services"])
    assert describe_violations(axe_violations(page)) == []
    problems = _reflow_problems(page)
    assert problems == [], problems[:5]
    context.close()


def _reflow_problems(page: t.Any) -> list[str]:
    """At 320 px (1280 px at 400 % zoom) only named, focusable table regions scroll sideways."""
    page.set_viewport_size({"width": 320, "height": 256})
    found = page.evaluate(REFLOW_JS)
    bad = [f"page is {found['documentWidth']}px wide"] if found["documentWidth"] > 320 else []
    bad += [f"sticks out: {w}" for w in found["outside"]]
    bad += [
        f"scrolls sideways: {r['what']}"
        for r in found["regions"]
        if not (r["table"] and r["role"] == "region" and r["tabindex"] == 0 and r["name"])
    ]
    page.set_viewport_size({"width": 1280, "height": 900})
    return bad
