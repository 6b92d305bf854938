"""WCAG contrast maths of cookiegate.measure.colour (the browser measurements are in e2e/)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.measure.colour import contrast_ratio
from cookiegate.measure.colour import hex_colour
from cookiegate.measure.colour import over

channel = st.integers(0, 255)
colour = st.tuples(channel, channel, channel, st.just(1.0))


@pytest.mark.parametrize(
    ("fg", "bg", "ratio"),
    [
        # Reference values from the WCAG definition (white on black) and WebAIM's checker.
        ((255, 255, 255, 1), (0, 0, 0, 1), 21.0),
        ((255, 255, 255, 1), (0x1D, 0x4E, 0xD8, 1), 6.70),
        ((0x76, 0x76, 0x76, 1), (255, 255, 255, 1), 4.54),
        ((0xC9, 0xC9, 0xD2, 1), (255, 255, 255, 1), 1.64),
    ],
)
def test_contrast_ratio_matches_published_reference_values(
    fg: tuple[float, ...], bg: tuple[float, ...], ratio: float
) -> None:
    assert contrast_ratio(fg, bg) == pytest.approx(ratio, abs=0.01)


@given(colour, colour)
def test_contrast_ratio_is_symmetric_and_between_1_and_21(
    a: tuple[float, ...], b: tuple[float, ...]
) -> None:
    r = contrast_ratio(a, b)
    assert 1.0 <= r <= 21.0 + 1e-9
    assert r == pytest.approx(contrast_ratio(b, a))
    assert contrast_ratio(a, a) == pytest.approx(1.0)


@given(colour, colour)
def test_an_opaque_colour_hides_what_is_under_it_and_a_transparent_one_shows_it(
    top: tuple[float, ...], bottom: tuple[float, ...]
) -> None:
    assert over(top, bottom)[:3] == pytest.approx(top[:3])
    assert over((*top[:3], 0.0), bottom)[:3] == pytest.approx(bottom[:3])


def test_half_transparent_black_over_white_is_mid_grey() -> None:
    assert hex_colour(over((0, 0, 0, 0.5), (255, 255, 255, 1))) == "#808080"
