"""Helpers shared by the admin tests: accounts, a signed-in client, CSRF tokens,
and an app on the parametrised database (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import typing as t

import pytest
from flask import Flask

from cookiegate.services import accounts

from .conftest import Visitor

PASSWORD = "correct horse battery staple"
ADMIN = "dpo@voltline.example"
VIEWER = "analyst@voltline.example"

#: A custom choice on the demo site: functional and analytics on, the rest off.
CUSTOM = {
    "functional": True,
    "analytics": True,
    "personalisation": False,
    "advertising": False,
    "social": False,
    "marketing": False,
}


class AdminActions:
    """Creates accounts, signs in and posts forms with the page's CSRF token."""

    def __init__(self, app: Flask, client: t.Any) -> None:
        self.app = app
        self.client = client

    def create(self, email: str = ADMIN, role: str = "admin", password: str = PASSWORD) -> None:
        state = self.app.extensions["cookiegate"]
        accounts.create(state.store, email, password, role, now="2026-11-26T12:00:00.000000Z")

    def csrf(self, path: str = "/admin/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def login(self, email: str = ADMIN, password: str = PASSWORD, **extra: str) -> t.Any:
        data = {"email": email, "password": password, "csrf_token": self.csrf(), **extra}
        return self.client.post("/admin/login", data=data)

    def as_admin(self) -> AdminActions:
        self.create()
        assert self.login().status_code == 302
        return self

    def as_viewer(self) -> AdminActions:
        self.create(VIEWER, "viewer")
        assert self.login(VIEWER).status_code == 302
        return self

    def post(self, path: str, data: dict[str, t.Any] | None = None, **kw: t.Any) -> t.Any:
        token = self.csrf("/admin/")
        return self.client.post(path, data={"csrf_token": token, **(data or {})}, **kw)

    def audit(self) -> list[dict[str, t.Any]]:
        return accounts.read_audit(self.app.extensions["cookiegate"].store, 1000)


@pytest.fixture
def db_app(make_app: t.Callable[..., Flask], database_url: str) -> t.Iterator[Flask]:
    """An app on SQLite or on a fresh PostgreSQL schema (migrated here, as a deploy would)."""
    app = make_app(DATABASE_URL=database_url)
    store = app.extensions["cookiegate"].store
    store.upgrade()
    yield app
    store.dispose()


@pytest.fixture
def db_client(db_app: Flask) -> t.Any:
    return db_app.test_client()


@pytest.fixture
def db_admin(db_app: Flask, db_client: t.Any) -> AdminActions:
    return AdminActions(db_app, db_client)


@pytest.fixture
def db_visitor(db_client: t.Any) -> Visitor:
    return Visitor(db_client)


@pytest.fixture
def staff(app: Flask, client: t.Any) -> AdminActions:
    return AdminActions(app, client)
