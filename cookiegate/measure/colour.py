"""Colour contrast measured from what the browser paints (WCAG 1.4.3 and 1.4.11).

axe-core checks text contrast but gives up on some backgrounds and does not check controls
that are not text, such as a switch's track and knob. These measurements read the computed
colours of an element and of everything under it, composite any transparency from the page's
canvas up, and compute the WCAG ratio, so a colour scheme or theme that makes Reject all or a
switch hard to see fails with the numbers to show for it.
"""

from __future__ import annotations

import typing as t

from .base import DIALOG
from .base import FOCUS_INSIDE
from .base import Check
from .base import describe
from .base import where

if t.TYPE_CHECKING:
    from playwright.sync_api import Locator
    from playwright.sync_api import Page

#: WCAG 1.4.3 AA for normal-size text.
MIN_TEXT_CONTRAST = 4.5
#: WCAG 1.4.11 AA for the parts of a control needed to see it and its state.
MIN_UI_CONTRAST = 3.0

#: An element's text colour, its own and its ::before background, and the backgrounds of its
#: ancestors, as RGBA read back from a canvas (so any CSS colour syntax the browser computes is
#: understood); its border or outline colour (its edge, if it has one); plus the first background
#: image under it and the opacity it is faded to.
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
    if (e !== el) layers.push(rgba(s.backgroundColor));
  }
  const s = getComputedStyle(el);
  const line = (k) => s[k + "Style"] !== "none" && parseFloat(s[k + "Width"]) >= 1;
  const edge = line("borderTop") ? s.borderTopColor : line("outline") ? s.outlineColor : "";
  return { fg: rgba(s.color), own: rgba(s.backgroundColor), layers, image, opacity,
    edge: edge ? rgba(edge) : null, outline: line("outline") ? rgba(s.outlineColor) : null,
    knob: rgba(getComputedStyle(el, "::before").backgroundColor) };
}"""

Rgba = tuple[float, float, float, float]
#: What is under everything: the browser's default white canvas.
CANVAS: Rgba = (255.0, 255.0, 255.0, 1.0)


def over(top: t.Sequence[float], bottom: t.Sequence[float]) -> Rgba:
    """``top`` painted over an opaque ``bottom`` (source-over alpha compositing)."""
    a = top[3]
    r, g, b = (top[i] * a + bottom[i] * (1 - a) for i in range(3))
    return (r, g, b, 1.0)


def _luminance(c: t.Sequence[float]) -> float:
    def lin(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def contrast_ratio(fg: t.Sequence[float], bg: t.Sequence[float]) -> float:
    """WCAG contrast ratio of two opaque sRGB colours (0–255 channels), from 1 to 21."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def hex_colour(c: t.Sequence[float]) -> str:
    return "#" + "".join(f"{round(v):02x}" for v in c[:3])


def _measure(locator: Locator) -> tuple[dict[str, t.Any], Rgba, Rgba]:
    """The raw colours, what lies around the element, and the element's own painted box."""
    m = locator.evaluate(COLOURS_JS)
    around = CANVAS
    for layer in reversed(m["layers"]):
        around = over(layer, around)
    return m, around, over(m["own"], around)


def text_contrast(page: Page, selector: str) -> tuple[float, str]:
    """Contrast of an element's text against what is actually behind it, and how it was found.

    A background image or a faded ancestor makes the figure uncertain: the ratio is then 0 so a
    rule fails rather than passes unmeasured, and the description says why.
    """
    m, _, bg = _measure(page.locator(selector))
    fg = over(m["fg"], bg)
    if m["image"]:
        return 0.0, f"text over a background image on <{m['image']}>: not measurable"
    ratio = contrast_ratio(fg, bg)
    faded = f", faded to opacity {m['opacity']:.2f}" if m["opacity"] < 1 else ""
    return (0.0 if faded else ratio), f"{hex_colour(fg)} on {hex_colour(bg)}, {ratio:.2f}:1{faded}"


def switch_contrast(page: Page) -> Check:
    """A switch the visitor can change stands out 3:1 from its surroundings (by its fill or its
    edge), and its knob 3:1 from its track, both off and on (WCAG 1.4.11). Run it also under
    ``forced_colors="active"`` emulation: high-contrast modes drop background colours, which
    can make a CSS switch vanish. Leaves the switch as it found it."""
    s = page.locator(f"{DIALOG} :is([role=switch], input[type=checkbox]):visible:enabled").first
    if not s.count():
        return Check(
            "a11y.switch-contrast", False, f"no switch the visitor can change ({where(page)})"
        )
    parts, worst = [], 21.0
    for _ in range(2):
        on = s.is_checked()
        m, around, track = _measure(s)
        knob = over(m["knob"], track)
        # The track is seen by its fill or, if that matches what surrounds it, by its edge.
        r_track, edge = contrast_ratio(track, around), ""
        if m["edge"]:
            r_edge = contrast_ratio(over(m["edge"], around), around)
            edge = f", edge {hex_colour(over(m['edge'], around))} {r_edge:.2f}:1"
            r_track = max(r_track, r_edge)
        r_knob = contrast_ratio(knob, track)
        worst = min(worst, r_track, r_knob)
        parts.append(
            f"{'on' if on else 'off'}: track {hex_colour(track)} on {hex_colour(around)} "
            f"{contrast_ratio(track, around):.2f}:1{edge}, knob {hex_colour(knob)} on the track "
            f"{r_knob:.2f}:1"
        )
        s.click()  # measure the other state next; the second click puts it back
    return Check(
        "a11y.switch-contrast",
        worst >= MIN_UI_CONTRAST,
        f"{describe(s)} {'; '.join(parts)} (3:1 required); {where(page)}",
    )


#: The focused element's outline and its place in the dialog (to notice when Tab comes round).
RING_JS = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return { style: s.outlineStyle, width: parseFloat(s.outlineWidth),
    at: [...document.querySelectorAll(".cg-dialog *")].indexOf(e) }; }"""


def focus_visible(page: Page, presses: int = 40) -> Check:
    """Every control of the open dialog shows a focus ring when reached by Tab: an outline at
    least 2 px wide with 3:1 contrast against what surrounds the control (WCAG 2.4.7, and the
    contrast part of 2.4.13)."""
    seen: list[tuple[str, str]] = []
    places: set[int] = set()
    problems = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        if not page.evaluate(FOCUS_INSIDE):
            break
        ring = page.evaluate(RING_JS)
        if ring["at"] in places:
            break
        places.add(ring["at"])
        focused = page.locator("*:focus")
        name = describe(focused)
        m, around, _ = _measure(focused)
        if ring["style"] == "none" or ring["width"] < 2 or not m["outline"]:
            problems.append(f"{name} shows no outline ({ring['style']} {ring['width']} px)")
            seen.append((name, "no ring"))
            continue
        colour = over(m["outline"], around)
        ratio = contrast_ratio(colour, around)
        ring_text = (
            f"{ring['width']:.0f} px {hex_colour(colour)} on {hex_colour(around)} {ratio:.2f}:1"
        )
        seen.append((name, ring_text))
        if ratio < MIN_UI_CONTRAST:
            problems.append(f"{name}'s ring is {ring_text}")
    rings: dict[str, list[str]] = {}
    for name, ring_text in seen:
        rings.setdefault(ring_text, []).append(name)
    summary = "; ".join(
        f"{len(names)} controls {ring_text}"
        if len(names) > 3
        else f"{', '.join(names)}: {ring_text}"
        for ring_text, names in rings.items()
    )
    return Check(
        "a11y.focus-visible",
        bool(seen) and not problems,
        ("; ".join(problems) + " — " if problems else "")
        + f"{len(places)} controls reached by Tab; focus rings: {summary}; {where(page)}",
    )
