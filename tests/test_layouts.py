"""Memory layout does not matter: Fortran-ordered, transposed, strided, reversed and
read-only arrays give the same results as C-contiguous ones, for every public function,
and no input is modified (issue 14, item 3)."""

from __future__ import annotations

import numpy as np
import pytest
from api_cases import ENTRIES, layout_cases

from lstm_lib import LSTMParams, RNNParams, numerical_gradient, relative_error


def _arrays(result) -> list[np.ndarray]:
    """The arrays in a result (tuples, parameter containers, arrays, floats); caches skipped."""
    if isinstance(result, tuple):
        return [a for item in result for a in _arrays(item)]
    if isinstance(result, (LSTMParams, RNNParams)):
        return list(result.arrays().values())
    if isinstance(result, (np.ndarray, float)):
        return [np.asarray(result)]
    if hasattr(result, "lstm"):  # GradientNorms
        return [result.lstm, result.direct_path, result.rnn]
    return []


def _snapshot(kwargs: dict) -> dict:
    out = {}
    for name, value in kwargs.items():
        if isinstance(value, np.ndarray):
            out[name] = value.copy()
        elif isinstance(value, (LSTMParams, RNNParams)):
            out[name] = {k: v.copy() for k, v in value.arrays().items()}
    return out


CASES = [
    pytest.param(entry, arg, label, kwargs, id=f"{entry.name}-{arg}-{label}")
    for entry in ENTRIES
    for arg, label, kwargs in layout_cases(entry)
]


@pytest.mark.parametrize(("entry", "arg", "label", "kwargs"), CASES)
def test_layout_does_not_change_the_result(entry, arg, label, kwargs):
    expected = _arrays(entry.call(**entry.good()))
    before = _snapshot(kwargs)
    got = _arrays(entry.call(**kwargs))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)
    for name, value in _snapshot(kwargs).items():  # inputs never modified
        if isinstance(value, dict):
            for field, array in value.items():
                np.testing.assert_array_equal(array, before[name][field])
        else:
            np.testing.assert_array_equal(value, before[name])


@pytest.mark.parametrize("make", [lambda W: W.T, np.asfortranarray, lambda W: W[:, ::2]])
def test_numerical_gradient_of_a_transposed_matrix(make):
    """The issue's case: ``numerical_gradient(f, W.T)`` returned uninitialised memory."""
    x = make(np.random.default_rng(0).standard_normal((4, 6)))
    weights = np.arange(x.size, dtype=float).reshape(x.shape)
    grad = numerical_gradient(lambda a: float(np.sum(np.sin(a) * weights)), x)
    assert relative_error(grad, np.cos(x) * weights) < 1e-9
