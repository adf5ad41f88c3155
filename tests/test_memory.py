"""lstm_lib.memory: the hand-set memory cell of chapters 1 and 2 (stores, then shows on a read)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_lib import MEMORY_INPUTS, lstm_forward, memory_cell, sigmoid


def _run(params, write_at, read_at, values):
    T = len(values)
    xs = np.zeros((T, 1, 3))
    xs[:, 0, MEMORY_INPUTS.index("value")] = values
    xs[write_at, 0, MEMORY_INPUTS.index("write")] = 1.0
    xs[read_at, 0, MEMORY_INPUTS.index("read")] = 1.0
    zeros = np.zeros((1, 1))
    hs, cs, cache = lstm_forward(xs, zeros, zeros, params)
    return hs[:, 0, 0], cs[:, 0, 0], cache


def test_weights_are_the_table_of_chapter_1():
    p = memory_cell(gain=6.0, value_scale=1.0)
    # columns: h_{t-1}, write, value, read
    np.testing.assert_array_equal(p.W_f, [[0.0, -12.0, 0.0, 0.0]])
    np.testing.assert_array_equal(p.W_i, [[0.0, 12.0, 0.0, 0.0]])
    np.testing.assert_array_equal(p.W_C, [[0.0, 0.0, 1.0, 0.0]])
    np.testing.assert_array_equal(p.W_o, [[0.0, 0.0, 0.0, 12.0]])
    assert (p.b_f[0], p.b_i[0], p.b_C[0], p.b_o[0]) == (6.0, -6.0, 0.0, -6.0)
    assert (p.input_size, p.hidden_size) == (3, 1)


def test_it_stores_the_value_written_and_shows_it_only_at_the_read():
    values = np.random.default_rng(0).standard_normal(30)
    values[4] = 0.8
    hs, cs, _ = _run(memory_cell(gain=15.0, value_scale=0.1), 4, 25, values)
    read_out = hs / 0.1
    # C = tanh(0.1 · 0.8) is kept (σ(15)^21 ≈ 1) and shown as h = σ(15) · tanh(C)
    assert read_out[25] == pytest.approx(np.tanh(np.tanh(0.08)) / 0.1, abs=1e-5)
    assert np.all(np.abs(hs[np.arange(30) != 25]) < 1e-5)  # hidden except at the read
    assert np.all(np.abs(cs[4:26] - np.tanh(0.08)) < 1e-4)  # kept between write and read


def test_forget_bias_sets_how_fast_the_memory_fades():
    values = np.zeros(12)
    values[1] = 1.0
    _, cs, cache = _run(memory_cell(2.0, gain=15.0, value_scale=0.1), 1, 11, values)
    f = sigmoid(np.array([2.0]))[0]
    np.testing.assert_allclose(cache.f_t[2:, 0, 0], f, rtol=1e-12)
    np.testing.assert_allclose(cs[11] / cs[1], f**10, rtol=1e-6)  # i_t leaks σ(-15) per step


def test_without_reset_a_write_adds_to_the_memory():
    values = np.zeros(10)
    values[[1, 4]] = [0.5, 0.3]
    xs = np.zeros((10, 1, 3))
    xs[:, 0, 1] = values
    xs[[1, 4], 0, 0] = 1.0
    zeros = np.zeros((1, 1))
    cells = (
        (memory_cell(gain=15.0, value_scale=1.0), np.tanh(0.3)),  # the write replaces
        (  # f_t = 1: the cell of 1997, where a write adds
            memory_cell(50.0, gain=15.0, value_scale=1.0, reset_on_write=False),
            np.tanh(0.5) + np.tanh(0.3),
        ),
    )
    for params, expected in cells:
        _, cs, _ = lstm_forward(xs, zeros, zeros, params)
        assert cs[6, 0, 0] == pytest.approx(expected, abs=1e-5)
