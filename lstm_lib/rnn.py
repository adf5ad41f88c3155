"""The simple (Elman) RNN, for the vanishing-gradient comparison.

``h_t = tanh(W_h·[h_{t-1}, x_t] + b_h)`` with ``W_h = [W_hh, W_xh]`` of shape (H, H+D).
Its backward pass multiplies the gradient by ``diag(1 - h_t²)·W_hh`` at every step,
which is why it vanishes or explodes (chapter "Vanishing gradients").
The API has the same shape as the LSTM's in :mod:`lstm_lib.lstm`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_lib._validate import (
    all_finite,
    check_cache,
    check_finite_result,
    check_gradient_input,
    check_params,
    check_sequence_inputs,
    check_step_inputs,
    check_through_time,
    first_nonfinite_step,
    frozen,
    frozen_copy,
    last_nonfinite_step,
    overflow_error,
    quiet_overflow,
)
from lstm_lib.params import RNNParams

__all__ = [
    "RNNCache",
    "RNNStepCache",
    "rnn_backward",
    "rnn_forward",
    "rnn_hidden_state_gradients",
    "rnn_step_backward",
    "rnn_step_forward",
]


#: The remedy when a forward pass overflows (inputs near the dtype's maximum).
_TOO_LARGE = "The inputs or weights are too large for the dtype: rescale them."


@dataclass(frozen=True, eq=False)
class RNNStepCache:
    """What :func:`rnn_step_backward` needs: ``z = [h_{t-1}, x_t]`` (B, H+D) and ``h_t`` (B, H)."""

    z: np.ndarray
    h_t: np.ndarray
    params: RNNParams
    unbatched: bool


@quiet_overflow
def rnn_step_forward(
    x_t: np.ndarray, h_prev: np.ndarray, params: RNNParams
) -> tuple[np.ndarray, RNNStepCache]:
    """One step ``h_t = tanh(W_h·[h_{t-1}, x_t] + b_h)``.

    Parameters
    ----------
    x_t : array (B, D) or (D,)
    h_prev : array (B, H) or (H,)
    params : RNNParams

    Returns
    -------
    h_t : array shaped like ``h_prev``
    cache : RNNStepCache
    """
    check_params(params, RNNParams)
    x_t, h_prev, _, unbatched = check_step_inputs(x_t, h_prev, {}, params)
    z = np.concatenate([h_prev, x_t], axis=1)
    h_t = np.tanh(z @ params.W_h.T + params.b_h)
    check_finite_result(
        "rnn_step_forward", "the pre-activation W_h·[h_{t-1}, x_t] + b_h", h_t, remedy=_TOO_LARGE
    )
    cache = RNNStepCache(*frozen(z), frozen_copy(h_t), params._snapshot(), unbatched)
    return (h_t[0] if unbatched else h_t), cache


@quiet_overflow
def rnn_step_backward(
    dh_t: np.ndarray, cache: RNNStepCache
) -> tuple[np.ndarray, np.ndarray, RNNParams]:
    """Backward pass of one step.

    Parameters
    ----------
    dh_t : array (B, H) (or (H,))
        ∂L/∂h_t.
    cache : RNNStepCache from :func:`rnn_step_forward`

    Returns
    -------
    dx_t : (B, D)
    dh_prev : (B, H), equal to ``(dh_t * (1 - h_t²)) · W_hh``
    grads : RNNParams
    """
    check_cache("cache", cache, RNNStepCache, "rnn_step_forward")
    B, H = cache.h_t.shape
    dims, sizes = (("H",), (H,)) if cache.unbatched else (("B", "H"), (B, H))
    dh_t = check_gradient_input("dh_t", dh_t, dims, sizes, cache).reshape(B, H)
    da = dh_t * (1 - cache.h_t**2)  # through tanh
    dW_h, db_h = da.T @ cache.z, da.sum(axis=0)
    dz = da @ cache.params.W_h
    for quantity, array in (("∂L/∂W_h", dW_h), ("∂L/∂b_h", db_h), ("∂L/∂[h_{t-1}, x_t]", dz)):
        check_finite_result("rnn_step_backward", quantity, array)
    grads = RNNParams(W_h=dW_h, b_h=db_h)
    dh_prev, dx_t = dz[:, :H], dz[:, H:]
    if cache.unbatched:
        return dx_t[0], dh_prev[0], grads
    return dx_t, dh_prev, grads


@dataclass(frozen=True, eq=False)
class RNNCache:
    """What :func:`rnn_backward` needs: ``xs`` (T, B, D), ``h0`` (B, H), ``hs`` (T, B, H)."""

    xs: np.ndarray
    h0: np.ndarray
    hs: np.ndarray
    params: RNNParams

    @property
    def h_prevs(self) -> np.ndarray:
        """``h_{t-1}`` for t = 1..T, (T, B, H)."""
        return np.concatenate([self.h0[None], self.hs[:-1]], axis=0)


@quiet_overflow
def rnn_forward(xs: np.ndarray, h0: np.ndarray, params: RNNParams) -> tuple[np.ndarray, RNNCache]:
    """Run the simple RNN over a sequence.

    Parameters
    ----------
    xs : array (T, B, D)
    h0 : array (B, H)
    params : RNNParams

    Returns
    -------
    hs : array (T, B, H), read-only (the cache holds it; ``.copy()`` it to edit)
    cache : RNNCache, with its own read-only copies of ``xs``, ``h0`` and ``params``
    """
    check_params(params, RNNParams)
    xs, h0, _ = check_sequence_inputs(xs, h0, {}, params)
    params = params._snapshot()  # the cache's own, read-only
    T, B, D = xs.shape
    W_hh_T = np.ascontiguousarray(params.W_hh.T)
    hs = (xs.reshape(T * B, D) @ params.W_xh.T + params.b_h).reshape(T, B, -1)
    h = h0
    for t in range(T):
        a = hs[t]
        a += h @ W_hh_T
        h = np.tanh(a, out=a)
    step = first_nonfinite_step(hs)
    if step is not None:
        raise overflow_error("rnn_forward", "the pre-activation", hs.dtype, step, _TOO_LARGE)
    # As in lstm_forward: the cache's own copies of the inputs, hs shared read-only.
    return hs, RNNCache(frozen_copy(xs), frozen_copy(h0), *frozen(hs), params)


def _check_backward_inputs(dhs: object, cache: object) -> np.ndarray:
    check_cache("cache", cache, RNNCache, "rnn_forward")
    T, B, H = cache.hs.shape
    return check_gradient_input("dhs", dhs, ("T", "B", "H"), (T, B, H), cache)


def _backward_through_time(
    dhs: np.ndarray, cache: RNNCache, dhs_out: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Pre-activation gradients ``da`` (T, B, H) and dh0; total ∂L/∂h_t into ``dhs_out[t]``."""
    T, B, H = cache.hs.shape
    tanh_grad = 1 - cache.hs**2
    W_hh = np.ascontiguousarray(cache.params.W_hh)
    da = np.empty_like(cache.hs)
    dh = np.zeros((B, H), cache.hs.dtype)
    for t in range(T - 1, -1, -1):
        dh += dhs[t]  # total ∂L/∂h_t
        if dhs_out is not None:
            dhs_out[t + 1] = dh
        np.multiply(dh, tanh_grad[t], out=da[t])
        dh = da[t] @ W_hh  # ∂h_t/∂h_{t-1} = diag(1 - h_t²)·W_hh
    if dhs_out is not None:
        dhs_out[0] = dh
    return da, dh


@quiet_overflow
def rnn_backward(dhs: np.ndarray, cache: RNNCache) -> tuple[np.ndarray, np.ndarray, RNNParams]:
    """Backpropagation through time for :func:`rnn_forward`.

    Parameters
    ----------
    dhs : array (T, B, H)
        ∂L/∂h_t for every step t = 1..T.
    cache : RNNCache

    Returns
    -------
    dxs : (T, B, D)
    dh0 : (B, H)
    grads : RNNParams
    """
    dhs = _check_backward_inputs(dhs, cache)
    T, B, H = cache.hs.shape
    D = cache.xs.shape[2]
    da, dh0 = _backward_through_time(dhs, cache)
    da_flat = da.reshape(T * B, H)
    dW_h = np.concatenate(
        [da_flat.T @ cache.h_prevs.reshape(T * B, H), da_flat.T @ cache.xs.reshape(T * B, D)],
        axis=1,
    )
    db_h = da_flat.sum(axis=0)
    dxs = (da_flat @ cache.params.W_xh).reshape(T, B, D)
    name = "rnn_backward"
    check_through_time(name, "∂L/∂h_t", da, (db_h, dh0))  # where it first overflowed
    check_finite_result(name, "∂L/∂h_t", dh0, step=0)
    check_finite_result(name, "∂L/∂W_h (the sum over all steps)", dW_h)
    check_finite_result(name, "∂L/∂b_h (the sum over all steps)", db_h)
    if not all_finite(dxs):
        raise overflow_error(name, "∂L/∂x_t", dxs.dtype, last_nonfinite_step(dxs))
    return dxs, dh0, RNNParams(W_h=dW_h, b_h=db_h)


@quiet_overflow
def rnn_hidden_state_gradients(dhs: np.ndarray, cache: RNNCache) -> np.ndarray:
    """∂L/∂h_t for every t = 0..T, shape (T+1, B, H) (``[0]`` is ``dh0``).

    The RNN counterpart of :func:`lstm_lib.lstm_cell_state_gradients`.
    """
    dhs = _check_backward_inputs(dhs, cache)
    T, B, H = cache.hs.shape
    out = np.empty((T + 1, B, H), cache.hs.dtype)
    da, _dh0 = _backward_through_time(dhs, cache, dhs_out=out)
    check_through_time("rnn_hidden_state_gradients", "∂L/∂h_t", da, (out,))
    check_finite_result("rnn_hidden_state_gradients", "∂L/∂h_t", out[0], step=0)
    return out
