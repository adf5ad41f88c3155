"""Results the grader recomputes in a fresh Python process, away from the student's kernel.

``run(function, **kwargs)`` starts ``python -I`` (isolated: no user site, no PYTHONPATH,
no working directory on the path), puts ``_grading/lib`` (a private copy of ``lstm_lib``
staged by ``make assignments``) first on its path, calls ``_grading.jobs.<function>``
with the JSON ``kwargs`` and returns its JSON result. Before importing anything of the
zip's, it checks the sha256 of ``_grading/jobs.py``, ``_grading/__init__.py`` and the
private ``lstm_lib`` against those make assignments stored in ``expected.pkl``, and fails
if one differs (a check, like make grade's after the run, not a prevention: a notebook
that rewrites ``expected.pkl`` as well gets round this one, not make grade's). Whatever
the notebook did to ``lstm_lib`` in its own kernel (replacing ``train`` with a fake, say)
does not reach it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = """
import hashlib, json, os, sys
for rel, digest in {digests!r}.items():  # what it imports, as make assignments wrote it
    with open(os.path.join({here!r}, rel), "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != digest:
            sys.exit("the grading files were changed by the notebook: _grading/" + rel)
sys.path[:0] = [{lib!r}, {root!r}]
import lstm_lib
assert lstm_lib.__file__.startswith({lib!r}), lstm_lib.__file__
from _grading import jobs
print(json.dumps(getattr(jobs, {function!r})(**json.loads(sys.stdin.read()))))
"""


def run(function: str, timeout: float = 600, **kwargs):
    from _grading import expected

    code = _CHILD.format(lib=str(HERE / "lib"), root=str(HERE.parent), function=function,
                         here=str(HERE), digests=expected().get("digests", {}))  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], input=json.dumps(kwargs), capture_output=True,
        text=True, timeout=timeout,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"the grader's own run of {function} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])
