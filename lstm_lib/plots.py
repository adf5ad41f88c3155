"""The book's recurring figure: a gradient norm k steps back, on a log axis.

Chapter "Vanishing gradients" (its ρ sweep, its grid over the forget bias and the
slider) and chapter "Learning a long dependency" (the gradient reaching the input, at
initialisation and after training) all plot a norm against k, the number of steps
back from the loss, over tens of decades, and some of those curves underflow to 0.
This module draws that axis and those curves one way everywhere:

* :func:`decade_limits`: y limits at whole decades around every value of a panel,
  never below a given lowest decade (``Y_BOTTOM`` by default);
* :func:`gradient_norm_axes`: a log y axis with ticks at whole decades, labelled
  ``10⁻⁸`` as plain text (:func:`decade_text`), no minor ticks, x from 0 to ``k_max``;
  :func:`set_decades` sets its limits and ticks (again for every frame of the slider);
* :func:`plot_gradient_spread`: the curves of many draws as their median and a 10-90 %
  band;
* :func:`plot_gradient_norm`: one curve, with values below ``FLOOR`` (even exact zeros
  after underflow) drawn at ``FLOOR``, so a log axis never receives zero, and a
  downward triangle where the curve leaves the bottom of the axis;
  :func:`set_gradient_norm` gives an existing curve new values.

Colours and line styles come from :mod:`lstm_lib.style` (by quantity, or
:func:`lstm_lib.style.sweep_colors` for a sweep); the widget :mod:`lstm_lib.widgets`
draws its frames with these functions too.

Needs matplotlib (the ``book`` extra); importing ``lstm_lib`` does not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

try:  # the book-only dependency (the ``book`` extra)
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
except ImportError as error:  # pragma: no cover - exercised in a venv without the extra
    from lstm_lib._book import missing_extra

    raise missing_extra("lstm_lib.plots", "matplotlib", error) from error

__all__ = [
    "FLOOR",
    "K_LABEL",
    "Y_BOTTOM",
    "decade_limits",
    "decade_text",
    "decade_ticks",
    "gradient_norm_axes",
    "plot_gradient_norm",
    "plot_gradient_spread",
    "set_decades",
    "set_gradient_norm",
]

#: The lowest decade :func:`decade_limits` goes to by default: curves that fall lower
#: are marked where they leave the axis.
Y_BOTTOM = 1e-40

#: Norms below this (down to exact zeros after underflow) are drawn at this value,
#: under any axis the book uses.
FLOOR = 1e-300

#: The x label of every such axis.
K_LABEL = "k, steps back from the loss at step T"

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_text(exponent: int) -> str:
    """10 to a whole power as plain text: ``'1'``, ``'10'``, ``'10⁻⁸'``."""
    return {0: "1", 1: "10"}.get(exponent, "10" + str(exponent).translate(_SUPERSCRIPT))


def decade_limits(curves: Sequence[np.ndarray], lowest: float = Y_BOTTOM) -> tuple[float, float]:
    """Whole decades around every value of ``curves``, the bottom at least ``lowest``.

    The bottom is one decade below the smallest value (values below ``FLOOR`` count
    as ``FLOOR``), the top the decade above the largest value, at least 10.
    """
    low = min(float(np.min(c)) for c in curves)
    high = max(float(np.max(c)) for c in curves)
    bottom = 10.0 ** (math.floor(math.log10(max(low, FLOOR))) - 1)
    top = 10.0 ** max(1, math.ceil(math.log10(max(high, FLOOR)) + 0.1))
    return max(bottom, lowest), top


def decade_ticks(bottom: float, top: float) -> np.ndarray:
    """Ticks at every 1st, 2nd, 5th or 10th decade from ``bottom`` to ``top``: at most 9."""
    lo, hi = round(math.log10(bottom)), round(math.log10(top))
    step = next(s for s in (1, 2, 5, 10, 20, 50) if (hi - lo) / s <= 8)
    first = math.ceil(lo / step) * step
    return 10.0 ** np.arange(first, hi + 1, step)


def set_decades(ax, bottom: float, top: float) -> None:
    """Set the y limits of a :func:`gradient_norm_axes` axis and its ticks at decades."""
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_locator(FixedLocator(decade_ticks(bottom, top)))


def gradient_norm_axes(
    ax, k_max: int, bottom: float, top: float, xlabel: str | None = K_LABEL
) -> None:
    """Make ``ax`` a gradient-norm axis: log y from ``bottom`` to ``top``, x from 0 to ``k_max``.

    Ticks at whole decades labelled by :func:`decade_text`, no minor ticks, and the x
    label ``xlabel`` (none if ``None``). The y label is the caller's: it names the
    quantity.
    """
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: decade_text(round(math.log10(y)))))
    set_decades(ax, bottom, top)
    ax.set_xlim(0, k_max)
    if xlabel is not None:
        ax.set_xlabel(xlabel)


def set_gradient_norm(line, marker, k: np.ndarray, values: np.ndarray, bottom: float) -> None:
    """Give the curve ``line`` the values ``values`` at ``k`` (floored at ``FLOOR``).

    ``marker`` (from :func:`plot_gradient_norm`) is shown at the first k where the
    curve is below ``bottom``, on the bottom of the axis, and hidden if it never is.
    """
    curve = np.maximum(values, FLOOR)
    line.set_data(k, curve)
    below = np.flatnonzero(curve < bottom)
    marker.set_visible(below.size > 0)
    if below.size:
        marker.set_data([k[below[0]]], [bottom])


def plot_gradient_norm(
    ax,
    k: np.ndarray,
    values: np.ndarray,
    *,
    bottom: float,
    color: str,
    linestyle: str = "-",
    linewidth: float = 2.0,
    label: str | None = None,
    marker_size: float = 9.0,
):
    """Draw one gradient-norm curve on ``ax``; return its line and its exit marker.

    ``k`` and ``values`` are equally long 1-D arrays; ``bottom`` is the axis' lower
    limit (see :func:`set_gradient_norm`). The marker is a downward triangle in the
    curve's colour, drawn outside the clipping box so it stays visible on the axis.
    """
    k = np.asarray(k)
    values = np.asarray(values, dtype=float)
    if k.ndim != 1 or values.shape != k.shape:
        raise ValueError(
            f"values: expected shape {k.shape} (one value per k, k 1-D), "
            f"got k {k.shape} and values {values.shape}"
        )
    (line,) = ax.plot(
        k, np.ones(k.shape), color=color, linestyle=linestyle, lw=linewidth, label=label
    )
    (marker,) = ax.plot(
        [k[-1]], [bottom], "v", color=color, ms=marker_size, clip_on=False, visible=False
    )
    set_gradient_norm(line, marker, k, values, bottom)
    return line, marker


def plot_gradient_spread(
    ax,
    k: np.ndarray,
    draws: np.ndarray,
    *,
    bottom: float,
    color: str,
    linestyle: str = "-",
    linewidth: float = 2.0,
    label: str | None = None,
    alpha: float = 0.22,
):
    """Gradient-norm curves of many draws: the median as a line, the 10-90 % band shaded.

    ``draws`` (N, len(k)) holds one curve per draw; the median and the band are those of
    :func:`lstm_lib.spread` (on log10 of the values). The median is drawn by
    :func:`plot_gradient_norm` (floored, with its exit marker); the band, floored at
    ``FLOOR``, in the same colour. Returns the line, its exit marker and the band.
    """
    from lstm_lib.gradient_flow import spread

    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2 or draws.shape[1] != np.shape(k)[0]:
        raise ValueError(
            f"draws: expected shape (N, {np.shape(k)[0]}) (one curve per draw), got {draws.shape}"
        )
    s = spread(draws)
    band = ax.fill_between(
        k, np.maximum(s.low, FLOOR), np.maximum(s.high, FLOOR), color=color, alpha=alpha, lw=0
    )
    line, marker = plot_gradient_norm(
        ax, k, s.median, bottom=bottom, color=color, linestyle=linestyle, linewidth=linewidth,
        label=label,
    )  # fmt: skip
    return line, marker, band
