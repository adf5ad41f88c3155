"""Numerically stable activations and their derivatives.

The gates use the logistic sigmoid ``σ(a) = 1 / (1 + exp(-a))``. Written that way it
overflows ``exp`` for ``a < -709`` (float64) or ``a < -88`` (float32) and NumPy warns.
Here ``exp`` only ever sees ``-|a| ≤ 0``, so it cannot overflow: with ``e = exp(-|a|)``,

    σ(a) = 1 / (1 + e)   for a ≥ 0,        σ(a) = e / (1 + e)   for a < 0,

which keeps full relative precision in both tails (σ(-30) ≈ 9.36e-14 to the last
digit, where the shortcut ``(1 + tanh(a/2)) / 2`` loses four digits to cancellation
and returns exactly 0 for σ(-50)). Any finite pre-activation (±1e3, a forget bias
of ±50) is safe in float32 and float64, and the result keeps the input's dtype.

Introduced in the chapter "The three gates" (``chapters/01_gates``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "sigmoid_grad_from_output", "tanh", "tanh_grad_from_output"]


def sigmoid(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic sigmoid ``σ(a) = 1 / (1 + exp(-a))``, without overflow.

    Parameters
    ----------
    a : array of any shape, float32 or float64
        Pre-activations, e.g. ``W_f·[h_{t-1}, x_t] + b_f`` of shape (B, H).
    out : array, optional
        Where to write the result (may be ``a`` itself).

    Returns
    -------
    array of the same shape and dtype as ``a``, values in [0, 1].
    """
    e = np.exp(-np.abs(a))  # in (0, 1]: never overflows
    return np.divide(np.where(a < 0, e, 1.0), 1.0 + e, out=out)


def sigmoid_grad_from_output(s: np.ndarray) -> np.ndarray:
    """``dσ/da = σ(a) * (1 - σ(a))``, given ``s = σ(a)`` (same shape and dtype)."""
    return s * (1 - s)


def tanh(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Hyperbolic tangent; NumPy's ``tanh`` never overflows, re-exported for symmetry."""
    return np.tanh(a, out=out)


def tanh_grad_from_output(t: np.ndarray) -> np.ndarray:
    """``d tanh/da = 1 - tanh(a)**2``, given ``t = tanh(a)`` (same shape and dtype)."""
    return 1 - t * t
