"""lstm_lib.experiment: counting solved runs within a budget, medians, operations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lstm_lib.experiment import Sweep, matmul_flops, median_to_solve, solved_within, steps_to_solve


def record(seed, solved_at, network="rnn", steps=20, budget=20000, max_norm=1.0):
    return {
        "network": network,
        "model": network.split("-")[0],
        "steps": steps,
        "seed": seed,
        "lr": 3e-3,
        "max_iterations": budget,
        "max_norm": max_norm,
        "solved": solved_at is not None,
        "train_steps_to_solve": solved_at,
    }


RUNS = [record(0, 6200), record(1, None), record(2, 11650), record(3, 900), record(4, None)]


def test_a_run_solved_after_n_iterations_counts_within_every_budget_from_n():
    np.testing.assert_array_equal(steps_to_solve(RUNS), [6200, np.inf, 11650, 900, np.inf])
    assert [solved_within(RUNS, b) for b in (899, 900, 3000, 6200, 11649, 20000)] == [
        0,
        1,
        1,
        2,
        2,
        3,
    ]


def test_the_median_counts_unsolved_runs_as_beyond_the_budget():
    assert median_to_solve(RUNS) == 11650  # 900, 6200, 11650, inf, inf
    assert median_to_solve(RUNS, budget=10000) == np.inf  # only 2 of 5 within 10,000
    assert median_to_solve(RUNS[:1] + RUNS[2:4]) == 6200


def test_a_budget_beyond_the_runs_own_cannot_be_asked():
    with pytest.raises(ValueError, match="budget: expected at most the runs' own budget 20000"):
        solved_within(RUNS, 30000)


def test_matmul_flops_count_three_products_per_step_and_four_gates_for_the_lstm():
    # H = 32, D = 2, B = 32, T = 100: forward 2*B*(H+D)*H per gate and step, backward twice.
    rnn = matmul_flops("rnn", 100, hidden_size=32, input_size=2, batch_size=32)
    assert rnn == 3 * 2 * 100 * 32 * 34 * 32
    assert matmul_flops("lstm", 100, hidden_size=32, input_size=2, batch_size=32) == 4 * rnn


def test_sweep_selects_one_configuration_by_seed(tmp_path):
    payload = {
        "runs": [*RUNS[::-1], record(0, None, max_norm=None)],
        "tuning_runs": [record(100, 500)],
        "recipe": {},
    }
    path = tmp_path / "long_lag.json"
    path.write_text(json.dumps(payload))
    sweep = Sweep.load(path)
    assert [r["seed"] for r in sweep.select("rnn", 20)] == [0, 1, 2, 3, 4]
    assert len(sweep.select("rnn", 20, clipped=False)) == 1
    assert sweep.select("rnn", tuning=True)[0]["seed"] == 100
    assert sweep.lengths("rnn") == [20]
    with pytest.raises(KeyError, match="no stored run of 'lstm' at T = 20"):
        sweep.select("lstm", 20)
