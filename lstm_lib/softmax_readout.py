"""A readout at every step and the softmax cross-entropy: predicting the next token.

A sequence-to-sequence network (chapter "What a trained LSTM keeps in its cell
state", ``chapters/05_char_lstm``) reads a prediction off *every* hidden state: the
scores (logits) of the V possible next tokens, turned into probabilities by the
softmax, and scored by the negative log-probability of the token that came::

    y_t = W_y·h_t + b_y                               (9)   logits, W_y (V, H), b_y (V,)
    log p_t(k) = y_t[k] − log Σ_j exp(y_t[j])         (10)  log-softmax
    L = −(1 / (T·B)) Σ_t Σ_b log p_{t,b}(k_{t,b})      (11)  cross-entropy, in nats

with ``k_{t,b}`` the target token (the next character). ``L / ln 2`` is the loss
in **bits per character**. The log-softmax is computed as ``y − m − log Σ exp(y −
m)`` with ``m = max_j y[j]``, so no exponential overflows whatever the logits.

Backward: ``∂L/∂y_t = (p_t − e_{k_t}) / (T·B)`` (softmax minus the one-hot
target), then ``∂L/∂h_t = ∂L/∂y_t · W_y`` for every t, the ``dhs`` that
:func:`lstm_lib.lstm_backward` (or :func:`lstm_lib.lstm_token_backward`) receives,
and ``∂L/∂W_y = Σ_t ∂L/∂y_tᵀ·h_t``. The weights are a
:class:`lstm_lib.ReadoutParams` (P = V outputs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_lib import _validate as v
from lstm_lib._validate import check_cache, float_array
from lstm_lib.readout import ReadoutParams

__all__ = [
    "SequenceReadoutCache",
    "log_softmax",
    "sequence_readout_backward",
    "sequence_readout_forward",
    "softmax_cross_entropy",
    "target_log_probs",
]


@dataclass(frozen=True, eq=False)
class SequenceReadoutCache:
    """What :func:`sequence_readout_backward` needs: ``hs`` (T, B, H) and the parameters."""

    hs: np.ndarray
    params: ReadoutParams


def sequence_readout_forward(
    hs: np.ndarray, params: ReadoutParams
) -> tuple[np.ndarray, SequenceReadoutCache]:
    """Equation (9) at every step: ``y_t = W_y·h_t + b_y``.

    Parameters
    ----------
    hs : array (T, B, H)
    params : ReadoutParams, ``W_y`` (V, H), ``b_y`` (V,)

    Returns
    -------
    logits : array (T, B, V)
    cache : SequenceReadoutCache
    """
    if not isinstance(params, ReadoutParams):
        raise TypeError(f"params: expected ReadoutParams, got {type(params).__name__}")
    hs = float_array(
        "hs",
        hs,
        ("T", "B", "H"),
        (None, None, params.hidden_size),
        params.dtype,
        source="H from params",
        dtype_source="params",
    )
    T, B, H = hs.shape
    logits = (hs.reshape(T * B, H) @ params.W_y.T).reshape(T, B, params.output_size)
    logits += params.b_y
    return logits, SequenceReadoutCache(v.frozen_copy(hs), params)


def sequence_readout_backward(
    dlogits: np.ndarray, cache: SequenceReadoutCache
) -> tuple[np.ndarray, ReadoutParams]:
    """Backward pass of equation (9) at every step.

    Parameters
    ----------
    dlogits : array (T, B, V), ∂L/∂y_t
    cache : SequenceReadoutCache from :func:`sequence_readout_forward`

    Returns
    -------
    dhs : array (T, B, H), ``∂L/∂h_t = ∂L/∂y_t · W_y``
    grads : ReadoutParams, ``∂L/∂W_y = Σ_t ∂L/∂y_tᵀ·h_t``, ``∂L/∂b_y = Σ_t Σ_b ∂L/∂y_t``
    """
    check_cache("cache", cache, SequenceReadoutCache, "sequence_readout_forward")
    params = cache.params
    T, B, H = cache.hs.shape
    V = params.output_size
    dlogits = float_array(
        "dlogits",
        dlogits,
        ("T", "B", "V"),
        (T, B, V),
        params.dtype,
        source="from cache",
        dtype_source="cache",
    )
    dy = dlogits.reshape(T * B, V)
    grads = ReadoutParams(W_y=dy.T @ cache.hs.reshape(T * B, H), b_y=dy.sum(axis=0))
    return (dy @ params.W_y).reshape(T, B, H), grads


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Equation (10) over the last axis, stably: ``y − m − log Σ exp(y − m)``, m = max y.

    ``logits`` is any float32/float64 array (..., V) of finite values; the result has
    its shape and dtype, and ``exp`` of it sums to 1 along the last axis.
    """
    logits = v.as_float_array("logits", logits)
    if logits.ndim < 1 or 0 in logits.shape:
        raise ValueError(f"logits: expected shape (..., V) with V >= 1, got {logits.shape}")
    v.check_finite("logits", logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _logits_and_targets(logits: object, targets: object) -> tuple[np.ndarray, np.ndarray]:
    logits = v.as_float_array("logits", logits)
    if logits.ndim != 3 or 0 in logits.shape:
        raise ValueError(f"logits: expected shape (T, B, V) with T, B, V >= 1, got {logits.shape}")
    v.check_finite("logits", logits)
    T, B, V = logits.shape
    targets = v.token_array(
        "targets",
        targets,
        ("T", "B"),
        (T, B),
        V,
        source="T, B from logits",
        vocab_source="V from logits",
    )
    return logits, targets


def target_log_probs(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``log p_t(k_t)`` of every target, equation (10): an array (T, B) of the logits' dtype.

    ``−target_log_probs(...) / ln 2`` is each character's loss in bits, e.g. to
    average over the characters of one kind only (closing brackets, newlines).

    Parameters
    ----------
    logits : array (T, B, V)
    targets : integer array (T, B), ids in [0, V)
    """
    logits, targets = _logits_and_targets(logits, targets)
    logp = log_softmax(logits)
    return np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]


def softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Equation (11), the mean cross-entropy in nats, and its gradient ∂L/∂y_t.

    Parameters
    ----------
    logits : array (T, B, V)
    targets : integer array (T, B), ids in [0, V)

    Returns
    -------
    loss : float, ``−mean(log p_t(k_t))`` over the T·B targets (divide by ln 2 for bits)
    dlogits : array (T, B, V), ``(softmax(y_t) − e_{k_t}) / (T·B)``
    """
    logits, targets = _logits_and_targets(logits, targets)
    logp = log_softmax(logits)
    picked = np.take_along_axis(logp, targets[..., None], axis=-1)
    n = targets.size
    loss = -float(picked.sum(dtype=np.float64)) / n
    dlogits = np.exp(logp)
    np.put_along_axis(dlogits, targets[..., None], np.exp(picked) - 1.0, axis=-1)
    dlogits *= 1.0 / n
    return loss, dlogits
