"""Grade a folder of submissions: ``make grade ASSIGNMENT=<name> SUBMISSIONS=<folder>``.

Every ``*.ipynb`` in the folder is graded offline with otter-grader's own ``otter run``
(its steps, from otter's ``run_autograder``, with the grading folder kept for a check)
against ``_build/assignments/<name>/autograder/<name>-autograder.zip`` (``make
assignments`` builds it), one submission per worker, as many workers as cores, each with
one BLAS thread (``OPENBLAS_NUM_THREADS=1`` and friends, also for the training runs the
grader repeats in a fresh process), so that the cores are used and none is oversubscribed.
The student id is the file name without ``.ipynb`` (or, for one notebook in a folder per
student, as LMS exports are, the folder's name). It writes, into ``--out`` (default
``_build/grades/<name>/``), keeping the rows and files of students not graded in this run:

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
import hashlib
import io
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
CHANGED = "the grading files were changed by the notebook"
#: ``otter run`` without its clean-up: the same folders (``source``, ``submission``,
#: ``results``), kept for grade.py to check the grading files after the run.
RUN = """
import json, os, shutil, sys, zipfile
from otter.run.run_autograder import main
zip_path, submission, ag = sys.argv[1:4]
for sub in ("source", "submission", "results"):
    os.makedirs(os.path.join(ag, sub))
with open(os.path.join(ag, "submission_metadata.json"), "w") as f:
    json.dump({}, f)
with zipfile.ZipFile(zip_path) as zf:
    zf.extractall(os.path.join(ag, "source"))
shutil.copy(submission, os.path.join(ag, "submission"))
main(ag, logo=False, otter_run=True)
"""


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


def digests(data: bytes) -> dict[str, str]:
    """Where each file of an autograder zip lies when otter grades with it, and its sha256:
    ``tests/*`` under ``source/tests`` and ``submission/tests``, ``files/*`` under
    ``source/files`` and ``submission``."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith("/") or not name.startswith(("tests/", "files/")):
                continue
            digest = hashlib.sha256(zf.read(name)).hexdigest()
            out[f"source/{name}"] = digest
            out["submission/" + name.removeprefix("files/")] = digest
    return out


def changed(folder: Path, expected: dict[str, str]) -> list[str]:
    """The grading files under ``folder`` that are missing or differ from the zip's."""
    bad = []
    for rel, digest in expected.items():
        path = folder / rel
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            bad.append(rel)
    return bad


def grade_one(notebook: Path, assignment: str, autograder: Path | bytes,
              timeout: float, student: str | None = None) -> Graded:  # fmt: skip
    """``otter run`` on one notebook, in a fresh folder, killed after ``timeout`` seconds.

    The notebook is graded under the name it was handed out with, ``<assignment>.ipynb``:
    its first cell, ``grader = otter.Notebook("<assignment>.ipynb")``, needs that name, and
    with it each question's tests run at its ``grader.check`` cell, as in the student's
    own run (under another name, otter runs them all at the end of the notebook).

    ``autograder`` is the zip or its bytes (read once by :func:`grade`, so that a notebook
    that rewrites the zip on disk cannot change what the next student is graded with); a
    copy goes into the fresh folder. The sha256 of every file of the unzipped autograder
    (tests, ``_grading``, the copies of ``lstm_lib``) is checked after the run: if the
    notebook changed, replaced or deleted one, the student scores 0 with the reason
    :data:`CHANGED`. This detects a change, it does not prevent one (see teachers.md)."""
    data = autograder if isinstance(autograder, bytes) else Path(autograder).read_bytes()
    expected = digests(data)
    graded = Graded(student or notebook.stem)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        try:
            json.loads(notebook.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            graded.problem = f"not a notebook (invalid JSON: {e})"
            return graded
        ag = Path(tmp) / "autograder"
        zip_copy = Path(tmp) / f"{assignment}-autograder.zip"
        zip_copy.write_bytes(data)
        submission = Path(tmp) / "in" / f"{assignment}.ipynb"
        submission.parent.mkdir()
        shutil.copy(notebook, submission)
        command = [sys.executable, "-c", RUN, str(zip_copy), str(submission), str(ag)]
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
        results = ag / "results" / "results.json"
        if changed(ag, expected):
            graded.problem = CHANGED
            return graded
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


def student_notebooks(submissions: Path) -> dict[str, Path]:
    """The notebooks of a folder of submissions, by student id: ``<student>.ipynb`` at the
    top, or one notebook in a folder per student (as an LMS exports them:
    ``<student>/<anything>.ipynb``, the student id being the folder's path)."""
    found: dict[str, Path] = {}
    for path in sorted(submissions.rglob("*.ipynb")):
        rel = path.relative_to(submissions)
        if any(part.startswith(".") for part in rel.parts):  # .ipynb_checkpoints and the like
            continue
        student = path.stem if len(rel.parts) == 1 else "/".join(rel.parts[:-1])
        if student in found:
            raise SystemExit(f"make grade: two notebooks for {student}: {found[student]}, {path}")
        found[student] = path
    return found


def grade(assignment: str, submissions: Path, out: Path, jobs: int, timeout: float,
          autograder: Path | None = None) -> list[Graded]:  # fmt: skip
    """Grade every notebook of ``submissions``; write the gradebook and the feedback files.

    The gradebook is merged: the rows of the students graded now are replaced or added,
    the other rows (an earlier run's) are kept; so are their feedback files."""
    autograder = autograder or (
        ROOT / "_build" / "assignments" / assignment / "autograder" / f"{assignment}-autograder.zip"
    )
    if not autograder.is_file():
        raise SystemExit(f"make grade: no autograder {autograder}: run make assignments first")
    notebooks = student_notebooks(submissions)
    if not notebooks:
        raise SystemExit(f"make grade: no .ipynb in {submissions}")
    data = autograder.read_bytes()  # once: every student is graded with these bytes
    points = questions(autograder)
    with ThreadPoolExecutor(max_workers=jobs) as pool:  # each thread waits on one otter run
        graded = list(
            pool.map(lambda item: grade_one(item[1], assignment, data, timeout, item[0]),
                     notebooks.items())
        )  # fmt: skip
    if autograder.read_bytes() != data:
        print(f"make grade: WARNING: {autograder} changed while grading (rewritten by a "
              "notebook?); every student was graded with the zip as it was before",
              file=sys.stderr)  # fmt: skip
    header = ["student", *points, "total", "max", "seconds", "problem"]
    rows: dict[str, list[str]] = {}
    book = out / "gradebook.csv"
    if book.is_file():
        with open(book, newline="", encoding="utf-8") as f:
            old = list(csv.reader(f))
        if old and old[0] == header:
            rows = {r[0]: r for r in old[1:] if r}
    for g in graded:
        scores = [g.scores.get(q, 0.0) for q in points]
        rows[g.student] = [g.student, *(f"{s:g}" for s in scores), f"{sum(scores):g}",
                           f"{sum(points.values()):g}", f"{g.seconds:.1f}", g.problem]  # fmt: skip
        path = out / "feedback" / f"{g.student}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feedback(g, points), "utf-8")
    with open(book, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows[k] for k in sorted(rows))
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
