"""The autograders against submissions that probe them, graded with ``make grade``'s own
machinery (issue 25).

For each assignment every kind of submission in ``grading_cases.py`` (the notebook handed
out unchanged, the solution, one that delegates to lstm_lib, one that patches the library
or NumPy, one that types in a computed number, one that takes the shortcut, one with a
consistent slip in the forward pass, one right for a batch of one row only, ...) is
written into one folder, and the folder is graded in one call of ``scripts/grade.py``
(``make grade``), two workers. Each test then reads the gradebook and the feedback: the
exact points per question, the tests that must fail, a phrase of the feedback. A broken
notebook and one that runs forever get 0 with the reason; two variants of the
assignments give different expected values and both grade their solution at full marks.
"""

from __future__ import annotations

import csv
import json
import pickle
import shutil
import sys
import zipfile

import pytest
import teaching
from grading_cases import EXPECTED, NOT_GRADED, SUBMISSIONS, write_submissions
from progress import run_once

sys.path.insert(0, str(teaching.ROOT / "scripts"))
import build_assignments
import grade as grader

ASSIGNMENTS = ("lstm_cell", "gates_gradients", "long_dependency")
JOBS = 2


@pytest.fixture(scope="session")
def assignments():
    result = run_once("assignments", teaching.build_assignments)
    assert result["returncode"] == 0, result["output"]
    return result


def _grade_all(name: str) -> dict:
    folder = teaching.ROOT / "_build" / "test-grading" / name
    write_submissions(name, folder / "submissions")
    graded = grader.grade(name, folder / "submissions", folder / "out", jobs=JOBS, timeout=900)
    return {g.student: {"scores": g.scores, "outputs": g.outputs, "problem": g.problem,
                        "seconds": g.seconds} for g in graded}  # fmt: skip


@pytest.fixture(scope="session")
def graded(assignments):
    """``graded[name]``: every submission kind of assignment ``name``, graded once per test
    run, when a test first asks for it (so that pytest-xdist's workers share the three)."""

    class Graded(dict):
        def __missing__(self, name):
            self[name] = run_once(f"graded-{name}", lambda: _grade_all(name))
            return self[name]

    return Graded()


def _lost(name: str, failing: str) -> dict[str, float]:
    """Points lost per question when the tests (or whole questions) in ``failing`` fail."""
    questions = teaching.master_questions(name)
    lost = {q: 0.0 for q, v in questions.items() if not v["manual"]}
    for q in lost:
        for func, points, _ in questions[q]["tests"]:
            if q in failing.split() or func in failing.split():
                lost[q] += points
    return lost


CASES = [(name, kind) for name in ASSIGNMENTS for kind in SUBMISSIONS[name]]


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_grading_gives_the_expected_points(graded, name, kind):
    points = teaching.master_points(name)
    result = graded[name][kind]
    if kind in NOT_GRADED.get(name, {}):
        assert result["problem"] == NOT_GRADED[name][kind], f"{name}/{kind}: {result}"
        assert result["scores"] == {}, f"{name}/{kind}: {result['scores']}"
        return
    assert result["problem"] == "", f"{name}/{kind}: not graded: {result['problem']}"
    if kind == "unchanged":
        expected = {q: 0.0 for q in points}
    elif kind == "solution":
        expected = dict(points)
    else:
        failing, phrase = EXPECTED[name][kind]
        lost = _lost(name, failing)
        expected = {q: points[q] - lost[q] for q in points}
        feedback = "\n".join(result["outputs"].values())
        assert phrase in feedback, f"{name}/{kind}: the feedback should say {phrase!r}:\n{feedback}"
    assert result["scores"] == expected, f"{name}/{kind}: {result['outputs']}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_failure_says_what_was_checked(graded, name):
    # No bare AssertionError and no NameError of a missing grader: every failed test
    # case of the unchanged notebook and of the probes comes with a message.
    for kind, result in graded[name].items():
        for q, text in result["outputs"].items():
            assert "AssertionError\n" not in text + "\n" and "AssertionError: \n" not in text
            assert "name 'grader' is not defined" not in text, f"{name}/{kind}/{q}"


def test_gradebook_and_feedback_files(graded):
    graded["lstm_cell"]  # make grade's batch of assignment 1 has run
    out = teaching.ROOT / "_build" / "test-grading" / "lstm_cell" / "out"
    with open(out / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(SUBMISSIONS["lstm_cell"])
    assert rows["solution"]["total"] == rows["solution"]["max"] == "20"
    assert rows["unchanged"]["total"] == "0"
    assert list(rows["solution"])[1:5] == list(teaching.master_points("lstm_cell"))
    text = (out / "feedback" / "library.txt").read_text()
    assert "library.txt" not in text and "is the library's own answer" in text


def test_a_broken_and_a_hanging_notebook_get_zero_with_the_reason(assignments, tmp_path):
    submissions = tmp_path / "in"
    submissions.mkdir()
    (submissions / "broken.ipynb").write_text("{ not json")
    nb = teaching.read_notebook(teaching.student_notebook("lstm_cell"))
    nb["cells"].insert(1, {"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": "while True:\n    pass"})  # fmt: skip
    (submissions / "hangs.ipynb").write_text(json.dumps(nb))
    graded = {g.student: g for g in grader.grade("lstm_cell", submissions, tmp_path / "out",
                                                 jobs=JOBS, timeout=10)}  # fmt: skip
    assert graded["broken"].problem.startswith("not a notebook (invalid JSON")
    assert graded["hangs"].problem == "timed out: still running after 10 s"
    assert graded["hangs"].seconds < 30
    rows = list(csv.DictReader(open(tmp_path / "out" / "gradebook.csv")))
    assert [(r["student"], r["total"]) for r in rows] == [("broken", "0"), ("hangs", "0")]
    assert "Not graded: timed out" in (tmp_path / "out" / "feedback" / "hangs.txt").read_text()


def _expected_of(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return pickle.loads(zf.read("files/_grading/expected.pkl"))


def _variant(name: str, variant: int) -> dict:
    out = teaching.ROOT / "_build" / "test-grading" / f"variant-{variant}"
    path = build_assignments.build(name, out, variant, run_tests=False)  # graded below
    folder = out / "submissions" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "solution.ipynb").write_bytes((path / "autograder" / f"{name}.ipynb").read_bytes())
    (g,) = grader.grade(name, folder, out / "grades" / name, jobs=1, timeout=900,
                        autograder=path / "autograder" / f"{name}-autograder.zip")  # fmt: skip
    return {"scores": g.scores, "problem": g.problem}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_two_variants_differ_and_both_grade_the_solution_in_full(graded, name):
    default = _expected_of(teaching.autograder_zip(name))
    result = run_once(f"variant-2027-{name}", lambda: _variant(name, 2027))
    assert result["problem"] == ""
    assert result["scores"] == teaching.master_points(name), "variant 2027: solution not in full"
    assert graded[name]["solution"]["scores"] == teaching.master_points(name)
    zip_2027 = teaching.ROOT / "_build" / "test-grading" / "variant-2027" / name / "autograder"
    other = _expected_of(zip_2027 / f"{name}-autograder.zip")
    assert other["constants"] != default["constants"]
    differs = {
        "lstm_cell": lambda e: e["single"][1]["h_t"].tolist(),
        "gates_gradients": lambda e: (e["full"][4.0], e["c_T_forget_half"].tolist()),
        "long_dependency": lambda e: e["hidden_seeds"],
    }[name]
    assert differs(other) != differs(default), f"{name}: variant 2027 has last term's values"


def _run_notebook(path) -> list[tuple[str, str]]:
    """Execute a notebook top to bottom in its folder, in this environment's python3 kernel;
    (source, text of the outputs) of each code cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=900,
                            resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    client.execute()
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            texts = [
                o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs
            ] + [
                f"{o.get('ename')}: {o.get('evalue')}"
                for o in cell.outputs
                if o.output_type == "error"
            ]
            cells.append((cell.source, "\n".join(texts)))
    return cells


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_check_cell_of_the_student_notebook_runs(assignments, name, tmp_path):
    # The notebook as handed out, executed top to bottom as a student would: otter's init
    # cell makes `grader`, and every grader.check cell runs and reports through otter
    # (its questions unanswered, so they fail, with otter's own messages).
    folder = tmp_path / name
    shutil.copytree(teaching.student_notebook(name).parent, folder)
    cells = _run_notebook(folder / f"{name}.ipynb")
    checks = [(src, out) for src, out in cells if "grader.check(" in src]
    questions = [q for q, v in teaching.master_questions(name).items() if not v["manual"]]
    assert [src for src, _ in checks] == [
        f'grader.check("{q}")' for q in questions if any(
            not hidden for _, _, hidden in teaching.master_questions(name)[q]["tests"])
    ], "a question with public tests has no check cell"  # fmt: skip
    for src, out in checks:
        assert "NameError" not in out, f"{src}: {out}"
        question = src.split('"')[1]
        assert f"{question} results:" in out and "Test case failed" in out, f"{src}: {out}"


def test_regrading_merges_and_folders_per_student_are_read(assignments, tmp_path):
    # Not-JSON notebooks fail before otter starts: this checks make grade's bookkeeping only.
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "s1234567").mkdir(parents=True)
    (first / "s1234567" / "lstm_cell.ipynb").write_text("{ not json")
    (first / "s1234567" / ".ipynb_checkpoints").mkdir()
    (first / "s1234567" / ".ipynb_checkpoints" / "lstm_cell-checkpoint.ipynb").write_text("{")
    second.mkdir()
    (second / "late.ipynb").write_text("{ not json")
    for folder in (first, second):
        grader.grade("lstm_cell", folder, tmp_path / "out", jobs=1, timeout=10)
    rows = list(csv.DictReader(open(tmp_path / "out" / "gradebook.csv")))
    assert [r["student"] for r in rows] == ["late", "s1234567"]
    assert (tmp_path / "out" / "feedback" / "s1234567.txt").is_file()
