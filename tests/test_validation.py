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
    with raises(ValueError, "x_t, h_prev: expected both unbatched ((D,) and (H,)) or both batched"):
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
    with raises(ValueError, "xs: expected shape (T, B, D) = (T, B, 4) with T >= 1, got (0, 3, 4)"):
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
        "h0: expected dtype float64 (the dtype of params), got float32 with shape (3, 6)",
    ):
        lstm_forward(arrays(T, B, D), arrays(B, H, dtype=np.float32), arrays(B, H), p)
    with raises(TypeError, "x_t: expected dtype float64 (the dtype of params), got float32"):
        lstm_step_forward(arrays(B, D, dtype=np.float32), arrays(B, H), arrays(B, H), p)
    with raises(
        TypeError, "b_i: expected dtype float64 (the dtype of the other fields), got float32"
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


# --------------------------------------------------------------------- the cases of issue 14


def test_the_field_that_differs_is_named():
    good = LSTMParams.init(D, H, seed=0).arrays()
    with raises(ValueError, "W_f: expected shape (H, H+D) = (6, 10), got (5, 10)"):
        LSTMParams(**{**good, "W_f": np.zeros((5, 10))})
    with raises(TypeError, "W_f: expected dtype float64 (the dtype of the other fields)"):
        LSTMParams(**{**good, "W_f": good["W_f"].astype(np.float32)})
    # Two fields that disagree: neither is the majority, both are named.
    with raises(ValueError, "W_h, b_h: expected one H for every field, got 7 and 6"):
        RNNParams(W_h=np.zeros((7, 10)), b_h=np.zeros(6))
    with raises(ValueError, "W_f: expected shape (H, H+D) with H >= 1, got (0, 4)"):
        LSTMParams(**{k: np.zeros((0, 4) if k[0] == "W" else 0) for k in good})


def test_from_torch_names_its_own_arguments():
    weight_ih, weight_hh, bias_ih, bias_hh = LSTMParams.init(D, H, seed=0).to_torch()
    bad = weight_ih.copy()
    bad[0, 0] = np.nan
    with raises(ValueError, "weight_ih: expected finite values, got 1 non-finite"):
        LSTMParams.from_torch(bad, weight_hh, bias_ih, bias_hh)
    with raises(ValueError, "bias_hh: expected finite values"):
        LSTMParams.from_torch(weight_ih, weight_hh, bias_ih, bias_hh + np.inf)
    with raises(ValueError, "weight_ih: expected shape (4H, D) = (24, D) with D >= 1, got (24, 0)"):
        LSTMParams.from_torch(weight_ih[:, :0], weight_hh, bias_ih, bias_hh)


@pytest.mark.parametrize(
    ("kwargs", "kind", "message"),
    [
        ({"forget_bias": None}, TypeError, "forget_bias: expected a real number, got NoneType"),
        ({"forget_bias": "2"}, TypeError, "forget_bias: expected a real number, got str '2'"),
        ({"forget_bias": 1j}, TypeError, "forget_bias: expected a real number, got complex"),
        ({"forget_bias": np.ones(2)}, TypeError, "forget_bias: expected a real number, got nd"),
        ({"seed": -1}, ValueError, "seed: expected None or an int >= 0, got -1"),
        ({"seed": 2.7}, TypeError, "seed: expected None or an int >= 0, got float 2.7"),
        ({"seed": 1.5}, TypeError, "seed: expected None or an int >= 0, got float 1.5"),
        ({"dtype": "bogus"}, TypeError, "dtype: expected float32 or float64, got str 'bogus'"),
        ({"dtype": None}, TypeError, "dtype: expected float32 or float64, got NoneType"),
    ],
)
def test_scalar_arguments(kwargs, kind, message):
    with raises(kind, message):
        LSTMParams.init(D, H, **kwargs)


def test_positive_int_is_one_rule():
    with raises(TypeError, "hidden_size: expected a positive int, got float 2.0"):
        RNNParams.init(D, 2.0)
    with raises(ValueError, "hidden_size: expected a positive int, got 0"):
        RNNParams.init(D, 0)


def test_sigmoid_and_tanh_check_their_input():
    from lstm_lib import sigmoid, tanh

    with raises(TypeError, "a: expected dtype float32 or float64, got int64"):
        sigmoid(np.arange(3))
    with raises(TypeError, "a: expected dtype float32 or float64, got int64"):
        tanh(np.arange(3))
    with raises(ValueError, "out: expected shape"):
        sigmoid(np.zeros(3), out=np.zeros(2))


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix itself
@pytest.mark.parametrize("wrap", ["masked", "matrix"])
def test_masked_arrays_and_matrices_are_refused(p, wrap):
    x = np.zeros((B, D))
    x = np.ma.masked_array(x) if wrap == "masked" else np.asmatrix(x)
    with raises(
        TypeError, f"x_t: expected a numpy.ndarray of float32 or float64, got {type(x).__name__}"
    ):
        lstm_step_forward(x, arrays(B, H), arrays(B, H), p)


def test_relative_error_edge_cases():
    from lstm_lib import relative_error

    with raises(ValueError, "floor: expected a finite positive number, got 0"):
        relative_error(np.zeros(2), np.zeros(2), floor=0)
    assert relative_error(np.full(3, 1e200), np.full(3, 1e200) * (1 + 1e-6)) == pytest.approx(
        1e-6, rel=1e-5
    )
    with raises(TypeError, "analytic: expected dtype float32 or float64, got complex128"):
        relative_error(np.ones(2) * 1j, np.zeros(2))
    with raises(ValueError, "numeric: expected finite values"):
        relative_error(np.zeros(2), np.array([0.0, np.nan]))


def test_zero_sizes_are_one_rule(p):
    """B = 0 was accepted by the step functions and refused by the sequence functions."""
    with raises(ValueError, "x_t: expected shape (B, D) = (B, 4) with B >= 1, got (0, 4)"):
        lstm_step_forward(arrays(0, D), arrays(0, H), arrays(0, H), p)
    with raises(ValueError, "xs: expected shape (T, B, D) = (T, B, 4) with B >= 1, got (5, 0, 4)"):
        lstm_forward(arrays(T, 0, D), arrays(0, H), arrays(0, H), p)
    with raises(ValueError, "x_t: expected shape (B, D) = (B, 4) with B >= 1, got (0, 4)"):
        rnn_step_forward(arrays(0, D), arrays(0, H), RNNParams.init(D, H, seed=0))


def test_batch_mismatch_names_both_arguments(p):
    with raises(
        ValueError, "h0: expected shape (B, H) = (3, 6), got (4, 6) (B from xs, H from params)"
    ):
        lstm_forward(arrays(T, B, D), arrays(4, H), arrays(B, H), p)
    with raises(
        ValueError, "h_prev: expected shape (B, H) = (3, 6), got (3, 5) (B from x_t, H from params)"
    ):
        lstm_step_forward(arrays(B, D), arrays(B, 5), arrays(B, H), p)
