"""The adding problem: a task that can only be solved by remembering across T steps.

Hochreiter & Schmidhuber (1997, experiment 4) introduced it; this is the two-channel
form of Le, Jaitly & Hinton (2015). Each sequence has T steps and two input channels,
``x_t = [value_t, marker_t]``:

* ``value_t`` is drawn uniformly from [0, 1];
* ``marker_t`` is 0 except at exactly two steps, one drawn uniformly from the first
  half of the sequence (t < T/2) and one from the second half (t ≥ T/2).

The target is the sum of the two marked values, a number in [0, 2]. The first marker
can be up to T − 1 steps before the end, so the network must carry one number across
about T/2 steps on average and T − 1 at worst, while ignoring every unmarked value.

Predicting the constant 1 (the mean of the target) without looking at the input gives
a mean squared error of Var(u₁ + u₂) = 2/12 = 1/6 ≈ 0.167 (:data:`ADDING_BASELINE_MSE`),
the number every result is compared with: a network below it has learned something
from the input.

Introduced in chapter "Learning a long dependency" (``chapters/04_long_dependency``).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import _validate as v

__all__ = ["ADDING_BASELINE_MSE", "adding_problem"]

#: MSE of the constant prediction 1: the variance of the sum of two U(0, 1) numbers.
ADDING_BASELINE_MSE = 1.0 / 6.0


def adding_problem(
    steps: int,
    batch_size: int,
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    dtype: str | np.dtype = "float64",
) -> tuple[np.ndarray, np.ndarray]:
    """A batch of adding-problem sequences.

    Parameters
    ----------
    steps : int
        T, the length of each sequence (at least 2: one marker in each half).
    batch_size : int
        B, the number of sequences.
    seed, rng : int or numpy.random.Generator, optional
        Source of randomness (give at most one).
    dtype : float32 or float64

    Returns
    -------
    xs : array (T, B, 2)
        Channel 0 is the value, channel 1 the marker (exactly two ones per sequence).
    y : array (B, 1)
        The sum of the two marked values.
    """
    T = v.positive_int("steps", steps)
    if T < 2:
        raise ValueError(f"steps: expected an int >= 2 (one marker in each half), got {T}")
    B = v.positive_int("batch_size", batch_size)
    dtype = v.float_dtype("dtype", dtype)
    gen = v.generator(seed, rng)
    values = gen.uniform(0.0, 1.0, (T, B))
    half = T // 2
    first = gen.integers(0, half, B)  # a step in the first half, t < T/2
    second = gen.integers(half, T, B)  # a step in the second half, t >= T/2
    markers = np.zeros((T, B))
    rows = np.arange(B)
    markers[first, rows] = 1.0
    markers[second, rows] = 1.0
    xs = np.stack([values, markers], axis=2).astype(dtype)
    y = (values[first, rows] + values[second, rows])[:, None].astype(dtype)
    return xs, y
