"""Admin sign-in: sessions, CSRF, rate limits, roles and the audit trail."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask

from ..admin_helpers import ADMIN
from ..admin_helpers import PASSWORD
from ..admin_helpers import VIEWER
from ..admin_helpers import AdminActions


def test_anonymous_visitors_are_sent_to_the_login_page(client: t.Any) -> None:
    resp = client.get("/admin/integrity")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/admin/login?next=/admin/integrity")


def test_login_then_logout(staff: AdminActions) -> None:
    staff.create()
    resp = staff.login()
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/"
    assert "dpo@voltline.example (admin)" in staff.client.get("/admin/").get_data(as_text=True)
    resp = staff.post("/admin/logout")
    assert resp.status_code == 302
    assert staff.client.get("/admin/").status_code == 302
    actions = [(e["action"], e["outcome"]) for e in staff.audit()]
    assert actions == [("logout", "ok"), ("login", "ok")]


def test_session_cookie_is_httponly_lax_and_scoped_to_admin(staff: AdminActions) -> None:
    staff.create()
    cookie = staff.login().headers["Set-Cookie"]
    assert cookie.startswith("cookiegate_admin=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http in development


def test_session_cookie_is_secure_on_https(app: Flask) -> None:
    client = app.test_client()
    staff = AdminActions(app, client)
    staff.create()
    page = client.get("/admin/login", base_url="https://consent.example")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    resp = client.post(
        "/admin/login",
        base_url="https://consent.example",
        data={"email": ADMIN, "password": PASSWORD, "csrf_token": token},
    )
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("email", "password"),
    [(ADMIN, "wrong password here"), ("nobody@voltline.example", PASSWORD), ("", "")],
)
def test_wrong_credentials_are_refused_and_audited(
    staff: AdminActions, email: str, password: str
) -> None:
    staff.create()
    resp = staff.login(email, password)
    assert resp.status_code == 401
    assert "Wrong e-mail or password." in resp.get_data(as_text=True)
    assert staff.client.get("/admin/").status_code == 302
    entry = staff.audit()[0]
    assert entry["action"] == "login" and entry["outcome"] == "failed"


def test_a_deactivated_account_cannot_log_in(staff: AdminActions) -> None:
    staff.create()
    staff.create(VIEWER, "viewer")
    state = staff.app.extensions["cookiegate"]
    from cookiegate.services import accounts

    viewer = next(a for a in accounts.all_accounts(state.store) if a.email == VIEWER)
    accounts.update(state.store, viewer.id, active=False)
    assert staff.login(VIEWER).status_code == 401


def test_a_session_ends_when_the_account_is_deactivated(staff: AdminActions) -> None:
    from cookiegate.services import accounts

    staff.create()
    staff.create(VIEWER, "viewer")
    assert staff.login(VIEWER).status_code == 302
    state = staff.app.extensions["cookiegate"]
    viewer = next(a for a in accounts.all_accounts(state.store) if a.email == VIEWER)
    accounts.update(state.store, viewer.id, active=False)
    assert staff.client.get("/admin/").status_code == 302


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_post_without_the_csrf_token_is_refused(staff: AdminActions, token: str | None) -> None:
    staff.create()
    staff.csrf()  # a session exists, so only the token is missing or wrong
    data = {"email": ADMIN, "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    resp = staff.client.post("/admin/login", data=data)
    assert resp.status_code == 400
    assert resp.mimetype == "text/html"
    assert "security token" in resp.get_data(as_text=True)
    assert staff.client.get("/admin/").status_code == 302  # not signed in


def test_logout_needs_the_csrf_token(staff: AdminActions) -> None:
    staff.as_admin()
    assert staff.client.post("/admin/logout").status_code == 400
    assert staff.client.get("/admin/").status_code == 200


def test_login_attempts_are_rate_limited(staff: AdminActions) -> None:
    staff.create()
    codes = [staff.login(ADMIN, "wrong password here").status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    resp = staff.login()  # even the right password waits
    assert resp.status_code == 429 and resp.mimetype == "text/html"
    assert "Too many sign-in attempts" in resp.get_data(as_text=True)


def test_next_only_redirects_inside_the_admin(staff: AdminActions) -> None:
    staff.create()
    assert staff.login(next="//evil.example/x").headers["Location"] == "/admin/"
    staff.post("/admin/logout")
    assert staff.login(next="/admin/integrity").headers["Location"] == "/admin/integrity"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/users"),
        ("get", "/admin/audit"),
        ("get", "/admin/retention"),
        ("post", "/admin/users"),
        ("post", "/admin/retention"),
        ("post", "/admin/users/1"),
    ],
)
def test_a_viewer_gets_403_on_admin_actions_and_it_is_audited(
    staff: AdminActions, method: str, path: str
) -> None:
    staff.create()
    staff.as_viewer()
    resp = staff.post(path, {"site": "demo"}) if method == "post" else staff.client.get(path)
    assert resp.status_code == 403 and resp.mimetype == "text/html"
    assert "needs the admin role" in resp.get_data(as_text=True)
    entry = staff.audit()[0]
    assert (entry["actor"], entry["action"], entry["outcome"]) == (VIEWER, "forbidden", "refused")
    assert path in entry["detail"]


def test_a_viewer_can_search_chart_export_and_check_integrity(staff: AdminActions) -> None:
    staff.as_viewer()
    for path in (
        "/admin/",
        "/admin/consents",
        "/admin/sites/demo/dashboard",
        "/admin/export",
        "/admin/integrity",
    ):
        assert staff.client.get(path).status_code == 200, path


def test_admin_errors_are_html_and_api_errors_stay_json(staff: AdminActions) -> None:
    staff.as_admin()
    resp = staff.client.get("/admin/no-such-page")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "/admin/no-such-page" in resp.get_data(as_text=True)
    resp = staff.client.get("/v1/sites/nope/banner.json")
    assert resp.status_code == 404 and resp.mimetype == "application/json"


def test_admins_manage_accounts_and_keep_one_admin(staff: AdminActions) -> None:
    staff.as_admin()
    resp = staff.post(
        "/admin/users", {"email": "New@Voltline.example", "role": "viewer", "password": PASSWORD}
    )
    assert resp.status_code == 302
    page = staff.client.get("/admin/users").get_data(as_text=True)
    assert "new@voltline.example" in page
    resp = staff.post(
        "/admin/users", {"email": "x@y.example", "role": "viewer", "password": "short"}
    )
    assert resp.status_code == 400 and "at least 12 characters" in resp.get_data(as_text=True)
    resp = staff.post("/admin/users/1", {"active": "0"})  # myself
    assert resp.status_code == 400
    assert [e["action"] for e in staff.audit()][:1] == ["user_create"]
