"""The assignments, built as a teacher does (issue 12).

``make assignments`` runs once per session (``assignments`` fixture, about 30 s): every
output is there, the student notebooks hold no solution and no hidden test, and the
rubric numbers of assignment 3 reproduce. Grading (the unchanged notebook 0, the solution
full marks, one bug costs only its tests, and the probes of issue 25) is in
``test_grading.py``, in one ``make grade`` batch per assignment.
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import pytest
import teaching
from progress import run_once

ROOT = Path(__file__).resolve().parent.parent

ASSIGNMENTS = ("lstm_cell", "gates_gradients", "long_dependency")

#: Points per autograded question, read from the master notebooks, their one source (the
#: teacher's guide's table is checked against them in test_teachers_guide.py).
POINTS = {name: teaching.master_points(name) for name in ASSIGNMENTS}


@pytest.fixture(scope="session")
def assignments():
    # Once per test run, whichever pytest-xdist worker gets here first (tests/progress.py).
    result = run_once("assignments", teaching.build_assignments)
    assert result["returncode"] == 0, result["output"]
    return result


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_make_assignments_writes_the_usual_outputs(assignments, name):
    for path in (
        teaching.student_notebook(name),
        teaching.solution_notebook(name),
        teaching.autograder_zip(name),
        teaching.student_notebook(name).with_name(f"{name}-student.zip"),
    ):
        assert path.is_file(), f"{path} missing"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_zip_holds_the_licence_and_only_what_it_should(assignments, name):
    student_zip = teaching.student_notebook(name).with_name(f"{name}-student.zip")
    with zipfile.ZipFile(student_zip) as zf:
        student = set(zf.namelist())
    with zipfile.ZipFile(teaching.autograder_zip(name)) as zf:
        grader = set(zf.namelist())
    assert "LICENSE" in student and "files/LICENSE" in grader and "NOTICE" in student
    with zipfile.ZipFile(student_zip) as zf:
        assert "CC BY 4.0" in zf.read("NOTICE").decode()
    assert f"{name}.ipynb" in student and "requirements-student.txt" in student
    with zipfile.ZipFile(student_zip) as zf:
        wanted = zf.read("requirements-student.txt").decode().splitlines()
    wanted = [line for line in wanted if line and not line.startswith("#")]
    assert "numpy==2.4.6" in wanted and "otter-grader==7.0.0" in wanted
    assert all("==" in line for line in wanted), "requirements-student.txt: a package unpinned"
    assert not any(n.startswith("_grading") for n in student), "private grading files handed out"
    assert (
        "files/_grading/expected.pkl" in grader and "files/_grading/lib/lstm_lib/lstm.py" in grader
    )
    if name == "lstm_cell":  # the step functions are the students' to write
        shipped = {n for n in student if n.startswith("lstm_lib/")}
        assert shipped == {f"lstm_lib/{m}.py" for m in ("__init__", "_validate", "params",
                                                          "activations")}  # fmt: skip
        init = zipfile.ZipFile(student_zip).read("lstm_lib/__init__.py").decode()
        assert "lstm_step" not in init and "numerical_gradient" not in init


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_student_notebook_has_no_solution_and_no_hidden_test(assignments, name):
    text = teaching.student_notebook(name).read_text(encoding="utf-8")
    code = teaching.code_of(json.loads(text))
    solutions = teaching.solution_lines(name)
    assert len(solutions) >= 5
    leaked = [line for line in solutions if line in code]
    assert not leaked, f"solution code in the student notebook: {leaked[:3]}"
    assert "BEGIN SOLUTION" not in text
    cases = teaching.test_cases(name)
    hidden = [f for f, (_, _, is_hidden) in cases.items() if is_hidden]
    public = [f for f, (_, _, is_hidden) in cases.items() if not is_hidden]
    assert hidden and public
    assert [f for f in hidden if f in text] == [], "hidden test in the student notebook"
    assert all(f in text for f in public), "a public test is missing from the student notebook"


def _moved(result) -> float:
    """The largest change of any weight or bias during a training run (question 1's max_change)."""
    pairs = zip(result.net.parameters(), result.initial.parameters(), strict=True)
    return max(
        float(abs(after - before).max())
        for now, then in pairs
        for after, before in zip(now.arrays().values(), then.arrays().values(), strict=True)
    )


def _texts_of_assignment_3() -> dict[str, str]:
    """The teacher's guide and the master's Markdown (the model answer), each on one line."""
    master = teaching.read_notebook(teaching.master_notebook("long_dependency"))
    markdown = " ".join(
        "".join(c["source"]) for c in master["cells"] if c["cell_type"] == "markdown"
    )
    guide = (ROOT / "teachers.md").read_text(encoding="utf-8")
    return {"teachers.md": " ".join(guide.split()), "the model answer": " ".join(markdown.split())}


def test_rubric_numbers_of_assignment_3_reproduce():
    # The teacher's guide and the model answer quote the solution's runs (seed 0, and the
    # solution's settings for seed 1): run the master notebook's code and compare.
    ns = teaching.run_master_code("long_dependency", until="result = run(settings)")
    given, solved = ns["given_result"], ns["result"]
    other_seed = ns["run"](ns["settings"], seed=1)
    assert other_seed.solved and abs(other_seed.steps_to_solve / solved.steps_to_solve - 1) < 0.2
    moved = (_moved(solved), _moved(other_seed))
    share = given.test_mse / ns["ADDING_BASELINE_MSE"]
    quoted = (
        f"{given.test_mse:.2f}", f"{100 * share:.0f} % of the baseline",
        f"{ns['max_change']:.2f}", f"{solved.steps_to_solve} iterations",
        f"up to about {math.floor(min(moved))} to {math.ceil(max(moved))}",
    )  # fmt: skip
    each = {
        "teachers.md": f"up to {moved[0]:.1f} ({moved[1]:.1f} for seed 1)",
        "the model answer": f"({moved[0]:.1f} for seed 0, {moved[1]:.1f} for seed 1)",
    }
    for where, text in _texts_of_assignment_3().items():
        missing = [q for q in (*quoted, each[where]) if q not in text]
        assert not missing, f"{where} should quote {missing} (the solution's runs)"


def test_rubric_settings_that_do_not_help_reproduce():
    # Rubric 3(c) quotes runs of settings that do not help (and one that shows clipping is
    # not what holds the given run back), seeds 0 and 1, with the notebook's `run`.
    ns = teaching.run_master_code("long_dependency", until="def run(")
    run, given, baseline = ns["run"], ns["GIVEN"], ns["ADDING_BASELINE_MSE"]
    unsolved = {
        "forget bias 3 at lr = 3·10⁻⁴, not solved, held-out MSE {} and {} of the baseline": {
            "forget_bias": 3.0
        },
        "clipping off at lr = 3·10⁻⁴, not solved, {} and {};": {"max_norm": None},
        "batch size 64, not solved, {} and {};": {"batch_size": 64},
    }
    guide = _texts_of_assignment_3()["teachers.md"]
    for phrase, change in unsolved.items():
        results = [run({**given, **change}, seed=seed) for seed in (0, 1)]
        assert not any(r.solved for r in results), f"{change}: solved"
        shares = [f"{100 * r.test_mse / baseline:.0f} %" for r in results]
        assert phrase.format(*shares) in guide, f"teachers.md, rubric 3(c): {change} gives {shares}"
    fast = [run({**given, "lr": 3e-2, "max_norm": None}, seed=seed) for seed in (0, 1)]
    assert all(r.solved for r in fast)
    steps = " and ".join(str(r.steps_to_solve) for r in fast)
    assert f"without clipping, solved after {steps} iterations" in guide


def test_the_variant_s_rubric_numbers_are_written(assignments):
    # The default build's numbers are those the rubric in teachers.md quotes.
    out = teaching.autograder_zip("long_dependency").parents[1] / "rubric-numbers.md"
    text = out.read_text()
    assert "solved after 350 iterations" in text and "| 0.16 |" in text and "87 %" in text
    gates = teaching.autograder_zip("gates_gradients").parents[1] / "rubric-numbers.md"
    assert "| 4 | 1.19 | 0.167 |" in gates.read_text()
