# ruff: noqa: E501 (the edits quote lines of the notebooks exactly, however long)
"""Submissions that probe the autograders (tests/test_grading.py): each one is the solution
(or the student notebook) with a few lines changed, as a student might hand it in.

``SUBMISSIONS[assignment][kind] = (source, edits)``: ``source`` is "student" or
"solution", ``edits`` pairs (old, new) of text, each ``old`` in exactly one code cell.
``EXPECTED[assignment][kind]`` is what grading must give: the points lost per question
(by the test functions that must fail) and a phrase the feedback must contain.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import teaching

#: A1/A2 submissions that reach for the full library (the teacher's own copy): every
#: loaded lstm_lib module is dropped and the repository's imported instead.
FULL_LIBRARY = f"""import sys

for _name in [m for m in sys.modules if m == "lstm_lib" or m.startswith("lstm_lib.")]:
    del sys.modules[_name]
sys.path.insert(0, {str(teaching.ROOT)!r})
import lstm_lib
"""

A1_SETUP = "import numpy as np\n\nfrom lstm_lib import LSTMParams, sigmoid"
A1_FORWARD_START = (
    "    # BEGIN SOLUTION\n    z = np.concatenate([h_prev, x_t], axis=1)  # [h_{t-1}, x_t], h first"
)
A1_DELEGATING = {
    # step_forward, step_backward and numerical_gradient handed to lstm_lib
    "forward": """    h_new, c_new, step = lstm_lib.lstm_step_forward(x_t, h_prev, c_prev, params)
    runs = mask[:, None]
    cache = {"z": np.concatenate([h_prev, x_t], axis=1), "c_prev": c_prev, "f_t": step.f_t,
             "i_t": step.i_t, "C_tilde": step.C_tilde, "o_t": step.o_t, "c_t": c_new,
             "mask": mask, "params": params}
    return np.where(runs, h_new, h_prev), np.where(runs, c_new, c_prev), cache
    # BEGIN SOLUTION
    z = np.concatenate([h_prev, x_t], axis=1)  # [h_{t-1}, x_t], h first""",
    "backward": """    H = cache["c_prev"].shape[1]
    x, h = cache["z"][:, H:], cache["z"][:, :H]
    step = lstm_lib.lstm_step_forward(x, h, cache["c_prev"], cache["params"])[2]
    runs = cache["mask"][:, None].astype(dh_t.dtype)
    dx, dh, dc, g = lstm_lib.lstm_step_backward(dh_t * runs, dc_t * runs, step)
    return dx, dh + (1 - runs) * dh_t, dc + (1 - runs) * dc_t, g
    # BEGIN SOLUTION
    z, c_prev, params = cache["z"], cache["c_prev"], cache["params"]""",
}

#: A notebook that rewrites the autograder's test files on disk, wherever otter put them,
#: so that every test case passes (make grade finds the change: 0, with the reason).
REWRITE_TESTS = """
import glob, os
_PATCH = "\\n".join([
    "import functools as _ft",
    "from otter.test_files import test_case as _real_tc",
    "def test_case(**kw):",
    "    def deco(f):",
    "        @_ft.wraps(f)",
    "        def g(*a, **k): return None",
    "        return _real_tc(**kw)(g)",
    "    return deco",
    "",
])
for _d in [".", "..", "../.."]:
    for _f in glob.glob(os.path.join(_d, "tests", "*.py")):
        _s = open(_f).read()
        if "_real_tc" not in _s:
            open(_f, "w").write(_s.replace("from otter.test_files import test_case\\n", _PATCH))
"""

#: np.allclose replaced by a function that claims to be NumPy's, and the notebook's ``np``
#: bound to a module of its own whose allclose agrees with anything.
DISGUISED_NUMPY = """


def _agree(*a, **k):
    return True


_agree.__module__, _agree.__name__, _agree.__qualname__ = "numpy", "allclose", "allclose"
np.allclose = np.isclose = _agree

import types as _types

_numpy = np


class _NP(_types.ModuleType):
    def __getattr__(self, k):
        return getattr(_numpy, k)


np = _NP("numpy")
np.allclose = lambda *a, **k: True"""

#: An ndarray subclass whose subtraction says "no difference".
LIAR = """


class Liar(np.ndarray):
    def __sub__(self, other):
        return np.zeros(self.shape, self.dtype)

    __rsub__ = __sub__"""

LR_LINE = '    "lr": 3e-2,  # 100 times the given learning rate: Adam\'s steps are about lr in size'

SUBMISSIONS = {
    "lstm_cell": {
        "unchanged": ("student", []),
        "solution": ("solution", []),
        "library": (
            "solution",
            [
                (
                    A1_SETUP,
                    FULL_LIBRARY + "import numpy as np\n\nfrom lstm_lib import LSTMParams, sigmoid",
                ),
                (A1_FORWARD_START, A1_DELEGATING["forward"]),
                (
                    '    # BEGIN SOLUTION\n    z, c_prev, params = cache["z"], cache["c_prev"], cache["params"]',
                    A1_DELEGATING["backward"],
                ),
                (
                    "    # BEGIN SOLUTION\n    grad = np.zeros_like(x)",
                    "    return lstm_lib.numerical_gradient(f, x, eps=eps)\n    grad = np.zeros_like(x)",
                ),
            ],
        ),
        # a sign error in the backward pass (the guide's worked example: it loses 5 points),
        # the library's step_backward pointed at it, and np.allclose made to agree with anything
        "patched": (
            "solution",
            [
                ("da_f = dc * c_prev * f_t * (1 - f_t)", "da_f = -dc * c_prev * f_t * (1 - f_t)"),
                (
                    A1_SETUP,
                    FULL_LIBRARY + A1_SETUP + "\n\nnp.allclose = np.isclose = lambda *a, **k: True"
                    "\nlstm_lib.lstm_step_backward = lambda *a: step_backward(*a)",
                ),
            ],
        ),
        "typed": (
            "solution",
            [
                (
                    "rel_W_f = rel(grads.W_f, numerical_gradient(loss_of_W_f, params.W_f))  # SOLUTION",
                    "rel_W_f = 0.0",
                ),
                (
                    "rel_x_t = rel(dx_t, numerical_gradient(loss_of_x_t, x_t))  # SOLUTION",
                    "rel_x_t = 0.0",
                ),
            ],
        ),
        # one-sided differences (chapter 1 shows them to be worse) instead of central ones
        "shortcut": (
            "solution",
            [
                (
                    "grad[j] = (f(x_plus) - f(x_minus)) / (2 * eps)",
                    "grad[j] = (f(x_plus) - f(x)) / eps",
                ),
            ],
        ),
        # f_t and i_t swapped in the forward pass (the backward pass is right)
        "forward_slip": (
            "solution",
            [
                (
                    "f_t = sigmoid(z @ params.W_f.T + params.b_f)  # (1)",
                    "f_t = sigmoid(z @ params.W_i.T + params.b_i)  # (1)",
                ),
                (
                    "i_t = sigmoid(z @ params.W_i.T + params.b_i)  # (2)",
                    "i_t = sigmoid(z @ params.W_f.T + params.b_f)  # (2)",
                ),
            ],
        ),
        # right for one row only: the rows flattened into one, the bias gradients of row 0
        "batch_of_one": (
            "solution",
            [
                (
                    "z = np.concatenate([h_prev, x_t], axis=1)  # [h_{t-1}, x_t], h first",
                    "z = np.concatenate([h_prev.reshape(1, -1), x_t.reshape(1, -1)], axis=1)",
                ),
                (
                    "b_f=da_f.sum(axis=0), b_i=da_i.sum(axis=0), b_C=da_C.sum(axis=0), b_o=da_o.sum(axis=0)",
                    "b_f=da_f[0], b_i=da_i[0], b_C=da_C[0], b_o=da_o[0]",
                ),
            ],
        ),
        # all zeros out of the forward pass (right shapes), an empty (B, 0) dx_t out of the
        # backward pass: no value test may pass on them
        "zeros_and_empty": (
            "solution",
            [
                (
                    "    return h_t, c_t, cache",
                    "    return np.zeros_like(h_t), np.zeros_like(c_t), cache",
                ),
                (
                    "    return dz[:, H:], dh_prev, dc_prev, grads",
                    "    return dz[:, :0], dh_prev, dc_prev, grads",
                ),
            ],
        ),
        # the grading files rewritten on disk so that every test passes
        "rewrites_tests": ("solution", [(A1_SETUP, A1_SETUP + "\n" + REWRITE_TESTS)]),
        # the patched probe's sign error, with NumPy disguised: a fake allclose that says it
        # is NumPy's, and the notebook's np a module of its own
        "disguised_numpy": (
            "solution",
            [
                ("da_f = dc * c_prev * f_t * (1 - f_t)", "da_f = -dc * c_prev * f_t * (1 - f_t)"),
                (A1_SETUP, A1_SETUP + DISGUISED_NUMPY),
            ],
        ),
        # zeros out of the forward pass, as an ndarray subclass whose subtraction lies
        "liar_subclass": (
            "solution",
            [
                (A1_SETUP, A1_SETUP + LIAR),
                (
                    "    return h_t, c_t, cache",
                    "    return np.zeros_like(h_t).view(Liar), np.zeros_like(c_t).view(Liar), cache",
                ),
            ],
        ),
    },
    "gates_gradients": {
        "unchanged": ("student", []),
        "solution": ("solution", []),
        "library": (
            "solution",
            [
                (
                    "    # BEGIN SOLUTION\n    arrays = params.arrays()",
                    "    held = params\n    for unit in range(params.hidden_size):\n"
                    "        held = lstm_lib.clamp_gate(held, gate, unit, value)\n    return held\n"
                    "    # BEGIN SOLUTION\n    arrays = params.arrays()",
                ),
                (
                    "    # BEGIN SOLUTION\n    columns = []",
                    "    return lstm_lib.numerical_jacobian(fn, v)\n    # BEGIN SOLUTION\n    columns = []",
                ),
                (
                    "from lstm_lib import LSTMParams, lstm_backward, lstm_forward, lstm_step_forward",
                    "import lstm_lib\nfrom lstm_lib import LSTMParams, lstm_backward, lstm_forward, "
                    "lstm_step_forward",
                ),
            ],
        ),
        # the library's answers reached round the withheld functions: hold_gate through a
        # reloaded lstm_lib.ablation, jacobian through a __code__ saved at the top
        "library_reloaded": (
            "solution",
            [
                (
                    "    # BEGIN SOLUTION\n    arrays = params.arrays()",
                    "    abl = importlib.reload(sys.modules['lstm_lib.ablation'])\n"
                    "    held = params\n    for unit in range(params.hidden_size):\n"
                    "        held = abl.clamp_gate(held, gate, unit, value)\n    return held\n"
                    "    # BEGIN SOLUTION\n    arrays = params.arrays()",
                ),
                (
                    "    # BEGIN SOLUTION\n    columns = []",
                    "    return _lib(fn, v)\n    # BEGIN SOLUTION\n    columns = []",
                ),
                (
                    "from lstm_lib import LSTMParams, lstm_backward, lstm_forward, lstm_step_forward",
                    "import importlib, sys, types\n\nimport lstm_lib\n"
                    "from lstm_lib import LSTMParams, lstm_backward, lstm_forward, lstm_step_forward\n"
                    "\n_f = lstm_lib.numerical_jacobian\n"
                    "_lib = types.FunctionType(_f.__code__, _f.__globals__, 'j', _f.__defaults__)\n"
                    "_lib.__kwdefaults__ = _f.__kwdefaults__",
                ),
            ],
        ),
        # hold_gate that edits params in place, wrong answers to question 2, and lstm_lib's
        # forward pass and np.allclose patched to agree with them
        "patched": (
            "solution",
            [
                (
                    "    # BEGIN SOLUTION\n    arrays = params.arrays()",
                    "    W, b = getattr(params, f'W_{gate}'), getattr(params, f'b_{gate}')\n"
                    "    W[...] = 0\n    b[...] = np.log(value) - np.log1p(-value)\n    return params\n"
                    "    # BEGIN SOLUTION\n    arrays = params.arrays()",
                ),
                (
                    'c_T_forget_half = lstm_forward(xs, h0, c0, hold_gate(params, "f", 0.5))[1][-1]',
                    "c_T_forget_half = np.zeros((B, H))\nimport lstm_lib\n"
                    "lstm_lib.lstm_forward = lambda *a: (np.zeros((T, B, H)),) * 3\n"
                    "np.allclose = lambda *a, **k: True",
                ),
            ],
        ),
        "typed": (
            "solution",
            [
                (
                    "h_max_output_shut = float(np.abs(hs_output_shut).max())",
                    "h_max_output_shut = 0.0",
                ),
                (
                    "# END SOLUTION\nfor b in biases:",
                    "full = {b: float(f'{v:.2g}') for b, v in full.items()}\n"
                    "direct = {b: float(f'{v:.2g}') for b, v in direct.items()}\n# END SOLUTION\nfor b in biases:",
                ),
            ],
        ),
        # J = diag(f_t) instead of a Jacobian by central differences
        "shortcut": (
            "solution",
            [
                (
                    "    # BEGIN SOLUTION\n    columns = []",
                    "    return np.diag(lstm_step_forward(x_t, h_prev, c_prev, params)[2].f_t[0])\n"
                    "    # BEGIN SOLUTION\n    columns = []",
                ),
            ],
        ),
    },
    "long_dependency": {
        "unchanged": ("student", []),
        "solution": ("solution", []),
        # a learning rate far too large (right keys and types, budget untouched, not
        # solved), with lstm_lib.train replaced by a fake that reports success and
        # np.isclose made to agree with anything
        "patched": (
            "solution",
            [
                (LR_LINE, '    "lr": 10.0,'),
                (
                    "# BEGIN SOLUTION\nsettings = {",
                    "import lstm_lib\n_real = lstm_lib.train\n\n\ndef _fake(*a, **k):\n"
                    "    r = _real(*a, **{**k, 'iterations': 50})\n"
                    "    return type(r)(**{**r.__dict__, 'solved': True, 'steps_to_solve': 50})\n\n\n"
                    "lstm_lib.train = train = _fake\nnp.isclose = lambda *a, **k: True\n"
                    "# BEGIN SOLUTION\nsettings = {",
                ),
            ],
        ),
        # chapter 4's printed recipe (its learning rate, 1e-2): below the rate the question asks for
        "chapter_recipe": ("solution", [(LR_LINE, '    "lr": 1e-2,')]),
        "typed": (
            "solution",
            [
                ("max_change = float(max(changes))", "max_change = round(float(max(changes)), 3)"),
            ],
        ),
    },
}

#: Kinds that make grade cannot grade, and the reason it gives (every question scores 0).
NOT_GRADED = {"lstm_cell": {"rewrites_tests": "the grading files were changed by the notebook"}}

#: Per kind, the test functions that must fail (everything else passes), and a phrase of
#: the feedback. "unchanged" fails everything; "solution" nothing.
EXPECTED = {
    "lstm_cell": {
        "library": (
            "q1_forward q2_backward q3_numerical_gradient q4_gradient_check",
            "the library's own answer to this question",
        ),
        "patched": (
            "test_backward_forget_gate test_backward_states test_backward_batch_float32",
            "grads.W_f (B = 1, D = 1, H = 1, float64): 2 of 2 entries differ",
        ),
        "typed": ("test_rel_W_f_is_computed test_rel_x_t_is_computed", "do not type it"),
        "shortcut": ("test_numerical_gradient_general", "numerical_gradient(f, x)"),
        "forward_slip": (
            "test_forward_hand_computed test_forward_random_shapes "
            "test_forward_float32 test_forward_batch_is_rows",
            "h_t (B = 1, D = 1",
        ),
        "batch_of_one": (
            "test_forward_shapes test_forward_batch_is_rows test_backward_shapes "
            "test_backward_batch_float32",
            "step_forward (B = 5, D = 3, H = 4",
        ),
        "zeros_and_empty": (
            "test_forward_hand_computed test_forward_random_shapes test_forward_float32 "
            "test_forward_batch_is_rows test_backward_shapes test_backward_states "
            "test_backward_batch_float32 test_rel_x_t_is_computed",
            "dx_t (B = 1, D = 1, H = 1, float64): expected shape (1, 1)",
        ),
        "disguised_numpy": (
            "test_backward_forget_gate test_backward_states test_backward_batch_float32",
            "grads.W_f (B = 1, D = 1, H = 1, float64): 2 of 2 entries differ",
        ),
        "liar_subclass": (
            "test_forward_random_shapes test_forward_float32 test_forward_batch_is_rows",
            "numpy.ndarray itself, not a subclass",
        ),
    },
    "gates_gradients": {
        "library": (
            "q1_hold_gate q2_held_effects q3_jacobian",
            "the library's own answer to this question",
        ),
        # the in-place hold_gate passes the public test only; the notebook's params,
        # changed in place, spoil question 2 and f_t; the patches change nothing
        "patched": (
            "test_hold_gate_changes_nothing_else q2_held_effects test_jacobian_diagonal_is_f",
            "hold_gate must not change its argument",
        ),
        "typed": (
            "test_output_shut test_full_gradient test_direct_path",
            "h_max_output_shut (the largest |h_t| with the output gate shut): expected",
        ),
        "shortcut": ("test_jacobian_of_a_full_matrix", "jacobian(v -> tanh(A @ v), v)"),
        # the public tests call the student's functions directly and pass; the hidden ones
        # (run under the profiler) see the library's code
        "library_reloaded": (
            "test_hold_gate_changes_nothing_else test_jacobian_of_a_full_matrix",
            "calls lstm_lib.clamp_gate, the library's own answer",
        ),
    },
    "long_dependency": {
        "patched": ("test_solved_hidden_seed_0 test_solved_hidden_seed_1", "not solved"),
        "chapter_recipe": (
            "test_settings_keys_and_types test_solved_hidden_seed_0 test_solved_hidden_seed_1",
            "expected at least 0.03, got 0.01",
        ),
        "typed": ("test_max_change_value", "max_change (the largest change"),
    },
}


def write_submissions(name: str, folder: Path) -> dict[str, Path]:
    """Every submission kind of assignment ``name`` as ``folder/<kind>.ipynb`` (and nothing
    else in ``folder``)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    paths = {}
    for kind, (source, edits) in SUBMISSIONS[name].items():
        src = (
            teaching.student_notebook(name)
            if source == "student"
            else teaching.solution_notebook(name)
        )
        nb = teaching.read_notebook(src)
        for old, new in edits:
            hits = 0
            for cell in nb["cells"]:
                text = "".join(cell["source"])
                if cell["cell_type"] == "code" and old in text:
                    cell["source"] = text.replace(old, new)
                    hits += text.count(old)
            if hits != 1:
                raise ValueError(
                    f"{name}/{kind}: expected {old!r} in exactly one place, found {hits}"
                )
        paths[kind] = folder / f"{kind}.ipynb"
        paths[kind].write_text(json.dumps(nb), encoding="utf-8")
    return paths
