"""Grade a folder of submissions: ``make grade ASSIGNMENT=<name> SUBMISSIONS=<folder>``.

Every ``*.ipynb`` in the folder is graded offline with otter-grader's own ``otter run``
against ``_build/assignments/<name>/autograder/<name>-autograder.zip`` (``make
assignments`` builds it), one submission per worker, as many workers as cores, each with
one BLAS thread (``OPENBLAS_NUM_THREADS=1`` and friends, also for the training runs the
grader repeats in a fresh process), so that the cores are used and none is oversubscribed.
The student id is the file name without ``.ipynb``. It writes, into ``--out`` (default
``_build/grades/<name>/``):

* ``gradebook.csv``: one row per student, one column per autograded question, the
  total, the maximum, the seconds the grading took and, for a submission that could
  not be graded, the reason;
* ``feedback/<student>.txt``: the points per question and, for every test that failed,
  what was checked, what was expected and what came back (otter's messages, hidden tests
  included); questions graded by hand are not in it.

A notebook that is not valid JSON, that otter cannot run, or that runs longer than
``--timeout`` seconds (default 600; its kernel is killed) gets 0 on every question, with
the reason in the gradebook and in its feedback file; the other students are unaffected.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_THREAD = {name: "1" for name in (
    "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)}  # fmt: skip
POINTS = re.compile(r"@test_case\(points=([\d.]+)")


@dataclass
class Graded:
    student: str
    scores: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    problem: str = ""


def questions(autograder: Path) -> dict[str, float]:
    """The autograded questions of an autograder zip and their points, in order."""
    points = {}
    with zipfile.ZipFile(autograder) as zf:
        for name in sorted(n for n in zf.namelist() if re.fullmatch(r"tests/\w+\.py", n)):
            source = zf.read(name).decode("utf-8")
            points[Path(name).stem] = sum(float(p) for p in POINTS.findall(source))
    return points


def grade_one(notebook: Path, assignment: str, autograder: Path, timeout: float) -> Graded:
    """``otter run`` on one notebook, in a fresh folder, killed after ``timeout`` seconds.

    The notebook is graded under the name it was handed out with, ``<assignment>.ipynb``:
    its first cell, ``grader = otter.Notebook("<assignment>.ipynb")``, needs that name, and
    with it each question's tests run at its ``grader.check`` cell, as in the student's
    own run (under another name, otter runs them all at the end of the notebook)."""
    graded = Graded(notebook.stem)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"grade-{notebook.stem}-") as tmp:
        try:
            json.loads(notebook.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            graded.problem = f"not a notebook (invalid JSON: {e})"
            return graded
        out = Path(tmp) / "out"
        out.mkdir()
        submission = Path(tmp) / "in" / f"{assignment}.ipynb"
        submission.parent.mkdir()
        shutil.copy(notebook, submission)
        otter = Path(sys.executable).with_name("otter")
        command = [str(otter), "run", "-a", str(autograder), "-o", str(out), str(submission)]
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **ONE_THREAD}, start_new_session=True, cwd=tmp,
        ) as run:  # fmt: skip
            try:
                log, _ = run.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)  # otter, its kernel, the grader's runs
                run.communicate()
                graded.problem = f"timed out: still running after {timeout:g} s"
                return graded
            finally:
                graded.seconds = time.perf_counter() - start
        results = out / "results.json"
        if run.returncode or not results.is_file():
            last = [line for line in log.splitlines() if line.strip()][-1:] or ["no output"]
            graded.problem = f"otter run failed (exit {run.returncode}): {last[0][:300]}"
            return graded
        for test in json.loads(results.read_text())["tests"]:
            if "score" in test and test.get("name"):
                graded.scores[test["name"]] = float(test["score"])
                graded.outputs[test["name"]] = test.get("output", "")
    return graded


def feedback(graded: Graded, points: dict[str, float]) -> str:
    """The text a student gets: points per question, then otter's messages."""
    total = sum(graded.scores.get(q, 0.0) for q in points)
    lines = [f"{graded.student}: {total:g} / {sum(points.values()):g} (autograded questions)"]
    if graded.problem:
        lines += ["", f"Not graded: {graded.problem}. Every question scores 0."]
    lines.append("")
    for q, most in points.items():
        lines.append(f"{q}: {graded.scores.get(q, 0.0):g} / {most:g}")
    for q in points:
        if graded.outputs.get(q) and graded.scores.get(q, 0.0) < points[q]:
            lines += ["", "-" * 78, graded.outputs[q].rstrip()]
    return "\n".join(lines) + "\n"


def grade(assignment: str, submissions: Path, out: Path, jobs: int, timeout: float,
          autograder: Path | None = None) -> list[Graded]:  # fmt: skip
    """Grade every notebook of ``submissions``; write the gradebook and the feedback files."""
    autograder = autograder or (
        ROOT / "_build" / "assignments" / assignment / "autograder" / f"{assignment}-autograder.zip"
    )
    if not autograder.is_file():
        raise SystemExit(f"make grade: no autograder {autograder}: run make assignments first")
    notebooks = sorted(submissions.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"make grade: no .ipynb in {submissions}")
    points = questions(autograder)
    with ThreadPoolExecutor(max_workers=jobs) as pool:  # each thread waits on one otter run
        graded = list(
            pool.map(lambda nb: grade_one(nb, assignment, autograder, timeout), notebooks)
        )
    shutil.rmtree(out / "feedback", ignore_errors=True)
    (out / "feedback").mkdir(parents=True)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *points, "total", "max", "seconds", "problem"])
        for g in graded:
            scores = [g.scores.get(q, 0.0) for q in points]
            writer.writerow(
                [
                    g.student,
                    *(f"{s:g}" for s in scores),
                    f"{sum(scores):g}",
                    f"{sum(points.values()):g}",
                    f"{g.seconds:.1f}",
                    g.problem,
                ]
            )
            (out / "feedback" / f"{g.student}.txt").write_text(feedback(g, points), "utf-8")
    return graded


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", help="lstm_cell, gates_gradients or long_dependency")
    parser.add_argument("submissions", type=Path, help="a folder of <student>.ipynb")
    parser.add_argument("--out", type=Path, help="default: _build/grades/<assignment>")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="submissions graded at once (default: one per core)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=600, help="seconds per submission")
    parser.add_argument("--autograder", type=Path, help="default: the one make assignments built")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "_build" / "grades" / args.assignment
    start = time.perf_counter()
    graded = grade(args.assignment, args.submissions, out, args.jobs, args.timeout, args.autograder)
    wall = time.perf_counter() - start
    problems = [g for g in graded if g.problem]
    print(f"{len(graded)} submissions of {args.assignment} graded in {wall:.0f} s on {args.jobs} "
          f"workers ({wall / len(graded):.1f} s each on average);"
          f" {len(problems)} could not be graded")  # fmt: skip
    for g in problems:
        print(f"  {g.student}: {g.problem}")
    print(
        f"gradebook: {os.path.relpath(out / 'gradebook.csv')}; "
        f"feedback: {os.path.relpath(out / 'feedback')}/<student>.txt"
    )


if __name__ == "__main__":
    main()
