"""The integer input path: an LSTM fed token ids instead of one-hot vectors.

A character-level network (chapter "What a trained LSTM keeps in its cell state",
``chapters/05_char_lstm``) reads one character per step. Written as an input vector,
``x_t`` is the one-hot vector ``e_k`` of the character's id k in a vocabulary of V
(so D = V), and the input part of every gate's pre-activation is a column of its
weight matrix::

    W·[h_{t-1}, x_t] = W_h·h_{t-1} + W_x·e_k = W_h·h_{t-1} + W_x[:, k]

where ``W = [W_h, W_x]`` is split into its h-columns (H, H) and its input columns
(H, V). :func:`lstm_token_forward` picks that column instead of multiplying by a
vector of zeros, and :func:`lstm_token_backward` adds each step's pre-activation
gradient into the column it picked (``∂L/∂W_x[:, k] = Σ_{t: x_t = k} ∂L/∂a_t``)
instead of forming ∂L/∂x_t, which means nothing for an index. Everything else is
:func:`lstm_lib.lstm_forward` / :func:`lstm_lib.lstm_backward`: the results equal
those of the one-hot path (the tests check it to 1e-12 in float64).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_lib import _validate as v
from lstm_lib._validate import (
    check_cache,
    check_finite_result,
    check_gradient_input,
    check_params,
    check_through_time,
    first_nonfinite_step,
    frozen,
    frozen_copy,
    overflow_error,
    quiet_overflow,
)
from lstm_lib.lstm import (
    _backward_through_time,
    _forward_through_time,
    _fused_weights,
    _GateViews,
    _gradients_by_gate,
    _recurrent_weight_gradient,
)
from lstm_lib.params import LSTMParams

__all__ = ["LSTMTokenCache", "lstm_token_backward", "lstm_token_forward", "one_hot"]


def one_hot(tokens: np.ndarray, vocab_size: int, dtype: str | np.dtype = "float64") -> np.ndarray:
    """The one-hot vectors of ``tokens`` (T, B): an array (T, B, V) with ``[t, b, k] = 1``
    where ``tokens[t, b] = k``. What :func:`lstm_token_forward` avoids forming."""
    vocab_size = v.positive_int("vocab_size", vocab_size)
    dtype = v.float_dtype("dtype", dtype)
    tokens = v.token_array(
        "tokens", tokens, ("T", "B"), (None, None), vocab_size, vocab_source="vocab_size"
    )
    out = np.zeros((*tokens.shape, vocab_size), dtype)
    np.put_along_axis(out, tokens[..., None], 1.0, axis=-1)
    return out


@dataclass(frozen=True, eq=False)
class LSTMTokenCache(_GateViews):
    """What :func:`lstm_token_backward` needs from :func:`lstm_token_forward`.

    The fields of :class:`lstm_lib.LSTMCache`, with ``tokens`` (T, B) in place of
    ``xs``; the gate views ``f_t``, ``i_t``, ``o_t``, ``C_tilde`` (T, B, H) as there.
    """

    tokens: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    hs: np.ndarray
    cs: np.ndarray
    tanh_cs: np.ndarray
    gates: np.ndarray
    params: LSTMParams


_TOO_LARGE = "The initial states or weights are too large for the dtype: rescale them."


@quiet_overflow
def lstm_token_forward(
    tokens: np.ndarray, h0: np.ndarray, c0: np.ndarray, params: LSTMParams
) -> tuple[np.ndarray, np.ndarray, LSTMTokenCache]:
    """:func:`lstm_lib.lstm_forward` for one-hot inputs given as their ids, equations (1)-(6).

    The input projection of step t is the column ``W_x[:, k]`` of the token ``k =
    tokens[t, b]`` (plus the bias), for all four gates at once.

    Parameters
    ----------
    tokens : integer array (T, B), ids in [0, D)
        D = ``params.input_size`` is the vocabulary size V.
    h0, c0 : arrays (B, H), float32 or float64 as ``params``
    params : LSTMParams with D = V

    Returns
    -------
    hs, cs : arrays (T, B, H), read-only (the cache holds them)
    cache : LSTMTokenCache, for :func:`lstm_token_backward`
    """
    check_params(params, LSTMParams)
    H, D = params.hidden_size, params.input_size
    tokens = v.token_array(
        "tokens", tokens, ("T", "B"), (None, None), D, vocab_source="D from params"
    )
    B = tokens.shape[1]
    h0, c0 = (
        v.float_array(
            name,
            value,
            ("B", "H"),
            (B, H),
            params.dtype,
            source="B from tokens, H from params",
            dtype_source="params",
        )
        for name, value in (("h0", h0), ("c0", c0))
    )
    params = params._snapshot()
    W, b = _fused_weights(params)
    Wh_T = np.ascontiguousarray(W[:, :H].T)  # (H, 4H), acts on h_{t-1}
    Wx_T = np.ascontiguousarray(W[:, H:].T)  # (V, 4H): row k is W_x[:, k] of every gate
    x_proj = Wx_T[tokens]  # (T, B, 4H): W_x·e_k, a gather instead of a product
    x_proj += b
    hs, cs, tanh_cs, gates = _forward_through_time(x_proj, h0, c0, Wh_T)
    step = first_nonfinite_step(hs)
    if step is not None:
        raise overflow_error(
            "lstm_token_forward", "the pre-activations W·z + b", hs.dtype, step, _TOO_LARGE
        )
    cache = LSTMTokenCache(
        frozen_copy(tokens),
        frozen_copy(h0),
        frozen_copy(c0),
        *frozen(hs, cs, tanh_cs, gates),
        params,
    )
    return hs, cs, cache


def _scatter_rows(tokens: np.ndarray, rows: np.ndarray, vocab_size: int) -> np.ndarray:
    """Σ of ``rows`` (N, K) grouped by ``tokens`` (N,): an array (V, K), zero where unused.

    Sorted once, then summed per run of equal ids (``np.add.reduceat``): deterministic,
    and several times faster than a one-hot product at V ≈ 100.
    """
    order = np.argsort(tokens, kind="stable")
    ids = tokens[order]
    starts = np.flatnonzero(np.concatenate([[True], ids[1:] != ids[:-1]]))
    out = np.zeros((vocab_size, rows.shape[1]), rows.dtype)
    out[ids[starts]] = np.add.reduceat(rows[order], starts, axis=0)
    return out


@quiet_overflow
def lstm_token_backward(
    dhs: np.ndarray, cache: LSTMTokenCache, dc_last: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, LSTMParams]:
    """Backpropagation through time for :func:`lstm_token_forward`.

    As :func:`lstm_lib.lstm_backward`, without ∂L/∂x_t (a token id is not
    differentiable); the input columns of each gradient are
    ``∂L/∂W_x[:, k] = Σ_{t, b: tokens[t, b] = k} ∂L/∂a_{t,b}`` (a = W·z + b, the
    pre-activation), zero for ids that do not occur.

    Parameters
    ----------
    dhs : array (T, B, H)
        ∂L/∂h_t for every step.
    cache : LSTMTokenCache from :func:`lstm_token_forward`
    dc_last : array (B, H), optional
        An extra ∂L/∂C_T.

    Returns
    -------
    dh0, dc0 : (B, H)
    grads : LSTMParams, summed over all steps and rows
    """
    check_cache("cache", cache, LSTMTokenCache, "lstm_token_forward")
    T, B, H = cache.hs.shape
    dhs = check_gradient_input("dhs", dhs, ("T", "B", "H"), (T, B, H), cache)
    if dc_last is not None:
        dc_last = check_gradient_input("dc_last", dc_last, ("B", "H"), (B, H), cache)
    V = cache.params.input_size
    W, _ = _fused_weights(cache.params)
    da, dh0, dc0 = _backward_through_time(dhs, cache, dc_last, W)
    da_flat = da.reshape(T * B, 4 * H)
    dW_T = np.empty((H + V, 4 * H), da.dtype)
    _recurrent_weight_gradient(da, cache, out=dW_T[:H])
    dW_T[H:] = _scatter_rows(cache.tokens.reshape(-1), da_flat, V)
    db = da_flat.sum(axis=0)
    name = "lstm_token_backward"
    check_through_time(name, "the gradient ∂L/∂h_t, ∂L/∂C_t", da, (db, dh0, dc0))
    check_finite_result(name, "∂L/∂h_0, ∂L/∂C_0", np.stack([dh0, dc0]), step=0)
    check_finite_result(name, "∂L/∂W (the sum over all steps)", dW_T)
    return dh0, dc0, _gradients_by_gate(dW_T.T, db)
