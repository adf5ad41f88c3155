"""Checks with feedback: each failure says what was checked, what was expected, what came back.

What came back must be of NumPy's or Python's own types, exactly: an ndarray subclass, or
a float subclass, could redefine the arithmetic the comparison uses, so it fails with a
message naming the type it is (nothing is converted). "Own" is decided by the type
itself, not by a name the notebook can rebind (``np.ndarray = Liar``): a type defined in
Python code (a heap type) is never NumPy's or Python's own. The comparison then uses only
the methods of those types (``ndarray.__sub__``, ``.max()``...), which are immutable: a
notebook can rebind ``np.allclose``, not ``ndarray.__sub__``.
"""

from __future__ import annotations

import copy

import numpy as np

from _grading.withheld import withheld


class Failed(AssertionError):
    """A check failed; the message is the feedback the student reads."""


def fail(message: str) -> None:
    raise Failed(message)


def call(name: str, fn, *args, withhold: tuple[str, ...] = (), what: str = "",
         with_args: bool = False):  # fmt: skip
    """``fn(*args)`` on copies of ``args``, with lstm_lib's ``withhold`` functions unavailable.

    ``name`` is the student's function as the notebook names it; ``what`` the case, for
    the message. The copies keep a function that edits its arguments from changing the
    test's inputs; ``with_args=True`` returns them too, ``(result, copies)``, to see
    whether it did.
    """
    where = f" ({what})" if what else ""
    if not callable(fn):
        fail(f"{name}{where}: expected a function, found {type(fn).__name__}: run the cell "
             f"that defines {name} (and do not rename it)")  # fmt: skip
    args = copy.deepcopy(args)
    with withheld(withhold) as calls:
        try:
            result = fn(*args)
            error = None
        except Exception as e:  # the student's code; reported below
            result, error = None, e
    if calls:
        fail(f"{name}{where} calls lstm_lib.{calls[0]}, the library's own answer to this "
             f"question: write it yourself with NumPy. No points for this test.")  # fmt: skip
    if error is not None:
        fail(f"{name}{where} raised {type(error).__name__}: {error}")
    return (result, args) if with_args else result


_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class statement made the type


def _builtin(value) -> bool:
    """``value``'s type is compiled in (CPython's or NumPy's), not a class of the notebook."""
    return not type(value).__flags__ & _HEAP_TYPE


def _is_ndarray(value) -> bool:
    t = type(value)
    return _builtin(value) and t.__name__ == "ndarray" and t.__module__ == "numpy"


def _real(value) -> float | None:
    """``value`` as a float if it is a real number of Python's or NumPy's own types."""
    if _is_ndarray(value) and value.shape == () and value.dtype.kind in "fiu":
        return value.item()
    t = type(value)
    if t is float or t is int:
        return float(value)
    if (
        _builtin(value)
        and t.__module__ == "numpy"
        and t.__name__.startswith(("float", "int", "uint"))
    ):
        return float(value)
    return None


def _type_name(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def parts(name: str, result, n: int, *, what: str = "") -> tuple:
    """``result`` is a tuple (or list) of ``n`` items, as the question asks ``name`` to return."""
    where = f" ({what})" if what else ""
    if not isinstance(result, (tuple, list)) or len(result) != n:
        got = f"{len(result)} items" if isinstance(result, (tuple, list)) else type(result).__name__
        fail(f"{name}{where}: expected it to return {n} values, got {got}")
    return tuple(result)


def array(name: str, got, expected, *, rtol: float = 1e-10, atol: float = 1e-12,
          what: str = "") -> None:  # fmt: skip
    """``got`` is an ndarray of ``expected``'s shape and dtype, equal within the tolerance."""
    if not _is_ndarray(expected):  # the reference values are NumPy's (from expected.pkl)
        expected = np.asarray(expected)
    where = f" ({what})" if what else ""
    want = f"shape {expected.shape}, dtype {expected.dtype}"
    if not _is_ndarray(got):
        fail(f"{name}{where}: expected a NumPy array (numpy.ndarray itself, not a subclass) of "
             f"{want}, got {_type_name(got)}")  # fmt: skip
    if got.shape != expected.shape:
        fail(f"{name}{where}: expected {want}, got shape {got.shape}")
    if got.dtype != expected.dtype:
        fail(f"{name}{where}: expected {want}, got dtype {got.dtype}")
    if got.size == 0:
        return
    finite = (got == got) & (got.__abs__() < float("inf"))
    if not finite.all():
        fail(f"{name}{where}: {int((~finite).sum())} entries are NaN or infinite")
    excess = (got - expected).__abs__() - (atol + rtol * expected.__abs__())
    if excess.max() > 0:
        k, flat = [], int(excess.argmax())
        for n in reversed(excess.shape):
            k.insert(0, flat % n)
            flat //= n
        k = tuple(k)
        n_bad = int((excess > 0).sum())
        fail(
            f"{name}{where}: {n_bad} of {excess.size} entries differ from the expected value; "
            f"e.g. at index {tuple(int(i) for i in k)} expected {expected[k]:.8g}, got "
            f"{got[k]:.8g} (tolerance {atol:g} + {rtol:g} × |expected|)"
        )


def number(name: str, got, expected: float, *, rtol: float, atol: float = 0.0,
           what: str = "") -> None:  # fmt: skip
    """``got`` is a real number within ``atol + rtol * |expected|`` of ``expected``."""
    where = f" ({what})" if what else ""
    value = _real(got)
    if value is None:
        fail(f"{name}{where}: expected a number (a Python or NumPy float or int), got "
             f"{_type_name(got)}")  # fmt: skip
    got = value
    if not (got - expected).__abs__() <= atol + rtol * expected.__abs__():
        fail(f"{name}{where}: expected {expected:.10g} (within {rtol:g} relative), got {got:.10g}")


def settings(value, budget: dict) -> dict:
    """Assignment 3's settings as plain numbers (a copy), within the budget's sizes."""
    keys = ["batch_size", "forget_bias", "hidden_size", "lr", "max_norm"]
    if not isinstance(value, dict) or sorted(value) != keys:
        got = sorted(value) if isinstance(value, dict) else type(value).__name__
        fail(f"settings: expected a dict with the keys {keys}, got {got}")
    out = {}
    for key, most in (("hidden_size", budget["max_hidden_size"]),
                      ("batch_size", budget["max_batch_size"])):  # fmt: skip
        v = value[key]
        if not (type(v) is int or (_builtin(v) and type(v).__name__[:3] == "int")) or not (
            1 <= int(v) <= most
        ):
            fail(f"settings[{key!r}]: expected an integer from 1 to {most}, got {v!r}")
        out[key] = int(v)
    for key in ("forget_bias", "lr"):
        v = _real(value[key])
        if v is None or not v == v:
            fail(f"settings[{key!r}]: expected a number, got {value[key]!r}")
        out[key] = v
    v = value["max_norm"]
    if v is not None and not (_real(v) or 0) > 0:
        fail(f"settings['max_norm']: expected a positive number or None, got {v!r}")
    out["max_norm"] = None if v is None else _real(v)
    if not out["lr"] >= budget.get("min_lr", 0) or not out["lr"] > 0:
        fail(f"settings['lr']: expected at least {budget.get('min_lr', 0):g}, got {out['lr']!r}")
    return out
