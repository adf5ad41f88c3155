"""Adam and global-norm gradient clipping, with PyTorch's semantics.

Parameters and gradients are *parameter objects* (:class:`~lstm_lib.LSTMParams`,
:class:`~lstm_lib.RNNParams`, :class:`~lstm_lib.ReadoutParams`): frozen containers of
NumPy arrays whose ``arrays()`` lists them by name. An optimiser takes a sequence of
such objects and, at each step, the matching sequence of gradient objects (the same
types, the same shapes, in the same order), and updates the parameters' arrays in
place, so every reference to a parameter object sees the new values.

Both functions follow PyTorch exactly, so a reader can move between the two:

* :class:`Adam` is ``torch.optim.Adam`` with its defaults (no weight decay, no
  AMSGrad): bias-corrected moments, ``eps`` added *after* the square root;
* :func:`clip_grad_norm` is ``torch.nn.utils.clip_grad_norm_`` with the 2-norm: one
  global norm over every array, scale ``max_norm / (norm + 1e-6)`` capped at 1.

Introduced in chapter "Learning a long dependency" (``chapters/04_long_dependency``),
where both networks are trained with them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstm_lib import _validate as v
from lstm_lib._validate import check_finite

__all__ = ["Adam", "clip_grad_norm", "global_norm"]

#: The constant PyTorch adds to the norm in the clipping scale factor.
_CLIP_EPS = 1e-6


def _arrays_of(name: str, objects: object) -> list[tuple[str, np.ndarray]]:
    """Flatten a sequence of parameter objects into ``[(label, array), ...]``."""
    if isinstance(objects, (str, bytes)) or not isinstance(objects, Sequence):
        raise TypeError(
            f"{name}: expected a list or tuple of parameter objects (LSTMParams, RNNParams, "
            f"ReadoutParams), got {type(objects).__name__}"
        )
    if len(objects) == 0:
        raise ValueError(f"{name}: expected at least one parameter object, got an empty sequence")
    flat = []
    for k, obj in enumerate(objects):
        if not callable(getattr(obj, "arrays", None)):
            raise TypeError(
                f"{name}[{k}]: expected a parameter object (LSTMParams, RNNParams, "
                f"ReadoutParams), got {type(obj).__name__}"
            )
        flat.extend((f"{name}[{k}].{field}", a) for field, a in obj.arrays().items())
    return flat


def _matching_arrays(
    parameters: list[tuple[str, np.ndarray]], gradients: object
) -> list[tuple[str, np.ndarray]]:
    """The gradient arrays, checked against the parameters: kind, shape, dtype, finite."""
    grads = _arrays_of("gradients", gradients)
    if len(grads) != len(parameters):
        raise ValueError(
            f"gradients: expected {len(parameters)} arrays in all (one per parameter array), "
            f"got {len(grads)}"
        )
    for (p_label, p), (g_label, g) in zip(parameters, grads, strict=True):
        if p_label.split(".", 1)[1] != g_label.split(".", 1)[1]:
            raise TypeError(f"{g_label}: expected the gradient of {p_label}, got {g_label}")
        if g.shape != p.shape:
            raise ValueError(f"{g_label}: expected shape {p.shape} (as {p_label}), got {g.shape}")
        if g.dtype != p.dtype:
            raise TypeError(f"{g_label}: expected dtype {p.dtype} (as {p_label}), got {g.dtype}")
        check_finite(g_label, g)
    return grads


class Adam:
    """Adam (Kingma & Ba 2015) as ``torch.optim.Adam``: for each array θ with gradient g,

    ::

        m ← β₁ m + (1 − β₁) g            first moment
        v ← β₂ v + (1 − β₂) g * g        second moment
        θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + eps)

    at step t = 1, 2, …, with m = v = 0 before the first step.

    Parameters
    ----------
    parameters : sequence of parameter objects
        Updated in place by :meth:`step`.
    lr : float
        Learning rate.
    betas : (float, float)
        β₁ and β₂, each in [0, 1).
    eps : float
        Added to the bias-corrected √v (after the square root, as PyTorch does).
    """

    def __init__(
        self,
        parameters: Sequence[object],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self._params = _arrays_of("parameters", parameters)
        for label, p in self._params:
            if not p.flags.writeable:
                raise ValueError(f"{label}: expected a writeable array (updated in place)")
        self.lr = v.positive_real("lr", lr)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise TypeError(f"betas: expected a pair (beta1, beta2), got {betas!r}")
        b1, b2 = (v.finite_real(f"betas[{k}]", b) for k, b in enumerate(betas))
        for name, b in (("betas[0]", b1), ("betas[1]", b2)):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"{name}: expected a number in [0, 1), got {b}")
        self.betas = (b1, b2)
        self.eps = v.positive_real("eps", eps)
        self.t = 0  #: number of steps taken
        self._m = [np.zeros_like(p) for _, p in self._params]
        self._v = [np.zeros_like(p) for _, p in self._params]

    def step(self, gradients: Sequence[object]) -> None:
        """One update of every parameter array from the matching gradient object."""
        grads = _matching_arrays(self._params, gradients)
        self.t += 1
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1**self.t)
        sqrt_bc2 = np.sqrt(1 - b2**self.t)
        for (_, p), (_, g), m, sq in zip(self._params, grads, self._m, self._v, strict=True):
            m *= b1  # first moment
            m += (1 - b1) * g
            sq *= b2  # second moment
            sq += (1 - b2) * (g * g)
            denom = np.sqrt(sq)
            denom /= sqrt_bc2
            denom += self.eps
            p -= step_size * (m / denom)


def clip_grad_norm(gradients: Sequence[object], max_norm: float) -> float:
    """Scale the gradients in place so that their global 2-norm is at most ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: the norm is taken over every entry of
    every array, ``‖g‖ = √(Σ g²)``, and every array is multiplied by
    ``min(1, max_norm / (‖g‖ + 1e-6))``. This keeps the direction of the update and
    bounds its length, the remedy for exploding gradients of Pascanu et al. (2013).

    Parameters
    ----------
    gradients : sequence of parameter objects (gradients), modified in place
    max_norm : float, positive

    Returns
    -------
    float: the global norm *before* clipping (plot it to see gradients explode).
    """
    max_norm = v.positive_real("max_norm", max_norm)
    total = global_norm(gradients)
    scale = min(1.0, max_norm / (total + _CLIP_EPS))
    if scale < 1.0:
        for _, g in _arrays_of("gradients", gradients):
            g *= scale
    return total


def global_norm(gradients: Sequence[object]) -> float:
    """``√(Σ g²)`` over every entry of every array of ``gradients`` (sequence of objects).

    Computed as PyTorch does, as the norm of the per-array norms. Non-finite entries
    raise ``ValueError`` naming the array: an overflowed gradient is reported where it
    appears, not turned into a NaN update.
    """
    grads = _arrays_of("gradients", gradients)
    for label, g in grads:
        check_finite(label, g)
    return float(np.linalg.norm([np.linalg.norm(g.ravel()) for _, g in grads]))
