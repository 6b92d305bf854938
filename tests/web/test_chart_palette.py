"""The admin charts' series colours: one of its own for every consent method.

The dashboard's method chart stacks one series per :class:`~cookiegate.consent.choices.Method`
(ten since the regime methods); with fewer colours two methods share one and a reader cannot
tell them apart. Checked as the browser sees them: the stylesheet's ``--sN`` variables per
colour scheme (e2e/test_admin_accessibility.py measures the rendered marks).
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest

from cookiegate.consent.choices import Method
from cookiegate.measure.colour import contrast_ratio
from cookiegate.web.admin import charts

CSS = (Path(__file__).parents[2] / "static" / "admin" / "admin.css").read_text()
#: CIE76 distance (CIELAB units) below which two series read as one at a glance.
MIN_DISTANCE = 25


def _scheme(dark: bool) -> dict[str, tuple[int, ...]]:
    """The colour variables of the light ``:root`` block, or of the dark one."""
    blocks = re.findall(r":root \{(.*?)\}", CSS, re.S)
    found = dict(re.findall(r"--([\w-]+): #([0-9a-f]{3,6});", blocks[1 if dark else 0]))
    return {name: _rgb(value) for name, value in found.items()}


def _rgb(value: str) -> tuple[int, ...]:
    value = value if len(value) == 6 else "".join(c * 2 for c in value)
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def _lab(rgb: tuple[int, ...]) -> tuple[float, float, float]:
    """sRGB (D65) to CIELAB."""
    lin = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def test_every_consent_method_gets_its_own_chart_class() -> None:
    series = [m.value for m in Method]
    chart = charts.stacked_bars(["2026-11-26"], series, {"2026-11-26": dict.fromkeys(series, 1)})
    classes = [chart.css(s) for s in series]
    assert len(set(classes)) == len(series), classes
    assert len({colour for _, colour in chart.legend}) == len(series)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_each_series_colour_contrasts_with_the_page_and_differs_from_the_others(
    dark: bool,
) -> None:
    scheme = _scheme(dark)
    colours = {f"s{i}": scheme[f"s{i}"] for i in range(len(Method))}
    for name, rgb in colours.items():
        assert contrast_ratio(rgb, scheme["bg"]) >= 3, name  # WCAG 1.4.11 non-text contrast
    for (a, rgb_a), (b, rgb_b) in itertools.combinations(colours.items(), 2):
        assert math.dist(_lab(rgb_a), _lab(rgb_b)) >= MIN_DISTANCE, (a, b)
