"""Numerically stable activations and their derivatives.

The gates use the logistic sigmoid ``σ(a) = 1 / (1 + exp(-a))``. Computed literally, it
is accurate to the last digit in both tails (for a ≪ 0, ``1 + exp(-a)`` is large and its
reciprocal keeps full relative precision; the popular shortcut ``(1 + tanh(a/2)) / 2``
does not: it loses digits to cancellation and gives exactly 0 for σ(-50)). Its one
problem is that ``exp(-a)`` overflows, with a NumPy warning, once ``-a`` exceeds
709.78 (float64) or 88.72 (float32). So ``-a`` is first capped just below that limit:
this changes only results that are smaller than about 3e-308 (float64) or 2e-38
(float32) anyway, and any finite pre-activation (±1e3, a forget bias of ±50) is safe
and silent in both dtypes. The result keeps the input's dtype.

Introduced in the chapter "The three gates" (``chapters/01_gates``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "sigmoid_grad_from_output", "tanh", "tanh_grad_from_output"]


#: Largest argument whose ``exp`` is finite, minus a margin, per dtype.
_EXP_LIMIT = {np.dtype(np.float32): 88.0, np.dtype(np.float64): 709.0}


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
    a = np.asarray(a)
    if out is None:
        out = np.empty_like(a)  # an array even for 0-d input, so the in-place steps work
    np.negative(a, out=out)
    np.minimum(out, _EXP_LIMIT.get(out.dtype, 709.0), out=out)  # exp(-a) stays finite
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid_grad_from_output(s: np.ndarray) -> np.ndarray:
    """``dσ/da = σ(a) * (1 - σ(a))``, given ``s = σ(a)`` (same shape and dtype)."""
    return s * (1 - s)


def tanh(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Hyperbolic tangent; NumPy's ``tanh`` never overflows, re-exported for symmetry."""
    return np.tanh(a, out=out)


def tanh_grad_from_output(t: np.ndarray) -> np.ndarray:
    """``d tanh/da = 1 - tanh(a)**2``, given ``t = tanh(a)`` (same shape and dtype)."""
    return 1 - t * t
