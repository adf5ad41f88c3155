"""lstm_lib.plots: the gradient-norm axis and curves that chapters 3 and 4 and the slider share."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure

from lstm_lib.plots import (
    FLOOR,
    K_LABEL,
    Y_BOTTOM,
    decade_limits,
    decade_text,
    decade_ticks,
    gradient_norm_axes,
    plot_gradient_norm,
    set_gradient_norm,
)


def test_decade_text_uses_superscripts():
    assert [decade_text(e) for e in (0, 1, 2, -8, -40)] == ["1", "10", "10²", "10⁻⁸", "10⁻⁴⁰"]


@pytest.mark.parametrize(
    ("low", "high", "lowest", "expected"),
    [
        (3e-7, 2.0, Y_BOTTOM, (1e-8, 10.0)),  # one decade below the smallest value
        (0.5, 1.0, Y_BOTTOM, (1e-2, 10.0)),  # the top is at least 10
        (1.0, 2e5, Y_BOTTOM, (1e-1, 1e6)),  # the decade above the largest value
        (1e-80, 1.0, Y_BOTTOM, (Y_BOTTOM, 10.0)),  # never below the lowest decade
        (7e-60, 1.0, FLOOR, (1e-61, 10.0)),  # unless asked to show everything
        (0.0, 1.0, FLOOR, (FLOOR, 10.0)),  # an underflowed 0 counts as FLOOR
    ],
)
def test_decade_limits(low, high, lowest, expected):
    curves = [np.array([high, low]), np.array([1.0])]
    assert decade_limits(curves, lowest=lowest) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("bottom", "top", "exponents"),
    [
        (1e-8, 10.0, [-8, -7, -6, -5, -4, -3, -2, -1, 0, 1]),  # 9 decades: every second
        (1e-40, 1e3, [-40, -30, -20, -10, 0]),
        (1e-61, 10.0, [-60, -50, -40, -30, -20, -10, 0]),
        (1e-2, 10.0, [-2, -1, 0, 1]),
    ],
)
def test_decade_ticks(bottom, top, exponents):
    ticks = decade_ticks(bottom, top)
    if len(exponents) > 9:
        exponents = exponents[::2]
    np.testing.assert_allclose(ticks, 10.0 ** np.array(exponents, dtype=float), rtol=1e-12)
    assert len(ticks) <= 9


def test_axes_are_log_with_decade_labels_and_the_k_label():
    ax = Figure().add_subplot()
    gradient_norm_axes(ax, 100, 1e-40, 1e3)
    assert ax.get_yscale() == "log"
    assert ax.get_ylim() == pytest.approx((1e-40, 1e3))
    assert ax.get_xlim() == (0, 100)
    assert ax.get_xlabel() == K_LABEL
    labels = [ax.yaxis.get_major_formatter()(y, 0) for y in ax.get_yticks()]
    assert labels == ["10⁻⁴⁰", "10⁻³⁰", "10⁻²⁰", "10⁻¹⁰", "1"]
    assert len(ax.yaxis.get_minor_locator()()) == 0


def test_curve_is_floored_and_marked_where_it_leaves_the_axis():
    ax = Figure().add_subplot()
    k = np.arange(6)
    values = np.array([1.0, 1e-20, 1e-39, 1e-41, 0.0, 0.0])  # underflows to 0
    line, marker = plot_gradient_norm(ax, k, values, bottom=1e-40, color="#000000")
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 1e-20, 1e-39, 1e-41, FLOOR, FLOOR])
    assert marker.get_visible()
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (3, 1e-40)  # first k below
    assert not marker.get_clip_on()
    # new values that stay on the axis hide the marker again
    set_gradient_norm(line, marker, k, np.ones(6), 1e-40)
    assert not marker.get_visible()
    np.testing.assert_array_equal(line.get_ydata(), np.ones(6))


def test_mismatched_values_are_a_clear_error():
    ax = Figure().add_subplot()
    with pytest.raises(
        ValueError, match=r"values: expected shape \(5,\).*got k \(5,\) and values \(4,\)"
    ):
        plot_gradient_norm(ax, np.arange(5), np.ones(4), bottom=1e-40, color="#000000")


def test_spread_of_draws_is_the_median_line_and_a_band():
    from lstm_lib import spread
    from lstm_lib.plots import plot_gradient_spread

    ax = Figure().subplots()
    k = np.arange(5)
    draws = np.array([10.0 ** -(j * k) for j in (1, 2, 3, 4)])  # four draws, falling apart
    line, marker, band = plot_gradient_spread(ax, k, draws, bottom=1e-40, color="#000000")
    np.testing.assert_allclose(line.get_ydata(), spread(draws).median)
    np.testing.assert_allclose(line.get_ydata()[-1], 10.0**-10, rtol=1e-12)  # log-median
    assert not marker.get_visible()
    (path,) = band.get_paths()
    assert path.vertices[:, 1].min() == pytest.approx(spread(draws).low.min())
    with pytest.raises(ValueError, match=r"draws: expected shape \(N, 5\)"):
        plot_gradient_spread(ax, k, draws[:, :3], bottom=1e-40, color="#000000")
