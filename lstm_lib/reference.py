"""The reference sequence implementation: a plain loop of the step functions.

:func:`lstm_forward_reference` and :func:`lstm_backward_reference` run the cell over a
sequence exactly as the chapter "The three gates" writes it: one call of
:func:`~lstm_lib.lstm_step_forward` per step forward, one call of
:func:`~lstm_lib.lstm_step_backward` per step backward, the weight gradients summed
step by step. Nothing is fused or rearranged, so they are slow and easy to check by
eye; they are the oracle the tests hold the fast path :func:`~lstm_lib.lstm_forward` /
:func:`~lstm_lib.lstm_backward` to (1e-12), and the "plain NumPy" baseline of the
benchmarks. Notation and equation numbers: the book's notation page (``notation.md``).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import _validate as v
from lstm_lib.lstm import LSTMStepCache, lstm_step_backward, lstm_step_forward
from lstm_lib.params import LSTMParams

__all__ = ["lstm_backward_reference", "lstm_forward_reference"]


def lstm_forward_reference(
    xs: np.ndarray, h0: np.ndarray, c0: np.ndarray, params: LSTMParams
) -> tuple[np.ndarray, np.ndarray, list[LSTMStepCache]]:
    """Equations (1)-(6) for t = 1..T, one :func:`~lstm_lib.lstm_step_forward` per step.

    Parameters
    ----------
    xs : array (T, B, D)
    h0, c0 : arrays (B, H)
        ``h_0`` and ``C_0``.
    params : LSTMParams

    Returns
    -------
    hs, cs : arrays (T, B, H)
        ``h_t`` and ``C_t`` for t = 1..T, as :func:`~lstm_lib.lstm_forward` returns them.
    caches : list of T LSTMStepCache, one per step, for :func:`lstm_backward_reference`
    """
    v.check_params(params, LSTMParams)
    xs, h0, (c0,) = v.check_sequence_inputs(xs, h0, {"c0": c0}, params)
    h, c, hs, cs, caches = h0, c0, [], [], []
    for x_t in xs:
        h, c, cache = lstm_step_forward(x_t, h, c, params)  # (1)-(6)
        hs.append(h)
        cs.append(c)
        caches.append(cache)
    return np.array(hs), np.array(cs), caches


def lstm_backward_reference(
    dhs: np.ndarray, caches: list[LSTMStepCache], dc_last: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, LSTMParams]:
    """Backpropagation through time, one :func:`~lstm_lib.lstm_step_backward` per step.

    From t = T down to 1 the step receives ``∂L/∂h_t = dhs[t] + ∂L/∂h_t`` from step
    t+1 and the cell-state gradient ∂L/∂C_t from step t+1; the weight gradients of
    the steps are summed, ∂L/∂W = Σ_t ∂L/∂W at step t.

    Parameters
    ----------
    dhs : array (T, B, H)
        ∂L/∂h_t for every step (the loss's direct dependence on each output).
    caches : the list returned by :func:`lstm_forward_reference`
    dc_last : array (B, H), optional
        An extra ∂L/∂C_T (zero if not given).

    Returns
    -------
    dxs : (T, B, D)
    dh0, dc0 : (B, H)
    grads : LSTMParams, the gradients summed over all steps and rows
    """
    dhs, dc_last = _check_backward_inputs(dhs, caches, dc_last)
    dh = np.zeros_like(dhs[0])  # ∂L/∂h_t arriving from step t+1 (none after T)
    dc = np.zeros_like(dhs[0]) if dc_last is None else dc_last
    dxs, total = [], {}
    for t in reversed(range(len(caches))):
        dx, dh, dc, grads = lstm_step_backward(dhs[t] + dh, dc, caches[t])
        dxs.append(dx)
        for name, g in grads.arrays().items():  # ∂L/∂W_f, ..., ∂L/∂b_o of step t
            total[name] = total[name] + g if name in total else g
    return np.array(dxs[::-1]), dh, dc, LSTMParams(**total)


def _check_backward_inputs(
    dhs: object, caches: object, dc_last: object
) -> tuple[np.ndarray, np.ndarray | None]:
    """``caches`` a non-empty list of LSTMStepCache; ``dhs`` (T, B, H), ``dc_last`` (B, H)."""
    if not isinstance(caches, list) or not all(isinstance(c, LSTMStepCache) for c in caches):
        raise TypeError(
            "caches: expected the list of LSTMStepCache from lstm_forward_reference, "
            f"got {v._got(caches)}"
        )
    if not caches:
        raise ValueError("caches: expected the caches of at least one step, got an empty list")
    B, H = caches[0].f_t.shape
    dhs = v.check_gradient_input("dhs", dhs, ("T", "B", "H"), (len(caches), B, H), caches[0])
    if dc_last is not None:
        dc_last = v.check_gradient_input("dc_last", dc_last, ("B", "H"), (B, H), caches[0])
    return dhs, dc_last
