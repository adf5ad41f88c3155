"""lstm_lib.prose: numbers rounded to what the text shows, and powers of ten as text."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_lib.prose import power_of_ten, rounded


def test_rounded_gives_python_numbers_with_the_digits_asked_for():
    value = rounded(np.float64(0.264123456), 3)
    assert value == 0.264 and type(value) is float and repr(value) == "0.264"
    assert rounded(np.int64(3)) == 3 and type(rounded(np.int64(3))) is int
    assert rounded(6.181163, 6) == 6.18116


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(3.06e-7, 1, "3 · 10⁻⁷"), (3.06e-7, 2, "3.1 · 10⁻⁷"), (1.1e-16, 1, "10⁻¹⁶"),
     (44000.0, 2, "4.4 · 10⁴"), (-2.1e-22, 2, "−2.1 · 10⁻²²")],
)  # fmt: skip
def test_power_of_ten(value, digits, text):
    assert power_of_ten(value, digits) == text.replace(" ", "\u00a0")  # no-break spaces


@pytest.mark.parametrize("bad", [0.0, float("inf"), float("nan")])
def test_power_of_ten_refuses_what_has_no_power(bad):
    with pytest.raises(ValueError, match="value"):
        power_of_ten(bad)
