"""Shared fixtures: an app on a fresh SQLite file, its client and CLI, a frozen
clock, site configs to mutate, and a fresh PostgreSQL schema when the server is there."""

from __future__ import annotations

import copy
import json
import os
import socket
import tomllib
import typing as t
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck
from hypothesis import settings

from cookiegate import create_app
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.store import Store
from cookiegate.web.state import State

# The test machines are shared and noisy: a slow example is not a failure.
settings.register_profile("shared", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared")

KEYS = "newest-key-0123456789abcdef,older-key-0123456789abcdef"
ORIGIN = "http://localhost:8000"
PG_URL = os.environ.get(
    "COOKIEGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class FrozenClock:
    """A clock tests move by hand, so expiry and timestamps are exact."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def demo_data() -> dict[str, t.Any]:
    """The demo site's config as a dict, for tests that mutate one field."""
    return tomllib.loads((DEMO_SITES_DIR / "demo.toml").read_text())


def require_service(name: str, host: str, port: int, url: str) -> None:
    """Skip the test when ``name`` does not answer on ``host:port``.

    Unless ``COOKIEGATE_REQUIRE_<NAME>=1`` (set by CI): then it fails, so a
    missing server can never pass CI as a skip.
    """
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError:
        pass
    flag = f"COOKIEGATE_REQUIRE_{name.upper()}"
    if os.environ.get(flag) == "1":
        pytest.fail(f"{flag}=1 but no {name} answers at {url}.")
    pytest.skip(f"No {name} at {url}; set COOKIEGATE_TEST_{name.upper()}_URL.")


@pytest.fixture
def postgres_url() -> t.Iterator[str]:
    """A URL whose connections see a fresh, empty schema; dropped afterwards.

    Skips when no PostgreSQL answers, unless COOKIEGATE_REQUIRE_POSTGRES=1
    (set by CI), where a missing server is a failure.
    """
    pg = sa.engine.make_url(PG_URL)
    require_service("postgres", pg.host or "127.0.0.1", pg.port or 5432, PG_URL)
    schema = f"cg_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cookiegate.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each store-touching test runs once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return t.cast(str, request.getfixturevalue(name))


@pytest.fixture
def store(database_url: str) -> t.Iterator[Store]:
    """A migrated store, once on SQLite and once on PostgreSQL."""
    store = Store(database_url)
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture
def sites_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped sites directory."""
    target = tmp_path / "sites"
    target.mkdir()
    (target / "demo.toml").write_text((DEMO_SITES_DIR / "demo.toml").read_text())
    return target


@pytest.fixture
def make_app(
    tmp_path: Path, clock: FrozenClock, sites_dir: Path, sqlite_url: str
) -> t.Iterator[t.Callable[..., t.Any]]:
    """Builds apps on the test's database; their connection pools close at teardown."""
    made: list[t.Any] = []

    def make(**overrides: t.Any) -> t.Any:
        config = {
            "TESTING": True,
            "SECRET_KEYS": KEYS,
            "DATABASE_URL": sqlite_url,
            "SITES_DIR": str(sites_dir),
            "CLOCK": clock,
            **overrides,
        }
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        app.extensions["cookiegate"].store.dispose()


@pytest.fixture
def app(make_app: t.Callable[..., t.Any]) -> t.Any:
    return make_app()


@pytest.fixture
def client(app: t.Any) -> t.Any:
    return app.test_client()


@pytest.fixture
def state(app: t.Any) -> State:
    return t.cast(State, app.extensions["cookiegate"])


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, sites_dir: Path, sqlite_url: str) -> CliRunner:
    """Runs the ``cookiegate`` CLI against the same database and sites as ``app``."""
    monkeypatch.setenv("COOKIEGATE_SECRET_KEYS", KEYS)
    monkeypatch.setenv("COOKIEGATE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("COOKIEGATE_SITES_DIR", str(sites_dir))
    return CliRunner()


class Visitor:
    """Posts consents the way the loader does, from an allowed origin."""

    def __init__(
        self,
        client: t.Any,
        site: str = "demo",
        origin: str = ORIGIN,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.site = site
        self.origin = origin
        #: Sent with every request, e.g. a CDN's geo headers.
        self.headers = headers or {}

    def banner(self, locale: str = "en") -> dict[str, t.Any]:
        return t.cast(
            dict[str, t.Any],
            self.client.get(
                f"/v1/sites/{self.site}/banner.json?locale={locale}", headers=self.headers
            ).json,
        )

    def body(self, method: str = "accept_all", **changes: t.Any) -> dict[str, t.Any]:
        banner = self.banner(changes.pop("banner_locale", "en"))
        optional = [c["id"] for c in banner["categories"] if not c["locked"]]
        granted = method == "accept_all"
        body = {
            "revision": banner["revision"],
            "shown_hash": banner["shown_hash"],
            "locale": banner["locale"],
            "method": method,
            "choices": {c: granted for c in optional},
            "page_url": "https://www.voltline.example/tv/oled-55?utm_source=mail&email=a@b.c#reviews",
        }
        body.update(changes)
        return copy.deepcopy(body)

    def post(
        self, body: t.Any = None, *, headers: dict[str, str] | None = None, **kw: t.Any
    ) -> t.Any:
        hdrs = {
            "Origin": self.origin,
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        }
        hdrs.update(self.headers)
        hdrs.update(headers or {})
        return self.client.post(
            f"/v1/sites/{self.site}/consents",
            json=self.body() if body is None else body,
            headers=hdrs,
            **kw,
        )


@pytest.fixture
def visitor(client: t.Any) -> Visitor:
    return Visitor(client)


def count_proofs(state: State) -> int:
    with state.store.begin() as conn:
        return int(conn.exec_driver_sql("SELECT COUNT(*) FROM proofs").scalar_one())


def inlined_rules(loader_text: str) -> dict[str, t.Any]:
    """The rules JSON the server inlined into a loader script."""
    start = loader_text.index('{"site":')
    rules, _ = json.JSONDecoder().raw_decode(loader_text, start)
    return t.cast(dict[str, t.Any], rules)


def record_figures(campaign: str, figures: dict[str, t.Any]) -> None:
    """Add a campaign's figures to the JSON report ``bench/campaigns.py`` reads.

    Only when ``COOKIEGATE_CAMPAIGN_REPORT`` names a file; tests assert on the
    figures themselves, this only keeps them for the docs' security table.
    """
    path = os.environ.get("COOKIEGATE_CAMPAIGN_REPORT")
    if not path:
        return
    report = Path(path)
    data = json.loads(report.read_text()) if report.exists() else {}
    data[campaign] = figures
    report.write_text(json.dumps(data, indent=2))


# ------------------------------------------------------------------ admin
# Fixtures of the admin tests (accounts, signed-in clients, an app on the
# parametrised database) live in admin_helpers.py; imported here so every test
# module can use them.
from .admin_helpers import db_admin  # noqa: E402, F401
from .admin_helpers import db_app  # noqa: E402, F401
from .admin_helpers import db_client  # noqa: E402, F401
from .admin_helpers import db_visitor  # noqa: E402, F401
from .admin_helpers import staff  # noqa: E402, F401
