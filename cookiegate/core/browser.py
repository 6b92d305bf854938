"""Headless Chromium for ``cookiegate scan`` and ``cookiegate compliance``.

Both commands drive a real browser so that what they report is what a visitor's
browser does. Playwright is an optional extra (``cookiegate[scan]``) and its own
browser download needs the internet, so cookiegate launches a Chromium already
on the machine (Debian's ``chromium`` package, or any path in
``COOKIEGATE_CHROMIUM``).
"""

from __future__ import annotations

import contextlib
import shutil
import typing as t
from pathlib import Path

from .errors import CookiegateError
from .settings import environ_value

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser

#: Flags for a browser that talks only to the pages it is sent to.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
)


class BrowserError(CookiegateError):
    """Chromium or Playwright is missing or would not start."""


def chromium_path() -> str | None:
    """The Chromium to launch: ``COOKIEGATE_CHROMIUM``, else ``chromium`` on PATH."""
    return (
        environ_value("COOKIEGATE_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def missing_chromium_reason() -> str | None:
    """Why no browser can be launched, or None when one can."""
    path = chromium_path()
    if not path:
        return (
            "No Chromium found: install the chromium package or set COOKIEGATE_CHROMIUM "
            "to a Chromium or Chrome executable."
        )
    if not Path(path).exists():
        return f"COOKIEGATE_CHROMIUM={path!r} does not exist."
    return None


@contextlib.contextmanager
def launch() -> t.Iterator[Browser]:
    """Start headless Chromium and close it afterwards.

    :raises BrowserError: when Playwright is not installed or Chromium is missing.
    """
    try:
        from playwright.sync_api import Error
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserError(
            "This command needs Playwright: pip install 'cookiegate[scan]'."
        ) from None
    reason = missing_chromium_reason()
    if reason:
        raise BrowserError(reason)
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(
                executable_path=chromium_path(), headless=True, args=list(LAUNCH_ARGS)
            )
        except Error as e:
            raise BrowserError(f"Chromium would not start: {e.message.splitlines()[0]}") from None
        try:
            yield browser
        finally:
            browser.close()
