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

from lstm_lib import _validate as v

__all__ = ["sigmoid", "tanh"]


#: Largest argument whose ``exp`` is finite, minus a margin, per dtype.
_EXP_LIMIT = {np.dtype(np.float32): 88.0, np.dtype(np.float64): 709.0}


def _check(a: object, out: object) -> np.ndarray:
    """``a`` a finite float array of any shape; ``out``, if given, an array like it."""
    a = v.as_float_array("a", a)
    v.check_finite("a", a)
    if out is not None:
        if not isinstance(out, np.ndarray) or isinstance(out, (np.ma.MaskedArray, np.matrix)):
            raise TypeError(f"out: expected a numpy.ndarray like a, got {type(out).__name__}")
        v.as_float_array("out", out, a.dtype, dtype_source="a")
        v.check_shape("out", out, [f"n{k}" for k in range(a.ndim)], a.shape, nonempty=False)
    return a


def _sigmoid(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ without input checks, for the library's inner loops (``a`` already validated)."""
    if out is None:
        out = np.empty_like(a)  # an array even for 0-d input, so the in-place steps work
    np.negative(a, out=out)
    np.minimum(out, _EXP_LIMIT[out.dtype], out=out)  # exp(-a) stays finite
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic sigmoid ``σ(a) = 1 / (1 + exp(-a))``, without overflow.

    Parameters
    ----------
    a : array of any shape, float32 or float64, finite
        Pre-activations, e.g. ``W_f·[h_{t-1}, x_t] + b_f`` of shape (B, H).
    out : array, optional
        Where to write the result (same shape and dtype; may be ``a`` itself).

    Returns
    -------
    array of the same shape and dtype as ``a``, values in [0, 1].
    """
    return _sigmoid(_check(a, out), out)


def tanh(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Hyperbolic tangent (NumPy's ``tanh`` never overflows), with the same checks as σ."""
    a = _check(a, out)
    return np.tanh(a, out=out) if out is not None else np.tanh(a)
