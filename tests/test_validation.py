"""Bad input gets a clear error naming the argument, the expected and the actual shape."""

from __future__ import annotations

import re

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
    rnn_step_backward,
    rnn_step_forward,
)

T, B, D, H = 5, 3, 4, 6


@pytest.fixture
def p():
    return LSTMParams.init(D, H, seed=0)


def arrays(*shape, dtype=np.float64):
    return np.zeros(shape, dtype)


def raises(kind, message):
    return pytest.raises(kind, match=re.escape(message))


# --------------------------------------------------------------------- shapes


def test_step_shapes(p):
    with raises(ValueError, "x_t: expected shape (B, D) = (B, 4), got (3, 5)"):
        lstm_step_forward(arrays(B, 5), arrays(B, H), arrays(B, H), p)
    with raises(ValueError, "h_prev: expected shape (B, H) = (3, 6), got (2, 6)"):
        lstm_step_forward(arrays(B, D), arrays(2, H), arrays(B, H), p)
    with raises(ValueError, "c_prev: expected shape (B, H) = (3, 6), got (3, 7)"):
        lstm_step_forward(arrays(B, D), arrays(B, H), arrays(B, 7), p)
    with raises(ValueError, "h_prev: expected shape (H,) = (6,), got (3, 6)"):
        lstm_step_forward(arrays(D), arrays(B, H), arrays(B, H), p)
    with raises(ValueError, "x_t: expected shape (B, D) = (B, 4), got (1, 3, 4)"):
        lstm_step_forward(arrays(1, B, D), arrays(B, H), arrays(B, H), p)


def test_sequence_shapes(p):
    with raises(ValueError, "xs: expected shape (T, B, D) = (T, B, 4), got (5, 3)"):
        lstm_forward(arrays(T, B), arrays(B, H), arrays(B, H), p)
    with raises(ValueError, "xs: expected shape (T, B, D) = (T, B, 4), got (5, 3, 2)"):
        lstm_forward(arrays(T, B, 2), arrays(B, H), arrays(B, H), p)
    with raises(ValueError, "h0: expected shape (B, H) = (3, 6), got (4, 6)"):
        lstm_forward(arrays(T, B, D), arrays(4, H), arrays(B, H), p)
    with raises(ValueError, "c0: expected shape (B, H) = (3, 6), got (6,)"):
        lstm_forward(arrays(T, B, D), arrays(B, H), arrays(H), p)
    with raises(ValueError, "xs: expected shape (T, B, D) with T >= 1 and B >= 1, got (0, 3, 4)"):
        lstm_forward(arrays(0, B, D), arrays(B, H), arrays(B, H), p)


def test_backward_shapes(p):
    _hs, _cs, cache = lstm_forward(arrays(T, B, D), arrays(B, H), arrays(B, H), p)
    with raises(ValueError, "dhs: expected shape (T, B, H) = (5, 3, 6), got (4, 3, 6)"):
        lstm_backward(arrays(4, B, H), cache)
    with raises(ValueError, "dc_last: expected shape (B, H) = (3, 6), got (3, 5)"):
        lstm_backward(arrays(T, B, H), cache, arrays(B, 5))
    with raises(ValueError, "dhs: expected shape (T, B, H) = (5, 3, 6), got (5, 3)"):
        lstm_cell_state_gradients(arrays(T, B), cache)
    _, _, step = lstm_step_forward(arrays(B, D), arrays(B, H), arrays(B, H), p)
    with raises(ValueError, "dc_t: expected shape (B, H) = (3, 6), got (6,)"):
        lstm_step_backward(arrays(B, H), arrays(H), step)


def test_params_shapes():
    good = LSTMParams.init(D, H, seed=0).arrays()
    with raises(ValueError, "W_C: expected shape (H, H+D) = (6, 10), got (6, 9)"):
        LSTMParams(**{**good, "W_C": np.zeros((H, 9))})
    with raises(ValueError, "b_o: expected shape (H,) = (6,), got (5,)"):
        LSTMParams(**{**good, "b_o": np.zeros(5)})
    with raises(ValueError, "W_f: expected shape (H, H+D) with D >= 1, got (6, 6)"):
        LSTMParams(**{**good, "W_f": np.zeros((H, H))})
    with raises(ValueError, "W_h: expected shape (H, H+D) with D >= 1, got (10, 6)"):
        RNNParams(W_h=np.zeros((H + D, H)), b_h=np.zeros(H))


def test_mismatched_sizes_between_params_and_inputs():
    small = LSTMParams.init(D, 2, seed=0)
    with raises(ValueError, "h0: expected shape (B, H) = (3, 2), got (3, 6)"):
        lstm_forward(arrays(T, B, D), arrays(B, H), arrays(B, H), small)
    r = RNNParams.init(D, H, seed=0)
    with raises(ValueError, "x_t: expected shape (B, D) = (B, 4), got (3, 2)"):
        rnn_step_forward(arrays(B, 2), arrays(B, H), r)


# --------------------------------------------------------------------- dtypes and kinds


def test_dtypes(p):
    with raises(TypeError, "xs: expected dtype float32 or float64, got int64 with shape (5, 3, 4)"):
        lstm_forward(np.zeros((T, B, D), np.int64), arrays(B, H), arrays(B, H), p)
    with raises(
        TypeError,
        "h0: expected dtype float64 (the dtype of the other arrays), got float32 with shape (3, 6)",
    ):
        lstm_forward(arrays(T, B, D), arrays(B, H, dtype=np.float32), arrays(B, H), p)
    with raises(
        TypeError, "x_t: expected dtype float64 (the dtype of the other arrays), got float32"
    ):
        lstm_step_forward(arrays(B, D, dtype=np.float32), arrays(B, H), arrays(B, H), p)
    with raises(
        TypeError, "b_i: expected dtype float64 (the dtype of the other arrays), got float32"
    ):
        LSTMParams(**{**p.arrays(), "b_i": np.zeros(H, np.float32)})
    with raises(TypeError, "xs: expected dtype float32 or float64, got complex128"):
        lstm_forward(np.zeros((T, B, D), complex), arrays(B, H), arrays(B, H), p)
    with raises(TypeError, "x_t: expected dtype float32 or float64, got <U1"):
        lstm_step_forward(np.array(["a"]), arrays(H), arrays(H), p)


def test_wrong_params_type(p):
    r = RNNParams.init(D, H, seed=0)
    with raises(TypeError, "params: expected LSTMParams, got RNNParams"):
        lstm_forward(arrays(T, B, D), arrays(B, H), arrays(B, H), r)
    with raises(TypeError, "params: expected RNNParams, got LSTMParams"):
        rnn_forward(arrays(T, B, D), arrays(B, H), p)
    with raises(TypeError, "params: expected LSTMParams, got dict"):
        lstm_step_forward(arrays(B, D), arrays(B, H), arrays(B, H), p.arrays())


def test_cache_from_the_wrong_function(p):
    xs, h0 = arrays(T, B, D), arrays(B, H)
    _, _, seq_cache = lstm_forward(xs, h0, h0, p)
    _, _, step_cache = lstm_step_forward(xs[0], h0, h0, p)
    r = RNNParams.init(D, H, seed=0)
    _, rnn_cache = rnn_forward(xs, h0, r)
    _, rnn_step_cache = rnn_step_forward(xs[0], h0, r)
    with raises(
        TypeError, "cache: expected the LSTMCache returned by lstm_forward, got LSTMStepCache"
    ):
        lstm_backward(arrays(T, B, H), step_cache)
    with raises(
        TypeError, "cache: expected the LSTMStepCache returned by lstm_step_forward, got LSTMCache"
    ):
        lstm_step_backward(h0, h0, seq_cache)
    with raises(TypeError, "cache: expected the LSTMCache returned by lstm_forward, got RNNCache"):
        lstm_backward(arrays(T, B, H), rnn_cache)
    with raises(TypeError, "cache: expected the RNNCache returned by rnn_forward, got LSTMCache"):
        rnn_backward(arrays(T, B, H), seq_cache)
    with raises(
        TypeError, "cache: expected the RNNStepCache returned by rnn_step_forward, got tuple"
    ):
        rnn_step_backward(h0, (1, 2))
    with raises(
        TypeError, "cache: expected the LSTMCache returned by lstm_forward, got RNNStepCache"
    ):
        lstm_cell_state_gradients(arrays(T, B, H), rnn_step_cache)


# --------------------------------------------------------------------- non-finite values


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(p, bad):
    xs = arrays(T, B, D)
    xs[2, 1, 0] = bad
    with raises(
        ValueError,
        "xs: expected finite values, got 1 non-finite (NaN or inf) in an array of shape (5, 3, 4)",
    ):
        lstm_forward(xs, arrays(B, H), arrays(B, H), p)
    c_prev = arrays(B, H)
    c_prev[0] = bad
    with raises(ValueError, "c_prev: expected finite values, got 6 non-finite"):
        lstm_step_forward(arrays(B, D), arrays(B, H), c_prev, p)
    with raises(ValueError, "W_o: expected finite values, got 1 non-finite"):
        W_o = p.W_o.copy()
        W_o[0, 0] = bad
        LSTMParams(**{**p.arrays(), "W_o": W_o})
    _, _, cache = lstm_forward(arrays(T, B, D), arrays(B, H), arrays(B, H), p)
    dhs = arrays(T, B, H)
    dhs[-1, 0, 0] = bad
    with raises(ValueError, "dhs: expected finite values, got 1 non-finite"):
        lstm_backward(dhs, cache)
    rnn_h0 = arrays(B, H)
    rnn_h0[1, 1] = bad
    with raises(ValueError, "h0: expected finite values, got 1 non-finite"):
        rnn_forward(arrays(T, B, D), rnn_h0, RNNParams.init(D, H, seed=0))


def test_lists_are_accepted_as_float_data(p):
    h_t, _c_t, _ = lstm_step_forward([0.0] * D, [0.0] * H, [1.0] * H, p)
    assert h_t.shape == (H,) and h_t.dtype == np.float64
