"""Liveness (/healthz, no database) and readiness (/readyz, the database and its schema)."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa


def test_readyz_reports_a_reachable_current_database(client: t.Any) -> None:
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json["status"] == "ok" and resp.json["sites"] == ["demo"]
    assert resp.headers["Cache-Control"] == "no-store"


def test_healthz_stays_up_when_the_database_is_not_ready_and_readyz_says_why(
    app: t.Any, state: t.Any
) -> None:
    with state.store.begin(write=True) as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "run 'cookiegate db upgrade'" in ready.json["message"]
    for _ in range(2):
        live = client.get("/healthz")
        assert live.status_code == 200 and live.json["status"] == "ok"
        assert live.headers["Cache-Control"] == "no-store"
