"""A backward pass whose gradient overflows says so (issue 14, item 5).

Finite, valid inputs can still produce a gradient too large for the dtype: a simple RNN
with spectral radius 3 multiplies it by up to 3 per step. Every backward function then
raises ``OverflowError`` naming itself, the quantity, the step, and the usual remedy;
none blames an argument the caller never passed, none returns inf or NaN.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lstm_lib import (
    LSTMParams,
    RNNParams,
    lstm_backward,
    lstm_cell_state_gradients,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    rnn_backward,
    rnn_forward,
    rnn_hidden_state_gradients,
    rnn_step_backward,
    rnn_step_forward,
)

REMEDY = "clip"  # every message suggests clipping


@pytest.fixture(scope="module")
def exploding_rnn():
    """ρ = 3 and h_t = 0 throughout (zero inputs), so tanh' = 1: the gradient grows by
    exactly 3 per step and passes the float64 maximum about 646 steps before the loss."""
    T, B, D, H = 1000, 1, 2, 8
    params = RNNParams.init(D, H, spectral_radius=3.0, seed=0)
    xs = np.zeros((T, B, D))
    _hs, cache = rnn_forward(xs, np.zeros((B, H)), params)
    dhs = np.zeros((T, B, H))
    dhs[-1] = 1.0
    return dhs, cache


@pytest.mark.parametrize("function", [rnn_backward, rnn_hidden_state_gradients])
def test_exploding_rnn_gradient_is_an_overflow(exploding_rnn, function):
    dhs, cache = exploding_rnn
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the error, not a RuntimeWarning first
        with pytest.raises(OverflowError) as info:
            function(dhs, cache)
    message = str(info.value)
    assert message.startswith(f"{function.__name__}: ∂L/∂h_t overflowed at step t = ")
    step = int(message.split("step t = ")[1].split()[0])
    assert 1000 - 660 < step < 1000 - 630  # 3^646 ≈ 1.8e308, counted back from t = T
    assert REMEDY in message and "spectral radius" in message


def _lstm(T=6, B=2, D=3, H=4):
    params = LSTMParams.init(D, H, seed=0)
    xs = np.random.default_rng(0).standard_normal((T, B, D))
    return lstm_forward(xs, np.zeros((B, H)), np.zeros((B, H)), params)


@pytest.mark.parametrize("function", [lstm_backward, lstm_cell_state_gradients])
def test_huge_finite_upstream_gradient_overflows_loudly(function):
    hs, _cs, cache = _lstm()
    dhs = np.full(hs.shape, 1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pattern = rf"^{function.__name__}: .* overflowed at step t = "
        with pytest.raises(OverflowError, match=pattern):
            function(dhs, cache)


def test_step_backward_overflows_loudly():
    params = LSTMParams.init(3, 4, seed=0)
    x, h = np.ones((2, 3)), np.ones((2, 4))
    _h, _c, cache = lstm_step_forward(x, h, h, params)
    with pytest.raises(OverflowError, match=r"^lstm_step_backward: .* overflowed"):
        lstm_step_backward(np.full((2, 4), 1.7e308), np.full((2, 4), 1.7e308), cache)
    r = RNNParams.init(3, 4, seed=0)
    _h, rcache = rnn_step_forward(x, h, r)
    with pytest.raises(OverflowError, match=r"^rnn_step_backward: .* overflowed"):
        rnn_step_backward(np.full((2, 4), 1.7e308), rcache)


def test_forward_overflow_is_loud():
    """Finite inputs whose pre-activation is inf - inf = NaN: W_x·x_t = +inf (10 · 1e308)
    and W_h·h_{t-1} = -inf (two terms of -1.7e308), at step 1."""
    W = np.array([[-1.7e308, -1.7e308, 10.0]] * 2)  # H = 2, D = 1
    b = np.zeros(2)
    params = LSTMParams(W_f=W, W_i=W, W_C=W, W_o=W, b_f=b, b_i=b, b_C=b, b_o=b)
    xs = np.full((3, 1, 1), 1e308)
    h0 = np.ones((1, 2))
    with pytest.raises(OverflowError, match=r"^lstm_forward: .* overflowed at step t = 1"):
        lstm_forward(xs, h0, h0, params)
    with pytest.raises(OverflowError, match=r"^rnn_forward: .* overflowed at step t = 1"):
        rnn_forward(xs, h0, RNNParams(W_h=W, b_h=b))


def test_large_but_representable_gradients_pass():
    hs, _cs, cache = _lstm()
    dxs, *_ = lstm_backward(np.full(hs.shape, 1e100), cache)
    assert np.isfinite(dxs).all()
