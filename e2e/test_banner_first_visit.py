"""A first visit's banner does no work it does not need (issue 14, "first visit").

On page load the dialog carries ``autofocus``: the browser focuses it as it renders the banner,
with no script call (no forced style or layout on the main thread). When the page's own focus
came first, the browser's autofocus does not act, and the banner moves focus in itself after
its first frame, as it always did. And the banner leaves no timer behind once it knows the
visitor's place.
"""

from __future__ import annotations

import typing as t

from .helpers import wait_banner

FOCUS_IN_DIALOG = "document.querySelector('.cg-dialog')?.contains(document.activeElement)"
# Counts the page's script calls of focus(), before any of the page's own scripts run.
COUNT_FOCUS_CALLS = """
window.__focusCalls = 0;
const focus = HTMLElement.prototype.focus;
HTMLElement.prototype.focus = function (...args) {
  window.__focusCalls++;
  return focus.apply(this, args);
};
"""


def test_a_first_visits_dialog_takes_focus_from_the_browser_not_a_script_call(
    page: t.Any, live: t.Any
) -> None:
    page.add_init_script(COUNT_FOCUS_CALLS)
    page.goto(live.url("tags.html"))
    wait_banner(page)
    page.wait_for_function(FOCUS_IN_DIALOG, timeout=5000)
    page.wait_for_timeout(300)  # the post-paint check has run
    assert page.evaluate("document.activeElement.classList.contains('cg-dialog')")
    assert page.evaluate("window.__focusCalls") == 0


def test_focus_moves_into_the_dialog_when_the_page_focused_its_own_control_first(
    page: t.Any, context: t.Any, live: t.Any
) -> None:
    held: list[t.Any] = []
    # Hold the banner file until the page has focus on its own control: the browser's
    # autofocus then does not act, and the banner must move focus in itself.
    context.route("**/banner.*.js", lambda route: held.append(route))
    page.goto(live.url("tags.html"), wait_until="commit")
    page.wait_for_function("!!document.body && document.readyState !== 'loading'")
    page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'own';"
        " document.body.prepend(i); i.focus(); }"
    )
    assert page.evaluate("document.activeElement.id") == "own"
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    held[0].continue_()
    wait_banner(page)
    page.wait_for_function(FOCUS_IN_DIALOG, timeout=5000)
    assert page.evaluate("document.activeElement.classList.contains('cg-dialog')")


# Every timer the page sets and clears, by delay, before any of the page's own scripts run.
TRACK_TIMERS = """
window.__timers = {};
const set = window.setTimeout, clear = window.clearTimeout;
window.setTimeout = function (fn, ms, ...args) {
  const id = set.call(window, fn, ms, ...args);
  window.__timers[id] = { ms, cleared: false };
  return id;
};
window.clearTimeout = function (id) {
  if (window.__timers[id]) window.__timers[id].cleared = true;
  return clear.call(window, id);
};
"""


def test_the_place_fallback_timer_is_cleared_once_the_place_is_known(
    page: t.Any, live: t.Any
) -> None:
    page.add_init_script(TRACK_TIMERS)
    page.goto(live.url("tags.html"))
    wait_banner(page)
    page.wait_for_function("cookiegate.regime !== null")
    waits = page.evaluate("Object.values(window.__timers).filter((t) => t.ms === 3000)")
    # The demo has [jurisdictions]: the banner waited for the place, then stopped waiting.
    assert waits == [{"ms": 3000, "cleared": True}]
