"""The simple RNN: reference values, gradient checks, agreement with a loop of steps.

Tolerances as in test_lstm.py (see its docstring for why): norm-wise relative error
< 1e-7 against central differences (step 1e-5, float64), 1e-12 between the sequence
and step paths.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import EPS, GRAD_TOL, make_rnn_problem

from lstm_lib import (
    RNNParams,
    numerical_gradient,
    relative_error,
    rnn_backward,
    rnn_forward,
    rnn_hidden_state_gradients,
    rnn_step_backward,
    rnn_step_forward,
)


def test_hand_computed_step():
    # W_h = [W_hh, W_xh] = [0.5, 2.0], b_h = 0.1; h_t = tanh(0.5 * h + 2 * x + 0.1)
    params = RNNParams(W_h=np.array([[0.5, 2.0]]), b_h=np.array([0.1]))
    h_t, _ = rnn_step_forward(np.array([[0.25]]), np.array([[-1.0]]), params)
    assert h_t[0, 0] == pytest.approx(math.tanh(-0.5 + 0.5 + 0.1), rel=1e-15)
    np.testing.assert_array_equal(params.W_hh, [[0.5]])
    np.testing.assert_array_equal(params.W_xh, [[2.0]])


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (20, 2, 3, 4), (25, 1, 2, 1)])
def test_gradients_match_finite_differences(shape):
    params, xs, h0 = make_rnn_problem(*shape, seed=1)
    R = np.random.default_rng(2).standard_normal((shape[0], shape[1], shape[3]))

    def loss(xs=xs, h0=h0, params=params):
        return float((R * rnn_forward(xs, h0, params)[0]).sum())

    _, cache = rnn_forward(xs, h0, params)
    dxs, dh0, grads = rnn_backward(R, cache)
    assert relative_error(dxs, numerical_gradient(lambda a: loss(xs=a), xs, eps=EPS)) < GRAD_TOL
    assert relative_error(dh0, numerical_gradient(lambda a: loss(h0=a), h0, eps=EPS)) < GRAD_TOL
    num_W = numerical_gradient(
        lambda a: loss(params=RNNParams(W_h=a, b_h=params.b_h)), params.W_h, eps=EPS
    )
    num_b = numerical_gradient(
        lambda a: loss(params=RNNParams(W_h=params.W_h, b_h=a)), params.b_h, eps=EPS
    )
    assert relative_error(grads.W_h, num_W) < GRAD_TOL
    assert relative_error(grads.b_h, num_b) < GRAD_TOL


def test_sequence_equals_loop_of_steps():
    params, xs, h0 = make_rnn_problem(30, 3, 2, 5, seed=3)
    dhs = np.random.default_rng(4).standard_normal((30, 3, 5))
    hs, cache = rnn_forward(xs, h0, params)
    dxs, dh0, grads = rnn_backward(dhs, cache)
    h, caches = h0, []
    for t, x_t in enumerate(xs):
        h, c = rnn_step_forward(x_t, h, params)
        np.testing.assert_allclose(h, hs[t], rtol=1e-13, atol=1e-15)
        caches.append(c)
    dh, dW, db = np.zeros_like(h0), 0.0, 0.0
    for t in reversed(range(30)):
        dx, dh, g = rnn_step_backward(dhs[t] + dh, caches[t])
        np.testing.assert_allclose(dx, dxs[t], rtol=1e-12, atol=1e-14)
        dW, db = dW + g.W_h, db + g.b_h
    np.testing.assert_allclose(dh, dh0, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads.W_h, dW, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(grads.b_h, db, rtol=1e-12, atol=1e-13)


def test_hidden_state_gradients_agree_with_backward():
    params, xs, h0 = make_rnn_problem(10, 2, 3, 4, seed=5)
    dhs = np.random.default_rng(6).standard_normal((10, 2, 4))
    _, cache = rnn_forward(xs, h0, params)
    all_dh = rnn_hidden_state_gradients(dhs, cache)
    assert all_dh.shape == (11, 2, 4)
    np.testing.assert_array_equal(all_dh[0], rnn_backward(dhs, cache)[1])
    np.testing.assert_array_equal(all_dh[-1], dhs[-1])


def test_spectral_radius_sets_every_singular_value():
    params = RNNParams.init(3, 6, spectral_radius=0.7, seed=0)
    np.testing.assert_allclose(np.linalg.svd(params.W_hh, compute_uv=False), 0.7, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_in_is_dtype_out(dtype):
    params, xs, h0 = make_rnn_problem(4, 2, 3, 5, seed=7, dtype=dtype)
    hs, cache = rnn_forward(xs, h0, params)
    dxs, dh0, grads = rnn_backward(np.ones_like(hs), cache)
    h, step = rnn_step_forward(xs[0], h0, params)
    dx, dh, g = rnn_step_backward(h, step)
    for a in [hs, dxs, dh0, grads.W_h, grads.b_h, h, dx, dh, g.W_h]:
        assert a.dtype == dtype


def test_inputs_are_not_modified(rnn_problem):
    params, xs, h0 = rnn_problem
    arrays = [xs, h0, params.W_h, params.b_h]
    before = [a.copy() for a in arrays]
    hs, cache = rnn_forward(xs, h0, params)
    dhs = np.ones_like(hs)
    rnn_backward(dhs, cache)
    rnn_hidden_state_gradients(dhs, cache)
    for a, b in zip(arrays, before, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(dhs, 1.0)
