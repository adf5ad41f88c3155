"""Gradient checking: compare a backward pass with central finite differences.

For a scalar function ``L(x)`` the central difference

    ∂L/∂x_j ≈ (L(x + ε e_j) - L(x - ε e_j)) / (2ε)

has truncation error O(ε²) and round-off error O(u / ε) (u ≈ 1.1e-16 in float64),
so ε = 1e-6 gives about 1e-10 absolute accuracy for well-scaled functions. Always
check in float64: in float32 (u ≈ 6e-8) the round-off alone is around 1e-2.

The function to check receives the perturbed array explicitly, a fresh copy each
time; the caller's array is never modified.

Introduced in chapter "The three gates", where readers check ``lstm_step_backward``;
:func:`numerical_jacobian` (central differences, one column per input) is the tool of
chapter "Vanishing gradients", where readers check ∂C_t/∂C_{t-1} = diag(f_t).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lstm_lib import _validate as v

__all__ = ["numerical_gradient", "numerical_jacobian", "relative_error"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, *, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    Parameters
    ----------
    f : callable taking an array shaped like ``x`` and returning a scalar
        It is called 2·x.size times, each time with a new perturbed copy of ``x``.
    x : float64 array of any shape
    eps : float
        The step ε.

    Returns
    -------
    array shaped like ``x``: the estimate of ∂f/∂x.
    """
    v.check_callable("f", f)
    x = _float64_point(x)
    eps = v.positive_real("eps", eps)
    # Both arrays C-ordered, whatever the layout of x (Fortran order, a transposed or
    # strided view), so that reshape(-1) is a view and entry j is the same entry in both.
    grad = np.empty(x.shape, x.dtype)
    flat = grad.reshape(-1)
    for j in range(x.size):
        values = []
        for sign in (+1.0, -1.0):
            x_pert = np.array(x, order="C")  # a fresh copy each call
            x_pert.reshape(-1)[j] += sign * eps
            values.append(_scalar_value(f(x_pert)))
        flat[j] = (values[0] - values[1]) / (2 * eps)
    return grad


def numerical_jacobian(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, *, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference Jacobian ∂f(x)/∂x of a vector function ``f`` at a 1-D ``x``.

    Column ``k`` is ``(f(x + ε e_k) - f(x - ε e_k)) / (2ε)``, so row ``j`` is
    :func:`numerical_gradient` of the j-th output ``x ↦ f(x)[j]``, to the last bit,
    with 2·N calls of ``f`` instead of 2·N per row.

    Parameters
    ----------
    f : callable taking an array shaped like ``x`` and returning a 1-D array (M,)
        It is called 2·N times, each time with a new perturbed copy of ``x``.
    x : float64 array of shape (N,)
    eps : float
        The step ε.

    Returns
    -------
    array of shape (M, N): entry (j, k) estimates ∂f_j/∂x_k.
    """
    v.check_callable("f", f)
    x = _float64_point(x)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x: expected a 1-D array (N,), N >= 1, got shape {x.shape}")
    eps = v.positive_real("eps", eps)
    columns = []
    for k in range(x.size):
        values = []
        for sign in (+1.0, -1.0):
            x_pert = x.copy()  # a fresh copy each call
            x_pert[k] += sign * eps
            values.append(_vector_value(f(x_pert), columns[0].shape if columns else None))
        columns.append((values[0] - values[1]) / (2 * eps))
    return np.stack(columns, axis=1)


def _vector_value(result: object, shape: tuple[int, ...] | None) -> np.ndarray:
    """What ``f`` returned, as a finite real 1-D float array (of ``shape`` if given)."""
    value = np.asarray(result)
    if value.dtype.kind not in "fiu":
        raise TypeError(f"f: expected a real 1-D return value (M,), got dtype {value.dtype}")
    if value.ndim != 1 or (shape is not None and value.shape != shape):
        expected = "(M,)" if shape is None else str(shape)
        raise ValueError(f"f: expected a 1-D return value {expected}, got shape {value.shape}")
    if not np.all(np.isfinite(value)):
        raise ValueError("f: expected a finite return value, got one with NaN or inf")
    return value.astype(np.float64, copy=False)


def _float64_point(x: object) -> np.ndarray:
    """``x`` as a finite float64 array: finite differences need float64."""
    x = v.as_float_array("x", x)
    if x.dtype != np.float64:
        raise TypeError(f"x: expected dtype float64 (finite differences need it), got {x.dtype}")
    v.check_finite("x", x)
    return x


def _scalar_value(result: object) -> float:
    """What ``f`` returned, as a float: a finite real scalar (a 0-d array is fine)."""
    value = np.asarray(result)
    if value.dtype.kind not in "fiu":
        raise TypeError(f"f: expected a real scalar return value, got {type(result).__name__}")
    if value.shape != ():
        raise ValueError(f"f: expected a scalar return value, got shape {value.shape}")
    if not np.isfinite(value):
        raise ValueError(f"f: expected a finite return value, got {float(value)}")
    return float(value)


def relative_error(analytic: np.ndarray, numeric: np.ndarray, *, floor: float = 1e-12) -> float:
    """``‖a - n‖ / max(‖a‖, ‖n‖, floor)``, with ``‖·‖`` the Euclidean norm over all entries.

    A norm-wise error is used rather than the maximum of element-wise ratios: an
    entry whose true gradient is tiny (say 1e-9) has a large *relative* finite-difference
    error without anything being wrong, while a bug (a wrong sign, a missing term)
    moves the whole vector and shows up as an error of order 1. ``floor`` keeps the
    ratio defined when both gradients are zero.
    """
    a = v.as_float_array("analytic", analytic)
    n = v.as_float_array("numeric", numeric)
    if a.shape != n.shape:
        raise ValueError(
            f"numeric: expected shape {a.shape} (the shape of analytic), got {n.shape}"
        )
    v.check_finite("analytic", a)
    v.check_finite("numeric", n)
    floor = v.positive_real("floor", floor)
    a, n = a.astype(np.float64), n.astype(np.float64)
    # Divide by the largest entry first, so that the norms of huge gradients (1e200)
    # do not overflow to inf; the ratio is scale-free.
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(n), initial=0.0)))
    if scale == 0.0:
        return 0.0
    diff = float(np.linalg.norm((a - n) / scale))
    return diff / max(
        float(np.linalg.norm(a / scale)), float(np.linalg.norm(n / scale)), floor / scale
    )
