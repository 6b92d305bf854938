"""Layout measurements of a cookiegate banner: zoom and reflow, text spacing, reduced motion.

WCAG 2.2 AA asks that content survive 200 % zoom and 400 % reflow (1.4.4, 1.4.10), wider text
spacing (1.4.12), and that motion can be turned off (2.3.3 in spirit, and what
``prefers-reduced-motion`` promises). axe-core checks none of these; these functions measure them
in the browser. Re-exported by :mod:`cookiegate.measure`.
"""

from __future__ import annotations

import typing as t

from .base import CONTROLS
from .base import DIALOG
from .base import ROOTS
from .base import SHOWN
from .base import Check
from .base import describe

if t.TYPE_CHECKING:
    from playwright.sync_api import Page

MOTION_JS = """(roots) => {
  const secs = (v) => Math.max(...v.split(",")
    .map((x) => parseFloat(x) * (/ms$/.test(x.trim()) ? 1e-3 : 1)));
  const out = []; let n = 0;
  for (const r of document.querySelectorAll(roots))
  for (const e of [r, ...r.querySelectorAll("*")]) {
    n++;
    for (const p of [null, "::before", "::after"]) {
      const s = getComputedStyle(e, p), tr = secs(s.transitionDuration);
      const an = s.animationName === "none" ? 0 : secs(s.animationDuration);
      const what = e.tagName.toLowerCase() + (typeof e.className === "string" && e.className
        ? "." + e.className.trim().split(/\\s+/).join(".") : "") + (p || "");
      if (tr > 0) out.push(what + " transition " + tr + " s");
      if (an > 0) out.push(what + " animation " + an + " s");
    }
  }
  return [n, out];
}"""


def reflow(page: Page, width: int, height: int) -> Check:
    """At ``width``×``height`` CSS px every control can be scrolled to and clicked, with no
    horizontal scrolling (WCAG 1.4.4 at 200 % zoom, 1.4.10 at 400 %: 320×256 for 1280×1024).

    Controls of the open dialog are checked (with every services list expanded), else all of
    cookiegate's controls.
    """
    page.set_viewport_size({"width": width, "height": height})
    dialog_open = page.locator(SHOWN).count() > 0
    scope = DIALOG if dialog_open else ":is(" + ", ".join(ROOTS) + ")"
    # A services list is behind a disclosure button (built on first click) or a <details>.
    opened = page.evaluate(
        f"[...document.querySelectorAll('{scope} :is(details:not([open]),"
        " button[aria-expanded=false][aria-controls])')]"
        ".filter((d) => d.getClientRects().length)"
        ".map((d, i) => { d.dataset.cgMeasureOpened = i;"
        " d.tagName === 'DETAILS' ? (d.open = true) : d.click(); return i; }).length"
    )
    controls = page.locator(f"{scope} :is({CONTROLS}):visible")
    n, problems = controls.count(), []
    for i in range(n):
        c = controls.nth(i)
        try:
            c.scroll_into_view_if_needed(timeout=5000)
            box = c.bounding_box() or {"x": -1, "y": -1, "width": 0, "height": 0}
            if box["x"] < -0.5 or box["x"] + box["width"] > width + 0.5:
                problems.append(f"{describe(c)} sticks out sideways")
            elif box["y"] < -0.5 or box["y"] + box["height"] > height + 0.5:
                problems.append(f"{describe(c)} cannot be scrolled fully into view")
            elif c.is_enabled():
                c.click(trial=True, timeout=5000)  # actionability: nothing covers it
        except Exception:  # playwright's Error/TimeoutError: covered or unreachable
            problems.append(f"{describe(c)} cannot be reached and clicked")
    page.evaluate(
        "document.querySelectorAll('[data-cg-measure-opened]')"
        ".forEach(d => { d.tagName === 'DETAILS' ? (d.open = false) : d.click();"
        " delete d.dataset.cgMeasureOpened; })"
    )
    page_w, dlg = page.evaluate(
        f"[document.documentElement.scrollWidth, (e => e ? [e.scrollWidth, e.clientWidth] : null)"
        f"(document.querySelector('{SHOWN}'))]"
    )
    if page_w > width:
        problems.append(f"the page scrolls sideways ({page_w} px wide)")
    if dlg and dlg[0] > dlg[1]:
        problems.append(f"the dialog scrolls sideways ({dlg[0]} px of content in {dlg[1]} px)")
    what = "dialog" if dialog_open else "banner and placeholder"
    return Check(
        "a11y.reflow",
        not problems and n > 0,
        ("; ".join(problems) + " — " if problems else "")
        + f"{width}×{height} CSS px: {n - len(problems)} of {n} {what} controls"
        f" ({opened} services lists expanded) scrolled into view and clickable"
        f" (disabled ones into view); page {page_w} px wide",
    )


def _counted(items: t.Sequence[str]) -> str:
    seen = dict.fromkeys(items)
    return ", ".join(f"{k} ×{items.count(k)}" if items.count(k) > 1 else k for k in seen) or "none"


def reduced_motion(page: Page) -> Check:
    """With ``prefers-reduced-motion: reduce`` nothing in cookiegate's DOM animates or transitions
    (computed durations of every element and its ::before/::after are 0)."""
    roots = ", ".join(ROOTS)
    page.emulate_media(reduced_motion="no-preference")
    _, before = page.evaluate(MOTION_JS, roots)
    page.emulate_media(reduced_motion="reduce")
    n, after = page.evaluate(MOTION_JS, roots)
    page.emulate_media(reduced_motion="null")
    return Check(
        "a11y.reduced-motion",
        not after and n > 0,
        f"without the setting {len(before)} motions ({_counted(before)}); "
        f"with prefers-reduced-motion: reduce, {len(after)} of {n} elements and their "
        f"::before/::after move{': ' + _counted(after) if after else ''}",
    )


#: WCAG 1.4.12's text spacing: line height 1.5, paragraphs 2 em apart, letters .12 em, words
#: .16 em, applied to cookiegate's elements by a constructed style sheet (which a strict CSP
#: allows, unlike an injected <style>).
SPACING_CSS = (
    ":is(.cg-root, .cg-ph) * { line-height: 1.5 !important; letter-spacing: .12em !important;"
    " word-spacing: .16em !important; }"
    " :is(.cg-root, .cg-ph) p { margin-block-end: 2em !important; }"
)
SPACE_JS = """(css) => { const s = new CSSStyleSheet(); s.replaceSync(css);
  window.__cgSpacing = s; document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; }"""
UNSPACE_JS = """() => { const s = window.__cgSpacing; delete window.__cgSpacing;
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter((x) => x !== s); }"""
#: Visible elements whose text no longer fits: wider than their box, or taller than a box that
#: clips (or than a control, whose text would spill over its neighbours).
CLIPPED_JS = """([roots, controls]) => [...document.querySelectorAll(roots)]
  .flatMap((r) => [r, ...r.querySelectorAll("*")])
  .filter((e) => e.getClientRects().length && e.clientWidth > 0)
  .filter((e) => { const s = getComputedStyle(e), tall = e.scrollHeight > e.clientHeight + 1;
    return (e.scrollWidth > e.clientWidth + 1 && s.overflowX !== "auto" && s.overflowX !== "scroll")
      || (tall && (/hidden|clip/.test(s.overflowY) || e.matches(controls))); })
  .map((e) => e.tagName.toLowerCase()
    + (typeof e.className === "string" && e.className ? "." + e.className.split(" ")[0] : ""))"""


def text_spacing(page: Page) -> Check:
    """With WCAG 1.4.12's wider text spacing, no text is cut off or spills out of its control,
    and every control stays reachable at the current viewport (see :func:`reflow`)."""
    size = page.viewport_size or {"width": 1280, "height": 720}
    page.evaluate(SPACE_JS, SPACING_CSS)
    try:
        clipped = page.evaluate(CLIPPED_JS, [", ".join(ROOTS), CONTROLS])
        reach = reflow(page, size["width"], size["height"])
    finally:
        page.evaluate(UNSPACE_JS)
    return Check(
        "a11y.text-spacing",
        not clipped and reach.passed,
        "line height 1.5, paragraph spacing 2 em, letter spacing .12 em, word spacing .16 em: "
        + (f"text cut off or spilling in {_counted(clipped)}" if clipped else "no text cut off")
        + f"; {reach.evidence}",
    )
