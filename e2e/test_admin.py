"""Compliance staff in Chromium: find the consent a visitor just gave on the demo
shop by the ID the banner showed, see what was shown, download a CSV, see the chart."""

from __future__ import annotations

import csv
import io
import re
import typing as t
from pathlib import Path

from cookiegate.services import accounts

from .helpers import choose_categories

EMAIL = "dpo@voltline.example"
PASSWORD = "correct horse battery staple"


def _account(live: t.Any) -> None:
    store = live.app.extensions["cookiegate"].store
    if accounts.authenticate(store, EMAIL, PASSWORD) is None:
        accounts.create(store, EMAIL, PASSWORD, "admin", now="2026-11-26T12:00:00.000000Z")


def test_staff_find_a_fresh_consent_see_its_texts_export_it_and_chart_it(
    page: t.Any, net: t.Any, live: t.Any, browser: t.Any, artifacts: t.Any
) -> None:
    # A visitor on the demo shop allows analytics only; the banner shows the consent ID.
    page.goto(f"{live.origin}/demo/")
    choose_categories(page, "analytics")
    status = page.get_by_role("status").filter(has_text=re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}"))
    shown_id = re.search(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", status.first.inner_text()
    ).group(0)
    locale = page.evaluate("document.querySelector('.cg-dialog').lang || 'en'")
    banner = live.app.test_client().get(f"/v1/sites/demo/banner.json?locale={locale}").json
    title = banner["texts"]["title"]

    # A DPO signs in on another browser profile.
    _account(live)
    staff = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    admin = staff.new_page()
    admin.goto(f"{live.origin}/admin/")
    assert "/admin/login" in admin.url
    admin.get_by_label("E-mail").fill(EMAIL)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(f"{live.origin}/admin/")

    # Look the consent up by the ID the visitor saw.
    admin.get_by_label("Consent ID").fill(shown_id)
    admin.get_by_role("button", name="Find").click()
    admin.wait_for_url(re.compile(f"/admin/consents/{shown_id}$"))
    assert admin.locator("#consent-id").inner_text() == shown_id
    assert admin.locator("#method").inner_text() == "custom"
    assert "Chain link verifies." in admin.locator("#chain-link").inner_text()
    assert "analytics: granted" in admin.locator("dl.record").inner_text()
    assert "advertising: refused" in admin.locator("dl.record").inner_text()
    assert admin.locator("#shown h3").first.inner_text() == title
    admin.screenshot(path=str(artifacts / "admin-consent.png"), full_page=True)

    # Download today's records as CSV; the consent is in it and the file ends with the head.
    admin.goto(f"{live.origin}/admin/export?site=demo")
    admin.get_by_label("Format").select_option("csv")
    with admin.expect_download() as info:
        admin.get_by_role("button", name="Download").click()
    download = info.value
    assert re.fullmatch(
        r"cookiegate-demo-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv", download.suggested_filename
    )
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][0] == "consent_id" and rows[-1][0] == "#chain_head"
    assert shown_id in [r[0] for r in rows[1:-1]]

    # The dashboard's charts render (server-side SVG) and count today's consents.
    admin.goto(f"{live.origin}/admin/sites/demo/dashboard")
    charts = admin.locator("svg.chart")
    assert charts.count() == 2
    assert charts.nth(0).locator("rect").count() >= 1
    assert charts.nth(1).locator("circle").count() >= 1
    box = charts.nth(0).bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    admin.screenshot(path=str(artifacts / "admin-dashboard.png"), full_page=True)
    staff.close()
