"""Results the grader recomputes in a fresh Python process, away from the student's kernel.

``run(function, **kwargs)`` starts ``python -I`` (isolated: no user site, no PYTHONPATH, no
working directory on the path), puts ``_grading/lib`` (a private copy of ``lstm_lib``
staged by ``make assignments``) first on its path, calls ``_grading.jobs.<function>``
with the JSON ``kwargs`` and returns its JSON result. Whatever the notebook did to
``lstm_lib`` in its own kernel (replacing ``train`` with a fake, say) does not reach it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = """
import json, sys
sys.path[:0] = [{lib!r}, {root!r}]
import lstm_lib
assert lstm_lib.__file__.startswith({lib!r}), lstm_lib.__file__
from _grading import jobs
print(json.dumps(getattr(jobs, {function!r})(**json.loads(sys.stdin.read()))))
"""


def run(function: str, timeout: float = 600, **kwargs):
    code = _CHILD.format(lib=str(HERE / "lib"), root=str(HERE.parent), function=function)
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], input=json.dumps(kwargs), capture_output=True,
        text=True, timeout=timeout,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"the grader's own run of {function} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])
