"""What axe-core cannot judge on the admin pages, measured in the page by small scripts.

Each ``*_JS`` constant is a function Playwright evaluates in the page; it returns plain
data (never a verdict hidden in JavaScript) so the test states the rule in Python.
"""

from __future__ import annotations

import re
import typing as t

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

#: WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the European Accessibility Act points to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE = Axe()

#: Describes an element for failure messages: tag, id or class, and some of its text.
_DESCRIBE = """
const describe = (el) => {
  const id = el.id ? '#' + el.id : (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const text = (el.getAttribute('name') || el.innerText || el.value || el.getAttribute('href')
    || '').trim().slice(0, 40);
  return el.tagName.toLowerCase() + id + (text ? ' "' + text + '"' : '');
};
"""

#: The first opaque background behind ``el``, as an ``rgb()`` string.
_BACKGROUND = """
const background = (el) => {
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    const alpha = c.startsWith('rgba') ? parseFloat(c.split(',')[3]) : 1;
    if (alpha > 0.5) return c;
  }
  return getComputedStyle(document.documentElement).backgroundColor === 'rgba(0, 0, 0, 0)'
    ? 'rgb(255, 255, 255)' : getComputedStyle(document.documentElement).backgroundColor;
};
"""

#: Keyboard-reachable controls in document order; each gets ``data-a11y`` = its position.
TABBABLES_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const sel = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, '
    + 'iframe, details > summary:first-of-type, audio[controls], video[controls], '
    + '[contenteditable]:not([contenteditable=false]), [tabindex]';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || el.tabIndex < 0 || !el.getClientRects().length) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    el.dataset.a11y = String(out.length);
    out.push(describe(el));
  }
  return out;
}"""
)

#: The focused element's position (from TABBABLES_JS) and how its focus is drawn.
FOCUSED_JS = (
    "() => {"
    + _BACKGROUND
    + """
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {index: el.dataset.a11y === undefined ? -1 : Number(el.dataset.a11y),
          tag: el.tagName.toLowerCase(), id: el.id,
          outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth),
          outlineColor: cs.outlineColor, boxShadow: cs.boxShadow,
          behind: background(el.parentElement || el),
          visible: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0
                   && r.left < innerWidth && r.top < innerHeight};
}"""
)

#: Form controls whose label is not visible text (a placeholder or aria-label is not one).
UNLABELLED_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const shown = (el) => el && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const textOf = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('input, select, textarea, button').forEach((c) => c.remove());
    return copy.textContent.trim();
  };
  const bad = [];
  for (const el of document.querySelectorAll(
      'input:not([type=hidden]), select, textarea, button')) {
    if (!shown(el)) continue;
    let text = '';
    if (el.tagName === 'BUTTON' || ['submit', 'button', 'reset'].includes(el.type)) {
      text = (el.innerText || el.value || '').trim();
    } else {
      for (const label of el.labels || []) if (shown(label)) text += textOf(label);
      for (const id of (el.getAttribute('aria-labelledby') || '').split(/\\s+/)) {
        const ref = id && document.getElementById(id);
        if (ref && shown(ref)) text += textOf(ref);
      }
    }
    if (!text) bad.push(describe(el));
  }
  return bad;
}"""
)

#: Whether the first Tab stop (after TABBABLES_JS) is a link to the page's <main>.
FIRST_IS_SKIP_LINK_JS = """() => {
  const first = document.querySelector('[data-a11y="0"]');
  const href = first && first.getAttribute('href') || '';
  const target = href.startsWith('#') && document.getElementById(href.slice(1));
  return !!target && target.tagName === 'MAIN';
}"""
#: The page's own background colour (what the colour scheme painted).
BODY_BACKGROUND_JS = "() => getComputedStyle(document.body).backgroundColor"

#: Elements with an attribute name no template writes on purpose (such as ``consent\\"``):
#: the trace of broken quoting, which garbles the label or value that should have been there.
GARBLED_ATTRIBUTES_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const bad = [];
  for (const el of document.querySelectorAll('*'))
    for (const a of el.attributes)
      if (!/^[a-z_:][a-z0-9_.:-]*$/i.test(a.name)) bad.push(describe(el) + ' [' + a.name + ']');
  return bad.slice(0, 10);
}"""
)

#: What sticks out of the viewport sideways, and the scroll regions that hold overflow.
REFLOW_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const vw = document.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => {
    for (let n = el.parentElement; n && n !== document.body; n = n.parentElement)
      if (scrolls(n)) return true;
    return false;
  };
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (inScroller(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) outside.push(describe(el));
  }
  const regions = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!scrolls(el) || el.scrollWidth <= el.clientWidth) continue;
    regions.push({what: describe(el), table: !!el.querySelector('table'),
                  role: el.getAttribute('role'), tabindex: el.tabIndex,
                  name: el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')});
  }
  return {viewport: vw, documentWidth: document.documentElement.scrollWidth,
          outside: outside.slice(0, 10), regions};
}"""
)

#: Every chart: its accessible name and description, the table it points to, what it draws.
CHARTS_JS = (
    "() => {"
    + _BACKGROUND
    + """
  const text = (ids) => (ids || '').split(/\\s+/).map((id) => document.getElementById(id))
    .filter(Boolean).map((el) => el.textContent.trim()).join(' ').trim();
  return [...document.querySelectorAll('svg.chart')].map((svg) => {
    const figure = svg.closest('figure');
    const link = figure && figure.querySelector('a[href^="#"]');
    const table = link && document.getElementById(link.getAttribute('href').slice(1));
    const bg = background(svg);
    const marks = [...svg.querySelectorAll('rect, circle, polyline')].map((m) => {
      const cs = getComputedStyle(m);
      return {color: m.tagName === 'polyline' ? cs.stroke : cs.fill,
              title: (m.querySelector('title') || {}).textContent || ''};
    });
    const rows = table ? [...table.querySelectorAll('tr')].map(
      (tr) => [...tr.children].map((c) => c.textContent.trim())) : [];
    return {role: svg.getAttribute('role'), name: text(svg.getAttribute('aria-labelledby')),
            description: text(svg.getAttribute('aria-describedby')), table: rows,
            marks, background: bg,
            labels: [...svg.querySelectorAll('text')].map((e) => getComputedStyle(e).fill),
            legend: figure ? [...figure.querySelectorAll('.legend rect')].map(
              (r) => getComputedStyle(r).fill) : []};
  });
}"""
)


def axe_violations(page: t.Any) -> list[dict[str, t.Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return list(_AXE.run(page, options=options).response["violations"])


def describe_violations(violations: list[dict[str, t.Any]]) -> list[str]:
    """One line per violated rule: id, impact, and the first offending elements."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        for v in violations
    ]


_RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)")


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2) of a computed ``rgb()``/``rgba()`` colour."""
    found = _RGB.match(color)
    if not found:
        raise ValueError(f"Not a computed rgb() colour: {color!r}")

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(x)) for x in found.groups())
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two computed colours."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
