"""The character-level LSTM's pieces (chapter 5): token input path, softmax readout,
truncated BPTT, bits per character, the vocabulary.

Every backward pass is checked against central differences in float64; the token
path against the one-hot path of ``lstm_forward`` / ``lstm_backward``.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter

import numpy as np
import pytest

import lstm_lib as L

T, B, V, H = 6, 3, 7, 4
#: Central differences with ε = 1e-6 in float64 reach about 1e-8 relative error here.
GRAD_TOL = 1e-6


def _rng(seed=0):
    return np.random.default_rng(seed)


def _setup(seed=0, dtype="float64"):
    rng = _rng(seed)
    params = L.LSTMParams.init(V, H, seed=seed, dtype=dtype)
    for a in params.arrays().values():
        a[:] = 0.5 * rng.standard_normal(a.shape)  # away from the initial symmetric draw
    tokens = rng.integers(0, V, (T, B))
    h0 = rng.standard_normal((B, H)).astype(dtype)
    c0 = rng.standard_normal((B, H)).astype(dtype)
    return params, tokens, h0, c0


# ------------------------------------------------------------------ token path


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_token_path_equals_one_hot_path(dtype):
    params, tokens, h0, c0 = _setup(1, dtype)
    hs, cs, cache = L.lstm_token_forward(tokens, h0, c0, params)
    hs1, cs1, cache1 = L.lstm_forward(L.one_hot(tokens, V, dtype), h0, c0, params)
    assert hs.dtype == cs.dtype == np.dtype(dtype)
    tol = 1e-12 if dtype == "float64" else 1e-6
    np.testing.assert_allclose(hs, hs1, rtol=0, atol=tol)
    np.testing.assert_allclose(cs, cs1, rtol=0, atol=tol)
    np.testing.assert_array_equal(cache.f_t, cache1.f_t)  # the same gate views
    rng = _rng(2)
    dhs = rng.standard_normal((T, B, H)).astype(dtype)
    dc_last = rng.standard_normal((B, H)).astype(dtype)
    dh0, dc0, grads = L.lstm_token_backward(dhs, cache, dc_last)
    _, dh0_1, dc0_1, grads1 = L.lstm_backward(dhs, cache1, dc_last)
    np.testing.assert_allclose(dh0, dh0_1, rtol=0, atol=tol)
    np.testing.assert_allclose(dc0, dc0_1, rtol=0, atol=tol)
    for name, g in grads.arrays().items():
        assert g.dtype == np.dtype(dtype)
        np.testing.assert_allclose(g, getattr(grads1, name), rtol=0, atol=tol, err_msg=name)


def test_token_backward_matches_finite_differences():
    params, tokens, h0, c0 = _setup(3)
    rng = _rng(4)
    dhs, dc_last = rng.standard_normal((T, B, H)), rng.standard_normal((B, H))

    def loss(p, h0=h0, c0=c0):
        hs, cs, _ = L.lstm_token_forward(tokens, h0, c0, p)
        return float(np.sum(hs * dhs) + np.sum(cs[-1] * dc_last))

    dh0, dc0, grads = L.lstm_token_backward(
        dhs, L.lstm_token_forward(tokens, h0, c0, params)[2], dc_last
    )
    for name in params.arrays():

        def f(x, name=name):
            p = params.copy()
            getattr(p, name)[:] = x
            return loss(p)

        numeric = L.numerical_gradient(f, getattr(params, name))
        assert L.relative_error(getattr(grads, name), numeric) < GRAD_TOL, name
    assert L.relative_error(dh0, L.numerical_gradient(lambda x: loss(params, h0=x), h0)) < GRAD_TOL
    assert L.relative_error(dc0, L.numerical_gradient(lambda x: loss(params, c0=x), c0)) < GRAD_TOL


def test_unused_tokens_get_zero_input_gradient():
    params, _, h0, c0 = _setup(5)
    tokens = np.full((T, B), 2)
    cache = L.lstm_token_forward(tokens, h0, c0, params)[2]
    _, _, grads = L.lstm_token_backward(np.ones((T, B, H)), cache)
    input_cols = grads.W_f[:, H:]
    assert np.all(input_cols[:, [0, 1, 3, 4, 5, 6]] == 0)
    assert np.all(input_cols[:, 2] != 0)


def test_token_forward_does_not_modify_inputs_and_accepts_uint():
    params, tokens, h0, c0 = _setup(6)
    before = [a.copy() for a in (tokens, h0, c0)]
    hs = L.lstm_token_forward(tokens.astype(np.uint8), h0, c0, params)[0]
    for a, b in zip((tokens, h0, c0), before, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(hs, L.lstm_token_forward(tokens, h0, c0, params)[0])


@pytest.mark.parametrize(
    ("tokens", "error", "words"),
    [
        (np.full((T, B), 7), ValueError, ["tokens", "[0, 7)", "got 7"]),
        (np.full((T, B), -1), ValueError, ["tokens", "got -1"]),
        (np.full((T, B), 2.0), TypeError, ["tokens", "integer", "float64"]),
        (np.ones((T, B, 1), int), ValueError, ["tokens", "(T, B)", "(6, 3, 1)"]),
    ],
)
def test_bad_tokens_are_named(tokens, error, words):
    params, _, h0, c0 = _setup(0)
    with pytest.raises(error) as info:
        L.lstm_token_forward(tokens, h0, c0, params)
    for w in words:
        assert w in str(info.value)


# ------------------------------------------------------------------ softmax readout


def test_log_softmax_is_stable_and_normalised():
    logits = np.array([[1e4, 0.0, -1e4], [3.0, 3.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logp = L.log_softmax(logits)
    np.testing.assert_allclose(logp[0], [0.0, -1e4, -2e4])
    np.testing.assert_allclose(logp[1], np.full(3, -math.log(3)))
    np.testing.assert_allclose(np.exp(L.log_softmax(_rng().standard_normal((4, 9)))).sum(1), 1)


def test_cross_entropy_of_uniform_logits_is_log_v():
    loss, dlogits = L.softmax_cross_entropy(np.zeros((T, B, V)), _rng().integers(0, V, (T, B)))
    assert loss == pytest.approx(math.log(V), rel=1e-15)
    np.testing.assert_allclose(dlogits.sum(axis=-1), 0, atol=1e-16)  # p − e_k sums to 0


def test_cross_entropy_gradient_matches_finite_differences():
    rng = _rng(7)
    logits = 3 * rng.standard_normal((T, B, V))
    targets = rng.integers(0, V, (T, B))
    loss, dlogits = L.softmax_cross_entropy(logits, targets)
    assert loss == pytest.approx(-L.target_log_probs(logits, targets).mean())
    numeric = L.numerical_gradient(lambda x: L.softmax_cross_entropy(x, targets)[0], logits)
    assert L.relative_error(dlogits, numeric) < GRAD_TOL


def test_sequence_readout_backward_matches_finite_differences():
    rng = _rng(8)
    hs = rng.standard_normal((T, B, H))
    params = L.ReadoutParams.init(H, V, seed=1)
    weights = rng.standard_normal((T, B, V))
    logits, cache = L.sequence_readout_forward(hs, params)
    np.testing.assert_allclose(logits[2, 1], params.W_y @ hs[2, 1] + params.b_y)
    dhs, grads = L.sequence_readout_backward(weights, cache)

    def loss(h=hs, W=params.W_y, b=params.b_y):
        return float(np.sum(L.sequence_readout_forward(h, L.ReadoutParams(W, b))[0] * weights))

    assert L.relative_error(dhs, L.numerical_gradient(lambda x: loss(h=x), hs)) < GRAD_TOL
    assert L.relative_error(grads.W_y, L.numerical_gradient(lambda x: loss(W=x), params.W_y)) < (
        GRAD_TOL
    )
    assert L.relative_error(grads.b_y, L.numerical_gradient(lambda x: loss(b=x), params.b_y)) < (
        GRAD_TOL
    )


# ------------------------------------------------------------------ the whole model


def test_char_lstm_gradients_match_finite_differences():
    model = L.init_char_lstm(V, H, seed=0, dtype="float64")
    rng = _rng(9)
    for a in model.cell.arrays().values():
        a[:] = 0.5 * rng.standard_normal(a.shape)
    inputs, targets = rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B))
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    _, grads, (h_T, c_T) = L.char_lstm_loss_and_gradients(model, inputs, targets, h0, c0)
    hs, cs, _ = L.lstm_token_forward(inputs, h0, c0, model.cell)
    np.testing.assert_array_equal(h_T, hs[-1])  # the state carried to the next chunk
    np.testing.assert_array_equal(c_T, cs[-1])
    worst = 0.0
    for k, (obj, g) in enumerate(zip(model.parameters(), grads, strict=True)):
        for name, array in obj.arrays().items():

            def f(x, k=k, name=name):
                m = model.copy()
                getattr(m.parameters()[k], name)[:] = x
                return L.char_lstm_loss_and_gradients(m, inputs, targets, h0, c0)[0]

            worst = max(worst, L.relative_error(getattr(g, name), L.numerical_gradient(f, array)))
    assert worst < GRAD_TOL


def test_batch_streams_and_decay():
    streams = L.batch_streams(np.arange(10), 3)
    np.testing.assert_array_equal(streams, [[0, 3, 6], [1, 4, 7], [2, 5, 8]])
    assert L.exponential_decay(0, 100, 2e-3, 0.1) == 2e-3
    assert L.exponential_decay(50, 100, 2e-3, 0.1) == pytest.approx(2e-3 * 0.1**0.5)
    assert L.exponential_decay(100, 100, 2e-3, 0.1) == pytest.approx(2e-4)


def test_bits_per_char_of_a_uniform_model_is_log2_v():
    model = L.init_char_lstm(V, H, seed=0, dtype="float64")
    model.readout.W_y[:] = 0
    tokens = _rng().integers(0, V, 200)
    assert L.bits_per_char(model, tokens, streams=4) == pytest.approx(math.log2(V), rel=1e-14)


def _markov_bits(seq: list[int], order: int) -> float:
    """Entropy (bits/symbol) of the next symbol given the previous ``order`` symbols."""
    pairs, contexts = Counter(), Counter()
    for i in range(order, len(seq)):
        pairs[tuple(seq[i - order : i]), seq[i]] += 1
        contexts[tuple(seq[i - order : i])] += 1
    n = sum(pairs.values())
    return -sum(c / n * math.log2(c / contexts[ctx]) for (ctx, _), c in pairs.items())


def test_truncated_bptt_learns_beyond_a_chunk():
    """A period-12 text read in chunks of T = 4: the gradient never spans more than 4
    steps, yet the carried state lets the network beat every predictor that sees only
    the last 4 characters (0.50 bits per character), down to about 0.25."""
    period = [0, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1]
    text = np.array(period * 60)
    bound = _markov_bits(period * 10, 4)
    assert bound == pytest.approx(0.4995, abs=1e-4)
    model = L.init_char_lstm(3, 16, seed=0, dtype="float64")
    history = L.train_char_lstm(
        model,
        text,
        iterations=600,
        batch_size=4,
        steps=4,
        lr=2e-2,
        final_lr_fraction=0.1,
        eval_tokens=text,
        eval_every=100,
    )
    assert history.eval_bpc[0] > 1.4
    assert history.eval_bpc[-1] < 0.7 * bound
    assert history.lr[0] == 2e-2 and history.lr[-1] == pytest.approx(2e-3, rel=0.01)
    assert history.train_bpc.shape == history.grad_norm.shape == (600,)


def test_save_and_load_round_trip(tmp_path):
    model = L.init_char_lstm(V, H, seed=3)
    L.save_char_lstm(tmp_path / "m.npz", model, dtype="float16")
    back = L.load_char_lstm(tmp_path / "m.npz")
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back.cell.W_f, model.cell.W_f.astype(np.float16))


# ------------------------------------------------------------------ vocabulary


def test_encode_decode():
    text = "def f(x):\n    return x  # ok\n"
    tokens = L.encode(text)
    assert tokens.shape == (len(text),) and tokens.max() < L.VOCAB_SIZE == 97
    assert L.decode(tokens) == text
    assert L.decode(L.encode("\tcafé")) == "¤caf¤"
