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

import pytest
import teaching
from progress import run_once

ASSIGNMENTS = ("lstm_cell", "gates_gradients", "long_dependency")

#: Points per autograded question (the teacher's guide states them too).
POINTS = {
    "lstm_cell": {
        "q1_forward": 7, "q2_backward": 9, "q3_numerical_gradient": 2, "q4_gradient_check": 2,
    },
    "gates_gradients": {
        "q1_shut_gate": 3, "q2_shut_effects": 3, "q3_jacobian": 2, "q4_gradient_at_100": 3,
    },
    "long_dependency": {"q1_max_change": 2, "q2_settings": 6},
}  # fmt: skip


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
    assert lost == {
        "q1_forward": 0, "q2_backward": 4, "q3_numerical_gradient": 0, "q4_gradient_check": 1,
    }  # fmt: skip
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
    assert lost == {"q1_max_change": 0, "q2_settings": 4}
    assert _scores(name, wrong, tmp_path / "out") == {
        q: POINTS[name][q] - lost[q] for q in POINTS[name]
    }
