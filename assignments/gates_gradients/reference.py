"""Assignment 2's reference data, for ``make assignments`` (never shipped to students).

``constants(variant)`` gives the values of the master's ``# variant`` lines (seeds and
sizes); ``expected(constants)`` rebuilds the notebook's data exactly as its given cells
draw it and computes, with ``lstm_lib`` in the build's own process, every value the hidden
tests compare with (written to the autograder's ``_grading/expected.pkl``).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import LSTMParams, lstm_backward, lstm_forward, lstm_step_forward

BIASES = (-2.0, 0.0, 1.0, 2.0, 4.0)
SHUT = 1e-12  # "shut": a gate held at 10^-12


def constants(variant: int | None) -> dict:
    if variant is None:
        return {"SEED": 0, "B": 4, "H": 5, "PROBLEM_SEED": 1}
    rng = np.random.default_rng([variant, 2])
    return {"SEED": int(rng.integers(1, 10**6)), "B": int(rng.integers(3, 6)),
            "H": int(rng.integers(4, 7)), "PROBLEM_SEED": int(rng.integers(2, 10**6))}  # fmt: skip


def hold(params: LSTMParams, gate: str, value: float) -> LSTMParams:
    """The reference of question 1: gate ``gate`` equal to ``value`` for every input."""
    arrays = params.arrays()
    b = arrays[f"b_{gate}"]
    logit = np.log(value) - np.log1p(-value)
    return LSTMParams(**{**arrays, f"W_{gate}": np.zeros_like(arrays[f"W_{gate}"]),
                         f"b_{gate}": np.full_like(b, logit)})  # fmt: skip


def given(c: dict) -> dict:
    """The notebook's data, drawn as its given cells draw it."""
    T, D = 30, 3
    rng = np.random.default_rng(c["SEED"])
    params = LSTMParams.init(D, c["H"], forget_bias=1.0, rng=rng)
    xs = rng.standard_normal((T, c["B"], D))
    h0, c0 = np.zeros((c["B"], c["H"])), np.ones((c["B"], c["H"]))
    x_t, h_prev, c_prev = xs[0, 0], rng.standard_normal(c["H"]), rng.standard_normal(c["H"])
    return {"params": params, "xs": xs, "h0": h0, "c0": c0, "x_t": x_t, "h_prev": h_prev,
            "c_prev": c_prev}  # fmt: skip


def make_problem(forget_bias: float, seed: int):
    """Question 4's make_problem, as the notebook defines it."""
    gen = np.random.default_rng(seed)
    cell = LSTMParams.init(3, 5, forget_bias=forget_bias, rng=gen)
    return (
        cell,
        gen.standard_normal((100, 4, 3)),
        np.zeros((4, 5)),
        np.zeros((4, 5)),
        gen.standard_normal((4, 5)),
    )


def expected(c: dict) -> dict:
    g = given(c)
    params, xs, h0, c0 = g["params"], g["xs"], g["h0"], g["c0"]
    run = {gate: lstm_forward(xs, h0, c0, hold(params, gate, v)) for gate, v in
           (("i", SHUT), ("o", SHUT), ("f", 0.5))}  # fmt: skip
    full, direct = {}, {}
    for b in BIASES:
        cell, seq, h_0, c_0, G = make_problem(b, c["PROBLEM_SEED"])
        hs, cs, cache = lstm_forward(seq, h_0, c_0, cell)
        dhs = np.zeros_like(hs)
        dhs[-1] = G
        full[b] = float(np.linalg.norm(lstm_backward(dhs, cache)[2]))
        dc_T = G * cache.o_t[-1] * (1 - np.tanh(cs[-1]) ** 2)
        direct[b] = float(np.linalg.norm(np.prod(cache.f_t, axis=0) * dc_T))
    rng = np.random.default_rng([c["SEED"], 2026])
    A, v = rng.standard_normal((4, 3)), rng.standard_normal(3)
    hold_cases = []
    for dtype in ("float64", "float32"):
        p = LSTMParams.init(2, 3, forget_bias=1.0, rng=rng, dtype=dtype)
        for gate, value in (("f", 0.5), ("i", SHUT), ("o", 0.9)):
            hold_cases.append({"params": p.arrays(), "gate": gate, "value": value,
                               "held": hold(p, gate, value).arrays()})  # fmt: skip
    f_ref = lstm_step_forward(g["x_t"], g["h_prev"], g["c_prev"], params)[2].f_t.reshape(-1)
    return {
        "hold": hold_cases,
        "c_T_input_shut": run["i"][1][-1],
        "h_max_output_shut": float(np.abs(run["o"][0]).max()),
        "c_T_forget_half": run["f"][1][-1],
        "f_t": f_ref,
        "jacobian": {"A": A, "v": v, "J": (1 - np.tanh(A @ v) ** 2)[:, None] * A},
        "full": full,
        "direct": direct,
    }


#: lstm_lib's functions withheld while grading (assignments/_grading/withheld.py): its gate
#: clamp (question 1) and its finite differences (question 3).
WITHHELD = ("clamp_gate", "numerical_gradient", "numerical_jacobian")


def rubric_numbers(c: dict, e: dict) -> str:
    """The numbers question 5's rubric quotes (teachers.md), for this build's variant."""
    rows = "\n".join(
        f"| {b:g} | {full:.3g} | {direct:.3g} | {full / direct:.3g} |"
        for b, full, direct in ((b, e["full"][b], e["direct"][b]) for b in BIASES)
    )
    return (
        "Question 5 (written): the gradient at C_0 per forget bias, as the solution computes it\n"
        "for this variant (the rubric in teachers.md quotes the default build's).\n\n"
        "| forget bias | full gradient | direct path | full / direct |\n|---|---|---|---|\n"
        f"{rows}\n"
    )
