"""What every browser measurement of a cookiegate banner shares.

A measurement returns :class:`Check` results, the one shape the compliance report files under
its rules; this module also holds the selectors of cookiegate's own DOM and the ways to name an
element as a screen reader would (from Chromium's accessibility tree, read over the DevTools
protocol). Needs the ``cookiegate[scan]`` extra.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from playwright.sync_api import Locator
    from playwright.sync_api import Page

#: cookiegate's own root elements: the banner (dialog and reopen control) and embed placeholders.
ROOTS = (".cg-root", ".cg-ph")
DIALOG = ".cg-dialog"
#: The banner while it is open, and the layer of it on screen (first layer or preferences).
SHOWN = f"{DIALOG}:not([hidden])"
LAYER = f"{SHOWN} .cg-layer:not([hidden])"
#: What a keyboard or pointer user can operate.
CONTROLS = "button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"

FOCUS_INSIDE = (
    "() => { const d = document.querySelector('.cg-dialog');"
    " return !!d && !d.hidden && d.contains(document.activeElement); }"
)
#: A short human description of an element: its role (or tag) and its visible name.
DESCRIBE_JS = """(e) => {
  if (!e || e === document.body) return "the page body";
  const lab = e.getAttribute("aria-labelledby"), ref = lab && document.getElementById(lab);
  const name = (ref && ref.innerText) || e.getAttribute("aria-label")
    || (e.labels && e.labels[0] && e.labels[0].innerText) || e.innerText || "";
  const roles = { A: "link", BUTTON: "button", INPUT: e.type, SUMMARY: "summary" };
  const role = e.getAttribute("role") || roles[e.tagName] || e.tagName.toLowerCase();
  return role + ' "' + name.trim().replace(/\\s+/g, " ").slice(0, 40) + '"';
}"""


def control(action: str) -> str:
    """The selector of the open banner's button that does ``action`` on the layer shown
    (``accept``, ``reject``, ``prefs``, ``back``, ``object``: its ``data-cg-action``)."""
    return f"{LAYER} [data-cg-action={action}]"


@dataclass(frozen=True)
class Check:
    """One measured rule: pass or fail, and what was measured.

    The browser measurements here and the config and server checks of
    :mod:`cookiegate.compliance` all return this one class;
    :func:`~cookiegate.compliance.build_findings` files them under the report's rules.
    """

    #: Stable id of the rule or measurement, e.g. ``"a11y.axe"`` or ``"consent-lifetime"``.
    rule: str
    passed: bool
    #: What was measured, in plain words, with the numbers and the conditions (scheme, width).
    evidence: str


def where(page: Page) -> str:
    """The conditions of a measurement: colour scheme and viewport size, e.g. "dark, 360×800 px"."""
    dark, forced, w, h = page.evaluate(
        "[matchMedia('(prefers-color-scheme: dark)').matches,"
        " matchMedia('(forced-colors: active)').matches, innerWidth, innerHeight]"
    )
    return f"{'dark' if dark else 'light'}{', forced colours' if forced else ''}, {w}×{h} px"


def describe(locator: Locator) -> str:
    """An element as a screen-reader user would name it: role and visible name."""
    return str(locator.evaluate(DESCRIBE_JS))


def describe_focus(page: Page) -> str:
    return str(page.evaluate(f"({DESCRIBE_JS})(document.activeElement)"))


def ax_node(locator: Locator) -> dict[str, t.Any]:
    """The element's node in Chromium's accessibility tree: role, name, description, states.

    This is what assistive technology is told, computed by the browser itself (not by a
    re-implementation of the accessible-name rules).
    """
    page = locator.page
    locator.evaluate("e => { window.__cgMeasureNode = e; }")
    session = page.context.new_cdp_session(page)
    try:
        obj = session.send("Runtime.evaluate", {"expression": "window.__cgMeasureNode"})
        tree = session.send(
            "Accessibility.getPartialAXTree",
            {"objectId": obj["result"]["objectId"], "fetchRelatives": False},
        )
    finally:
        session.detach()
        page.evaluate("delete window.__cgMeasureNode")
    node = tree["nodes"][0]

    def value(key: str) -> str:
        return str(node.get(key, {}).get("value", ""))

    props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
    return {
        "role": value("role"),
        "name": value("name"),
        "description": value("description"),
        "ignored": node.get("ignored", False),
        **props,
    }
