"""Chart geometry for server-side SVG: numbers in, rectangles and polylines out.

The admin pages must work without the internet, so there is no chart
library: this module computes coordinates and a Jinja template
(``admin/_chart.html``, SVG in a figure) draws them, autoescaped like any page. Pure
functions, no Flask.
"""

from __future__ import annotations

import math
import typing as t
from dataclasses import dataclass
from dataclasses import field

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
#: Colour-blind-safe palette (Okabe-Ito, then two more so that each of the ten consent
#: methods has its own), in series order: the SVG's own colours, used where the admin
#: stylesheet is absent. With it, the classes ``s0``..``s9`` recolour each
#: series per colour scheme so that every mark keeps 3:1 against the page (WCAG 1.4.11).
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#EF0096",
    "#6A0213",
)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    color: str
    #: Tooltip text (SVG ``<title>``), e.g. ``2026-11-26 accept_all: 12``.
    title: str
    #: The series' stylesheet class (``s0``..``s9``).
    css: str = ""


@dataclass(frozen=True)
class Line:
    color: str
    series: str
    #: The series' stylesheet class (``s0``..``s9``).
    css: str
    #: ``x,y x,y ...`` for the ``points`` attribute.
    points: str
    dots: tuple[tuple[float, float, str], ...]


@dataclass
class Chart:
    """Everything the SVG template draws."""

    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    #: ``(y, label)`` of horizontal grid lines.
    yticks: list[tuple[float, str]] = field(default_factory=list)
    #: ``(x, label)`` of day labels.
    xticks: list[tuple[float, str]] = field(default_factory=list)
    #: ``(series, colour)`` in drawing order.
    legend: list[tuple[str, str]] = field(default_factory=list)
    #: Days covered, first and last (for the text description).
    days: tuple[str, ...] = ()

    def css(self, series: str) -> str:
        """The stylesheet class of ``series``: its place in the legend."""
        return next(f"s{i % len(PALETTE)}" for i, (s, _) in enumerate(self.legend) if s == series)

    @property
    def plot_bottom(self) -> float:
        return self.height - BOTTOM


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= value))


def _x_ticks(days: t.Sequence[str], x_of: t.Callable[[int], float]) -> list[tuple[float, str]]:
    step = max(1, math.ceil(len(days) / 8))
    return [(x_of(i), day[5:]) for i, day in enumerate(days) if i % step == 0]


def _chart(days: t.Sequence[str], series: t.Sequence[str]) -> Chart:
    return Chart(
        legend=[(s, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)], days=tuple(days)
    )


def stacked_bars(
    days: t.Sequence[str],
    series: t.Sequence[str],
    values: t.Mapping[str, t.Mapping[str, int]],
) -> Chart:
    """One bar per day, stacked by series (e.g. consent method)."""
    chart = _chart(days, series)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_max(max((sum(values.get(d, {}).values()) for d in days), default=0))
    slot = plot_w / max(1, len(days))
    bar_w = max(1.0, slot * 0.8)
    for i, day in enumerate(days):
        y = float(TOP + plot_h)
        for name, color in chart.legend:
            n = values.get(day, {}).get(name, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            chart.bars.append(
                Bar(
                    round(LEFT + i * slot + (slot - bar_w) / 2, 2),
                    round(y, 2),
                    round(bar_w, 2),
                    round(h, 2),
                    color,
                    f"{day} {name}: {n}",
                    chart.css(name),
                )
            )
    chart.yticks = [(round(TOP + plot_h * (1 - k / 4), 2), f"{top * k / 4:g}") for k in range(5)]
    chart.xticks = _x_ticks(days, lambda i: round(LEFT + i * slot + slot / 2, 2))
    return chart


def rate_lines(
    days: t.Sequence[str],
    series: t.Sequence[str],
    values: t.Mapping[str, t.Mapping[str, tuple[int, int]]],
) -> Chart:
    """One line per series of ``granted / records`` in percent; days without records are gaps."""
    chart = _chart(days, series)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(i: int) -> float:
        return round(LEFT + (plot_w * i / (len(days) - 1) if len(days) > 1 else plot_w / 2), 2)

    for name, color in chart.legend:
        dots = []
        for i, day in enumerate(days):
            granted, n = values.get(name, {}).get(day, (0, 0))
            if n:
                rate = granted / n
                y = round(TOP + plot_h * (1 - rate), 2)
                dots.append((x_of(i), y, f"{day} {name}: {rate:.0%} of {n}"))
        points = " ".join(f"{x},{y}" for x, y, _ in dots)
        chart.lines.append(Line(color, name, chart.css(name), points, tuple(dots)))
    chart.yticks = [(round(TOP + plot_h * (1 - k / 4), 2), f"{25 * k}%") for k in range(5)]
    chart.xticks = _x_ticks(days, x_of)
    return chart
