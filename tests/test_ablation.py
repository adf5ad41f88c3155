"""lstm_lib.ablation: clamping one unit's gate, and which units the readout reads."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_lib import LSTMParams, clamp_gate, lstm_forward, readout_shares


@pytest.fixture
def params():
    return LSTMParams.init(3, 5, seed=0)


@pytest.fixture
def xs():
    return np.random.default_rng(1).standard_normal((7, 4, 3))


def run(params, xs):
    h0 = np.zeros((xs.shape[1], params.hidden_size))
    return lstm_forward(xs, h0, h0, params)


@pytest.mark.parametrize(("gate", "value"), [("f", 0.5), ("i", 1e-4), ("o", 0.9)])
def test_the_clamped_gate_is_the_constant_at_every_step_and_the_rest_unchanged(
    params, xs, gate, value
):
    before = {name: a.copy() for name, a in params.arrays().items()}
    clamped = clamp_gate(params, gate, 2, value)
    for name, a in params.arrays().items():  # the input is not modified
        np.testing.assert_array_equal(a, before[name])
    _, _, cache = run(clamped, xs)
    _, _, reference = run(params, xs)
    g = getattr(cache, f"{gate}_t")
    np.testing.assert_allclose(g[:, :, 2], value, rtol=1e-12)
    # the other units' gates at the first step see the same h_0 = 0 and the same x_1
    others = [j for j in range(5) if j != 2]
    np.testing.assert_array_equal(g[0][:, others], getattr(reference, f"{gate}_t")[0][:, others])
    assert not np.allclose(getattr(reference, f"{gate}_t")[:, :, 2], value)


def test_forget_gate_at_one_half_halves_what_the_unit_holds(params, xs):
    # With the input gate clamped shut too, C_t of the unit is C_{t-1} * 0.5 + ~0.
    clamped = clamp_gate(clamp_gate(params, "f", 0, 0.5), "i", 0, 1e-12)
    h0 = np.zeros((4, 5))
    c0 = np.ones((4, 5))
    _, cs, _ = lstm_forward(xs, h0, c0, clamped)
    expected = np.broadcast_to(0.5 ** np.arange(1, 8)[:, None], (7, 4))
    np.testing.assert_allclose(cs[:, :, 0], expected, atol=1e-10)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("g", 0, 0.5), ValueError, "gate: expected one of ('f', 'i', 'o'), got 'g'"),
        (("f", 5, 0.5), ValueError, "unit: expected an int in [0, 4] (H = 5), got 5"),
        (("f", -1, 0.5), ValueError, "unit: expected an int in [0, 4] (H = 5), got -1"),
        (("f", True, 0.5), ValueError, "unit: expected an int in [0, 4] (H = 5), got True"),
        (("f", 0, 1.0), ValueError, "value: expected a number in (0, 1), got 1.0"),
        (("f", 0, 0.0), ValueError, "value"),
    ],
)
def test_clamp_gate_rejects_bad_arguments(params, args, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]")):  # fmt: skip
        clamp_gate(params, *args)


def test_readout_shares_weigh_each_unit_by_its_weight_and_spread(params, xs):
    W_y = np.array([[1.0, 0.0, -2.0, 0.5, 0.0]])
    shares = readout_shares(params, W_y, xs)
    hs, _, _ = run(params, xs)
    spread = np.abs(W_y[0]) * hs[-1].std(axis=0)
    np.testing.assert_allclose(shares, spread / spread.sum())
    assert shares.sum() == pytest.approx(1.0)
    assert shares[1] == shares[4] == 0.0
    with pytest.raises(ValueError, match=r"W_y: expected shape \(1, H\) = \(1, 5\), got \(5,\)"):
        readout_shares(params, W_y[0], xs)


def test_ablation_mse_is_the_error_with_each_unit_clamped_in_turn():
    from lstm_lib import adding_problem, init_network, mse_loss, predict
    from lstm_lib.ablation import ablation_mse
    from lstm_lib.training import Network

    net = init_network("lstm", 2, 4, seed=3)
    xs, y = adding_problem(8, 16, seed=4)
    got = ablation_mse(net, xs, y, gate="i", value=0.25)
    assert got.shape == (4,)
    for j in range(4):
        clamped = Network("lstm", clamp_gate(net.cell, "i", j, 0.25), net.readout)
        assert got[j] == mse_loss(predict(clamped, xs), y)[0]
    assert len(set(got.round(12))) == 4  # each unit's clamp changes the answer differently
    with pytest.raises(TypeError, match="net: expected an LSTM Network, got 'rnn'"):
        ablation_mse(init_network("rnn", 2, 4, seed=0), xs, y)


def test_unit_report_names_the_top_unit_and_counts_units_by_share():
    from lstm_lib import adding_problem, init_network
    from lstm_lib.ablation import UnitReport, ablation_mse, unit_report

    net = init_network("lstm", 2, 4, seed=3)
    xs, y = adding_problem(8, 16, seed=4)
    report = unit_report(net, xs, y)
    np.testing.assert_array_equal(report.ablated_mse, ablation_mse(net, xs, y))
    np.testing.assert_array_equal(report.shares, readout_shares(net.cell, net.readout.W_y, xs))
    fixed = UnitReport(0.1, np.array([0.1, 0.6, 0.25, 0.05]), np.array([1.0, 9.0, 2.0, 3.0]))
    assert fixed.top == 1
    assert [fixed.units_for(f) for f in (0.5, 0.8, 0.9, 0.99)] == [1, 2, 3, 4]
    np.testing.assert_array_equal(fixed.others_mse, [1.0, 2.0, 3.0])
