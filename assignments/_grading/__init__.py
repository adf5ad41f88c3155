"""The autograder's private helpers: shipped in each ``<name>-autograder.zip``, never to students.

The hidden tests of the assignments import this package. It holds what a test must not
take from the student's kernel:

* :mod:`_grading.check`: comparisons that say what was checked, what was expected and what
  came back, with exact shapes and dtypes, built only on NumPy's array methods (a notebook
  can rebind ``np.allclose``, not ``ndarray.__sub__``);
* :mod:`_grading.withheld`: the library's own answers made unavailable while the student's
  function runs, so a function that delegates to them scores nothing for that test;
* :mod:`_grading.fresh`: a fresh Python process with a private copy of ``lstm_lib``
  (``_grading/lib/``), for results the grader recomputes (training runs);
* ``expected.pkl``: reference inputs and values, computed by ``make assignments`` from
  the assignment's ``reference.py`` (for the term's variant) outside any student kernel.
"""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def expected() -> dict:
    """The reference inputs and values of this assignment (written by make assignments)."""
    with open(HERE / "expected.pkl", "rb") as f:
        return pickle.load(f)
