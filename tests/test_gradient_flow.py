"""gradient_flow.gradient_norms: the numbers behind the slider behave as the chapter says."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lstm_lib import (
    LSTMParams,
    RNNParams,
    gradient_norms,
    lstm_backward,
    lstm_cell_state_gradients,
    lstm_forward,
    rnn_backward,
    rnn_forward,
    rnn_hidden_state_gradients,
)
from lstm_lib.widgets import DEFAULT_BIASES

CURVES = ("lstm", "direct_path", "rnn", "lstm_input", "rnn_input", "rnn_orthogonal_input")


def test_shapes_and_normalisation():
    r = gradient_norms(1.0, steps=40)
    for curve in (r.lstm, r.direct_path, r.rnn, r.tanh_derivative):
        assert curve.shape == (41,) and curve.dtype == np.float64
    for curve in (r.lstm_input, r.rnn_input, r.rnn_orthogonal_input):
        assert curve.shape == (40,) and curve.dtype == np.float64  # inputs x_40 .. x_1
    for name in CURVES:
        assert getattr(r, name)[0] == 1.0, name
    np.testing.assert_array_equal(r.k, np.arange(41))
    np.testing.assert_array_equal(r.k_input, np.arange(40))
    assert r.forget_bias == 1.0
    assert r.tanh_derivative[-1] == 1.0  # C_0 = 0


def test_same_seed_same_numbers_other_seed_other_numbers():
    a, b = gradient_norms(1.5, seed=3), gradient_norms(1.5, seed=3)
    for name in (*CURVES, "tanh_derivative"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = gradient_norms(1.5, seed=4)
    assert not np.allclose(a.lstm, c.lstm)
    assert not np.allclose(a.lstm_input, c.lstm_input)


def test_results_do_not_share_state():
    r = gradient_norms(1.0)
    r.rnn[:] = 0.0
    r.rnn_input[:] = 0.0
    assert gradient_norms(1.0).rnn[5] > 0.0
    assert gradient_norms(1.0).rnn_input[5] > 0.0


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
            product = product * cache.f_t[t - 1, 0]
        expected = np.linalg.norm(product * g_T) / np.linalg.norm(g_T)
        assert r.direct_path[k] == pytest.approx(expected, rel=1e-12)
        assert r.lstm[k] == pytest.approx(
            np.linalg.norm(dcs[steps - k, 0]) / np.linalg.norm(g_T), rel=1e-12
        )
    # ∂L/∂x_{T-k} from lstm_backward, divided by its value at x_T
    dxs, _, _, _ = lstm_backward(dhs, cache)
    x_norms = np.linalg.norm(dxs[::-1, 0], axis=1)
    np.testing.assert_allclose(r.lstm_input, x_norms / x_norms[0], rtol=1e-12)
    assert r.cell_gradient_T == pytest.approx(np.linalg.norm(g_T), rel=1e-12)
    tanh_prime = 1 - np.tanh(cache.cs[::-1, 0]) ** 2
    np.testing.assert_allclose(r.tanh_derivative[:steps], tanh_prime.mean(axis=1), rtol=1e-12)
    assert r.saturated_T == np.mean(np.abs(np.tanh(cache.cs[-1, 0])) > 0.99)
    # the orthogonal RNN (W_hh = ρQ) and the one initialised like the LSTM: the same W_xh
    orthogonal = RNNParams.init(D, H, spectral_radius=1.0, rng=np.random.default_rng(rnn_seed))
    same_init = RNNParams.init(D, H, rng=np.random.default_rng(rnn_seed))
    np.testing.assert_array_equal(orthogonal.W_xh, same_init.W_xh)
    assert np.abs(same_init.W_hh).max() <= 1 / np.sqrt(H)  # U(-1/√H, 1/√H)
    _, rnn_cache = rnn_forward(xs, zeros, orthogonal)
    dh = rnn_hidden_state_gradients(dhs, rnn_cache)
    assert r.rnn[steps] == pytest.approx(np.linalg.norm(dh[0, 0]), rel=1e-12)
    for params, curve in ((orthogonal, r.rnn_orthogonal_input), (same_init, r.rnn_input)):
        _, rnn_cache = rnn_forward(xs, zeros, params)
        dxs, _, _ = rnn_backward(dhs, rnn_cache)
        x_norms = np.linalg.norm(dxs[::-1, 0], axis=1)
        np.testing.assert_allclose(curve, x_norms / x_norms[0], rtol=1e-12)


@pytest.mark.parametrize("bias", [-6.0, 0.0, 1.0, 4.0, 8.0])
def test_fast_path_equals_lstm_backward_over_the_slider_range(bias):
    """gradient_norms runs its own B = 1 forward/backward: the same numbers as lstm_lib's."""
    steps, H, D = 60, 6, 4
    r = gradient_norms(bias, steps=steps, hidden_size=H, input_size=D, seed=5)
    xs_seed, lstm_seed, _rnn_seed, loss_seed = np.random.SeedSequence(5).spawn(4)
    xs = np.random.default_rng(xs_seed).standard_normal((steps, 1, D))
    params = LSTMParams.init(D, H, forget_bias=bias, rng=np.random.default_rng(lstm_seed))
    v = np.random.default_rng(loss_seed).standard_normal((1, H))
    dhs = np.zeros((steps, 1, H))
    dhs[-1] = v / np.linalg.norm(v)
    zeros = np.zeros((1, H))
    _, _, cache = lstm_forward(xs, zeros, zeros, params)
    dcs = np.linalg.norm(lstm_cell_state_gradients(dhs, cache)[::-1, 0], axis=1)
    dxs = np.linalg.norm(lstm_backward(dhs, cache)[0][::-1, 0], axis=1)
    tiny = 1e-300  # at b_f = -6 the far end underflows: compare where numbers are normal
    keep = dcs > tiny
    np.testing.assert_allclose(r.lstm[keep], (dcs / dcs[0])[keep], rtol=1e-9)
    np.testing.assert_allclose(r.lstm_input[dxs > tiny], (dxs / dxs[0])[dxs > tiny], rtol=1e-9)
    assert r.mean_forget_gate == pytest.approx(cache.f_t.mean(), rel=1e-12)


def test_default_frame_the_lstm_sits_between_the_two_rnns():
    """b_f = +1, what the chapter says: far above the RNN initialised like it, below the
    orthogonal RNN; at the first input x_1 (k = 99)."""
    r = gradient_norms(1.0)
    assert r.lstm_input[99] == pytest.approx(5.14e-9, rel=1e-2)
    assert r.rnn_input[99] == pytest.approx(6.79e-30, rel=1e-2)
    assert r.rnn_orthogonal_input[99] == pytest.approx(1.82e-8, rel=1e-2)
    assert (
        r.rnn_input[99] < 1e-20 * r.lstm_input[99] < r.lstm_input[99] < r.rnn_orthogonal_input[99]
    )
    # from b_f = 2 on the LSTM is ahead of both
    two = gradient_norms(2.0)
    assert two.lstm_input[99] > 1e5 * two.rnn_orthogonal_input[99]


def test_the_rise_at_large_bias_is_the_saturated_last_cell_state():
    """b_f = 8: ∂L/∂C_T is small because tanh(C_T) saturates; going back, tanh'(C_t) rises."""
    eight, two = gradient_norms(8.0), gradient_norms(2.0)
    assert eight.saturated_T == 25 / 32 and two.saturated_T == 0.0
    assert eight.cell_gradient_T == pytest.approx(0.134, abs=1e-3)
    assert two.cell_gradient_T == pytest.approx(0.475, abs=1e-3)
    assert eight.tanh_derivative[0] < 0.1 < 0.8 < two.tanh_derivative[0]
    assert eight.tanh_derivative[90:].min() > 0.5 and eight.tanh_derivative[-1] == 1.0
    assert eight.lstm[-1] == pytest.approx(11.5, abs=0.05)
    # the raw gradient at C_0 is larger than at C_T: the normalised curve rises above 1
    assert eight.lstm[-1] * eight.cell_gradient_T > 10 * eight.cell_gradient_T


def test_full_gradient_is_never_far_below_the_direct_path():
    """Over the slider's grid the full gradient is at least 0.7 of the direct path at every
    k, and up to thousands of times above it."""
    runs = [gradient_norms(b) for b in DEFAULT_BIASES]
    ok = [r.lstm[r.direct_path > 1e-300] / r.direct_path[r.direct_path > 1e-300] for r in runs]
    smallest = min(x.min() for x in ok)
    assert 0.7 < smallest < 0.8
    assert max(x.max() for x in ok) > 1e3


def test_input_scale_orthogonal_rnn_keeps_its_gradient_with_small_inputs():
    """ρ = 1 decays only because N(0, 1) inputs saturate tanh: with inputs × 0.01 it keeps it."""
    assert gradient_norms(1.0, input_scale=0.01).rnn[100] > 0.9
    assert gradient_norms(1.0).rnn[100] < 1e-7
    # saturation also stops an explosion: ρ = 1.5 with inputs × 5 vanishes
    assert gradient_norms(1.0, rnn_spectral_radius=1.5, input_scale=5.0).rnn[100] < 1e-9


def test_full_gradient_is_not_just_the_direct_path():
    """The paths through h_{t-1} into the gates add gradient: full ≠ ∏ f."""
    r = gradient_norms(2.0)
    assert r.lstm[-1] > 100 * r.direct_path[-1]


def test_rnn_explodes_for_large_spectral_radius():
    assert gradient_norms(1.0, rnn_spectral_radius=1.5).rnn[-1] > 10.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"forget_bias": float("inf")},
            ValueError,
            "forget_bias: expected a finite number",
        ),
        ({"forget_bias": 1.0, "steps": 0}, ValueError, "steps: expected a positive int, got 0"),
        (
            {"forget_bias": 1.0, "hidden_size": 2.5},
            TypeError,
            "hidden_size: expected a positive int",
        ),
        ({"forget_bias": 1.0, "seed": None}, TypeError, "seed: expected an int >= 0"),
        (
            {"forget_bias": 1.0, "input_scale": 0.0},
            ValueError,
            "input_scale: expected a finite positive number, got 0.0",
        ),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        gradient_norms(**kwargs)
