"""Every input check of :mod:`lstm_lib`, in one place: one rule per condition.

Each rule raises one exception type, with one message form,
``"<argument>: expected <what>, got <what was given>"``:

=====================================================  ============  ==========================
condition                                              exception     checked by
=====================================================  ============  ==========================
not an array of float32/float64 (lists are fine;       ``TypeError``  :func:`as_float_array`
masked arrays, ``np.matrix``, ints, complex are not)
dtype differs from the other arrays' (no silent        ``TypeError``  :func:`as_float_array`
upcast between float32 and float64)
wrong number of axes, wrong or zero size               ``ValueError`` :func:`check_shape`
NaN or infinity                                        ``ValueError`` :func:`check_finite`
not an int / not a real number / not a dtype           ``TypeError``  :func:`positive_int`,
                                                                      :func:`seed`,
                                                                      :func:`finite_real`,
                                                                      :func:`positive_real`,
                                                                      :func:`float_dtype`
an int or real number out of range                     ``ValueError`` the same
wrong object (params, cache, callable, generator)      ``TypeError``  :func:`check_params`,
                                                                      :func:`check_cache`, …
=====================================================  ============  ==========================

When a size is fixed by another argument the message says which (``B from xs``), so
a mismatch between two arguments names both.

Numerical trouble that no input check can foresee (a backward pass whose gradient
overflows) is not a bad input: :func:`check_finite_result` raises ``OverflowError``
saying at which step which quantity overflowed, and what usually helps.

A new module validates with these functions only, e.g.::

    from lstm_lib import _validate as v

    steps = v.positive_int("steps", steps)
    xs = v.float_array("xs", xs, ("T", "B", "D"), (None, None, D), dtype, source="D from params")
"""

from __future__ import annotations

import functools
import numbers
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

#: The floating-point dtypes the library computes in; the output dtype is the input dtype.
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _got(value: object) -> str:
    """A short description of a wrong value: its type, and its value if it is small."""
    if isinstance(value, np.ndarray):
        return f"{type(value).__name__} of dtype {value.dtype} and shape {value.shape}"
    text = repr(value)
    if len(text) > 40:
        return type(value).__name__
    return f"{type(value).__name__} {text}"


# --------------------------------------------------------------------------- arrays


def _describe(dims: Sequence[str], sizes: Sequence[int | None]) -> str:
    """``("B", "H"), (4, None)`` -> ``"(B, H) = (4, H)"``: letters, then known sizes."""
    letters = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
    values = [str(s) if s is not None else d for d, s in zip(dims, sizes, strict=True)]
    numbers_ = "(" + ", ".join(values) + ("," if len(values) == 1 else "") + ")"
    return letters if numbers_ == letters else f"{letters} = {numbers_}"


def as_float_array(
    name: str, value: object, dtype: np.dtype | None = None, *, dtype_source: str = "other arrays"
) -> np.ndarray:
    """Return ``value`` as a float32/float64 ndarray, without copying an ndarray.

    Raises ``TypeError`` if it is not floating data of the library's dtypes (masked
    arrays and ``np.matrix`` included: their arithmetic differs), or if ``dtype`` is
    given and differs (``dtype_source`` says whose dtype it is).
    """
    if isinstance(value, (np.ma.MaskedArray, np.matrix)):
        raise TypeError(
            f"{name}: expected a numpy.ndarray of float32 or float64, got {type(value).__name__} "
            "(pass np.asarray(...) of it)"
        )
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
            f"{name}: expected dtype {np.dtype(dtype)} (the dtype of {dtype_source}), "
            f"got {array.dtype} with shape {array.shape}"
        )
    return array


def check_shape(
    name: str,
    array: np.ndarray,
    dims: Sequence[str],
    sizes: Sequence[int | None],
    *,
    source: str | None = None,
    nonempty: bool = True,
) -> None:
    """Raise ``ValueError`` unless ``array.shape`` matches ``sizes`` (``None`` = any size).

    ``dims`` are the letters used in docstrings, e.g. ``("T", "B", "D")``; the message
    shows them with the sizes already fixed by the other arguments, and ``source``
    (e.g. ``"B from xs, H from params"``) says where those sizes come from. With
    ``nonempty`` every free size must be at least 1.
    """
    shape = array.shape
    ok = len(shape) == len(sizes) and all(
        s is None or s == n for s, n in zip(sizes, shape, strict=True)
    )
    note = f" ({source})" if source else ""
    if not ok:
        raise ValueError(f"{name}: expected shape {_describe(dims, sizes)}, got {shape}{note}")
    if nonempty and 0 in shape:
        empty = ", ".join(f"{d} >= 1" for d, n in zip(dims, shape, strict=True) if n == 0)
        raise ValueError(
            f"{name}: expected shape {_describe(dims, sizes)} with {empty}, got {shape}"
        )


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise ``ValueError`` if ``array`` holds NaN or infinity."""
    finite = np.isfinite(array)
    if not finite.all():
        bad = int(array.size - np.count_nonzero(finite))
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
    *,
    source: str | None = None,
    dtype_source: str = "other arrays",
) -> np.ndarray:
    """All three checks in order: dtype, shape (non-empty), finiteness. Returns the array."""
    array = as_float_array(name, value, dtype, dtype_source=dtype_source)
    check_shape(name, array, dims, sizes, source=source)
    check_finite(name, array)
    return array


def token_array(
    name: str,
    value: object,
    dims: Sequence[str],
    sizes: Sequence[int | None],
    vocab_size: int,
    *,
    source: str | None = None,
    vocab_source: str = "V",
) -> np.ndarray:
    """Integer token ids in ``[0, vocab_size)`` of the given shape, as an int64 ndarray.

    ``TypeError`` unless the data are integers (bool, float, complex, object and
    strings are not, even a float 3.0: a token is an index, not a number), masked
    arrays and ``np.matrix`` included; ``ValueError`` for a wrong shape or an id out
    of range (``vocab_source`` says where ``vocab_size`` comes from).
    """
    if isinstance(value, (np.ma.MaskedArray, np.matrix)):
        raise TypeError(
            f"{name}: expected a numpy.ndarray of integer token ids, got {type(value).__name__}"
        )
    try:
        array = value if isinstance(value, np.ndarray) else np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name}: expected an array of integer token ids, got {type(value).__name__}"
        ) from error
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: expected integer token ids (dtype int or uint), got dtype {array.dtype} "
            f"with shape {array.shape}"
        )
    check_shape(name, array, dims, sizes, source=source)
    low, high = int(array.min()), int(array.max())
    if low < 0 or high >= vocab_size:
        bad = low if low < 0 else high
        raise ValueError(
            f"{name}: expected token ids in [0, {vocab_size}) ({vocab_source} = {vocab_size}), "
            f"got {bad}"
        )
    return array.astype(np.int64, copy=False)


# --------------------------------------------------------------------------- scalars


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def positive_int(name: str, value: object) -> int:
    """An int >= 1 (``TypeError`` for anything not an int, bools and 3.0 included)."""
    if not _is_int(value):
        raise TypeError(f"{name}: expected a positive int, got {_got(value)}")
    if value < 1:
        raise ValueError(f"{name}: expected a positive int, got {value}")
    return int(value)


def seed(name: str, value: object) -> int | None:
    """``None`` or an int >= 0, as ``numpy.random.default_rng`` takes it."""
    if value is None:
        return None
    if not _is_int(value):
        raise TypeError(f"{name}: expected None or an int >= 0, got {_got(value)}")
    if value < 0:
        raise ValueError(f"{name}: expected None or an int >= 0, got {value}")
    return int(value)


def finite_real(name: str, value: object) -> float:
    """A finite real number (int or float, NumPy scalars included; not a str or bool)."""
    if not _is_real(value):
        raise TypeError(f"{name}: expected a real number, got {_got(value)}")
    result = float(value)
    if not np.isfinite(result):
        raise ValueError(f"{name}: expected a finite number, got {result}")
    return result


def positive_real(name: str, value: object) -> float:
    """A finite real number > 0."""
    if not _is_real(value):
        raise TypeError(f"{name}: expected a positive number, got {_got(value)}")
    result = float(value)
    if not (np.isfinite(result) and result > 0):
        raise ValueError(f"{name}: expected a finite positive number, got {value}")
    return result


def float_dtype(name: str, value: object) -> np.dtype:
    """``float32`` or ``float64``, given as a string, a NumPy type or a dtype."""
    try:
        dtype = None if value is None else np.dtype(value)
    except TypeError:
        dtype = None
    if dtype is None or dtype not in FLOAT_DTYPES:  # (np.dtype(None) == None is True)
        got = str(dtype) if dtype is not None and value is not None else _got(value)
        raise TypeError(f"{name}: expected float32 or float64, got {got}")
    return dtype


def generator(seed_value: object, rng: object) -> np.random.Generator:
    """The random generator from ``seed=`` or ``rng=`` (at most one of them)."""
    if rng is not None and seed_value is not None:
        raise ValueError("seed, rng: expected at most one of them, got both")
    if rng is None:
        return np.random.default_rng(seed("seed", seed_value))
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng: expected a numpy.random.Generator, got {_got(rng)}")
    return rng


def check_callable(name: str, value: object) -> Callable:
    if not callable(value):
        raise TypeError(f"{name}: expected a callable, got {_got(value)}")
    return value


# --------------------------------------------------------------------------- objects


def check_params(params: object, cls: type, name: str = "params") -> None:
    """``TypeError`` unless ``params`` is a ``cls`` (its fields were checked when built)."""
    if not isinstance(params, cls):
        raise TypeError(f"{name}: expected {cls.__name__}, got {type(params).__name__}")


def check_cache(name: str, cache: object, expected: type, producer: str) -> None:
    """Raise ``TypeError`` unless ``cache`` came from ``producer`` (is an ``expected``)."""
    if not isinstance(cache, expected):
        raise TypeError(
            f"{name}: expected the {expected.__name__} returned by {producer}, "
            f"got {type(cache).__name__}"
        )


def _consensus(values: dict[str, object]) -> tuple[object, list[str]]:
    """The value most fields agree on, and the fields that differ from it.

    With a tie (two fields, two values) there is no majority: every field is named.
    """
    counts = Counter(values.values()).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None, list(values)
    common = counts[0][0]
    return common, [n for n, v in values.items() if v != common]


def check_param_fields(
    fields: dict[str, object], weights: tuple[str, ...], biases: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Check the weights (H, H+D) and biases (H,) of a parameter container.

    Each field is first checked on its own (float dtype, number of axes, H >= 1,
    D >= 1); then dtype, H and H+D are what most fields agree on, so the field that
    differs is the one named (with two fields that disagree, both are). Returns the
    fields as ndarrays.
    """
    arrays = {n: as_float_array(n, fields[n]) for n in weights + biases}
    for n in weights:
        w = arrays[n]
        if w.ndim != 2:
            raise ValueError(f"{n}: expected shape (H, H+D), got {w.shape}")
        if w.shape[0] < 1 or w.shape[1] <= w.shape[0]:
            rule = "H >= 1" if w.shape[0] < 1 else "D >= 1"
            raise ValueError(f"{n}: expected shape (H, H+D) with {rule}, got {w.shape}")
    for n in biases:
        if arrays[n].ndim != 1:
            raise ValueError(f"{n}: expected shape (H,), got {arrays[n].shape}")

    def agree(what: str, values: dict[str, object], error: type) -> object:
        """What most fields agree on; with a tie, raise naming every field."""
        common, odd = _consensus(values)
        if common is None:
            got = " and ".join(str(values[n]) for n in odd)
            raise error(f"{', '.join(odd)}: expected one {what} for every field, got {got}")
        return common

    dtype = agree("dtype", {n: a.dtype for n, a in arrays.items()}, TypeError)
    for n, a in arrays.items():
        as_float_array(n, a, dtype, dtype_source="the other fields")
    hidden = agree("H", {n: a.shape[0] for n, a in arrays.items()}, ValueError)
    columns = agree("H+D", {n: arrays[n].shape[1] for n in weights}, ValueError)
    source = "H and D as in the other fields"
    for n in weights:
        check_shape(n, arrays[n], ("H", "H+D"), (hidden, columns), source=source)
    for n in biases:
        check_shape(n, arrays[n], ("H",), (hidden,), source=source)
    for n in weights + biases:
        check_finite(n, arrays[n])
    return arrays


# --------------------------------------------------------------------------- step inputs


def check_step_inputs(
    x_t: object, h_prev: object, states: dict[str, object], params: object
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], bool]:
    """Validate one step's inputs: ``x_t`` (B, D) or (D,), each state (B, H) or (H,).

    Returns the arrays made 2-D, and whether the call was unbatched (1-D).
    """
    dtype = params.dtype
    H, D = params.hidden_size, params.input_size
    given = {"x_t": x_t, "h_prev": h_prev, **states}
    arrays = {n: as_float_array(n, v, dtype, dtype_source="params") for n, v in given.items()}
    x_t = arrays["x_t"]
    unbatched = x_t.ndim == 1
    if x_t.ndim in (1, 2):
        for n, a in arrays.items():
            if a.ndim in (1, 2) and a.ndim != x_t.ndim:
                raise ValueError(
                    f"x_t, {n}: expected both unbatched ((D,) and (H,)) or both batched "
                    f"((B, D) and (B, H)), got {x_t.shape} and {a.shape}"
                )
    if unbatched:
        check_shape("x_t", x_t, ("D",), (D,), source="D from params")
    else:
        check_shape("x_t", x_t, ("B", "D"), (None, D), source="D from params")
    B = 1 if unbatched else x_t.shape[0]
    dims, sizes = (("H",), (H,)) if unbatched else (("B", "H"), (B, H))
    source = "H from params" if unbatched else "B from x_t, H from params"
    out = []
    for n, a in arrays.items():
        if n != "x_t":
            check_shape(n, a, dims, sizes, source=source)
        check_finite(n, a)
        out.append(a[None] if unbatched else a)
    return out[0], out[1], out[2:], unbatched


def check_sequence_inputs(
    xs: object, h0: object, states: dict[str, object], params: object
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Validate ``xs`` (T, B, D) and initial states (B, H) against ``params``."""
    dtype = params.dtype
    H, D = params.hidden_size, params.input_size
    xs = float_array(
        "xs",
        xs,
        ("T", "B", "D"),
        (None, None, D),
        dtype,
        source="D from params",
        dtype_source="params",
    )
    B = xs.shape[1]
    arrays = [
        float_array(
            name,
            value,
            ("B", "H"),
            (B, H),
            dtype,
            source="B from xs, H from params",
            dtype_source="params",
        )
        for name, value in {"h0": h0, **states}.items()
    ]
    return xs, arrays[0], arrays[1:]


def check_gradient_input(
    name: str, value: object, dims: Sequence[str], sizes: Sequence[int], cache: object
) -> np.ndarray:
    """An upstream gradient for a backward pass: shape and dtype fixed by ``cache``."""
    return float_array(
        name,
        value,
        dims,
        sizes,
        cache.params.dtype,
        source="from cache",
        dtype_source="cache",
    )


# --------------------------------------------------------------------------- caches


def frozen(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Mark arrays a cache owns read-only, so editing them is an error, not a wrong gradient."""
    for array in arrays:
        array.flags.writeable = False
    return arrays


def frozen_copy(array: np.ndarray) -> np.ndarray:
    """A read-only copy of a caller's array, for a cache (later edits cannot reach it)."""
    copy = array.copy()
    copy.flags.writeable = False
    return copy


# --------------------------------------------------------------------------- results


#: What usually helps when a gradient overflows; every overflow message ends with it.
EXPLODING_REMEDY = (
    "The gradient explodes through time: clip it (rescale the gradients to a maximum "
    "global norm), shorten the sequence, or use smaller recurrent weights (for the simple "
    "RNN, a spectral radius of W_hh below 1)."
)


def quiet_overflow(function: Callable) -> Callable:
    """Decorator for a pass that checks its results: NumPy's overflow warnings give way
    to the :class:`OverflowError` of :func:`check_finite_result`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore"):
            return function(*args, **kwargs)

    return wrapper


def all_finite(array: np.ndarray) -> bool:
    """Whether every entry is finite; one sum when they are (NaN and inf survive a sum),
    the entry-wise test only when the sum is not finite (it may overflow on its own)."""
    return bool(np.isfinite(array.sum())) or bool(np.isfinite(array).all())


def last_nonfinite_step(per_step: np.ndarray) -> int | None:
    """The largest t (1-based: ``per_step[t - 1]`` is step t) whose entries are not all finite.

    A backward pass runs from t = T down to 1, so this is where it first overflowed.
    """
    if all_finite(per_step):
        return None
    bad = ~np.isfinite(per_step.reshape(per_step.shape[0], -1)).all(axis=1)
    return int(np.flatnonzero(bad)[-1]) + 1 if bad.any() else None


def first_nonfinite_step(per_step: np.ndarray) -> int | None:
    """The smallest 1-based t whose entries are not all finite (where a forward pass failed)."""
    if all_finite(per_step):
        return None
    bad = ~np.isfinite(per_step.reshape(per_step.shape[0], -1)).all(axis=1)
    return int(np.flatnonzero(bad)[0]) + 1 if bad.any() else None


def overflow_error(
    function: str, quantity: str, dtype: np.dtype, step: int | None = None, remedy: str = ""
) -> OverflowError:
    """The one message form of an overflow: where, what, and what usually helps."""
    where = f" at step t = {step}" if step is not None else ""
    limit = np.finfo(dtype).max
    return OverflowError(
        f"{function}: {quantity} overflowed{where} (beyond the {np.dtype(dtype)} maximum "
        f"{limit:.3g}, so the result would hold inf or NaN). {remedy or EXPLODING_REMEDY}"
    )


def check_through_time(
    function: str, quantity: str, da: np.ndarray, probes: Sequence[np.ndarray]
) -> None:
    """Raise an overflow at its step if the per-step gradients ``da`` (T, ...) overflowed.

    ``probes`` are small results that every non-finite entry of ``da`` reaches (its
    sum over steps, the gradient that leaves step 1), so the common case costs a few
    sums; only when one is not finite is ``da`` searched for the step.
    """
    if all(all_finite(p) for p in probes):
        return
    step = last_nonfinite_step(da)
    if step is not None:
        raise overflow_error(function, quantity, da.dtype, step)


def check_finite_result(
    function: str, quantity: str, array: np.ndarray, *, step: int | None = None, remedy: str = ""
) -> None:
    """Raise :func:`overflow_error` if a computed ``array`` is not finite.

    For results computed from finite, validated inputs: the computation itself
    overflowed (e.g. a gradient exploding through time), which no input check can
    foresee, so it is an ``OverflowError``, not a ``ValueError`` about an argument.
    """
    if not all_finite(array):
        raise overflow_error(function, quantity, array.dtype, step, remedy)
