"""The assignments, built and graded as a teacher does (issue 12).

``make assignments`` runs once per session (``assignments`` fixture, about 30 s), then each
notebook is graded offline with otter-grader's own command, ``otter run``: the student
notebook as handed out scores 0 on every autograded question, the solution scores full
marks, and a solution with one deliberate bug (a wrong sign in the forget-gate gradient)
loses exactly the points of the tests that cover that gradient, and a learning rate
lowered instead of raised (assignment 3) loses exactly the two training tests.
"""

from __future__ import annotations

import json
import math
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


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grading_the_student_notebook_unchanged_gives_zero(assignments, name, tmp_path):
    scores = teaching.grade(name, teaching.student_notebook(name), tmp_path)
    assert {q: s for q, (s, _) in scores.items()} == {q: 0 for q in POINTS[name]}
    assert {q: m for q, (_, m) in scores.items()} == POINTS[name]


def _scores(name: str, notebook, out) -> dict[str, float]:
    """The points per question that the autograder gives ``notebook``."""
    return {q: s for q, (s, _) in teaching.grade(name, notebook, out).items()}


def _points_of(name: str, tests) -> dict[str, float]:
    """The points per question that the hidden and public ``tests`` of ``name`` carry."""
    cases = teaching.test_cases(name)
    points = {q: 0.0 for q in POINTS[name]}
    for func in tests:
        question, value, _ = cases[func]
        points[question] += value
    return points


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grading_the_solution_gives_full_marks(assignments, name, tmp_path):
    assert _scores(name, teaching.solution_notebook(name), tmp_path) == POINTS[name]


def test_wrong_sign_in_forget_gate_gradient_loses_exactly_its_tests(assignments, tmp_path):
    name = "lstm_cell"
    buggy = teaching.with_replacement(
        teaching.solution_notebook(name), tmp_path / f"{name}.ipynb",
        "da_f = dc * c_prev * f_t * (1 - f_t)", "da_f = -dc * c_prev * f_t * (1 - f_t)",
    )  # fmt: skip
    # The tests that see ∂L/∂a_f: ∂L/∂W_f, ∂L/∂b_f; ∂L/∂x_t and ∂L/∂h_{t-1} (a_f feeds z);
    # the public gradient check of W_f. Nothing else reads da_f.
    covering = {
        "test_backward_forget_gate", "test_backward_states", "test_gradient_check_small",
    }  # fmt: skip
    lost = _points_of(name, covering)
    assert {q for q, points in lost.items() if points} == {"q2_backward", "q4_gradient_check"}
    assert _scores(name, buggy, tmp_path / "out") == {
        q: POINTS[name][q] - lost[q] for q in POINTS[name]
    }


def test_learning_rate_lowered_loses_exactly_the_training_tests(assignments, tmp_path):
    # Assignment 3 with lr 1e-4 instead of 1e-2: the settings still have the right keys
    # and the budget is untouched, but neither seed is solved within 1,000 iterations.
    name = "long_dependency"
    wrong = teaching.with_replacement(
        teaching.solution_notebook(name), tmp_path / f"{name}.ipynb",
        '"lr": 1e-2,', '"lr": 1e-4,',
    )  # fmt: skip
    lost = _points_of(name, ("test_solved_seed_0", "test_solved_seed_1"))
    assert {q for q, points in lost.items() if points} == {"q2_settings"}
    assert _scores(name, wrong, tmp_path / "out") == {
        q: POINTS[name][q] - lost[q] for q in POINTS[name]
    }


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
    fast = [run({**given, "lr": 1e-2, "max_norm": None}, seed=seed) for seed in (0, 1)]
    assert all(r.solved for r in fast)
    steps = " and ".join(str(r.steps_to_solve) for r in fast)
    assert f"without clipping, solved after {steps} iterations" in guide
