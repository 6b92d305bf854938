"""The admin pages to check, found in the app's URL map, and the data that fills them.

A page added later is found without touching the tests; a new route parameter fails
loudly until ``FILL`` says what to put in it. Consents are recorded through the public
API, and a real scan and compliance report are saved, so tables, charts and reports
hold real rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
import urllib.request
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from cookiegate.scan import Options
from cookiegate.scan import scan
from cookiegate.services import accounts
from cookiegate.services import compliance as compliance_store
from cookiegate.services import scans

from .conftest import KEYS
from .conftest import Net

EMAIL, VIEWER = "a11y-admin@voltline.example", "a11y-viewer@voltline.example"
PASSWORD = "correct horse battery staple"
UAS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
)
#: Pages the brief names; discovery that misses one of them is broken, not lucky.
KNOWN = {
    "auth.login",
    "admin.index",
    "admin.search",
    "admin.consent",
    "admin.dashboard",
    "admin.export_form",
    "admin.integrity",
    "manage.users",
    "manage.audit_log",
    "manage.retention_plan",
}


@dataclass(frozen=True)
class Seed:
    origin: str
    #: A custom choice that was later withdrawn, so its page shows a history.
    consent_id: str
    account_id: int


#: Values for route parameters, by name.
FILL: dict[str, t.Callable[[Seed], str]] = {
    "consent_id": lambda s: s.consent_id,
    "site_id": lambda s: "demo",
    "site": lambda s: "demo",
    "account_id": lambda s: str(s.account_id),
    "unknown": lambda s: "no-such-page",  # the admin 404 page
}
#: States the URL map cannot express: results and an error answer (Pages adds the
#: signed-out login and a failed sign-in).
EXTRA = {
    "search results": "/admin/consents?site=demo",
    "export for a site": "/admin/export?site=demo",
    "bad filter (400)": "/admin/sites/demo/dashboard?from=yesterday",
}


def _post_consent(origin: str, body: dict[str, t.Any], ua: str) -> dict[str, t.Any]:
    req = urllib.request.Request(
        f"{origin}/v1/sites/demo/consents",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Origin": origin, "User-Agent": ua},
    )
    with urllib.request.urlopen(req) as resp:
        return t.cast(dict[str, t.Any], json.load(resp))


def _save_scan(server: t.Any, rules: dict[str, t.Any], browser: t.Any) -> None:
    """A real ``cookiegate scan`` of the demo shop (third parties answered by Net), saved."""
    net = Net(rules)
    opts = Options(
        pages=1, timeout=10, max_time=120, prepare_context=lambda c: c.route("**/*", net.handle)
    )
    config = server.app.extensions["cookiegate"].sites["demo"]
    report = scan(f"{server.origin}/demo/", opts, config, using=browser)
    scans.save_latest(server.app.extensions["cookiegate"].store, "demo", report, datetime.now(UTC))


def _save_compliance(server: t.Any) -> None:
    """``cookiegate compliance demo`` against the live server's database (config and
    server rules; the browser rules stay "not checked", which the page must show too)."""
    env = {
        **os.environ,
        "COOKIEGATE_SECRET_KEYS": KEYS,
        "COOKIEGATE_DATABASE_URL": server.db,
        "COOKIEGATE_SITES_DIR": str(server.tmp / "sites-1"),
        "COOKIEGATE_INSTANCE_PATH": str(server.tmp / "instance"),
    }
    command = [str(Path(sys.executable).with_name("cookiegate")), "compliance", "demo"]
    done = subprocess.run(
        [*command, "--no-browser", "--format", "json", "--output", os.devnull],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "demo" in compliance_store.latest(server.app.extensions["cookiegate"].store)


def seed_data(server: t.Any, rules: dict[str, t.Any], browser: t.Any) -> Seed:
    """Consents by every first-layer route plus a withdrawal, two accounts, a saved scan
    and a saved compliance report, so every table, chart and report has rows."""
    with urllib.request.urlopen(f"{server.origin}/v1/sites/demo/banner.json?locale=en") as r:
        banner = json.load(r)
    optional = [c["id"] for c in banner["categories"] if not c["locked"]]

    def body(method: str, granted: t.Collection[str], **extra: t.Any) -> dict[str, t.Any]:
        return {
            "revision": banner["revision"],
            "shown_hash": banner["shown_hash"],
            "locale": banner["locale"],
            "method": method,
            "choices": {c: c in granted for c in optional},
            "page_url": "https://www.voltline.example/tv/oled-55",
            **extra,
        }

    _post_consent(server.origin, body("accept_all", optional), UAS[0])
    _post_consent(server.origin, body("reject_all", ()), UAS[1])
    custom = _post_consent(server.origin, body("custom", ("analytics",)), UAS[2])
    _post_consent(server.origin, body("withdraw", (), previous_token=custom["token"]), UAS[2])
    _post_consent(server.origin, body("custom", ("analytics", "functional")), UAS[1])
    store = server.app.extensions["cookiegate"].store
    now = "2026-11-26T12:00:00.000000Z"
    account = accounts.authenticate(store, EMAIL, PASSWORD) or accounts.create(
        store, EMAIL, PASSWORD, "admin", now=now
    )
    if accounts.authenticate(store, VIEWER, PASSWORD) is None:
        accounts.create(store, VIEWER, PASSWORD, "viewer", now=now)
    _save_scan(server, rules, browser)
    _save_compliance(server)
    return Seed(server.origin, custom["consent_id"], account.id)


def admin_urls(app: t.Any, seed: Seed) -> dict[str, str]:
    """Every GET route under /admin with its parameters filled, plus the EXTRA states."""
    adapter = app.url_map.bind("127.0.0.1")
    urls: dict[str, str] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in (rule.methods or ()):
            continue
        missing = sorted(a for a in rule.arguments if a not in FILL)
        assert not missing, f"{rule.rule}: add test values for {missing} to FILL in {__file__}"
        urls[rule.endpoint] = adapter.build(
            rule.endpoint, {a: FILL[a](seed) for a in rule.arguments}
        )
    assert KNOWN <= set(urls), f"URL map discovery missed {sorted(KNOWN - set(urls))}"
    return {**urls, **EXTRA}


def sign_in(browser: t.Any, seed: Seed) -> dict[str, t.Any]:
    """The admin's session, signed in once through the form (sign-ins are rate limited)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{seed.origin}/admin/login")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{seed.origin}/admin/")
    state = t.cast(dict[str, t.Any], context.storage_state())
    context.close()
    return state


class Pages:
    """Opens each admin page (and the signed-out login states) in a fresh tab."""

    def __init__(
        self,
        browser: t.Any,
        server: t.Any,
        seed: Seed,
        state: dict[str, t.Any],
        locale: str = "en-GB",
    ) -> None:
        """:param locale: the browser's language, which the admin pages are shown in."""
        self.seed = seed
        self.admin = browser.new_context(storage_state=state, locale=locale)
        self.anon = browser.new_context(locale=locale)
        #: Routes that answer with a download or data (JSON, CSV …) are not pages.
        self.urls = {
            name: url
            for name, url in admin_urls(server.app, seed).items()
            if "text/html" in self._content_type(url)
        }
        assert KNOWN <= set(self.urls), f"not HTML: {sorted(KNOWN - set(self.urls))}"

    def _content_type(self, url: str) -> str:
        resp = self.admin.request.get(self.seed.origin + url)
        return str(resp.headers.get("content-type", ""))

    def names(self) -> list[str]:
        return [*self.urls, "signed-out login", "failed sign-in"]

    def open(self, name: str, width: int = 1280, height: int = 900) -> t.Any:
        context = self.anon if name in ("signed-out login", "failed sign-in") else self.admin
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        if context is self.anon:
            page.goto(f"{self.seed.origin}/admin/login")
            if name == "failed sign-in":
                page.locator("main input[name=email]").fill(EMAIL)
                page.locator("main input[name=password]").fill("not the password at all")
                page.locator("main button[type=submit]").click()
                page.wait_for_selector("[role=alert]")
            return page
        page.goto(self.seed.origin + self.urls[name])
        return page

    def close(self) -> None:
        self.admin.close()
        self.anon.close()
