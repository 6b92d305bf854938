"""Every admin page at WCAG 2.2 AA in real Chromium: axe-core plus what axe cannot judge.

The pages come from the app's URL map (every GET route under ``/admin``, parameters
filled from seeded data; see :mod:`e2e.admin_pages`), so a page added later is checked
without touching this file.
"""

from __future__ import annotations

import re
import typing as t

import pytest

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
from .admin_pages import Pages
from .admin_pages import Seed
from .admin_pages import seed_data
from .admin_pages import sign_in

SCHEMES = ("light", "dark")
WIDTHS = (1280, 360)


@pytest.fixture(scope="module")
def seed(server: t.Any, rules: dict[str, t.Any], browser: t.Any) -> Seed:
    return seed_data(server, rules, browser)


@pytest.fixture(scope="module")
def signed_in(browser: t.Any, seed: Seed) -> dict[str, t.Any]:
    return sign_in(browser, seed)


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
        # One colour per series: ten consent methods, no two drawn alike.
        assert len(set(chart["legend"])) == len(chart["legend"]), (scheme, chart["legend"])


#: English, and German for its long compound words.
@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_pages_reflow_at_320_px_with_only_data_tables_scrolling_sideways(
    browser: t.Any, server: t.Any, seed: Seed, signed_in: dict[str, t.Any], locale: str
) -> None:
    pages = Pages(browser, server, seed, signed_in, locale=locale)
    problems = {}
    for name in pages.names():
        page = pages.open(name, width=320, height=256)  # 1280 x 1024 at 400 % zoom
        found = page.evaluate(REFLOW_JS)
        lang = page.evaluate("document.documentElement.lang")
        bad = [] if lang.startswith(locale[:2]) else [f"shown in {lang!r}, not {locale}"]
        bad += [f"page is {found['documentWidth']}px wide"] if found["documentWidth"] > 320 else []
        bad += [f"sticks out: {w}" for w in found["outside"]]
        for region in found["regions"]:
            if not region["table"] or region["role"] != "region" or region["tabindex"] != 0:
                bad.append(f"scrolls sideways without being a focusable table region: {region}")
            elif not region["name"]:
                bad.append(f"table region without a name: {region['what']}")
        if bad:
            problems[name] = bad
        page.close()
    pages.close()
    assert not problems
