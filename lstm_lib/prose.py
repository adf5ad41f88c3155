"""Numbers for the chapters' prose, pasted from the computation (book only).

A chapter never types a result into its text: the code cell that computes it hands it
to myst-nb's glue, and the Markdown pastes it with a format,
``{glue:text}`keep:.2f```. :func:`paste` glues a number rounded to the digits the text
shows, so that the stored value, which strict nbval compares like any output, does not
depend on the last bits of a BLAS kernel; :func:`paste_power_of_ten` glues a small or
large number as text in the book's notation (``3.1 · 10⁻⁷``), which a format
specification cannot produce. Nothing is displayed in the notebook.

Needs IPython (in every Jupyter kernel), not myst-nb; importing ``lstm_lib`` needs neither.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["GLUE_PREFIX", "glue_hidden", "paste", "paste_power_of_ten", "power_of_ten", "rounded"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_NBSP = "\u00a0"  # no line break inside 3 · 10⁻⁷


def rounded(value, digits: int = 4) -> float | int:
    """``value`` as a Python int, or a Python float rounded to ``digits`` significant digits.

    NumPy scalars become Python numbers, whose repr is the number itself (glue stores
    the repr, and the ``{glue:text}`` role parses it back).
    """
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value: expected a finite number, got {value}")
    return float(f"{value:.{digits}g}")


def power_of_ten(value, digits: int = 2) -> str:
    """``value`` with ``digits`` significant digits as ``m · 10ⁿ`` text: 3.06e-07 -> "3.1 · 10⁻⁷".

    The spaces around the dot are no-break spaces, so the number is never split over two
    lines. A mantissa of 1 is dropped (1e-16 -> "10⁻¹⁶").
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        raise ValueError(f"value: expected a finite non-zero number, got {value}")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    if float(mantissa) in (1.0, -1.0):
        return ("−" if value < 0 else "") + power
    return f"{mantissa.replace('-', '−')}{_NBSP}·{_NBSP}{power}"


#: The MIME prefix under which myst-nb's ``glue(..., display=False)`` stores a value, and
#: where its ``{glue:text}`` role looks for it when the book is built.
GLUE_PREFIX = "application/papermill.record/"


def glue_hidden(name: str, value) -> None:
    """Store ``value`` under ``name`` in the cell's outputs, exactly as myst-nb's
    ``glue(name, value, display=False)`` does, without importing myst-nb.

    The book is built with myst-nb, which reads these outputs; the notebook environment
    (Binder, ``make notebook``) runs the chapters without it, and there the stored
    value is simply not shown.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def _glue(name: str, value) -> None:
    glue_hidden(name, value)


def paste(name: str, value, digits: int = 4) -> None:
    """Glue ``value`` (see :func:`rounded`) under ``name``, for ``{glue:text}`name:.2f```."""
    _glue(name, rounded(value, digits))


def paste_power_of_ten(name: str, value, digits: int = 2) -> None:
    """Glue :func:`power_of_ten` of ``value`` under ``name``, for ``{glue:text}`name```."""
    _glue(name, power_of_ten(value, digits))
