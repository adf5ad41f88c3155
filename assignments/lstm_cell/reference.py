"""Assignment 1's reference data, for ``make assignments`` (never shipped to students).

``constants(variant)`` gives the values of the master's ``# variant`` lines (the seed of
question 4's problem); ``expected(constants)`` the inputs and reference outputs of every
hidden test, computed with ``lstm_lib`` in the build's own process and written to the
autograder's ``_grading/expected.pkl``. The reference of a step with a mask: rows whose
mask is False keep their state, and pass ∂L/∂h_t and ∂L/∂C_t straight back.
"""

from __future__ import annotations

import numpy as np

from lstm_lib import LSTMParams, lstm_step_backward, lstm_step_forward

#: What the student folder gets of lstm_lib: module -> names (the step functions are theirs).
STUDENT_LIBRARY = {"params": ["LSTMParams"], "activations": ["sigmoid"]}


def constants(variant: int | None) -> dict:
    if variant is None:
        return {"SEED": 0}
    return {"SEED": int(np.random.default_rng([variant, 1]).integers(1, 10**6))}


def _params(D: int, H: int, rng: np.random.Generator, dtype="float64") -> LSTMParams:
    """Random weights (PyTorch's initialisation) and non-zero biases."""
    p = LSTMParams.init(D, H, rng=rng)
    arrays = {k: a + 0.3 * rng.standard_normal(a.shape) if k.startswith("b_") else a
              for k, a in p.arrays().items()}  # fmt: skip
    return LSTMParams(**{k: a.astype(dtype) for k, a in arrays.items()})


def forward(x_t, h_prev, c_prev, params, mask):
    """(h_t, c_t, cache) of the assignment's step_forward, the cache as the notebook specifies."""
    h_new, c_new, step = lstm_step_forward(x_t, h_prev, c_prev, params)
    keep = mask[:, None]
    h_t, c_t = np.where(keep, h_new, h_prev), np.where(keep, c_new, c_prev)
    cache = {"z": np.concatenate([h_prev, x_t], axis=1), "c_prev": c_prev, "f_t": step.f_t,
             "i_t": step.i_t, "C_tilde": step.C_tilde, "o_t": step.o_t, "c_t": c_new,
             "mask": mask}  # fmt: skip
    return h_t, c_t, cache, step


def backward(dh_t, dc_t, step, mask):
    """(dx_t, dh_prev, dc_prev, grads as a dict) through the masked step."""
    keep = mask[:, None].astype(dh_t.dtype)
    dx_t, dh_prev, dc_prev, grads = lstm_step_backward(dh_t * keep, dc_t * keep, step)
    return dx_t, dh_prev + (1 - keep) * dh_t, dc_prev + (1 - keep) * dc_t, grads.arrays()


def _case(B, D, H, rng, mask=None, dtype="float64") -> dict:
    params = _params(D, H, rng, dtype)
    x_t, h_prev, c_prev, dh_t, dc_t = (
        rng.standard_normal((B, n)).astype(dtype) for n in (D, H, H, H, H)
    )
    mask = np.ones(B, dtype=bool) if mask is None else np.array(mask)
    h_t, c_t, cache, step = forward(x_t, h_prev, c_prev, params, mask)
    dx_t, dh_prev, dc_prev, grads = backward(dh_t, dc_t, step, mask)
    ended = "" if mask.all() else f", mask {mask.astype(int).tolist()}"
    return {
        "what": f"B = {B}, D = {D}, H = {H}, {dtype}{ended}",
        "params": params.arrays(), "x_t": x_t, "h_prev": h_prev, "c_prev": c_prev,
        "mask": mask, "h_t": h_t, "c_t": c_t, "cache": cache, "dh_t": dh_t, "dc_t": dc_t,
        "dx_t": dx_t, "dh_prev": dh_prev, "dc_prev": dc_prev, "grads": grads,
    }  # fmt: skip


def given_problem(seed: int):
    """Question 4's problem, exactly as the notebook's given cell draws it."""
    rng = np.random.default_rng(seed)
    params = LSTMParams.init(3, 4, rng=rng)
    x_t, h_prev, c_prev = (rng.standard_normal((1, n)) for n in (3, 4, 4))
    G = rng.standard_normal((1, 4))
    return {"params": params.arrays(), "x_t": x_t, "h_prev": h_prev, "c_prev": c_prev, "G": G}


def expected(c: dict) -> dict:
    rng = np.random.default_rng([c["SEED"], 2026])
    x = rng.standard_normal((3, 2, 2))
    return {
        # B = 1 only: a slip in batching does not cost these
        "single": [_case(1, D, H, rng) for D, H in ((1, 1), (5, 2), (2, 6))],
        "float32": _case(1, 3, 4, rng, dtype="float32"),
        # B > 1, some rows ended: the batch tests
        "batch": _case(5, 3, 4, rng, mask=[True, False, True, True, False]),
        "batch32": _case(4, 2, 3, rng, mask=[True, True, False, True], dtype="float32"),
        "numgrad": {"x": x, "gradient": np.cos(x) * x[::-1] + np.sin(x[::-1])},
        "given": given_problem(c["SEED"]),
    }


#: lstm_lib's functions withheld while grading (assignments/_grading/withheld.py).
WITHHELD = (
    "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "lstm_forward_reference", "lstm_backward_reference", "lstm_cell_state_gradients",
    "numerical_gradient", "numerical_jacobian",
)  # fmt: skip
