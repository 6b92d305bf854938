"""Choice measurements of a cookiegate banner in a real browser (EDPB, CNIL, ICO).

Regulators ask that refusing be as easy as accepting: Accept all and Reject all side by side
on the same layer, as real buttons of the same size and font, the refusal readable, one click
each; and that nothing but such a click counts as consent (closing, Escape, scrolling, moving
on to another page). Each function takes a Playwright ``Page`` showing a cookiegate banner and
returns :class:`~cookiegate.measure.base.Check` results, shared by the e2e tests and
``cookiegate compliance``.
"""

from __future__ import annotations

import typing as t

from ..consent.choices import Method
from .base import DIALOG
from .base import LAYER
from .base import SHOWN
from .base import Check
from .base import ax_node
from .base import control
from .base import where
from .colour import MIN_TEXT_CONTRAST
from .colour import text_contrast

if t.TYPE_CHECKING:
    from playwright.sync_api import Page
    from playwright.sync_api import Request

#: Same size means each of width and height within 20 % of the other button's.
SIZE_RATIO = 0.8
METHODS = {"accept": Method.ACCEPT_ALL, "reject": Method.REJECT_ALL}

MEASURE_JS = """(b) => { const r = b.getBoundingClientRect(), s = getComputedStyle(b);
  return { tag: b.tagName.toLowerCase(), w: r.width, h: r.height, size: s.fontSize,
    weight: s.fontWeight, layer: b.closest(".cg-layer") && b.closest(".cg-layer").className }; }"""
STATE_JS = """() => ({
  consent: !!(window.cookiegate && cookiegate.consent),
  shown: !!document.querySelector(".cg-dialog:not([hidden])"),
  updates: (window.dataLayer || [])
    .filter((e) => e && e[0] === "consent" && e[1] === "update").length,
  resources: performance.getEntriesByType("resource").map((e) => e.name),
})"""
#: URLs of the given list that belong to a service outside the always-on categories.
#: Not counted: the services the site lets load before consent (``rules.pre``: a tag manager's
#: container; advanced Consent Mode's Google tags, which the config check flags instead).
TAGGED_JS = """(urls) => urls.filter((u) => {
  const i = cookiegate._.serviceOf(u), R = cookiegate.rules;
  return i >= 0 && !R.locked.includes(R.services[i].cat) && !(R.pre || []).includes(i);
})"""


def choice_symmetry(page: Page) -> list[Check]:
    """Accept all and Reject all on the layer shown, as equal real buttons, refusal readable."""
    ctx = where(page)
    layer = page.locator(LAYER).first
    sel = {a: control(a) for a in METHODS}
    missing = [a for a in METHODS if page.locator(sel[a]).count() != 1]
    if not layer.count() or missing:
        ev = f"no single {' or '.join(missing)} control on the layer shown ({ctx})"
        return [Check("choice.same-layer", False, ev)]
    m = {a: page.locator(sel[a]).evaluate(MEASURE_JS) for a in METHODS}
    ax = {a: ax_node(page.locator(sel[a])) for a in METHODS}
    acc, rej = m["accept"], m["reject"]
    an, rn = ax["accept"]["name"], ax["reject"]["name"]
    checks = [
        Check(
            "choice.same-layer",
            acc["layer"] == rej["layer"] and page.locator(sel["reject"]).is_visible(),
            f'"{an}" and "{rn}" both shown on the layer "{acc["layer"]}" ({ctx})',
        ),
        Check(
            "choice.real-buttons",
            acc["tag"] == rej["tag"] == "button"
            and ax["accept"]["role"] == ax["reject"]["role"] == "button",
            f'"{an}" <{acc["tag"]}> role {ax["accept"]["role"]}, '
            f'"{rn}" <{rej["tag"]}> role {ax["reject"]["role"]}',
        ),
    ]
    ratio = min(
        min(acc["w"], rej["w"]) / max(acc["w"], rej["w"], 1),
        min(acc["h"], rej["h"]) / max(acc["h"], rej["h"], 1),
    )
    checks.append(
        Check(
            "choice.same-size",
            ratio >= SIZE_RATIO,
            f'"{an}" {acc["w"]:.0f}×{acc["h"]:.0f} px, "{rn}" {rej["w"]:.0f}×{rej["h"]:.0f} px '
            f"({ratio * 100:.0f} % of each other, 80 % required); {ctx}",
        )
    )
    same_font = acc["size"] == rej["size"] and acc["weight"] == rej["weight"]
    checks.append(
        Check(
            "choice.same-font",
            same_font,
            f'"{an}" {acc["size"]} weight {acc["weight"]}, "{rn}" {rej["size"]} weight '
            f"{rej['weight']}; {ctx}",
        )
    )
    r_ratio, r_how = text_contrast(page, sel["reject"])
    _, a_how = text_contrast(page, sel["accept"])
    checks.append(
        Check(
            "choice.reject-contrast",
            r_ratio >= MIN_TEXT_CONTRAST,
            f'"{rn}" text {r_how} (4.5:1 required); "{an}" text {a_how}; {ctx}',
        )
    )
    return checks


def one_click_choice(page: Page, action: str) -> Check:
    """One click on Accept all or Reject all records the choice (the server answers 201 with a
    consent ID) with method accept_all / reject_all, and closes the banner."""
    button = page.locator(control(action))
    name = ax_node(button)["name"]
    with page.expect_response(
        lambda r: r.url.endswith("/consents") and r.request.method == "POST"
    ) as info:
        button.click()
    resp = info.value
    method = (resp.request.post_data_json or {}).get("method")
    consent_id = resp.json().get("consent_id") if resp.ok else None
    closed = page.locator(SHOWN).count() == 0
    ok = resp.status == 201 and bool(consent_id) and method == METHODS[action] and closed
    return Check(
        f"choice.one-click-{action}",
        ok,
        f'one click on "{name}": POST /consents answered {resp.status}, method {method}, '
        f"consent ID {consent_id}; banner {'closed' if closed else 'still open'}",
    )


def no_consent_without_choice(page: Page, next_url: str | None = None) -> list[Check]:
    """Escape, a close control (else Back out of the preferences), scrolling and moving to
    ``next_url`` record nothing.

    Call it on a first visit with the first layer shown. After each action: no consent POSTed,
    no consent in the page, no Consent Mode update, no consent cookie, the banner still shown;
    at the end, no request to a service of an optional category since the page was loaded.
    """
    watch = _Watch(page)
    page.on("request", watch.on_request)
    try:
        page.locator(SHOWN).wait_for()
        checks = [watch.escape(), watch.close(), watch.scroll()]
        if next_url:
            page.goto(next_url)
            page.locator(SHOWN).wait_for()
            page.wait_for_timeout(250)
            checks.append(watch.verdict("no-consent.navigation", f"moving on to {next_url}"))
    finally:
        page.remove_listener("request", watch.on_request)
    urls = sorted(set(watch.tagged))
    checks.append(
        Check(
            "no-consent.no-tags",
            not urls,
            f"{len(urls)} requests to services of optional categories"
            + (f": {', '.join(urls[:5])}" if urls else f" ({where(page)})"),
        )
    )
    return checks


class _Watch:
    """What :func:`no_consent_without_choice` does to the banner, and what it watches for."""

    def __init__(self, page: Page) -> None:
        self.page = page
        #: Consent POSTs the page sent, and optional tags it requested, since watching began.
        self.posts: list[str] = []
        self.tagged: list[str] = []

    def on_request(self, request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/consents"):
            self.posts.append(request.url)

    def verdict(self, rule: str, did: str) -> Check:
        """After ``did``: nothing recorded anywhere, and the banner still asking."""
        page = self.page
        s = page.evaluate(STATE_JS)
        self.tagged.extend(page.evaluate(TAGGED_JS, s["resources"]))
        cookie = page.evaluate("cookiegate.rules.cookie")
        has_cookie = any(c["name"] == cookie for c in page.context.cookies())
        bad = [
            w
            for w, hit in (
                (f"{len(self.posts)} consent POSTs", self.posts),
                ("a consent in the page", s["consent"]),
                (f"{s['updates']} Consent Mode updates", s["updates"]),
                ("a consent cookie", has_cookie),
                ("the banner gone", not s["shown"]),
            )
            if hit
        ]
        ok = "no consent POST, no consent cookie, no Consent Mode update, banner still shown"
        return Check(rule, not bad, f"{did}: {', '.join(bad) if bad else ok}")

    def escape(self) -> Check:
        page, prefs = self.page, self.page.locator(control("prefs"))
        page.keyboard.press("Escape")
        if prefs.count() and prefs.is_visible():
            prefs.click()
            page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        page.wait_for_timeout(250)
        return self.verdict("no-consent.escape", "Escape on the first layer and in preferences")

    def close(self) -> Check:
        page, prefs = self.page, self.page.locator(control("prefs"))
        close = page.locator(f"{DIALOG} :is([data-cg-action=close], [aria-label*=close i]):visible")
        if close.count():
            close.first.click()
            page.wait_for_timeout(250)
            return self.verdict("no-consent.close", "clicking the close control")
        if prefs.count() and prefs.is_visible():
            # No close control: leaving the preferences by Back is the nearest thing to one.
            prefs.click()
            page.locator(control("back")).click()
            page.wait_for_timeout(250)
            return self.verdict(
                "no-consent.close", "no close control; leaving the preferences by Back"
            )
        return Check("no-consent.close", True, "the banner has no close control")

    def scroll(self) -> Check:
        self.page.mouse.wheel(0, 1500)
        self.page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        self.page.wait_for_timeout(250)
        return self.verdict("no-consent.scroll", "scrolling the page")
