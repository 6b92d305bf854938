"""Focus moves into a first visit's dialog (issue 14, "first visit").

On page load the dialog carries ``autofocus``: the browser focuses it as it renders the banner,
with no script call (no forced style or layout on the main thread). When the page's own focus
came first, the browser's autofocus does not act, and the banner moves focus in itself after
its first frame, as it always did.
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
