"""Admin pages: consent lookup with history and shown texts, dashboards
aggregated in SQL, and the integrity page catching an edited record."""

from __future__ import annotations

import re
import typing as t

import pytest
import sqlalchemy as sa
from flask import Flask

from cookiegate.services import records as reports
from cookiegate.web.admin import charts

from ..admin_helpers import CUSTOM
from ..admin_helpers import AdminActions
from ..conftest import FrozenClock
from ..conftest import Visitor


def _sql(app: Flask, statement: str, **params: t.Any) -> None:
    with app.extensions["cookiegate"].store.begin(write=True) as conn:
        conn.execute(sa.text(statement), params)


def test_lookup_by_id_shows_the_record_history_and_shown_texts(
    staff: AdminActions, visitor: Visitor, clock: FrozenClock
) -> None:
    first = visitor.post(visitor.body("accept_all", banner_locale="de", locale="de")).json
    clock.advance(minutes=5)
    second = visitor.post(visitor.body("withdraw", previous_token=first["token"])).json
    staff.as_viewer()
    resp = staff.client.get(f"/admin/consents?id={first['consent_id']}")
    assert resp.status_code == 302
    page = staff.client.get(resp.headers["Location"]).get_data(as_text=True)
    assert first["consent_id"] in page and "accept_all" in page
    assert "Chain link verifies." in page
    # The German banner, as that visitor saw it.
    shown = visitor.banner("de")
    assert 'lang="de"' in page and shown["texts"]["title"] in page
    assert shown["texts"]["reject_all"] in page
    # The later withdrawal is linked, and links back.
    assert f"/admin/consents/{second['consent_id']}" in page
    page = staff.client.get(f"/admin/consents/{second['consent_id']}").get_data(as_text=True)
    assert f"/admin/consents/{first['consent_id']}" in page and "withdraw" in page


def test_unknown_consent_id_is_a_404_page(staff: AdminActions) -> None:
    staff.as_viewer()
    resp = staff.client.get("/admin/consents/00000000-0000-4000-8000-000000000000")
    assert resp.status_code == 404 and "No consent with ID" in resp.get_data(as_text=True)


def test_search_by_site_and_range_lists_newest_first(
    staff: AdminActions, visitor: Visitor, clock: FrozenClock
) -> None:
    ids = [visitor.post().json["consent_id"] for _ in range(3)]
    clock.advance(days=2)
    visitor.post()
    staff.as_viewer()
    page = staff.client.get("/admin/consents?site=demo&from=2026-11-26&to=2026-11-26").get_data(
        as_text=True
    )
    assert "3 records in this range." in page
    found = re.findall(r"/admin/consents/([0-9a-f-]{36})", page)
    assert found == ids[::-1]


def test_visitor_supplied_text_is_escaped(
    staff: AdminActions, visitor: Visitor, app: Flask
) -> None:
    cid = visitor.post().json["consent_id"]
    _sql(app, "UPDATE proofs SET page_url = :u", u="https://x.example/<script>alert(1)</script>")
    staff.as_viewer()
    page = staff.client.get(f"/admin/consents/{cid}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Chain link BROKEN." in page and "was edited" in page


def test_dashboard_counts_and_rates_are_aggregated_in_sql(
    db_admin: AdminActions, db_visitor: Visitor, clock: FrozenClock, db_app: Flask
) -> None:
    for _ in range(3):
        db_visitor.post()
    db_visitor.post(db_visitor.body("reject_all"))
    clock.advance(days=1)
    db_visitor.post(db_visitor.body("custom", choices=CUSTOM))
    db_visitor.post(
        db_visitor.body("reject_all"),
        headers={
            "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
        },
    )
    store = db_app.extensions["cookiegate"].store
    query = reports.parse_query(
        {"demo"}, "demo", "2026-11-26", "2026-11-27", None, today=clock.now.date()
    )
    data = reports.dashboard(store, query.range, query.start, query.end)
    assert data.total == 6
    assert data.by_method["2026-11-26"] == {
        "accept_all": 3,
        "reject_all": 1,
        "custom": 0,
        "gpc": 0,
        "withdraw": 0,
        "objection": 0,
        "notice": 0,
        "opt_out": 0,
        "signal:gpc": 0,
        "signal:adpc": 0,
    }
    assert data.by_method["2026-11-27"]["custom"] == 1
    assert data.grants["analytics"] == (4, 6) and data.grants["advertising"] == (3, 6)
    assert data.grants["necessary"] == (6, 6)
    assert data.daily_grants["functional"] == {"2026-11-26": (3, 4), "2026-11-27": (1, 2)}
    assert dict(data.devices) == {"desktop": 5, "mobile": 1}
    db_admin.as_viewer()
    page = db_admin.client.get(
        "/admin/sites/demo/dashboard?from=2026-11-26&to=2026-11-27"
    ).get_data(as_text=True)
    assert page.count('<svg class="chart"') == 2
    assert "<td>analytics</td><td>4</td><td>6</td><td>66.7%</td>" in page
    assert "6 consents recorded" in page
    assert "<tr><td>2026-11-27</td><td>50%</td><td>50%</td><td>0%</td>" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-11-27&to=2026-11-01", "after it ends"),
        ("from=26/11/2026", "must be a date"),
        ("from=2020-01-01&to=2026-11-26", "at most 366 days"),
    ],
)
def test_dashboard_refuses_bad_ranges(staff: AdminActions, query: str, message: str) -> None:
    staff.as_viewer()
    resp = staff.client.get(f"/admin/sites/demo/dashboard?{query}")
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)


def test_dashboard_of_an_unknown_site_is_404(staff: AdminActions) -> None:
    staff.as_viewer()
    assert staff.client.get("/admin/sites/nope/dashboard").status_code == 404


def test_integrity_page_names_an_edited_record(
    db_admin: AdminActions, db_visitor: Visitor, db_app: Flask
) -> None:
    ids = [db_visitor.post().json["consent_id"] for _ in range(4)]
    db_admin.as_viewer()
    page = db_admin.client.get("/admin/integrity").get_data(as_text=True)
    assert "<td>OK</td>" in page and "<td>4</td>" in page
    _sql(db_app, "UPDATE proofs SET method = 'reject_all' WHERE consent_id = :id", id=ids[2])
    page = db_admin.client.get("/admin/integrity").get_data(as_text=True)
    assert "TAMPERED" in page
    assert f'href="/admin/consents/{ids[2]}">record #3</a>' in page
    assert "the record was edited" in page


def test_charts_are_scaled_into_the_plot() -> None:
    days = ["2026-11-26", "2026-11-27"]
    bars = charts.stacked_bars(days, ["a", "b"], {"2026-11-26": {"a": 3, "b": 2}})
    assert len(bars.bars) == 2 and bars.yticks[-1][1] == "5"
    assert all(b.y >= 0 and b.y + b.h <= bars.plot_bottom + 0.01 for b in bars.bars)
    lines = charts.rate_lines(days, ["a"], {"a": {"2026-11-26": (1, 4), "2026-11-27": (4, 4)}})
    (line,) = lines.lines
    assert [d[2] for d in line.dots] == ["2026-11-26 a: 25% of 4", "2026-11-27 a: 100% of 4"]


def test_lookup_and_dashboard_show_and_filter_by_jurisdiction_and_regime(
    make_app: t.Callable[..., Flask],
) -> None:
    app = make_app(GEO_COUNTRY_HEADER="CF-IPCountry", GEO_REGION_HEADER="CF-Region-Code")
    client = app.test_client()
    ids = {}
    for headers in ({"CF-IPCountry": "US", "CF-Region-Code": "CA"}, {"CF-IPCountry": "DE"}):
        visitor = Visitor(client)
        banner = client.get("/v1/sites/demo/banner.json?locale=en", headers=headers).json
        body = visitor.body("reject_all", shown_hash=banner["shown_hash"])
        ids[headers["CF-IPCountry"]] = visitor.post(body, headers=headers).json["consent_id"]
    staff = AdminActions(app, client)
    staff.as_viewer()
    page = client.get(f"/admin/consents/{ids['US']}").text
    assert '<dd id="jurisdiction">US-CA</dd>' in page and '<dd id="regime">opt_out</dd>' in page
    listed = client.get("/admin/consents?site=demo&regime=opt_out").text
    assert ids["US"] in listed and ids["DE"] not in listed
    listed = client.get("/admin/consents?site=demo&jurisdiction=DE").text
    assert ids["DE"] in listed and ids["US"] not in listed
    bad = client.get("/admin/consents?site=demo&jurisdiction=Germany")
    assert bad.status_code == 400 and "Unknown jurisdiction" in bad.text
    dashboard = client.get("/admin/sites/demo/dashboard?regime=opt_in").text
    assert "<td>DE</td><td>1</td>" in dashboard and "<td>US-CA</td>" not in dashboard
