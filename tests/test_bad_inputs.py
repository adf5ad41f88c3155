"""Every bad argument of every public function gets a clear error (issue 14, item 6).

The cases and how each outcome is counted are in ``api_cases.py`` (about a thousand
cases over every entry point): a ``ValueError``/``TypeError`` of the form
``"name: expected …, got …"`` naming the bad argument, of the type its rule raises.
Nothing unclear (NumPy internals), nothing naming another argument, nothing accepted.
"""

from __future__ import annotations

import warnings

import pytest
from api_cases import ENTRIES, bad_cases, classify


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_every_bad_argument_gets_a_clear_error(entry):
    problems = []
    count = 0
    for argument, label, kwargs, kind in bad_cases(entry):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning instead of an error is not clear either
            category, message = classify(entry, kwargs, argument, kind)
        count += 1
        if category != "clear":
            problems.append(f"{category}: {argument} = <{label}>: {message}")
    assert count >= 5
    assert not problems, f"{len(problems)} of {count} cases:\n" + "\n".join(problems)
