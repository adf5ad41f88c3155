"""Numbers over many draws for the chapters' prose: a median and its range (book only).

Chapter "Vanishing gradients" states every number about networks at initialisation
over N independent draws (weights and inputs) as the median with the smallest and
the largest draw. :func:`paste_spread` glues the three for the Markdown, as text in the
book's notation (:func:`number_text`: ``0.42``, ``130``, ``1.4 · 10⁻³⁴``), and
:func:`median_and_range` writes them for a printed table. The median is
:func:`lstm_lib.spread`'s, taken on log10 of the values. Built on ``lstm_lib.prose``.

Needs IPython for the glue (in every Jupyter kernel), not myst-nb; importing
``lstm_lib`` does not import this module.
"""

from __future__ import annotations

import math

import numpy as np

from lstm_lib.gradient_flow import spread
from lstm_lib.prose import power_of_ten

__all__ = ["median_and_range", "number_text", "paste_spread", "paste_text"]


def number_text(value, digits: int = 2) -> str:
    """``value`` with ``digits`` significant digits: a decimal from 0.01 to 10,000
    (``0.42``, ``5.1``, ``130``), else a power of ten (``1.4 · 10⁻³⁴``, ``2.5 · 10⁵``)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value: expected a finite number, got {value}")
    if value == 0:
        return "0"
    if not 1e-2 <= abs(value) < 1e4:
        return power_of_ten(value, digits)
    r = float(f"{value:.{digits}g}")
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(r))))
    return f"{r:,.{decimals}f}".replace("-", "−")


def _table_number(value: float, digits: int) -> str:
    """Short, for a printed table: a decimal from 0.01 to 10,000, else e-notation."""
    if value == 0 or 1e-2 <= abs(value) < 1e4:
        return number_text(value, digits)
    return f"{value:.{digits - 1}e}"


def median_and_range(values, digits: int = 2) -> str:
    """``'median [smallest, largest]'`` of per-draw values (N,) for a printed table, e.g.
    ``'0.42 [0.036, 130]'`` or ``'1.4e-34 [7.1e-35, 5.2e-34]'``; the median is
    :func:`lstm_lib.spread`'s (on log10), for positive values spread over decades."""
    values = np.asarray(values, dtype=float)
    median, low, high = spread(values).median, values.min(), values.max()
    return " ".join(
        [_table_number(median, digits), f"[{_table_number(low, digits)},",
         f"{_table_number(high, digits)}]"]
    )  # fmt: skip


def paste_text(name: str, text: str) -> None:
    """Glue the string ``text`` under ``name``, for ``{glue:text}`name```; nothing shown."""
    from lstm_lib.prose import glue_hidden

    glue_hidden(name, str(text))


def paste_spread(name: str, values, digits: int = 2) -> None:
    """Glue the median of the per-draw ``values`` (N,) as ``name`` and the smallest and
    largest draw as ``name_min`` and ``name_max``, each as :func:`number_text`."""
    values = np.asarray(values, dtype=float)
    paste_text(name, number_text(spread(values).median, digits))
    paste_text(f"{name}_min", number_text(values.min(), digits))
    paste_text(f"{name}_max", number_text(values.max(), digits))
