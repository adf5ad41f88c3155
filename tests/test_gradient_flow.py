"""gradient_flow.gradient_norms: the numbers behind the slider behave as the chapter says."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lstm_lib import (
    LSTMParams,
    RNNParams,
    cell_state_draws,
    gradient_norm_draws,
    gradient_norms,
    lstm_backward,
    lstm_cell_state_gradients,
    lstm_forward,
    non_normal_draws,
    non_normal_matrix,
    numerical_gradient,
    power_norms,
    relative_error,
    rnn_backward,
    rnn_forward,
    rnn_gradient_norms,
    rnn_hidden_state_gradients,
    rnn_tanh_derivative_draws,
    spread,
)
from lstm_lib.gradient_flow import TINY, _lstm_gradients, _setup, _setup_draws
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


def test_seed_0_at_the_default_frame_the_lstm_sits_between_the_two_rnns():
    """b_f = +1, draw 0 only (regression numbers; the chapter's claims are over 20 draws,
    below): far above the RNN initialised like it, below the orthogonal RNN, at x_1."""
    r = gradient_norms(1.0)
    assert r.lstm_input[99] == pytest.approx(5.14e-9, rel=1e-2)
    assert r.rnn_input[99] == pytest.approx(6.79e-30, rel=1e-2)
    assert r.rnn_orthogonal_input[99] == pytest.approx(1.82e-8, rel=1e-2)
    assert (
        r.rnn_input[99] < 1e-20 * r.lstm_input[99] < r.lstm_input[99] < r.rnn_orthogonal_input[99]
    )
    # in this draw, b_f = 2 puts the LSTM far ahead of both
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


def test_seed_0_full_gradient_is_never_far_below_the_direct_path():
    """Draw 0 only: over the slider's grid the full gradient is at least 0.7 of the direct
    path at every k, and up to thousands of times above it (other draws: below)."""
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


# ------------------------------------------------------------------ many draws at once


def test_draw_j_of_the_batch_is_gradient_norms_with_seed_plus_j():
    """The batched pass over N draws gives every draw's numbers as the one-draw call does."""
    d = gradient_norm_draws(1.5, draws=4, seed=3, steps=40, hidden_size=6, input_size=3)
    assert d.draws == 4 and d.seeds.tolist() == [3, 4, 5, 6]
    assert d.lstm.shape == (4, 41) and d.lstm_input.shape == (4, 40)
    assert d.mean_forget_gate.shape == (4,)
    for j in range(4):
        one = gradient_norms(1.5, seed=3 + j, steps=40, hidden_size=6, input_size=3)
        mine = d.draw(j)
        for name in (*CURVES, "lstm_hidden", "tanh_derivative"):
            np.testing.assert_allclose(getattr(mine, name), getattr(one, name), rtol=1e-12)
        for name in ("mean_forget_gate", "cell_gradient_T", "saturated_T"):
            assert getattr(mine, name) == pytest.approx(getattr(one, name), rel=1e-12)
    with pytest.raises(ValueError, match="j: expected 0 <= j < 4, got 4"):
        d.draw(4)


def _lstm_tail_loss(params, xs, v, t, h, c):
    """L = v·h_T for the sequence from step t + 1 on, started from (h_t, C_t) = (h, c)."""
    hs, _cs, _ = lstm_forward(xs[t:], h[None], c[None], params)
    return float(hs[-1, 0] @ v)


def test_batched_gradients_match_finite_differences_float64():
    """Draw 1 of a batch of 3 against central differences of L = v·h_T in float64:
    ∂L/∂h_t with C_t held (``lstm_hidden``, new), the total ∂L/∂C_t (h_t = o_t * tanh(C_t)
    follows C_t; at t = 0 both states are free) and ∂L/∂x_t. Relative error below 1e-7."""
    steps, H, D, seed, bias = 12, 5, 3, 7, 0.5
    setting = (steps, H, D, 1.0, 1.0)
    fixed = _setup_draws((seed, seed + 1, seed + 2), *setting)
    b = fixed["b"].copy()
    b[:, :H] = bias
    run = _lstm_gradients(fixed["xs"], fixed["W"], b, fixed["v"])
    xs, params, v, _ = _setup(seed + 1, *setting)
    params = params.copy()
    params.b_f[:] = bias
    v = v[0]
    zeros = np.zeros((1, H))
    hs, cs, cache = lstm_forward(xs, zeros, zeros, params)
    errors = []
    for t in (0, 4, 11):  # the state after t steps; t = 0 is (h_0, C_0) = 0
        h_t = hs[t - 1, 0] if t else np.zeros(H)
        c_t = cs[t - 1, 0] if t else np.zeros(H)
        o_t = cache.o_t[t - 1, 0] if t else None

        def of_h(h, t=t, c=c_t):
            return _lstm_tail_loss(params, xs, v, t, h, c)

        def of_c(c, t=t, h=h_t, o=o_t):
            return _lstm_tail_loss(params, xs, v, t, h if o is None else o * np.tanh(c), c)

        errors.append(relative_error(run["dhs"][t, 1], numerical_gradient(of_h, h_t)))
        errors.append(relative_error(run["dcs"][t, 1], numerical_gradient(of_c, c_t)))

    def of_inputs(x):
        out, _, _ = lstm_forward(x[:, None], zeros, zeros, params)
        return float(out[-1, 0] @ v)

    errors.append(relative_error(run["dxs"][1], numerical_gradient(of_inputs, xs[:, 0])))
    assert max(errors) < 1e-7, errors
    # and the public field is the norm of that gradient (‖∂L/∂h_T‖ = ‖v‖ = 1)
    d = gradient_norm_draws(bias, draws=3, seed=seed, steps=steps, hidden_size=H, input_size=D)
    np.testing.assert_allclose(
        d.lstm_hidden[1], np.linalg.norm(run["dhs"][::-1, 1], axis=1), rtol=1e-12
    )


def test_lstm_hidden_is_the_gradient_lstm_backward_delivers_to_h0():
    """At k = T, lstm_hidden is ‖dh0‖ of lstm_backward (the gradient at the initial state)."""
    d = gradient_norms(2.0, steps=25, hidden_size=4, input_size=2, seed=9)
    xs_seed, lstm_seed, _, loss_seed = np.random.SeedSequence(9).spawn(4)
    xs = np.random.default_rng(xs_seed).standard_normal((25, 1, 2))
    params = LSTMParams.init(2, 4, forget_bias=2.0, rng=np.random.default_rng(lstm_seed))
    v = np.random.default_rng(loss_seed).standard_normal((1, 4))
    dhs = np.zeros((25, 1, 4))
    dhs[-1] = v / np.linalg.norm(v)
    zeros = np.zeros((1, 4))
    _, _, cache = lstm_forward(xs, zeros, zeros, params)
    _dxs, dh0, _dc0, _grads = lstm_backward(dhs, cache)
    assert d.lstm_hidden[-1] == pytest.approx(np.linalg.norm(dh0), rel=1e-12)
    assert d.lstm_hidden[0] == 1.0


def test_spread_takes_quantiles_of_the_logarithms():
    values = 10.0 ** np.arange(20.0)  # 1, 10, ..., 1e19
    s = spread(values)
    assert s.median == pytest.approx(10**9.5, rel=1e-12)  # geometric mean of the middle two
    assert s.low == pytest.approx(10**1.9, rel=1e-12) and s.high == pytest.approx(10**17.1)
    curves = spread(np.stack([values, 10 * values]), axis=0)
    np.testing.assert_allclose(curves.median, np.sqrt(10) * values, rtol=1e-12)
    assert spread(np.array([0.0, 0.0, 1.0])).median == TINY  # underflowed zeros count as TINY


def test_the_issue_numbers_over_twenty_draws():
    """Issue 23's re-run, b_f = +1, x_1: LSTM / orthogonal RNN has median 0.42, range
    0.036-130, the LSTM ahead in 7 of 20 draws; LSTM / same-init RNN from 4e14 to 8e22."""
    d = gradient_norm_draws(1.0)
    orthogonal = d.lstm_input[:, 99] / d.rnn_orthogonal_input[:, 99]
    assert spread(orthogonal).median == pytest.approx(0.42, abs=0.01)
    assert orthogonal.min() == pytest.approx(0.036, abs=0.001)
    assert orthogonal.max() == pytest.approx(130, rel=0.01)
    assert np.sum(orthogonal > 1) == 7
    same = d.lstm_input[:, 99] / d.rnn_input[:, 99]
    assert 3e14 < same.min() < 5e14 and 7e22 < same.max() < 9e22
    np.testing.assert_array_equal(d.lstm_input[0], gradient_norms(1.0).lstm_input)


def test_the_lstm_overtakes_the_orthogonal_rnn_near_bias_one_in_every_draw():
    """The Predict-first answer: per draw, the smallest b_f on a 0.05 grid from which the
    LSTM stays ahead of the orthogonal RNN at x_1 lies between 0.75 and 1.25."""
    scan = np.round(np.arange(0.0, 2.0001, 0.05), 2)
    runs = [gradient_norm_draws(b) for b in scan]
    ahead = np.array([r.lstm_input[:, -1] > r.rnn_orthogonal_input[:, -1] for r in runs])
    stays = np.array([ahead[i:].all(axis=0) for i in range(len(scan))])
    assert stays[-1].all() and not stays[0].any()
    crossover = scan[stays.argmax(axis=0)]
    assert 0.75 <= crossover.min() and crossover.max() <= 1.25
    assert 0.95 <= np.median(crossover) <= 1.15


def test_full_gradient_below_the_direct_path_differs_between_draws():
    """Over the slider's grid, the smallest full / direct ratio is one number per draw:
    about 0.5 to 1.0, not the single 0.76 of seed 0; and up to thousands of times above."""
    lows, highs = [], []
    for b in DEFAULT_BIASES:
        d = gradient_norm_draws(b)
        normal = d.direct_path > 1e-300
        ratio = np.where(normal, d.lstm / np.where(normal, d.direct_path, 1.0), np.nan)
        lows.append(np.nanmin(ratio, axis=1))
        highs.append(np.nanmax(ratio, axis=1))
    smallest = np.min(lows, axis=0)  # per draw
    assert smallest.shape == (20,)
    assert 0.45 < smallest.min() < 0.6 and 0.95 < smallest.max() <= 1.0
    assert smallest.max() / smallest.min() > 1.5  # the draws differ
    assert np.min(np.max(highs, axis=0)) > 1e3  # every draw: far above somewhere


@pytest.mark.parametrize("hidden_size", [2, 15, 32, 64])
def test_non_normal_matrix_has_computed_radius_rho_and_a_larger_singular_value(hidden_size):
    for seed in range(3):
        W = non_normal_matrix(hidden_size, 0.9, seed=seed)
        # the stored matrix, not only the exact one: its computed spectral radius is ρ
        assert np.abs(np.linalg.eigvals(W)).max() == pytest.approx(0.9, abs=1e-12)
        assert np.trace(W) == pytest.approx(0.9 * (hidden_size - hidden_size // 2 * 0.1))
        assert not np.allclose(W @ W.T, W.T @ W)  # not normal
        # s_max is that of one block [[0.9, 2], [0, 0.81]], whatever the rotation Q
        block = np.array([[0.9, 2.0], [0.0, 0.81]])
        assert np.linalg.svdvals(W)[0] == pytest.approx(np.linalg.svdvals(block)[0], rel=1e-12)
    assert np.linalg.svdvals(non_normal_matrix(32, 0.9, coupling=1.0, seed=0))[0] < 1.6
    with pytest.raises(ValueError, match="radius"):
        non_normal_matrix(4, -1.0, seed=0)


def test_power_norms_are_the_largest_singular_values_of_the_powers():
    W = non_normal_matrix(6, 0.9, seed=1)
    norms = power_norms(W, 12)
    assert norms.shape == (13,) and norms[0] == pytest.approx(1.0)
    for k in (1, 5, 12):
        expected = np.linalg.svdvals(np.linalg.matrix_power(W, k))[0]
        assert norms[k] == pytest.approx(expected, rel=1e-12)
    Q = RNNParams.init(1, 5, spectral_radius=0.8, seed=0).W_hh  # 0.8 · orthogonal
    np.testing.assert_allclose(power_norms(Q, 10), 0.8 ** np.arange(11), rtol=1e-12)
    with pytest.raises(ValueError, match="W_hh"):
        power_norms(np.zeros((3, 4)), 5)


def test_non_normal_linear_rnn_grows_for_a_few_steps_then_vanishes():
    """ρ = 0.9, s_max = 2.32: the powers peak at 5.6 (k = 7), then fall like ρ^k."""
    norms = power_norms(non_normal_matrix(32, 0.9, seed=0), 1000)
    assert np.argmax(norms) == 7 and 5.5 < norms.max() < 5.7
    assert norms[100] < 1e-3 and norms[1000] < 1e-44


def test_non_normal_tanh_rnn_grows_without_bound_although_rho_is_below_one():
    """The products of diag(1 - h²) · W_hh are not powers of W_hh: with ρ = 0.9 the tanh
    RNN's gradient keeps growing, above 10⁴ at k = 1000 in every draw, by about 2 % a step;
    after 100 steps it is above 1 in 19 of 20 draws at H = 32, 1 at H = 16, 20 at H = 64."""
    long = non_normal_draws(0.9, steps=1000)
    assert long.shape == (20, 1001)
    assert np.all(long[:, 1000] > 1e4)
    rate = (long[:, 1000] / long[:, 500]) ** (1 / 500)
    assert np.all(rate > 1.0) and 1.015 < np.median(rate) < 1.03
    counts = {H: np.sum(non_normal_draws(0.9, hidden_size=H)[:, 100] > 1) for H in (16, 32, 64)}
    assert counts == {16: 1, 32: 19, 64: 20}
    mine = rnn_gradient_norms(non_normal_matrix(32, 0.9, seed=3), seed=3)
    np.testing.assert_array_equal(non_normal_draws(0.9, draws=1, seed=3)[0], mine)


def test_rnn_tanh_derivatives_are_those_of_the_orthogonal_rnn_of_the_draws():
    d = rnn_tanh_derivative_draws(draws=2, steps=12, hidden_size=5, input_size=3, seed=4,
                                  rnn_spectral_radius=1.5, input_scale=2.0)  # fmt: skip
    assert d.shape == (2, 12, 5) and np.all((d > 0) & (d <= 1))
    for j in range(2):
        xs_seed, _lstm_seed, rnn_seed, _loss_seed = np.random.SeedSequence(4 + j).spawn(4)
        xs = 2.0 * np.random.default_rng(xs_seed).standard_normal((12, 1, 3))
        params = RNNParams.init(3, 5, spectral_radius=1.5, rng=np.random.default_rng(rnn_seed))
        hs, _ = rnn_forward(xs, np.zeros((1, 5)), params)
        np.testing.assert_array_equal(d[j], 1 - hs[:, 0] ** 2)
    # the same draws as gradient_norm_draws' rnn curve: one backward step by hand
    r = gradient_norm_draws(0.0, draws=1, steps=12, hidden_size=5, input_size=3, seed=4,
                            rnn_spectral_radius=1.5, input_scale=2.0)  # fmt: skip
    rnn_seed = np.random.SeedSequence(4).spawn(4)[2]
    W_hh = RNNParams.init(3, 5, spectral_radius=1.5, rng=np.random.default_rng(rnn_seed)).W_hh
    v = np.random.default_rng(np.random.SeedSequence(4).spawn(4)[3]).standard_normal(5)
    v /= np.linalg.norm(v)
    one_back = W_hh.T @ (d[0, -1] * v)  # (∂h_T/∂h_(T-1))ᵀ · v
    assert np.linalg.norm(one_back) == pytest.approx(r.rnn[0, 1], rel=1e-12)


def test_rnn_gradient_norms_reproduce_the_orthogonal_rnn_of_gradient_norms():
    """Given the same W_hh, rnn_gradient_norms is gradient_norms' rnn curve."""
    steps, H, D, seed = 30, 6, 3, 2
    _xs, _rnn_seed = None, np.random.SeedSequence(seed).spawn(4)[2]
    W_hh = RNNParams.init(D, H, spectral_radius=0.8, rng=np.random.default_rng(_rnn_seed)).W_hh
    mine = rnn_gradient_norms(W_hh, steps=steps, input_size=D, seed=seed)
    r = gradient_norms(1.0, steps=steps, hidden_size=H, input_size=D, seed=seed,
                       rnn_spectral_radius=0.8)  # fmt: skip
    np.testing.assert_allclose(mine, r.rnn, rtol=1e-12)
    with pytest.raises(ValueError, match="W_hh"):
        rnn_gradient_norms(np.zeros((3, 4)))


def test_cell_state_draws_are_the_forward_pass_of_the_draws():
    cs = cell_state_draws(3.0, draws=2, steps=15, hidden_size=4, input_size=2, seed=5)
    assert cs.shape == (2, 16, 4) and np.all(cs[:, 0] == 0)
    for j in range(2):
        xs_seed, lstm_seed, _, _ = np.random.SeedSequence(5 + j).spawn(4)
        xs = np.random.default_rng(xs_seed).standard_normal((15, 1, 2))
        params = LSTMParams.init(2, 4, forget_bias=3.0, rng=np.random.default_rng(lstm_seed))
        zeros = np.zeros((1, 4))
        _, expected, _ = lstm_forward(xs, zeros, zeros, params)
        np.testing.assert_allclose(cs[j, 1:], expected[:, 0], rtol=1e-12, atol=1e-15)


def test_large_bias_drifts_the_cell_state_over_a_long_sequence():
    """T = 1000, 20 draws: b_f = 8 saturates most units in every draw; b_f = 1 none."""
    saturated = {
        b: np.mean(np.abs(np.tanh(cell_state_draws(b)[:, -1])) > 0.99, axis=1) for b in (1.0, 8.0)
    }
    assert saturated[1.0].max() == 0.0
    assert saturated[8.0].min() > 0.5


def test_chapter_3_claims_at_large_bias_over_twenty_draws():
    """b_f = 8: the normalised full gradient ends above 1 in every draw, mostly because
    ‖∂L/∂C_T‖ is small, but the raw ‖∂L/∂C_0‖ also exceeds ‖∂L/∂h_T‖ = 1 in 17 of 20
    draws (not along the direct path, which only shrinks); at T = 100 the median share of
    saturated units first reaches a quarter at b_f = 3.5 on the slider's grid."""
    eight = gradient_norm_draws(8.0)
    assert np.all(eight.lstm[:, 100] > 1) and np.all(eight.direct_path[:, 1:] < 1)
    raw_start = eight.lstm[:, 100] * eight.cell_gradient_T
    assert np.sum(raw_start > 1) == 17
    # in the log, the small denominator weighs more than the raw growth
    assert np.median(-np.log(eight.cell_gradient_T)) > np.median(np.log(raw_start))
    shares = [np.median(gradient_norm_draws(b).saturated_T) for b in DEFAULT_BIASES]
    first = DEFAULT_BIASES[next(i for i, s in enumerate(shares) if s >= 0.25)]
    assert first == 3.5
    # the full gradient at k = 100 first rises above 1 between b_f = 2.25 and 3.75
    above = np.array([gradient_norm_draws(b).lstm[:, 100] > 1 for b in DEFAULT_BIASES])
    firsts = np.array(DEFAULT_BIASES)[above.argmax(axis=0)]
    assert above.any(axis=0).all() and (firsts.min(), firsts.max()) == (2.25, 3.75)
