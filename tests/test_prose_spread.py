"""lstm_lib.prose_spread: a median over draws and its range, as the chapters' prose shows them."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_lib.prose_spread import median_and_range, number_text, paste_spread


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.4227, "0.42"),
        (0.0362, "0.036"),
        (130.24, "130"),
        (5.11, "5.1"),
        (11.7, "12"),
        (1.43e-34, "1.4\u00a0·\u00a010⁻³⁴"),  # no-break spaces (prose.power_of_ten)
        (2.47e5, "2.5\u00a0·\u00a010⁵"),
        (-0.3, "−0.30"),
        (0.0, "0"),
    ],
)
def test_number_text(value, text):
    assert number_text(value) == text


def test_median_and_range_uses_the_log_median():
    assert median_and_range([0.036, 0.42, 130]) == "0.42 [0.036, 130]"
    # an even number of draws: the geometric mean of the middle two
    assert median_and_range([1e-4, 1e-2, 1.0, 100.0]) == "0.10 [1.0e-04, 100]"
    assert median_and_range([1.4e-34, 7.1e-35, 5.2e-34]) == "1.4e-34 [7.1e-35, 5.2e-34]"
    with pytest.raises(ValueError, match="value: expected a finite number"):
        number_text(float("nan"))


def test_paste_spread_glues_median_smallest_and_largest(monkeypatch):
    glued = {}
    import lstm_lib.prose

    monkeypatch.setattr(
        lstm_lib.prose, "glue_hidden", lambda name, value: glued.update({name: value})
    )
    paste_spread("ratio", np.array([0.036, 0.42, 130.0]))
    assert glued == {"ratio": "0.42", "ratio_min": "0.036", "ratio_max": "130"}


def test_glue_hidden_stores_what_myst_nb_glue_stores(monkeypatch):
    """The chapters glue without myst-nb (the notebook environment has none): the stored
    output must be the very one myst-nb's glue(..., display=False) writes."""
    import IPython.display

    from lstm_lib.prose import glue_hidden

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    glue_hidden("x", 0.42)
    import myst_nb
    import myst_nb.ext.glue as glue_module

    monkeypatch.setattr(glue_module, "ipy_display", lambda *a, **k: shown.append((a, k)))
    myst_nb.glue("x", 0.42, display=False)
    assert shown[0] == shown[1]
    assert shown[0][0][0] == {"application/papermill.record/text/plain": "0.42"}
