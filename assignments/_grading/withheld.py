"""The library's own answers, made unavailable while a student's function runs.

``withheld(names)`` swaps the code of every lstm_lib function called ``name`` (in every
loaded ``lstm_lib`` module, under any alias the notebook gave it: the function object is
the same; behind a decorator, the function it wraps) for code that records the call and
raises. The student's function runs; the names it reached are returned; the code is
restored. A function that delegates to the
library therefore fails the test that ran it, with a message naming the function.

``withhold_while_grading(names)`` does the same for good: ``make assignments`` puts a call
to it at the top of every test file of the autograder zip (the assignment's
``WITHHELD``), so that the public tests, which the grader runs again, see the library
withheld too, and a delegating function scores nothing on the whole question.
"""

from __future__ import annotations

import contextlib
import sys
import types

#: lstm_lib's LSTM cell: what assignment 1 asks students to write.
LSTM_CELL = (
    "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "lstm_forward_reference", "lstm_backward_reference", "lstm_cell_state_gradients",
)  # fmt: skip
#: lstm_lib's finite differences.
FINITE_DIFFERENCES = ("numerical_gradient", "numerical_jacobian")
#: lstm_lib's gate clamp (assignment 2, question 1).
GATE_CLAMP = ("clamp_gate",)

#: The names of lstm_lib functions reached during the block, in call order.
CALLS: list[str] = []


def _withheld_function(*args, **kwargs):
    # Runs with the library module's globals: builtins only.
    name = __import__("sys")._getframe().f_code.co_name
    __import__("_grading.withheld", fromlist=["CALLS"]).CALLS.append(name)
    raise PermissionError(
        f"lstm_lib.{name} is the library's own answer to this question and is withheld while "
        "grading: write it yourself with NumPy"
    )


def _functions(name: str) -> list[types.FunctionType]:
    found = {}
    for module_name, module in list(sys.modules.items()):
        if module_name == "lstm_lib" or module_name.startswith("lstm_lib."):
            fn = getattr(module, name, None)
            while hasattr(fn, "__wrapped__"):  # a validating decorator's wrapper: its core
                fn = fn.__wrapped__
            if isinstance(fn, types.FunctionType) and fn.__code__.co_freevars == ():
                found[id(fn)] = fn
    return list(found.values())


def _withhold(fn: types.FunctionType, name: str) -> None:
    fn.__code__ = _withheld_function.__code__.replace(co_name=name)


def withhold_while_grading(names) -> None:
    """From now on, in this kernel, every lstm_lib function in ``names`` fails when called."""
    for name in names:
        for fn in _functions(name):
            _withhold(fn, name)


@contextlib.contextmanager
def withheld(names):
    """Within the block, calling any lstm_lib function in ``names`` fails and is recorded."""
    saved = []
    for name in names:
        for fn in _functions(name):
            saved.append((fn, fn.__code__))
            _withhold(fn, name)
    calls: list[str] = []
    CALLS.clear()
    try:
        yield calls
    finally:
        for fn, code in saved:
            fn.__code__ = code
        calls.extend(CALLS)
        CALLS.clear()
