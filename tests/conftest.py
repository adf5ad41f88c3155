"""Shared fixtures: small random problems in float64, seeded; and, from
``browser_helpers.py``, the built book, Chromium, the local server and pages with no
network of the browser tests (``test_browser.py``, ``test_accessibility.py``,
``test_offline_assets.py``)."""

from __future__ import annotations

import numpy as np
import pytest
from browser_helpers import book, browser, chromium, offline, server  # noqa: F401 (fixtures)

from lstm_lib import LSTMParams, RNNParams

#: Gradient checks: central-difference step and norm-wise relative tolerance (float64).
#: Why these values: the docstring of test_lstm.py.
EPS = 1e-5
GRAD_TOL = 1e-7


def make_lstm_problem(T: int, B: int, D: int, H: int, seed: int = 0, dtype=np.float64):
    """Random params (forget bias 1), inputs ~ N(0,1), initial states ~ N(0, 0.5²)."""
    rng = np.random.default_rng(seed)
    params = LSTMParams.init(D, H, forget_bias=1.0, rng=rng, dtype=dtype)
    # Non-zero biases so that every bias gradient is exercised away from symmetry.
    params = LSTMParams(
        **{
            name: (a + 0.3 * rng.standard_normal(a.shape)).astype(dtype)
            if name.startswith("b_")
            else a
            for name, a in params.arrays().items()
        }
    )
    xs = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = 0.5 * rng.standard_normal((B, H)).astype(dtype)
    c0 = 0.5 * rng.standard_normal((B, H)).astype(dtype)
    return params, xs, h0, c0


def make_rnn_problem(T: int, B: int, D: int, H: int, seed: int = 0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = RNNParams.init(D, H, rng=rng, dtype=dtype)
    params = RNNParams(W_h=params.W_h, b_h=(0.3 * rng.standard_normal(H)).astype(dtype))
    xs = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = 0.5 * rng.standard_normal((B, H)).astype(dtype)
    return params, xs, h0


@pytest.fixture
def lstm_problem():
    return make_lstm_problem(T=5, B=3, D=4, H=6)


@pytest.fixture
def rnn_problem():
    return make_rnn_problem(T=5, B=3, D=4, H=6)
