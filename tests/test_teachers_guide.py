"""The teacher's guide agrees with the assignments it describes (issue 24, item 12).

The points live in one place, the ``# BEGIN TEST CONFIG`` blocks (and a manual
question's ``points``) of each master notebook ``assignments/<name>/<name>.ipynb``; the
autograder reads them there. The guide's points table, its rubric headings and its
worked examples of lost points restate them, so these tests compare each with the
master notebooks and, when one disagrees, say which line of ``teachers.md`` to change.
The rubric's reference numbers of assignment 2 are recomputed from the solution code
(a second, and on other draws of its problem); the sizes of Adam's steps quoted for
assignment 3 are measured with ``lstm_lib.optim.Adam``; the numbers of assignment 3's
runs need training and are checked in ``test_assignments.py``. Reads files only: no
``make assignments`` needed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import teaching

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "teachers.md").read_text(encoding="utf-8")
ASSIGNMENTS = ("lstm_cell", "gates_gradients", "long_dependency")


def _by_number(name: str) -> dict[str, dict]:
    """The master's questions keyed by their number, "q1_forward" -> "q1"."""
    return {q.split("_")[0]: v for q, v in teaching.master_questions(name).items()}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_points_table_matches_the_master_notebook(name):
    table = teaching.guide_points_table(GUIDE)[name]
    master = _by_number(name)
    where = f"teachers.md, 'Points', assignment {name}"
    source = f"assignments/{name}/{name}.ipynb"
    assert set(table["questions"]) == set(master), f"{where}: questions differ from {source}"
    for q, (public, hidden, points) in table["questions"].items():
        tests = master[q]["tests"]
        expected = (
            sorted(p for _, p, h in tests if not h),
            sorted(p for _, p, h in tests if h),
            master[q]["points"],
        )
        stated = (sorted(public), sorted(hidden), points)
        assert stated == expected, (
            f"{where}, {q}: the table says public {stated[0]}, hidden {stated[1]}, "
            f"{stated[2]:g} points; the tests of {source} give public {expected[0]}, "
            f"hidden {expected[1]}, {expected[2]:g} points: update the table"
        )
    total = sum(v["points"] for v in master.values())
    autograded = sum(v["points"] for v in master.values() if not v["manual"])
    assert (table["total"], table["autograded"]) == (total, autograded), (
        f"{where}: total {table['total']:g} ({table['autograded']:g} autograded) in the "
        f"table, {total:g} ({autograded:g}) in {source}"
    )


@pytest.mark.parametrize(("assignment", "name"), [(2, "gates_gradients"), (3, "long_dependency")])
def test_rubric_heading_states_the_manual_points(assignment, name):
    (manual,) = [v["points"] for v in _by_number(name).values() if v["manual"]]
    heading = re.search(
        rf"### Rubric for assignment {assignment}, question \d+ \((\d+) points\)", GUIDE
    )
    assert heading and float(heading[1]) == manual, (
        f"teachers.md: the rubric of assignment {assignment} should say ({manual:g} points)"
    )


def test_worked_examples_of_lost_points():
    # A wrong sign in the forget-gate gradient (assignment 1) fails these three tests, and
    # a lowered learning rate (assignment 3) the two training tests (test_assignments.py
    # grades both); the guide states their points.
    cell = {f: p for q in teaching.master_questions("lstm_cell").values() for f, p, _ in q["tests"]}
    sign = sum(cell[f] for f in ("test_backward_forget_gate", "test_backward_states",
                                 "test_backward_batch_float32"))  # fmt: skip
    assert f"assignment 1 loses {sign:g} points" in " ".join(GUIDE.split())
    dep = {f: p for q in teaching.master_questions("long_dependency").values()
           for f, p, _ in q["tests"]}  # fmt: skip
    lr = dep["test_solved_hidden_seed_0"] + dep["test_solved_hidden_seed_1"]
    assert f"lose exactly the {lr:g} points of the two training tests" in " ".join(GUIDE.split())


def _power(x: float) -> str:
    return f"10^{{{round(math.log10(x))}}}"


def test_rubric_numbers_of_assignment_2_reproduce():
    ns = teaching.run_master_code("gates_gradients", until="full[b] = float(")
    full, direct = ns["full"], ns["direct"]
    sigma = 1 / (1 + math.exp(2.0))
    rubric = GUIDE.split("### Rubric for assignment 2", 1)[1].split("###", 1)[0]
    expected = [
        _power(direct[-2.0]), f"{direct[4.0]:.2f}", _power(full[-2.0]), f"{full[4.0]:.2f}",
        f"about {full[4.0] / direct[4.0]:.0f} times", _power(full[-2.0] / direct[-2.0]),
        f"{sigma**100 / 10 ** math.floor(math.log10(sigma**100)):.0f} \\cdot "
        f"10^{{{math.floor(math.log10(sigma**100))}}}",
        f"{(1 / (1 + math.exp(-4.0))) ** 100:.2f}",
    ]  # fmt: skip
    missing = [text for text in expected if text not in rubric]
    assert not missing, f"teachers.md, rubric of assignment 2: the solution gives {missing}"
    assert np.isfinite(list(full.values())).all()


def _master_cell(name: str, contains: str) -> str:
    """The one code cell of the master notebook ``name`` whose source contains ``contains``."""
    cells = [
        "".join(c["source"])
        for c in teaching.read_notebook(teaching.master_notebook(name))["cells"]
        if c["cell_type"] == "code" and contains in "".join(c["source"])
    ]
    assert len(cells) == 1, f"{name}: expected one code cell with {contains!r}, found {len(cells)}"
    return cells[0]


def _model_answer(name: str) -> str:
    """The master's Markdown (the written questions' model answers with it), one line."""
    master = teaching.read_notebook(teaching.master_notebook(name))
    markdown = ["".join(c["source"]) for c in master["cells"] if c["cell_type"] == "markdown"]
    return " ".join(" ".join(markdown).split())


def test_rubric_other_draws_of_assignment_2():
    # Part (c): on the students' draw (seed 1 in make_problem) the extra paths add at every
    # bias; on other draws of the same problem they can cancel, and the full gradient at
    # b_f = 4 falls below the direct path. Rerun the solution on seeds 2 to 6.
    ns = teaching.run_master_code("gates_gradients", until="full[b] = float(")
    assert all(ns["full"][b] > ns["direct"][b] for b in ns["biases"])
    problem = _master_cell("gates_gradients", "def make_problem(")
    solution = _master_cell("gates_gradients", "full[b] = float(")
    assert problem.count("PROBLEM_SEED = 1  # variant") == 1
    ratio = {}
    for seed in range(2, 7):
        exec(problem.replace("PROBLEM_SEED = 1", f"PROBLEM_SEED = {seed}"), ns)
        ns["biases"] = (4.0,)
        exec(solution, ns)
        ratio[seed] = ns["full"][4.0] / ns["direct"][4.0]
    below = {seed: r for seed, r in ratio.items() if r < 1}
    assert below, f"full / direct at b_f = 4 on seeds 2 to 6: {ratio}; none below 1"
    rubric = " ".join(GUIDE.split("### Rubric for assignment 2", 1)[1].split("###", 1)[0].split())
    quoted = "`PROBLEM_SEED = 2` or `4` instead of `1` above `make_problem`) the full "
    quoted += f"gradient at $b_f = 4$ is {ratio[2]:.2f} and {ratio[4]:.2f} times the direct path"
    assert ratio[2] < 1 and ratio[4] < 1 and quoted in rubric, (
        f"teachers.md, rubric 2(c): seeds 2 and 4 give {ratio[2]:.2f} and {ratio[4]:.2f}"
    )
    answer = "on other draws of the same problem the full gradient at $b_f = 4$ is below the"
    assert answer in _model_answer("gates_gradients")


def test_rubric_adam_step_sizes_reproduce():
    # Rubric 3(b) and the model answer: how far one step of lstm_lib's Adam (torch
    # semantics, default betas) moves a parameter, in units of lr, measured on scalar
    # parameters fed a chosen gradient sequence.
    from lstm_lib import ReadoutParams
    from lstm_lib.optim import Adam

    b1, b2 = 0.9, 0.999
    n = 5000
    k = np.arange(n)
    spike = np.zeros(n)
    spike[-1] = 1.0
    grads = np.stack(
        [np.ones(n), (-1.0) ** k, spike, (b2 / b1) ** (k - n + 1.0)], axis=1
    )  # steady, alternating sign, one spike at the last step, growing by b2/b1 per step
    theta = ReadoutParams(W_y=np.zeros((1, 4)), b_y=np.zeros(1))
    adam = Adam([theta], lr=1.0)
    steps = np.empty((n, 4))
    for t in range(n):
        before = theta.W_y.copy()
        adam.step([ReadoutParams(W_y=grads[t][None, :], b_y=np.zeros(1))])
        steps[t] = (before - theta.W_y)[0]
    estimate = (1 - b1) / math.sqrt(1 - b2)  # Kingma & Ba
    supremum = estimate / math.sqrt(1 - b1**2 / b2)  # Cauchy–Schwarz, any gradient sequence
    np.testing.assert_allclose(steps[:, 0], 1.0, rtol=1e-6)  # steady: lr per step
    assert abs(steps[100:, 1]).max() < 0.1  # a wavering sign: much less than lr
    assert 3.1 < steps[-1, 2] <= estimate  # an isolated spike approaches the estimate
    growing = (b2 / b1) ** (k - 999.0)  # the same growth, the last of 1,000 steps
    assert 5.5 < _last_step(growing[:1000]) < 6.5 and 6.5 < steps[-1, 3] <= supremum < 7.5
    assert np.abs(steps).max() <= supremum
    texts = {"teachers.md": " ".join(GUIDE.split()), "the model answer": _model_answer(
        "long_dependency")}  # fmt: skip
    quotes = (f"≈ {estimate:.2f}·lr", f"β₂/β₁ ≈ {b2 / b1:.2f}", "about 6·lr", "about 7·lr")
    for where, text in texts.items():
        for quoted in quotes:
            assert quoted in text, f"{where} should say {quoted!r}"


def _last_step(grads) -> float:
    """The size, in units of lr, of Adam's last step on a scalar fed ``grads``."""
    from lstm_lib import ReadoutParams
    from lstm_lib.optim import Adam

    theta = ReadoutParams(W_y=np.zeros((1, 1)), b_y=np.zeros(1))
    adam = Adam([theta], lr=1.0)
    for g in grads:
        before = float(theta.W_y[0, 0])
        adam.step([ReadoutParams(W_y=np.array([[g]]), b_y=np.zeros(1))])
    return before - float(theta.W_y[0, 0])
