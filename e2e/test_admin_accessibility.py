"""Every admin page at WCAG 2.2 AA in real Chromium: axe-core plus what axe cannot judge.

The pages come from the app's URL map (every GET route under ``/admin``, parameters
filled from seeded data), so a page added later is checked without touching this file;
a new route parameter fails loudly until ``FILL`` says what to put in it. Consents are
recorded through the public API first, so tables, charts and filters hold real rows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import typing as t
import urllib.request
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from cookiegate import accounts
from cookiegate import compliance_store
from cookiegate import scans
from cookiegate.scan import Options
from cookiegate.scan import scan

from .admin_a11y import BODY_BACKGROUND_JS
from .admin_a11y import CHARTS_JS
from .admin_a11y import FIRST_IS_SKIP_LINK_JS
from .admin_a11y import FOCUSED_JS
from .admin_a11y import GARBLED_ATTRIBUTES_JS
from .admin_a11y import REFLOW_JS
from .admin_a11y import TABBABLES_JS
from .admin_a11y import UNLABELLED_JS
from .admin_a11y import axe_violations
from .admin_a11y import contrast
from .admin_a11y import describe_violations
from .admin_a11y import luminance
from .conftest import KEYS
from .conftest import Net

EMAIL, VIEWER = "a11y-admin@voltline.example", "a11y-viewer@voltline.example"
PASSWORD = "correct horse battery staple"
SCHEMES = ("light", "dark")
WIDTHS = (1280, 360)
UAS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
)  # fmt: skip
#: Pages the brief names; discovery that misses one of them is broken, not lucky.
KNOWN = {
    "auth.login", "admin.index", "admin.search", "admin.consent", "admin.dashboard",
    "admin.export_form", "admin.integrity", "manage.users", "manage.audit_log",
    "manage.retention_plan",
}  # fmt: skip


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
        f"{origin}/v1/sites/demo/consents", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Origin": origin, "User-Agent": ua},
    )  # fmt: skip
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
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "demo" in compliance_store.latest(server.app.extensions["cookiegate"].store)


@pytest.fixture(scope="module")
def seed(server: t.Any, rules: dict[str, t.Any], browser: t.Any) -> Seed:
    """Consents by every first-layer route plus a withdrawal, two accounts, a saved scan
    and a saved compliance report, so every table, chart and report has rows."""
    with urllib.request.urlopen(f"{server.origin}/v1/sites/demo/banner.json?locale=en") as r:
        banner = json.load(r)
    optional = [c["id"] for c in banner["categories"] if not c["locked"]]

    def body(method: str, granted: t.Collection[str], **extra: t.Any) -> dict[str, t.Any]:
        return {
            "revision": banner["revision"], "shown_hash": banner["shown_hash"],
            "locale": banner["locale"], "method": method,
            "choices": {c: c in granted for c in optional},
            "page_url": "https://www.voltline.example/tv/oled-55", **extra,
        }  # fmt: skip

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


@pytest.fixture(scope="module")
def signed_in(browser: t.Any, seed: Seed) -> dict[str, t.Any]:
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

    def __init__(self, browser: t.Any, server: t.Any, seed: Seed, state: dict[str, t.Any]):
        self.seed = seed
        self.urls = admin_urls(server.app, seed)
        self.admin = browser.new_context(storage_state=state)
        self.anon = browser.new_context()

    def names(self) -> list[str]:
        return [*self.urls, "signed-out login", "failed sign-in"]

    def open(self, name: str, width: int = 1280, height: int = 900) -> t.Any:
        context = self.anon if name in ("signed-out login", "failed sign-in") else self.admin
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        if context is self.anon:
            page.goto(f"{self.seed.origin}/admin/login")
            if name == "failed sign-in":
                page.get_by_label("E-mail").fill(EMAIL)
                page.get_by_label("Password").fill("not the password at all")
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_selector("[role=alert]")
            return page
        resp = page.goto(self.seed.origin + self.urls[name])
        assert resp is not None and "text/html" in resp.headers.get("content-type", ""), name
        return page

    def close(self) -> None:
        self.admin.close()
        self.anon.close()


@pytest.fixture
def pages(
    browser: t.Any, server: t.Any, seed: Seed, signed_in: dict[str, t.Any]
) -> t.Iterator[Pages]:
    opened = Pages(browser, server, seed, signed_in)
    yield opened
    opened.close()


def test_every_admin_page_has_no_axe_violations_in_both_schemes_at_1280_and_360_px(
    pages: Pages,
) -> None:
    problems = []
    for name in pages.names():
        page = pages.open(name)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            dark = luminance(page.evaluate(BODY_BACKGROUND_JS)) < 0.2
            if dark != (scheme == "dark"):
                problems.append(f"{name} [{scheme}] the page ignores the {scheme} colour scheme")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for line in describe_violations(axe_violations(page)):
                    problems.append(f"{name} [{scheme}, {width}px] {line}")
        page.close()
    assert not problems, "\n".join(problems)


def test_every_admin_form_control_has_a_visible_label(pages: Pages) -> None:
    problems = {}
    for name in pages.names():
        page = pages.open(name)
        if bad := page.evaluate(UNLABELLED_JS):
            problems[name] = bad
        page.close()
    assert not problems


def test_admin_markup_has_no_attributes_garbled_by_stray_quotes(pages: Pages) -> None:
    """A stray quote or backslash splits an attribute, so a label reads as garbage."""
    problems = {}
    for name in pages.names():
        page = pages.open(name)
        if bad := page.evaluate(GARBLED_ATTRIBUTES_JS):
            problems[name] = bad
        page.close()
    assert not problems


def _focus_problem(focus: dict[str, t.Any]) -> str | None:
    """Why this focused element's focus cannot be seen, or None when it can."""
    if not focus["visible"]:
        return "focused element is off screen"
    if focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2:
        ratio = contrast(focus["outlineColor"], focus["behind"])
        return None if ratio >= 3 else f"focus outline contrast {ratio:.2f}:1 < 3:1"
    if focus["boxShadow"] != "none":
        return None
    return (
        f"focus drawn as outline {focus['outlineStyle']} {focus['outlineWidth']}px "
        "(under 2px: the browser's faint default ring) and no box-shadow"
    )


def test_tab_reaches_every_control_in_document_order_with_a_visible_focus(pages: Pages) -> None:
    problems: list[str] = []
    for name in pages.names():
        page = pages.open(name)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            controls = page.evaluate(TABBABLES_JS)
            page.evaluate("document.activeElement && document.activeElement.blur()")
            reached: list[int] = []
            for _ in range(4 * len(controls) + 4):
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUSED_JS)
                if focus is None or (reached and focus["index"] == reached[0]):
                    break  # left the page or wrapped around
                if reached and focus["index"] >= 0 and reached[-1] == focus["index"]:
                    continue  # the next field of the same date input
                reached.append(focus["index"])
                what = controls[focus["index"]] if focus["index"] >= 0 else focus["tag"]
                if focus["index"] < 0:
                    problems.append(f"{name} [{scheme}] Tab reached {what}, not a known control")
                if why := _focus_problem(focus):
                    problems.append(f"{name} [{scheme}] {what}: {why}")
            if reached != list(range(len(controls))):
                problems.append(
                    f"{name} [{scheme}] Tab order {reached}, expected each of {controls}"
                )
            if not page.evaluate(FIRST_IS_SKIP_LINK_JS):
                problems.append(f"{name}: the first Tab stop is {controls[:1]}, not a skip link")
        page.close()
    assert not problems, "\n".join(problems)


def test_skip_link_shows_on_focus_and_moves_focus_to_the_main_content(pages: Pages) -> None:
    page = pages.open("admin.dashboard")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert box and box["width"] > 40 and box["height"] > 16 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert (
        page.evaluate("document.activeElement.tagName + '#' + document.activeElement.id")
        == "MAIN#main"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_failed_sign_in_and_bad_filters_announce_their_error(pages: Pages) -> None:
    page = pages.open("failed sign-in")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "Wrong e-mail or password."
    alert_id = alert.get_attribute("id")
    assert alert_id
    for label in ("E-mail", "Password"):
        field = page.get_by_label(label)
        assert field.get_attribute("aria-invalid") == "true"
        assert alert_id in (field.get_attribute("aria-describedby") or "").split()
    page = pages.open("bad filter (400)")
    assert "yesterday" in page.get_by_role("alert").inner_text()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_charts_have_a_text_alternative_with_the_same_numbers_and_contrasting_colours(
    pages: Pages, scheme: str
) -> None:
    page = pages.open("admin.dashboard")
    page.emulate_media(color_scheme=scheme)
    charts = page.evaluate(CHARTS_JS)
    assert len(charts) == 2
    for chart in charts:
        assert chart["role"] == "img" and chart["name"] and chart["description"]
        header, *rows = chart["table"]
        cells = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
        titled = [m for m in chart["marks"] if m["title"]]
        assert titled, "the chart draws no data marks"
        for mark in titled:
            found = re.fullmatch(r"(\S+) (\S+): (\d+)%?.*", mark["title"])
            assert found, f"mark title {mark['title']!r} does not say day, series and value"
            day, series, value = found.groups()
            shown = cells[day][series].rstrip("%")
            assert abs(int(shown) - int(value)) <= 1, (mark["title"], cells[day])
        for color in {m["color"] for m in chart["marks"]} | set(chart["legend"]):
            assert contrast(color, chart["background"]) >= 3, (scheme, color)
        for color in set(chart["labels"]):
            assert contrast(color, chart["background"]) >= 4.5, (scheme, color)
        assert set(chart["legend"]) >= {m["color"] for m in titled}


def test_pages_reflow_at_320_px_with_only_data_tables_scrolling_sideways(pages: Pages) -> None:
    problems = {}
    for name in pages.names():
        page = pages.open(name, width=320, height=256)  # 1280 x 1024 at 400 % zoom
        found = page.evaluate(REFLOW_JS)
        bad = [f"page is {found['documentWidth']}px wide"] if found["documentWidth"] > 320 else []
        bad += [f"sticks out: {w}" for w in found["outside"]]
        for region in found["regions"]:
            if not region["table"] or region["role"] != "region" or region["tabindex"] != 0:
                bad.append(f"scrolls sideways without being a focusable table region: {region}")
            elif not region["name"]:
                bad.append(f"table region without a name: {region['what']}")
        if bad:
            problems[name] = bad
        page.close()
    assert not problems
