"""The readout and the loss: from the last hidden state to a prediction and its error.

A network that answers one question about a whole sequence (chapter "Learning a long
dependency": *what is the sum of the two marked numbers?*) reads its answer off the
last hidden state with a linear layer::

    ŷ = W_y·h_T + b_y                      (7)  readout, W_y (P, H), b_y (P,)
    L = (1 / (B·P)) Σ_b Σ_p (ŷ_bp − y_bp)²   (8)  mean squared error

In code, for a batch of B rows, ``y_hat = h_T @ W_y.T + b_y`` has shape (B, P).
The backward passes give ∂L/∂ŷ = 2 (ŷ − y) / (B·P), then ∂L/∂h_T = ∂L/∂ŷ · W_y, the
only non-zero entry of the ``dhs`` that :func:`~lstm_lib.lstm_backward` receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lstm_lib import _validate as v
from lstm_lib._validate import as_float_array, check_cache, check_finite, float_array

__all__ = [
    "ReadoutCache",
    "ReadoutParams",
    "mse_loss",
    "readout_backward",
    "readout_forward",
]


@dataclass(frozen=True, eq=False, repr=False)
class ReadoutParams:
    """Weights of the linear readout ``ŷ = W_y·h_T + b_y`` (equation 7), or their gradients.

    Fields: ``W_y``, array (P, H); ``b_y``, array (P,); one float dtype, finite.
    """

    W_y: np.ndarray
    b_y: np.ndarray

    _fields: ClassVar[tuple[str, ...]] = ("W_y", "b_y")

    def __post_init__(self) -> None:
        W_y = as_float_array("W_y", self.W_y)
        if W_y.ndim != 2 or 0 in W_y.shape:
            raise ValueError(f"W_y: expected shape (P, H) with P, H >= 1, got {W_y.shape}")
        check_finite("W_y", W_y)
        b_y = float_array("b_y", self.b_y, ("P",), (W_y.shape[0],), W_y.dtype)
        object.__setattr__(self, "W_y", W_y)
        object.__setattr__(self, "b_y", b_y)

    @classmethod
    def init(
        cls,
        hidden_size: int,
        output_size: int = 1,
        *,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype: str | np.dtype = "float64",
    ) -> ReadoutParams:
        """``W_y`` from U(−1/√H, 1/√H) and ``b_y = 0`` (PyTorch's ``nn.Linear`` bound)."""
        hidden_size = v.positive_int("hidden_size", hidden_size)
        output_size = v.positive_int("output_size", output_size)
        dtype = v.float_dtype("dtype", dtype)
        gen = v.generator(seed, rng)
        bound = 1.0 / np.sqrt(hidden_size)
        W_y = gen.uniform(-bound, bound, (output_size, hidden_size)).astype(dtype)
        return cls(W_y=W_y, b_y=np.zeros(output_size, dtype))

    @property
    def hidden_size(self) -> int:
        """H, the size of the hidden state read."""
        return int(self.W_y.shape[1])

    @property
    def output_size(self) -> int:
        """P, the number of outputs."""
        return int(self.W_y.shape[0])

    @property
    def dtype(self) -> np.dtype:
        """float32 or float64."""
        return self.W_y.dtype

    def arrays(self) -> dict[str, np.ndarray]:
        """``{"W_y": W_y, "b_y": b_y}``."""
        return {name: getattr(self, name) for name in self._fields}

    def copy(self) -> ReadoutParams:
        """A deep copy (new arrays)."""
        return ReadoutParams(W_y=self.W_y.copy(), b_y=self.b_y.copy())

    def __repr__(self) -> str:
        return (
            f"ReadoutParams(hidden_size={self.hidden_size}, output_size={self.output_size}, "
            f"dtype={self.dtype})"
        )


@dataclass(frozen=True, eq=False)
class ReadoutCache:
    """What :func:`readout_backward` needs: ``h_T`` (B, H) and the parameters."""

    h_T: np.ndarray
    params: ReadoutParams


def readout_forward(h_T: np.ndarray, params: ReadoutParams) -> tuple[np.ndarray, ReadoutCache]:
    """Equation (7): ``ŷ = W_y·h_T + b_y`` for a batch.

    Parameters
    ----------
    h_T : array (B, H)
    params : ReadoutParams

    Returns
    -------
    y_hat : array (B, P)
    cache : ReadoutCache
    """
    if not isinstance(params, ReadoutParams):
        raise TypeError(f"params: expected ReadoutParams, got {type(params).__name__}")
    h_T = float_array("h_T", h_T, ("B", "H"), (None, params.hidden_size), params.dtype)
    y_hat = h_T @ params.W_y.T + params.b_y
    return y_hat, ReadoutCache(h_T.copy(), params)


def readout_backward(dy_hat: np.ndarray, cache: ReadoutCache) -> tuple[np.ndarray, ReadoutParams]:
    """Backward pass of equation (7).

    Parameters
    ----------
    dy_hat : array (B, P)
        ∂L/∂ŷ.
    cache : ReadoutCache from :func:`readout_forward`

    Returns
    -------
    dh_T : array (B, H), ``dy_hat · W_y``
    grads : ReadoutParams, ``∂L/∂W_y = dy_hatᵀ·h_T`` and ``∂L/∂b_y = Σ_b dy_hat``
    """
    check_cache("cache", cache, ReadoutCache, "readout_forward")
    params = cache.params
    B = cache.h_T.shape[0]
    dy_hat = float_array("dy_hat", dy_hat, ("B", "P"), (B, params.output_size), params.dtype)
    grads = ReadoutParams(W_y=dy_hat.T @ cache.h_T, b_y=dy_hat.sum(axis=0))
    return dy_hat @ params.W_y, grads


def mse_loss(y_hat: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Equation (8), the mean squared error, and its gradient.

    Parameters
    ----------
    y_hat, y : arrays (B, P), the prediction and the target (same dtype)

    Returns
    -------
    loss : float, ``mean((ŷ − y)²)`` over all B·P entries
    dy_hat : array (B, P), ∂L/∂ŷ = 2 (ŷ − y) / (B·P)
    """
    y_hat = as_float_array("y_hat", y_hat)
    if y_hat.ndim != 2 or 0 in y_hat.shape:
        raise ValueError(f"y_hat: expected shape (B, P) with B, P >= 1, got {y_hat.shape}")
    check_finite("y_hat", y_hat)
    y = float_array("y", y, ("B", "P"), y_hat.shape, y_hat.dtype)
    error = y_hat - y
    return float(np.mean(error * error)), (2.0 / error.size) * error
