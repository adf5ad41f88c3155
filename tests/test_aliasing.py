"""A cache does not share memory with the caller's arrays (issue 14, item 7).

After a forward pass, editing the parameters, the returned states or the input buffer
in place must not change the following backward pass; and the cache itself is
read-only, so editing what it holds is an error, not a silently wrong gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_lstm_problem, make_rnn_problem

from lstm_lib import (
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)


def _assert_same(a, b):
    for x, y in zip(a, b, strict=True):
        if hasattr(x, "arrays"):
            for k, v in x.arrays().items():
                np.testing.assert_array_equal(v, y.arrays()[k])
        else:
            np.testing.assert_array_equal(x, y)


def _edit_everything(arrays):
    for a in arrays:
        a += 0.5


def test_lstm_sequence_cache_is_independent_of_the_caller():
    params, xs, h0, c0 = make_lstm_problem(T=6, B=2, D=3, H=4)
    dhs = np.random.default_rng(1).standard_normal((6, 2, 4))
    expected = lstm_backward(dhs, lstm_forward(xs, h0, c0, params)[2])
    _hs, _cs, cache = lstm_forward(xs, h0, c0, params)
    _edit_everything([xs, h0, c0, *params.arrays().values()])
    _assert_same(lstm_backward(dhs, cache), expected)


def test_lstm_step_cache_is_independent_of_the_caller():
    params, xs, h0, c0 = make_lstm_problem(T=1, B=2, D=3, H=4)
    x = xs[0].copy()
    dh = np.random.default_rng(1).standard_normal((2, 4))
    expected = lstm_step_backward(dh, dh, lstm_step_forward(x, h0, c0, params)[2])
    h_t, c_t, cache = lstm_step_forward(x, h0, c0, params)
    _edit_everything([x, h0, c0, h_t, c_t, *params.arrays().values()])
    _assert_same(lstm_step_backward(dh, dh, cache), expected)


def test_rnn_caches_are_independent_of_the_caller():
    params, xs, h0 = make_rnn_problem(T=6, B=2, D=3, H=4)
    dhs = np.random.default_rng(1).standard_normal((6, 2, 4))
    expected = rnn_backward(dhs, rnn_forward(xs, h0, params)[1])
    _hs, cache = rnn_forward(xs, h0, params)
    x0, dh = xs[0].copy(), dhs[0]
    expected_step = rnn_step_backward(dh, rnn_step_forward(x0, h0, params)[1])
    h_t, step_cache = rnn_step_forward(x0, h0, params)
    _edit_everything([xs, h0, x0, h_t, *params.arrays().values()])
    _assert_same(rnn_backward(dhs, cache), expected)
    _assert_same(rnn_step_backward(dh, step_cache), expected_step)


def test_caches_are_read_only():
    params, xs, h0, c0 = make_lstm_problem(T=3, B=2, D=3, H=4)
    _hs, _cs, cache = lstm_forward(xs, h0, c0, params)
    for name in ("xs", "h0", "c0", "hs", "cs", "tanh_cs", "gates"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(cache, name)[...] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        cache.f_t[0] = 0.0  # the gate views too
    with pytest.raises(ValueError, match="read-only"):
        cache.params.W_f[0, 0] = 0.0
    _h, _c, step = lstm_step_forward(xs[0], h0, c0, params)
    with pytest.raises(ValueError, match="read-only"):
        step.f_t[0] = 0.0


def test_returned_states_are_shared_read_only():
    """hs and cs are the cache's own arrays (no copy at this cost): editing them is loud."""
    params, xs, h0, c0 = make_lstm_problem(T=3, B=2, D=3, H=4)
    hs, cs, _cache = lstm_forward(xs, h0, c0, params)
    for array in (hs, cs, rnn_forward(xs, h0, make_rnn_problem(3, 2, 3, 4)[0])[0]):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0
    assert params.W_f.flags.writeable  # the caller's parameters stay writable (optimisers)
