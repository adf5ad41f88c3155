"""The library's own answers, made unavailable while a student's function runs.

``withheld(names)`` swaps the code of every lstm_lib function called ``name`` (in every
loaded ``lstm_lib`` module, under any alias the notebook gave it: the function object is
the same; behind a decorator, the function it wraps) for code that records the call and
raises. The student's function runs; the names it reached are returned; the code is
restored. While the student's function runs, a profiler (``sys.setprofile``) also
records every call of code named ``name`` from a file inside an ``lstm_lib`` folder,
whatever function object runs it: a copy of the library's function made by
``importlib.reload``, by loading the library again under another name, or from a
``__code__`` the notebook saved before the grader withheld it. A function that delegates
to the library therefore fails the test that ran it, with a message naming the function.
What this does not catch: library code run under another file name (the source copied
into the notebook, or a code object given another ``co_filename``), which is the
student's own copy of the answer (the teacher's guide says so).

``withhold_while_grading(names)`` does the same for good: ``make assignments`` puts a call
to it at the top of every test file of the autograder zip (the assignment's
``WITHHELD``), so that the public tests, which the grader runs again, see the library
withheld too, and a function that calls the library's functions as loaded scores nothing
on the whole question. The public tests run without the profiler: a function that
reaches the library's code another way (``importlib.reload``) can pass them, and fails
the hidden tests.
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


def _in_lstm_lib(filename: str) -> bool:
    return "lstm_lib" in filename.replace("\\", "/").split("/")[:-1]


@contextlib.contextmanager
def withheld(names):
    """Within the block, calling any lstm_lib function in ``names`` fails and is recorded;
    so is running the code of one from lstm_lib's files through another function object."""
    saved = []
    names = tuple(names)
    for name in names:
        for fn in _functions(name):
            saved.append((fn, fn.__code__))
            _withhold(fn, name)
    calls: list[str] = []
    CALLS.clear()
    traced: list[str] = []

    def profile(frame, event, arg):
        if event == "call":
            code = frame.f_code
            if code.co_name in names and _in_lstm_lib(code.co_filename):
                traced.append(code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)
        for fn, code in saved:
            fn.__code__ = code
        calls.extend(CALLS)
        calls.extend(name for name in traced if name not in calls)
        CALLS.clear()
