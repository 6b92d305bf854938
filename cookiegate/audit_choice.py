"""Choice measurements of a cookiegate banner in a real browser (EDPB, CNIL, ICO).

Regulators ask that refusing be as easy as accepting: Accept all and Reject all side by side
on the same layer, as real buttons of the same size and font, the refusal readable, one click
each; and that nothing but such a click counts as consent (closing, Escape, scrolling, moving
on to another page). Each function takes a Playwright ``Page`` showing a cookiegate banner and
returns :class:`~cookiegate.audit.Check` results, shared by the e2e tests and
``cookiegate compliance``.
"""

from __future__ import annotations

import typing as t

from .audit import DIALOG
from .audit import Check
from .audit import ax_node
from .audit import where

if t.TYPE_CHECKING:
    from playwright.sync_api import Page
    from playwright.sync_api import Request

#: Same size means each of width and height within 20 % of the other button's.
SIZE_RATIO = 0.8
#: WCAG 1.4.3 AA for normal-size text.
MIN_CONTRAST = 4.5
METHODS = {"accept": "accept_all", "reject": "reject_all"}

#: Text colour and every background colour from the element up, as RGBA read back from a canvas
#: (so any CSS colour syntax the browser computes is understood), plus the first background image.
COLOURS_JS = """(el) => {
  const cv = document.createElement("canvas"); cv.width = cv.height = 1;
  const cx = cv.getContext("2d", { willReadFrequently: true });
  const rgba = (c) => { cx.clearRect(0, 0, 1, 1); cx.fillStyle = "rgba(0,0,0,0)"; cx.fillStyle = c;
    cx.fillRect(0, 0, 1, 1); const d = cx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255]; };
  const layers = []; let image = "", opacity = 1;
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (!image && s.backgroundImage !== "none") image = e.tagName.toLowerCase();
    opacity *= parseFloat(s.opacity);
    const c = rgba(s.backgroundColor);
    if (c[3] > 0) layers.push(c);
  }
  return { fg: rgba(getComputedStyle(el).color), layers, image, opacity };
}"""
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
TAGGED_JS = """(urls) => urls.filter((u) => {
  const i = cookiegate._.serviceOf(u), R = cookiegate.rules;
  return i >= 0 && !R.locked.includes(R.services[i].cat);
})"""

Rgba = tuple[float, float, float, float]


def _over(top: t.Sequence[float], bottom: t.Sequence[float]) -> Rgba:
    a = top[3]
    r, g, b = (top[i] * a + bottom[i] * (1 - a) for i in range(3))
    return (r, g, b, 1.0)


def _luminance(c: t.Sequence[float]) -> float:
    def lin(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def contrast_ratio(fg: t.Sequence[float], bg: t.Sequence[float]) -> float:
    """WCAG contrast ratio of two opaque sRGB colours (0–255 channels)."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hex(c: t.Sequence[float]) -> str:
    return "#" + "".join(f"{round(v):02x}" for v in c[:3])


def text_contrast(page: Page, selector: str) -> tuple[float, str]:
    """Contrast of an element's text against what is actually behind it, and how it was found.

    Semi-transparent backgrounds are composited from the page's white canvas up to the element,
    then the text colour over the result. A background image makes the result uncertain: it is
    then reported as 0 so that the rule fails rather than passes unmeasured.
    """
    m = page.locator(selector).evaluate(COLOURS_JS)
    bg: Rgba = (255.0, 255.0, 255.0, 1.0)
    for layer in reversed(m["layers"]):
        bg = _over(layer, bg)
    fg = _over(m["fg"], bg)
    if m["image"]:
        return 0.0, f"text over a background image on <{m['image']}>: not measurable"
    ratio = contrast_ratio(fg, bg)
    faded = f", faded to opacity {m['opacity']:.2f}" if m["opacity"] < 1 else ""
    return (0.0 if faded else ratio), f"{_hex(fg)} on {_hex(bg)}, {ratio:.2f}:1{faded}"


def choice_symmetry(page: Page) -> list[Check]:
    """Accept all and Reject all on the layer shown, as equal real buttons, refusal readable."""
    ctx = where(page)
    layer = page.locator(f"{DIALOG} .cg-layer:not([hidden])").first
    sel = {a: f"{DIALOG} .cg-layer:not([hidden]) [data-cg-action={a}]" for a in METHODS}
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
            f"({ratio:.0%} of each other, 80 % required); {ctx}",
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
            r_ratio >= MIN_CONTRAST,
            f'"{rn}" text {r_how} (4.5:1 required); "{an}" text {a_how}; {ctx}',
        )
    )
    return checks


def one_click_choice(page: Page, action: str) -> Check:
    """One click on Accept all or Reject all records the choice (the server answers 201 with a
    consent ID) with method accept_all / reject_all, and closes the banner."""
    button = page.locator(f"{DIALOG} .cg-layer:not([hidden]) [data-cg-action={action}]")
    name = ax_node(button)["name"]
    with page.expect_response(
        lambda r: r.url.endswith("/consents") and r.request.method == "POST"
    ) as info:
        button.click()
    resp = info.value
    method = (resp.request.post_data_json or {}).get("method")
    consent_id = resp.json().get("consent_id") if resp.ok else None
    closed = page.locator(f"{DIALOG}:not([hidden])").count() == 0
    ok = resp.status == 201 and bool(consent_id) and method == METHODS[action] and closed
    return Check(
        f"choice.one-click-{action}",
        ok,
        f'one click on "{name}": POST /consents answered {resp.status}, method {method}, '
        f"consent ID {consent_id}; banner {'closed' if closed else 'still open'}",
    )


def no_consent_without_choice(page: Page, next_url: str | None = None) -> list[Check]:
    """Escape, a close control (if any), scrolling and moving to ``next_url`` record nothing.

    Call it on a first visit with the first layer shown. After each action: no consent POSTed,
    no consent in the page, no Consent Mode update, no consent cookie, the banner still shown;
    at the end, no request to a service of an optional category since the page was loaded.
    """
    posts: list[str] = []
    tagged: list[str] = []

    def on_request(r: Request) -> None:
        if r.method == "POST" and r.url.endswith("/consents"):
            posts.append(r.url)

    def verdict(rule: str, did: str) -> Check:
        s = page.evaluate(STATE_JS)
        tagged.extend(page.evaluate(TAGGED_JS, s["resources"]))
        cookie = page.evaluate("cookiegate.rules.cookie")
        has_cookie = any(c["name"] == cookie for c in page.context.cookies())
        bad = [
            w
            for w, hit in (
                (f"{len(posts)} consent POSTs", posts),
                ("a consent in the page", s["consent"]),
                (f"{s['updates']} Consent Mode updates", s["updates"]),
                ("a consent cookie", has_cookie),
                ("the banner gone", not s["shown"]),
            )
            if hit
        ]
        ok = "no consent POST, no consent cookie, no Consent Mode update, banner still shown"
        return Check(rule, not bad, f"{did}: {', '.join(bad) if bad else ok}")

    page.on("request", on_request)
    try:
        page.locator(f"{DIALOG}:not([hidden])").wait_for()
        checks = []
        page.keyboard.press("Escape")
        prefs = page.locator(f"{DIALOG} .cg-layer:not([hidden]) [data-cg-action=prefs]")
        if prefs.count():
            prefs.click()
            page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        page.wait_for_timeout(250)
        checks.append(verdict("no-consent.escape", "Escape on the first layer and in preferences"))
        close = page.locator(f"{DIALOG} :is([data-cg-action=close], [aria-label*=close i]):visible")
        if close.count():
            close.first.click()
            page.wait_for_timeout(250)
            checks.append(verdict("no-consent.close", "clicking the close control"))
        else:
            checks.append(Check("no-consent.close", True, "the banner has no close control"))
        page.mouse.wheel(0, 1500)
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(250)
        checks.append(verdict("no-consent.scroll", "scrolling the page"))
        if next_url:
            page.goto(next_url)
            page.locator(f"{DIALOG}:not([hidden])").wait_for()
            page.wait_for_timeout(250)
            checks.append(verdict("no-consent.navigation", f"moving on to {next_url}"))
    finally:
        page.remove_listener("request", on_request)
    urls = sorted(set(tagged))
    checks.append(
        Check(
            "no-consent.no-tags",
            not urls,
            f"{len(urls)} requests to services of optional categories"
            + (f": {', '.join(urls[:5])}" if urls else f" ({where(page)})"),
        )
    )
    return checks
