"""LSTMParams / RNNParams: initialisation, PyTorch layout, conversions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lstm_lib import LSTMParams, RNNParams

H, D = 3, 2


def torch_layout_with_distinct_gates():
    """Hand-built nn.LSTM arrays: every entry encodes (gate, row, column, kind).

    Gate k in PyTorch's order i, f, g, o has entries 1000*(k+1) + 10*row + column
    (+0.5 in weight_hh), so any swapped gate, transposed block or h/x mix-up shows.
    """
    rows = np.arange(H)[:, None]
    blocks_ih = [1000.0 * (k + 1) + 10 * rows + np.arange(D) for k in range(4)]
    blocks_hh = [1000.0 * (k + 1) + 10 * rows + np.arange(H) + 0.5 for k in range(4)]
    weight_ih = np.concatenate(blocks_ih)  # (4H, D)
    weight_hh = np.concatenate(blocks_hh)  # (4H, H)
    bias_ih = np.repeat([1.0, 2.0, 3.0, 4.0], H) + np.tile(np.arange(H) / 10, 4)
    bias_hh = np.repeat([0.25, 0.5, 0.75, 1.0], H)
    return weight_ih, weight_hh, bias_ih, bias_hh


def test_from_torch_places_each_gate():
    weight_ih, weight_hh, bias_ih, bias_hh = torch_layout_with_distinct_gates()
    p = LSTMParams.from_torch(weight_ih, weight_hh, bias_ih, bias_hh)
    assert (p.input_size, p.hidden_size) == (D, H)
    # torch order i, f, g, o -> gate codes 1000, 2000, 3000, 4000
    for gate, code in [("i", 1000), ("f", 2000), ("C", 3000), ("o", 4000)]:
        W = getattr(p, f"W_{gate}")
        np.testing.assert_array_equal(
            W[:, :H], code + 10 * np.arange(H)[:, None] + np.arange(H) + 0.5
        )
        np.testing.assert_array_equal(W[:, H:], code + 10 * np.arange(H)[:, None] + np.arange(D))
    np.testing.assert_allclose(p.b_f, 2.0 + 0.5 + np.arange(H) / 10)
    np.testing.assert_allclose(p.b_o, 4.0 + 1.0 + np.arange(H) / 10)


def test_torch_round_trip():
    weight_ih, weight_hh, bias_ih, bias_hh = torch_layout_with_distinct_gates()
    p = LSTMParams.from_torch(weight_ih, weight_hh, bias_ih, bias_hh)
    w_ih, w_hh, b_ih, b_hh = p.to_torch()
    np.testing.assert_array_equal(w_ih, weight_ih)
    np.testing.assert_array_equal(w_hh, weight_hh)
    np.testing.assert_allclose(b_ih + b_hh, bias_ih + bias_hh, rtol=0, atol=1e-15)
    q = LSTMParams.from_torch(w_ih, w_hh, b_ih, b_hh)
    for name, a in p.arrays().items():
        np.testing.assert_array_equal(getattr(q, name), a)


def test_from_torch_rejects_bad_layout():
    weight_ih, weight_hh, bias_ih, bias_hh = torch_layout_with_distinct_gates()
    with pytest.raises(ValueError, match=r"weight_hh: expected shape \(4H, H\), got \(12, 2\)"):
        LSTMParams.from_torch(weight_ih, weight_hh[:, :2], bias_ih, bias_hh)
    with pytest.raises(
        ValueError, match=r"weight_ih: expected shape \(4H, D\) = \(12, D\), got \(11, 2\)"
    ):
        LSTMParams.from_torch(weight_ih[:11], weight_hh, bias_ih, bias_hh)
    with pytest.raises(ValueError, match=r"bias_hh: expected shape \(4H,\) = \(12,\), got \(3,\)"):
        LSTMParams.from_torch(weight_ih, weight_hh, bias_ih, bias_hh[:3])


def test_init_is_seeded_and_sets_forget_bias():
    a = LSTMParams.init(4, 5, forget_bias=2.5, seed=3)
    b = LSTMParams.init(4, 5, forget_bias=2.5, rng=np.random.default_rng(3))
    for name, x in a.arrays().items():
        np.testing.assert_array_equal(x, getattr(b, name))
    np.testing.assert_array_equal(a.b_f, 2.5)
    for name in ("b_i", "b_C", "b_o"):
        np.testing.assert_array_equal(getattr(a, name), 0.0)
    assert a.W_f.shape == (5, 9) and np.abs(a.W_f).max() <= 1 / np.sqrt(5)
    assert not np.array_equal(a.W_f, a.W_i)
    assert not np.array_equal(a.W_f, LSTMParams.init(4, 5, seed=4).W_f)
    assert repr(a) == "LSTMParams(input_size=4, hidden_size=5, dtype=float64)"


def test_init_dtype_and_astype():
    p = LSTMParams.init(2, 3, seed=0, dtype=np.float32)
    assert {a.dtype for a in p.arrays().values()} == {np.dtype(np.float32)}
    assert p.astype(np.float64).dtype == np.float64
    r = RNNParams.init(2, 3, seed=0, dtype=np.float32)
    assert r.W_h.dtype == np.float32 and r.dtype == np.float32


def test_init_arguments_are_checked():
    with pytest.raises(ValueError, match="hidden_size: expected a positive int, got 0"):
        LSTMParams.init(3, 0)
    with pytest.raises(TypeError, match="input_size: expected a positive int, got float"):
        LSTMParams.init(3.0, 2)
    with pytest.raises(ValueError, match="seed, rng: expected at most one of them, got both"):
        LSTMParams.init(3, 2, seed=1, rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="forget_bias: expected a finite number, got nan"):
        LSTMParams.init(3, 2, forget_bias=float("nan"))
    with pytest.raises(TypeError, match="dtype: expected float32 or float64, got int64"):
        LSTMParams.init(3, 2, dtype=np.int64)
    with pytest.raises(
        ValueError, match="spectral_radius: expected a finite positive number, got -1"
    ):
        RNNParams.init(3, 2, spectral_radius=-1)


def test_replace_revalidates():
    p = LSTMParams.init(2, 3, seed=0)
    q = dataclasses.replace(p, b_f=np.full(3, 5.0))
    np.testing.assert_array_equal(q.b_f, 5.0)
    np.testing.assert_array_equal(p.b_f, 1.0)
    with pytest.raises(ValueError, match=r"b_f: expected shape \(H,\) = \(3,\), got \(4,\)"):
        dataclasses.replace(p, b_f=np.ones(4))


def test_copy_is_deep():
    p = LSTMParams.init(2, 3, seed=0)
    q = p.copy()
    q.W_f[0, 0] += 1.0
    assert q.W_f[0, 0] != p.W_f[0, 0]
