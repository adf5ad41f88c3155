"""Readout, loss, the adding problem and the training loop of chapter 4.

Gradient checks use the tolerances of ``conftest`` (central differences, float64,
norm-wise relative error below 1e-7; reasoning in ``test_lstm.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import EPS, GRAD_TOL

from lstm_lib import (
    ADDING_BASELINE_MSE,
    Network,
    ReadoutParams,
    adding_problem,
    init_network,
    input_gradient_norms,
    loss_and_gradients,
    mse_loss,
    numerical_gradient,
    predict,
    readout_backward,
    readout_forward,
    relative_error,
    train,
)

# ----------------------------------------------------------------- readout and loss


def test_readout_and_mse_values():
    params = ReadoutParams(W_y=np.array([[1.0, -2.0]]), b_y=np.array([0.5]))
    h_T = np.array([[1.0, 1.0], [0.0, 0.5]])
    y_hat, _ = readout_forward(h_T, params)
    np.testing.assert_array_equal(y_hat, [[-0.5], [-0.5]])
    loss, dy = mse_loss(y_hat, np.array([[0.5], [-1.0]]))
    assert loss == 0.625  # ((−1)² + 0.5²) / 2
    np.testing.assert_array_equal(dy, [[-1.0], [0.5]])  # 2 (ŷ − y) / (B·P)


def test_readout_and_mse_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    params = ReadoutParams(W_y=rng.standard_normal((2, 5)), b_y=rng.standard_normal(2))
    h_T, y = rng.standard_normal((3, 5)), rng.standard_normal((3, 2))

    def loss_of(W_y=params.W_y, b_y=params.b_y, h=h_T):
        return mse_loss(readout_forward(h, ReadoutParams(W_y=W_y, b_y=b_y))[0], y)[0]

    y_hat, cache = readout_forward(h_T, params)
    _, dy = mse_loss(y_hat, y)
    dh, grads = readout_backward(dy, cache)
    checks = {
        "W_y": (grads.W_y, numerical_gradient(lambda W: loss_of(W_y=W), params.W_y, eps=EPS)),
        "b_y": (grads.b_y, numerical_gradient(lambda b: loss_of(b_y=b), params.b_y, eps=EPS)),
        "h_T": (dh, numerical_gradient(lambda h: loss_of(h=h), h_T, eps=EPS)),
    }
    for name, (analytic, numeric) in checks.items():
        assert relative_error(analytic, numeric) < GRAD_TOL, name


def test_readout_and_loss_reject_bad_input():
    params = ReadoutParams.init(4, seed=0)
    with pytest.raises(ValueError, match=r"h_T: expected shape \(B, H\) = \(B, 4\), got \(2, 3\)"):
        readout_forward(np.zeros((2, 3)), params)
    with pytest.raises(TypeError, match="h_T: expected dtype float64"):
        readout_forward(np.zeros((2, 4), np.float32), params)
    with pytest.raises(ValueError, match=r"y: expected shape \(B, P\) = \(2, 1\), got \(2,\)"):
        mse_loss(np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="y_hat: expected finite values"):
        mse_loss(np.full((2, 1), np.nan), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"b_y: expected shape \(P,\) = \(2,\), got \(1,\)"):
        ReadoutParams(W_y=np.zeros((2, 3)), b_y=np.zeros(1))


# ----------------------------------------------------------------- the adding problem


def test_adding_problem_has_one_marker_in_each_half_and_the_right_target():
    T, B = 9, 500
    xs, y = adding_problem(T, B, seed=3)
    assert xs.shape == (T, B, 2) and y.shape == (B, 1)
    markers = xs[:, :, 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers[: T // 2].sum(axis=0), 1)  # t < T/2
    np.testing.assert_array_equal(markers[T // 2 :].sum(axis=0), 1)
    np.testing.assert_allclose(y[:, 0], (xs[:, :, 0] * markers).sum(axis=0), rtol=1e-15)
    assert 0 <= xs[:, :, 0].min() and xs[:, :, 0].max() < 1


def test_adding_problem_baseline_is_one_sixth():
    _, y = adding_problem(50, 200_000, seed=0)
    # Var(u1 + u2) = 1/6; the standard error of the mean of (y − 1)² is about 4e-4.
    assert abs(np.mean((y - 1.0) ** 2) - ADDING_BASELINE_MSE) < 2e-3


def test_adding_problem_is_reproducible_and_checks_its_arguments():
    a, b = adding_problem(10, 4, seed=1), adding_problem(10, 4, seed=1)
    np.testing.assert_array_equal(a[0], b[0])
    assert adding_problem(10, 4, seed=1, dtype="float32")[0].dtype == np.float32
    with pytest.raises(ValueError, match=r"steps: expected an int >= 2 \(one marker in each"):
        adding_problem(1, 4)
    with pytest.raises(TypeError, match=r"batch_size: expected a positive int, got float 4\.0"):
        adding_problem(10, 4.0)


# ----------------------------------------------------------------- networks


@pytest.mark.parametrize("model", ["lstm", "rnn"])
def test_network_gradients_match_finite_differences(model):
    net = init_network(model, 2, 3, seed=1)
    xs, y = adding_problem(6, 4, seed=2)
    _, grads = loss_and_gradients(net, xs, y)
    for obj, grad in zip(net.parameters(), grads, strict=True):
        for name, array in obj.arrays().items():

            def loss_at(value, obj=obj, name=name):
                saved = getattr(obj, name).copy()
                getattr(obj, name)[...] = value
                try:
                    return loss_and_gradients(net, xs, y)[0]
                finally:
                    getattr(obj, name)[...] = saved

            numeric = numerical_gradient(loss_at, array, eps=EPS)
            assert relative_error(getattr(grad, name), numeric) < GRAD_TOL, (model, name)


def test_input_gradient_norms_are_the_gradient_reaching_each_input():
    net = init_network("lstm", 2, 3, seed=0)
    xs, y = adding_problem(5, 2, seed=0)
    norms = input_gradient_norms(net, xs, y)

    def loss_of_xs(x):
        return loss_and_gradients(net, x, y)[0]

    dxs = numerical_gradient(loss_of_xs, xs, eps=EPS)
    expected = np.linalg.norm(dxs.reshape(5, -1), axis=1)[::-1]  # entry k: step T − k
    assert relative_error(norms, expected) < GRAD_TOL


def test_init_network_uses_one_scheme_for_both_models():
    lstm, rnn = init_network("lstm", 2, 16, seed=0), init_network("rnn", 2, 16, seed=0)
    for params in (lstm.cell, rnn.cell):
        for name, a in params.arrays().items():
            if name.startswith("W_"):
                assert np.abs(a).max() <= 0.25  # U(−1/√H, 1/√H), 1/√16 = 0.25
    np.testing.assert_array_equal(lstm.cell.b_f, 1.0)
    np.testing.assert_array_equal(rnn.cell.b_h, 0.0)
    assert np.abs(lstm.readout.W_y).max() <= 0.25


def test_orthogonal_rnn_initialisation_is_chapter_3s_favourable_case():
    net = init_network("rnn", 2, 16, rnn_init="orthogonal", seed=0)
    default = init_network("rnn", 2, 16, seed=0)
    np.testing.assert_allclose(np.linalg.svd(net.cell.W_hh, compute_uv=False), 1.0, rtol=1e-12)
    assert np.abs(np.linalg.eigvals(default.cell.W_hh)).max() < 0.9  # U(±1/4): ρ < 1
    assert np.abs(net.cell.W_xh).max() <= 0.25  # the input weights as by default
    np.testing.assert_array_equal(net.cell.b_h, 0.0)


def test_chrono_initialisation():
    net = init_network("lstm", 2, 200, forget_bias="chrono", max_lag=100, seed=0)
    b_f = net.cell.b_f
    assert b_f.min() >= 0.0 and b_f.max() <= np.log(99)  # log U(1, T − 1)
    assert b_f.max() > np.log(80)  # spread over the range, not a constant
    np.testing.assert_array_equal(net.cell.b_i, -b_f)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("gru", 2, 3), {}, ValueError, "model: expected one of"),
        (("rnn", 2, 3), {"forget_bias": 2.0}, ValueError, "the simple RNN has no forget gate"),
        (("lstm", 2, 3), {"forget_bias": "chrono"}, ValueError, "max_lag: expected"),
        (("lstm", 2, 3), {"forget_bias": "high"}, ValueError, "forget_bias: expected a number"),
        (("rnn", 2, 3), {"rnn_init": "identity"}, ValueError, "rnn_init: expected one of"),
        (("lstm", 2, 3), {"rnn_init": "orthogonal"}, ValueError, "the LSTM takes no rnn_init"),
    ],
)
def test_init_network_rejects_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        init_network(*args, **kwargs)


def test_network_checks_its_parts():
    net = init_network("lstm", 2, 3, seed=0)
    with pytest.raises(ValueError, match=r"readout: expected W_y of shape \(P, H\) = \(P, 3\)"):
        Network("lstm", net.cell, ReadoutParams.init(4))
    with pytest.raises(TypeError, match="cell: expected RNNParams for model 'rnn'"):
        Network("rnn", net.cell, net.readout)
    with pytest.raises(ValueError, match=r"xs: expected shape \(T, B, D\) = \(T, B, 2\)"):
        predict(net, np.zeros((4, 1, 3)))


# ----------------------------------------------------------------- training


def test_training_is_reproducible_and_records_its_history():
    runs = [train(init_network("rnn", 2, 8, seed=0), 8, iterations=60, eval_every=20, seed=5)]
    runs.append(train(init_network("rnn", 2, 8, seed=0), 8, iterations=60, eval_every=20, seed=5))
    a, b = (r.history for r in runs)
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    np.testing.assert_array_equal(a.eval_step, [0, 20, 40, 60])
    assert a.train_loss.shape == a.grad_norm.shape == (60,)
    assert a.test_mse[-1] == runs[0].test_mse
    # The initialisation is kept, the trained network has moved.
    assert not np.array_equal(runs[0].initial.cell.W_h, runs[0].net.cell.W_h)


def test_training_lowers_the_loss_and_clipping_bounds_the_step():
    result = train(init_network("lstm", 2, 8, seed=0), 10, iterations=200, seed=0, max_norm=0.5)
    h = result.history
    assert h.test_mse[-1] < 0.5 * h.test_mse[0]
    # grad_norm is recorded before clipping; some steps were clipped.
    assert (h.grad_norm > 0.5).any()


def test_training_stops_once_solved():
    result = train(init_network("rnn", 2, 8, seed=0), 4, iterations=3000, seed=0, threshold=0.05)
    assert result.solved and result.steps_to_solve < 3000
    assert result.history.train_loss.size == result.steps_to_solve
    assert result.test_mse < 0.05
