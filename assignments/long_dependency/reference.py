"""Assignment 3's reference data, for ``make assignments`` (never shipped to students).

``constants(variant)`` gives the values of the master's ``# variant`` lines (the seed of
the student's runs); ``expected(constants)`` the budget, the given settings and the two
seeds the grader trains the submitted settings on, which the student never sees (written
to the autograder's ``_grading/expected.pkl``). Training runs are not precomputed: the
grader repeats them in a fresh process (``_grading.fresh``), on the grading machine.
"""

from __future__ import annotations

import numpy as np

from lstm_lib import SOLVED_MSE

#: The budget: sequence length, iterations, the largest network and batch allowed, and the
#: smallest learning rate question 2 asks for (three times the largest chapter 4 tried).
BUDGET = {"steps": 20, "iterations": 1000, "max_hidden_size": 8, "max_batch_size": 64,
          "min_lr": 3e-2}  # fmt: skip
#: The grader's margin: hidden seeds are trained for 1.5 times the budget. It protects
#: settings like the reference's (solved well inside the budget) from rounding differences
#: between processors; settings that solve near the edge can score differently on another.
MARGIN = 1.5
GIVEN = {"hidden_size": 8, "forget_bias": 1.0, "batch_size": 32, "lr": 3e-4, "max_norm": 1.0}


def constants(variant: int | None) -> dict:
    if variant is None:
        return {"SEED": 0}
    return {"SEED": int(np.random.default_rng([variant, 3]).integers(1, 10**6))}


def expected(c: dict) -> dict:
    rng = np.random.default_rng([c["SEED"], 3, 2026])
    hidden = [int(s) for s in rng.choice(np.arange(1000, 10**6), size=2, replace=False)]
    return {"budget": BUDGET, "margin": MARGIN, "given": GIVEN, "seed": c["SEED"],
            "hidden_seeds": hidden, "solved_mse": SOLVED_MSE}  # fmt: skip


def rubric_numbers(c: dict, e: dict) -> str:
    """The numbers question 3's rubric quotes (teachers.md), for this build's variant: the
    given run and the run with lr = 3e-2 on the students' seed."""
    from lstm_lib import ADDING_BASELINE_MSE, init_network, train

    lines = []
    for label, s in (("given settings", GIVEN), ("lr = 3e-2", {**GIVEN, "lr": 3e-2})):
        net = init_network(
            "lstm", 2, s["hidden_size"], forget_bias=s["forget_bias"], seed=c["SEED"]
        )
        r = train(net, BUDGET["steps"], iterations=BUDGET["iterations"],
                  batch_size=s["batch_size"], lr=s["lr"], max_norm=s["max_norm"],
                  threshold=SOLVED_MSE, seed=c["SEED"])  # fmt: skip
        change = max(
            float(abs(a - b).max())
            for now, then in zip(r.net.parameters(), r.initial.parameters(), strict=True)
            for a, b in zip(now.arrays().values(), then.arrays().values(), strict=True)
        )
        solved = f"solved after {r.steps_to_solve} iterations" if r.solved else "not solved"
        share = 100 * r.test_mse / ADDING_BASELINE_MSE
        lines.append(
            f"| {label} | {solved} | {r.test_mse:.3g} ({share:.0f} % of the baseline) "
            f"| {change:.2g} |"
        )
    return (
        f"Question 3 (written): the runs the rubric quotes, on this variant's seed {c['SEED']}\n"
        "(the rubric in teachers.md quotes the default build's, seed 0).\n\n"
        "| run | outcome | held-out MSE | max_change |\n|---|---|---|---|\n"
        + "\n".join(lines)
        + "\n"
    )
