"""gradient_flow.gradient_norms: the numbers behind the slider behave as the chapter says."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lstm_lib import (
    LSTMParams,
    RNNParams,
    gradient_norms,
    lstm_cell_state_gradients,
    lstm_forward,
    rnn_forward,
    rnn_hidden_state_gradients,
)


def test_shapes_and_normalisation():
    r = gradient_norms(1.0, steps=40)
    for curve in (r.lstm, r.direct_path, r.rnn):
        assert curve.shape == (41,) and curve.dtype == np.float64
        assert curve[0] == 1.0
    np.testing.assert_array_equal(r.k, np.arange(41))
    assert r.forget_bias == 1.0


def test_same_seed_same_numbers_other_seed_other_numbers():
    a, b = gradient_norms(1.5, seed=3), gradient_norms(1.5, seed=3)
    for name in ("lstm", "direct_path", "rnn"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = gradient_norms(1.5, seed=4)
    assert not np.allclose(a.lstm, c.lstm)


def test_results_do_not_share_state():
    r = gradient_norms(1.0)
    r.rnn[:] = 0.0
    assert gradient_norms(1.0).rnn[5] > 0.0


def test_large_forget_bias_keeps_the_gradient_while_the_rnn_loses_it():
    r = gradient_norms(5.0, rnn_spectral_radius=0.9)
    assert 0.1 < r.lstm[-1] < 10.0
    assert 0.1 < r.direct_path[-1] <= 1.0
    assert r.rnn[-1] < 1e-6


def test_forget_bias_orders_the_direct_path():
    """Bias 0: σ ≈ 0.5 and ∏ f vanishes; larger biases keep it longer; monotone in the bias."""
    ends = [gradient_norms(b).direct_path[-1] for b in (0.0, 1.0, 2.0, 4.0, 8.0)]
    assert ends[0] < 1e-25
    assert all(x < y for x, y in itertools.pairwise(ends))
    assert ends[-1] > 0.9
    assert gradient_norms(-4.0).direct_path[10] < 1e-15


def test_mean_forget_gate_tracks_sigmoid_of_bias():
    assert gradient_norms(0.0).mean_forget_gate == pytest.approx(0.5, abs=0.05)
    assert gradient_norms(8.0).mean_forget_gate > 0.999


def test_direct_path_is_the_product_of_forget_gates_by_hand():
    """Rebuild the set-up documented in the docstring and multiply f_T, f_{T-1}, ... by hand."""
    steps, H, D, seed, bias = 30, 5, 3, 11, 1.5
    r = gradient_norms(bias, steps=steps, hidden_size=H, input_size=D, seed=seed)
    xs_seed, lstm_seed, rnn_seed, loss_seed = np.random.SeedSequence(seed).spawn(4)
    xs = np.random.default_rng(xs_seed).standard_normal((steps, 1, D))
    params = LSTMParams.init(D, H, forget_bias=bias, rng=np.random.default_rng(lstm_seed))
    v = np.random.default_rng(loss_seed).standard_normal((1, H))
    v /= np.linalg.norm(v)
    zeros = np.zeros((1, H))
    _, _, cache = lstm_forward(xs, zeros, zeros, params)
    dhs = np.zeros((steps, 1, H))
    dhs[-1] = v
    dcs = lstm_cell_state_gradients(dhs, cache)
    g_T = dcs[-1, 0]
    for k in (0, 1, 7, steps):
        product = np.ones(H)
        for t in range(steps, steps - k, -1):  # f_T * f_{T-1} * ... * f_{T-k+1}
            product = product * cache.f[t - 1, 0]
        expected = np.linalg.norm(product * g_T) / np.linalg.norm(g_T)
        assert r.direct_path[k] == pytest.approx(expected, rel=1e-12)
        assert r.lstm[k] == pytest.approx(
            np.linalg.norm(dcs[steps - k, 0]) / np.linalg.norm(g_T), rel=1e-12
        )
    rnn_params = RNNParams.init(D, H, spectral_radius=1.0, rng=np.random.default_rng(rnn_seed))
    _, rnn_cache = rnn_forward(xs, zeros, rnn_params)
    dh = rnn_hidden_state_gradients(dhs, rnn_cache)
    assert r.rnn[steps] == pytest.approx(np.linalg.norm(dh[0, 0]), rel=1e-12)


def test_full_gradient_is_not_just_the_direct_path():
    """The paths through h_{t-1} into the gates add gradient: full ≠ ∏ f."""
    r = gradient_norms(2.0)
    assert r.lstm[-1] > 100 * r.direct_path[-1]


def test_rnn_explodes_for_large_spectral_radius():
    assert gradient_norms(1.0, rnn_spectral_radius=1.5).rnn[-1] > 10.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"forget_bias": float("inf")}, "forget_bias: expected a finite number, got inf"),
        ({"forget_bias": 1.0, "steps": 0}, "steps: expected a positive int, got 0"),
        ({"forget_bias": 1.0, "hidden_size": 2.5}, "hidden_size: expected a positive int, got 2.5"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gradient_norms(**kwargs)
