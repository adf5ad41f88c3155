"""The LSTM cell: reference values, gradient checks, step/sequence and batch agreement.

Tolerances
----------
* Gradient checks (float64, central differences with step eps = 1e-5): norm-wise
  relative error < 1e-7 for every parameter, ``dxs``, ``dh0``, ``dc0``. The central
  difference has a truncation error of order eps² (times a third derivative) and a
  round-off error of order u·|L|/eps (u ≈ 1.1e-16); eps = 1e-5 is near the optimum
  eps ~ u^(1/3) and keeps both around 1e-10 of the gradient's scale. Measured worst
  cases over the shapes below: 8e-9 for W_o at T = B = D = H = 1 (there ‖∂L/∂W_o‖ is
  only 2e-5 of the loss's scale, so round-off weighs most), at most 2e-9 for every
  other quantity. A real mistake (a missing term, a swapped gate) lands near 1.
* Fast sequence path vs the step-by-step reference: 1e-12 relative (the same
  arithmetic in a different order, only round-off differs).
* Forward vs an independent scalar implementation with ``math``: 1e-12.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import EPS, GRAD_TOL, make_lstm_problem

from lstm_lib import (
    LSTMParams,
    lstm_backward,
    lstm_backward_reference,
    lstm_cell_state_gradients,
    lstm_forward,
    lstm_forward_reference,
    lstm_step_backward,
    lstm_step_forward,
    numerical_gradient,
    relative_error,
)

SHAPES = [  # (T, B, D, H): tiny, each size 1 in turn, and long sequences
    (1, 1, 1, 1),
    (3, 2, 3, 4),
    (20, 1, 1, 3),
    (20, 2, 3, 1),
    (25, 3, 2, 2),
]


# ----------------------------------------------------------------- an independent oracle


def scalar_lstm(xs, h0, c0, params):
    """The seed's equations with Python floats and ``math``, one unit at a time.

    Written independently of lstm_lib: concatenation [h_{t-1}, x_t] with h first,
    σ(a) = 1 / (1 + e^{-a}), gates f, i, C̃, o from W_f, W_i, W_C, W_o.
    """
    T, B, D = xs.shape
    H = h0.shape[1]
    hs = np.zeros((T, B, H))
    cs = np.zeros((T, B, H))

    def sigma(a):
        return 1.0 / (1.0 + math.exp(-a))

    for b in range(B):
        h, c = list(h0[b]), list(c0[b])
        for t in range(T):
            z = h + list(xs[t, b])

            def pre(W, bias, j, z=z):
                return sum(W[j, k] * z[k] for k in range(H + D)) + bias[j]

            new_h, new_c = [], []
            for j in range(H):
                f = sigma(pre(params.W_f, params.b_f, j))
                i = sigma(pre(params.W_i, params.b_i, j))
                C_tilde = math.tanh(pre(params.W_C, params.b_C, j))
                o = sigma(pre(params.W_o, params.b_o, j))
                c_j = f * c[j] + i * C_tilde
                new_c.append(c_j)
                new_h.append(o * math.tanh(c_j))
            h, c = new_h, new_c
            hs[t, b], cs[t, b] = h, c
    return hs, cs


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (4, 2, 3, 5)])
def test_forward_matches_scalar_equations(shape):
    params, xs, h0, c0 = make_lstm_problem(*shape, seed=1)
    hs, cs, _ = lstm_forward(xs, h0, c0, params)
    hs_ref, cs_ref = scalar_lstm(xs, h0, c0, params)
    np.testing.assert_allclose(hs, hs_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cs, cs_ref, rtol=1e-12, atol=1e-14)


def test_hand_computed_step():
    """H = D = 1 with round numbers, worked out on paper from the equations."""
    one = np.ones((1, 2))
    params = LSTMParams(
        W_f=0.0 * one, W_i=0.0 * one, W_C=np.array([[0.0, 1.0]]), W_o=0.0 * one,
        b_f=np.array([math.log(3.0)]),  # σ(ln 3) = 3/4
        b_i=np.array([0.0]),  # σ(0) = 1/2
        b_C=np.array([0.0]),
        b_o=np.array([-math.log(3.0)]),  # σ(-ln 3) = 1/4
    )  # fmt: skip
    x_t, h_prev, c_prev = np.array([[0.5]]), np.array([[0.0]]), np.array([[2.0]])
    h_t, c_t, cache = lstm_step_forward(x_t, h_prev, c_prev, params)
    # C_t = 3/4 * 2 + 1/2 * tanh(0.5);  h_t = 1/4 * tanh(C_t)
    expected_c = 0.75 * 2.0 + 0.5 * math.tanh(0.5)
    assert c_t[0, 0] == pytest.approx(expected_c, rel=1e-15)
    assert h_t[0, 0] == pytest.approx(0.25 * math.tanh(expected_c), rel=1e-15)
    assert cache.f_t[0, 0] == pytest.approx(0.75, rel=1e-15)
    assert cache.o_t[0, 0] == pytest.approx(0.25, rel=1e-15)


def test_gates_do_what_the_chapter_says():
    """Forget gate closed wipes C; input gate closed writes nothing; output gate closed hides C."""
    params, xs, h0, c0 = make_lstm_problem(1, 2, 3, 4, seed=2)
    x_t = xs[0]

    def with_bias(**biases):
        fields = params.arrays()
        fields.update({k: np.full(4, v) for k, v in biases.items()})
        fields.update({"W" + k[1:]: np.zeros_like(params.W_f) for k in biases})
        return LSTMParams(**fields)

    _, c_t, cache = lstm_step_forward(x_t, h0, c0, with_bias(b_f=-50.0))
    np.testing.assert_allclose(c_t, cache.i_t * cache.C_tilde, atol=1e-20)  # memory wiped
    _, c_t, _ = lstm_step_forward(x_t, h0, c0, with_bias(b_f=50.0, b_i=-50.0))
    np.testing.assert_allclose(c_t, c0, atol=1e-20)  # nothing written, all kept
    h_t, c_t, _ = lstm_step_forward(x_t, h0, c0, with_bias(b_o=-50.0))
    assert np.abs(h_t).max() < 1e-20 and np.abs(c_t).min() > 1e-3  # hidden, not lost


# ----------------------------------------------------------------- gradient checks


def loss_and_upstream(hs, c_T, seed=7):
    """L = Σ R_h * hs + Σ R_c * C_T with fixed random R: every output matters."""
    rng = np.random.default_rng(seed)
    R_h = rng.standard_normal(hs.shape)
    R_c = rng.standard_normal(c_T.shape)
    return float((R_h * hs).sum() + (R_c * c_T).sum()), R_h, R_c


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "T{}-B{}-D{}-H{}".format(*s))
def test_sequence_gradients_match_finite_differences(shape):
    params, xs, h0, c0 = make_lstm_problem(*shape, seed=3)
    hs, cs, cache = lstm_forward(xs, h0, c0, params)
    _, R_h, R_c = loss_and_upstream(hs, cs[-1])
    dxs, dh0, dc0, grads = lstm_backward(R_h, cache, dc_last=R_c)

    def loss(xs=xs, h0=h0, c0=c0, params=params):
        hs, cs, _ = lstm_forward(xs, h0, c0, params)
        return loss_and_upstream(hs, cs[-1])[0]

    errors = {
        "dxs": relative_error(dxs, numerical_gradient(lambda a: loss(xs=a), xs, eps=EPS)),
        "dh0": relative_error(dh0, numerical_gradient(lambda a: loss(h0=a), h0, eps=EPS)),
        "dc0": relative_error(dc0, numerical_gradient(lambda a: loss(c0=a), c0, eps=EPS)),
    }
    fields = params.arrays()
    for name, array in fields.items():

        def loss_of_field(a, name=name):
            return loss(params=LSTMParams(**{**fields, name: a}))

        numeric = numerical_gradient(loss_of_field, array, eps=EPS)
        errors[name] = relative_error(getattr(grads, name), numeric)
    worst = max(errors, key=errors.get)
    assert errors[worst] < GRAD_TOL, errors


def test_step_gradients_match_finite_differences():
    params, xs, h0, c0 = make_lstm_problem(1, 3, 2, 4, seed=4)
    x_t = xs[0]
    rng = np.random.default_rng(5)
    dh_t, dc_t = rng.standard_normal((2, 3, 4))

    def loss(x_t=x_t, h_prev=h0, c_prev=c0, params=params):
        h_t, c_t, _ = lstm_step_forward(x_t, h_prev, c_prev, params)
        return float((dh_t * h_t).sum() + (dc_t * c_t).sum())

    _, _, cache = lstm_step_forward(x_t, h0, c0, params)
    dx_t, dh_prev, dc_prev, grads = lstm_step_backward(dh_t, dc_t, cache)
    assert relative_error(dx_t, numerical_gradient(lambda a: loss(x_t=a), x_t, eps=EPS)) < GRAD_TOL
    assert (
        relative_error(dh_prev, numerical_gradient(lambda a: loss(h_prev=a), h0, eps=EPS))
        < GRAD_TOL
    )
    assert (
        relative_error(dc_prev, numerical_gradient(lambda a: loss(c_prev=a), c0, eps=EPS))
        < GRAD_TOL
    )
    fields = params.arrays()
    for name, array in fields.items():
        numeric = numerical_gradient(
            lambda a, name=name: loss(params=LSTMParams(**{**fields, name: a})), array, eps=EPS
        )
        assert relative_error(getattr(grads, name), numeric) < GRAD_TOL, name


# ----------------------------------------------------------------- fast path == reference


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (30, 4, 3, 5)])
def test_sequence_equals_loop_of_steps(shape):
    params, xs, h0, c0 = make_lstm_problem(*shape, seed=6)
    rng = np.random.default_rng(8)
    dhs = rng.standard_normal((shape[0], shape[1], shape[3]))
    dc_last = rng.standard_normal(h0.shape)
    hs, cs, cache = lstm_forward(xs, h0, c0, params)
    dxs, dh0, dc0, grads = lstm_backward(dhs, cache, dc_last)
    hs_r, cs_r, step_caches = lstm_forward_reference(xs, h0, c0, params)
    dxs_r, dh0_r, dc0_r, grads_r = lstm_backward_reference(dhs, step_caches, dc_last)
    for got, want in [(hs, hs_r), (cs, cs_r), (dxs, dxs_r), (dh0, dh0_r), (dc0, dc0_r)]:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)
    for name in params.arrays():
        np.testing.assert_allclose(
            getattr(grads, name), getattr(grads_r, name), rtol=1e-12, atol=1e-13
        )


def test_batch_equals_rows_one_at_a_time():
    params, xs, h0, c0 = make_lstm_problem(12, 4, 3, 5, seed=9)
    dhs = np.random.default_rng(10).standard_normal((12, 4, 5))
    hs, _cs, cache = lstm_forward(xs, h0, c0, params)
    dxs, _dh0, dc0, grads = lstm_backward(dhs, cache)
    grad_sum = {k: 0.0 for k in params.arrays()}
    for b in range(4):
        rows = slice(b, b + 1)
        hs_b, _cs_b, cache_b = lstm_forward(xs[:, rows], h0[rows], c0[rows], params)
        dxs_b, _dh0_b, dc0_b, grads_b = lstm_backward(dhs[:, rows], cache_b)
        np.testing.assert_allclose(hs_b, hs[:, rows], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(dxs_b, dxs[:, rows], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dc0_b, dc0[rows], rtol=1e-12, atol=1e-14)
        for k in grad_sum:
            grad_sum[k] = grad_sum[k] + getattr(grads_b, k)
    for k, v in grad_sum.items():
        np.testing.assert_allclose(getattr(grads, k), v, rtol=1e-12, atol=1e-13)


def test_unbatched_step_equals_batch_of_one():
    params, xs, h0, c0 = make_lstm_problem(1, 1, 3, 4, seed=11)
    h_b, _c_b, cache_b = lstm_step_forward(xs[0], h0, c0, params)
    h_u, c_u, cache_u = lstm_step_forward(xs[0, 0], h0[0], c0[0], params)
    assert h_u.shape == (4,) and c_u.shape == (4,)
    np.testing.assert_array_equal(h_u, h_b[0])
    dh, dc = np.ones(4), np.full(4, 0.5)
    out_b = lstm_step_backward(dh[None], dc[None], cache_b)
    out_u = lstm_step_backward(dh, dc, cache_u)
    for u, b in zip(out_u[:3], out_b[:3], strict=True):
        assert u.shape == b.shape[1:]
        np.testing.assert_array_equal(u, b[0])


def test_cell_state_gradients_agree_with_backward():
    params, xs, h0, c0 = make_lstm_problem(15, 2, 3, 4, seed=12)
    dhs = np.random.default_rng(13).standard_normal((15, 2, 4))
    _, _, cache = lstm_forward(xs, h0, c0, params)
    dcs = lstm_cell_state_gradients(dhs, cache)
    _, _, dc0, _ = lstm_backward(dhs, cache)
    assert dcs.shape == (16, 2, 4)
    np.testing.assert_array_equal(dcs[0], dc0)
    # ∂L/∂C_T is the last step's output gradient through h_T = o_T * tanh(C_T).
    np.testing.assert_allclose(dcs[-1], dhs[-1] * cache.o_t[-1] * (1 - cache.tanh_cs[-1] ** 2))
    # ∂L/∂C_5 in total: what a backward pass over the last 10 steps hands to C_5
    # directly (dc0), plus what reaches h_5 = o_5 * tanh(C_5) (dh0 and the loss's dhs[4]).
    tail = lstm_forward(xs[5:], cache.hs[4], cache.cs[4], params)[2]
    _, dh5, dc5, _ = lstm_backward(dhs[5:], tail)
    via_h5 = (dh5 + dhs[4]) * cache.o_t[4] * (1 - cache.tanh_cs[4] ** 2)
    np.testing.assert_allclose(dc5 + via_h5, dcs[5], rtol=1e-12)


def test_cache_exposes_gates(lstm_problem):
    params, xs, h0, c0 = lstm_problem
    _, cs, cache = lstm_forward(xs, h0, c0, params)
    c_prev = cache.c_prevs
    np.testing.assert_allclose(cs, cache.f_t * c_prev + cache.i_t * cache.C_tilde, rtol=1e-14)
    _, _, step = lstm_step_forward(xs[0], h0, c0, params)
    for name, seq in [
        ("f_t", cache.f_t),
        ("i_t", cache.i_t),
        ("o_t", cache.o_t),
        ("C_tilde", cache.C_tilde),
    ]:
        np.testing.assert_allclose(getattr(step, name), seq[0], rtol=1e-14)


def test_inputs_are_not_modified(lstm_problem):
    params, xs, h0, c0 = lstm_problem
    arrays = [xs, h0, c0, *params.arrays().values()]
    before = [a.copy() for a in arrays]
    dhs = np.ones((5, 3, 6))
    dc_last = np.ones((3, 6))
    _hs, _cs, cache = lstm_forward(xs, h0, c0, params)
    lstm_backward(dhs, cache, dc_last)
    lstm_cell_state_gradients(dhs, cache, dc_last)
    _h, _c, step = lstm_step_forward(xs[0], h0, c0, params)
    lstm_step_backward(dhs[0], dc_last, step)
    for a, b in zip(
        [*arrays, dhs, dc_last], [*before, np.ones((5, 3, 6)), np.ones((3, 6))], strict=True
    ):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_in_is_dtype_out(dtype):
    params, xs, h0, c0 = make_lstm_problem(4, 2, 3, 5, seed=14, dtype=dtype)
    hs, cs, cache = lstm_forward(xs, h0, c0, params)
    dxs, dh0, dc0, grads = lstm_backward(np.ones_like(hs), cache, np.ones_like(h0))
    h, c, step = lstm_step_forward(xs[0], h0, c0, params)
    dx, dh, dc, g = lstm_step_backward(h, c, step)
    outputs = [
        hs,
        cs,
        dxs,
        dh0,
        dc0,
        h,
        c,
        dx,
        dh,
        dc,
        *grads.arrays().values(),
        *g.arrays().values(),
    ]
    assert {a.dtype for a in outputs} == {np.dtype(dtype)}
    assert lstm_cell_state_gradients(np.ones_like(hs), cache).dtype == dtype


def test_float32_agrees_with_float64():
    p64, xs, h0, c0 = make_lstm_problem(20, 2, 3, 5, seed=15)
    hs64, _, _ = lstm_forward(xs, h0, c0, p64)
    hs32, _, _ = lstm_forward(
        xs.astype(np.float32), h0.astype(np.float32), c0.astype(np.float32), p64.astype(np.float32)
    )
    np.testing.assert_allclose(hs32, hs64, atol=1e-5)
