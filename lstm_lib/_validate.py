"""Input checks shared by every public function of :mod:`lstm_lib`.

Each check raises a ``TypeError`` (wrong kind or dtype) or a ``ValueError``
(wrong shape, non-finite values) whose message names the argument, what was
expected and what was given, so that a mistake surfaces where it was made,
not as a silent broadcast or a NaN three cells later.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: The floating-point dtypes the library computes in; the output dtype is the input dtype.
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _describe(dims: Sequence[str], sizes: Sequence[int | None]) -> str:
    """``("B", "H"), (4, None)`` -> ``"(B, H) = (4, H)"``: letters, then known sizes."""
    letters = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
    values = [str(s) if s is not None else d for d, s in zip(dims, sizes, strict=True)]
    numbers = "(" + ", ".join(values) + ("," if len(values) == 1 else "") + ")"
    return letters if numbers == letters else f"{letters} = {numbers}"


def as_float_array(name: str, value: object, dtype: np.dtype | None = None) -> np.ndarray:
    """Return ``value`` as a float32/float64 array without copying it.

    Raises ``TypeError`` if it is not numeric floating data of the library's dtypes,
    or if ``dtype`` is given and differs (mixing float32 and float64 is an error,
    not a silent upcast).
    """
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"{name}: expected a float array, got {type(value).__name__}"
            ) from error
    if array.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{name}: expected dtype float32 or float64, got {array.dtype} with shape {array.shape}"
        )
    if dtype is not None and array.dtype != dtype:
        raise TypeError(
            f"{name}: expected dtype {np.dtype(dtype)} (the dtype of the other arrays), "
            f"got {array.dtype} with shape {array.shape}"
        )
    return array


def check_shape(
    name: str,
    array: np.ndarray,
    dims: Sequence[str],
    sizes: Sequence[int | None],
) -> None:
    """Raise ``ValueError`` unless ``array.shape`` matches ``sizes`` (``None`` = any size).

    ``dims`` are the letters used in docstrings, e.g. ``("T", "B", "D")``; the
    message shows them with the sizes already fixed by the other arguments.
    """
    shape = array.shape
    ok = len(shape) == len(sizes) and all(
        s is None or s == n for s, n in zip(sizes, shape, strict=True)
    )
    if not ok:
        raise ValueError(f"{name}: expected shape {_describe(dims, sizes)}, got {shape}")


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise ``ValueError`` if ``array`` holds NaN or infinity."""
    if not np.isfinite(array).all():
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{name}: expected finite values, got {bad} non-finite (NaN or inf) "
            f"in an array of shape {array.shape}"
        )


def float_array(
    name: str,
    value: object,
    dims: Sequence[str],
    sizes: Sequence[int | None],
    dtype: np.dtype | None = None,
) -> np.ndarray:
    """All three checks in order: dtype, shape, finiteness. Returns the array."""
    array = as_float_array(name, value, dtype)
    check_shape(name, array, dims, sizes)
    check_finite(name, array)
    return array


def check_cache(name: str, cache: object, expected: type, producer: str) -> None:
    """Raise ``TypeError`` unless ``cache`` came from ``producer`` (is an ``expected``)."""
    if not isinstance(cache, expected):
        raise TypeError(
            f"{name}: expected the {expected.__name__} returned by {producer}, "
            f"got {type(cache).__name__}"
        )
