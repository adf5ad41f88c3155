"""How fast is lstm_lib? Forward + backward against PyTorch, the reference loop and the GEMM floor.

Run from the repository root (see benchmarks/README.md)::

    python benchmarks/bench.py              # print the table
    python benchmarks/bench.py --write      # also regenerate the book's appendix page

Method: every workload is one forward pass and one full backward pass (BPTT, all
parameter gradients, ∂L/∂x for every step) over T = 100 steps. Each contender is
warmed up, then the contenders are timed in turn, ``--repeat`` rounds
(``time.perf_counter``; interleaved, so a burst of other work on a shared machine
slows all of them alike); the table reports medians and ratios of medians. BLAS and
PyTorch run with the same fixed number of threads (``--threads``, default: all
cores), set before NumPy is imported.

Contenders: ``lstm_lib.lstm_forward`` / ``lstm_backward``; PyTorch's CPU ``nn.LSTM``
(with and without oneDNN) when it is importable, never a dependency of the book or
its tests, given lstm_lib's weights; the plain NumPy baseline
:mod:`lstm_lib.reference` (a loop of the step functions, four gate products per step,
weight gradients summed step by step); and the **GEMM floor**: the matrix products
of lstm_lib's pass alone (the same calls with the same shapes on preallocated
operands, nothing else), the part NumPy cannot make faster.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = [  # (name, T, B, D, H, dtype, goal: max lstm_lib / PyTorch, or None)
    ("B=32, D=64, H=128, float64", 100, 32, 64, 128, "float64", 0.8),
    ("B=32, D=64, H=128, float32", 100, 32, 64, 128, "float32", None),
    ("B=64, D=256, H=256, float64", 100, 64, 256, 256, "float64", 0.8),
    ("B=1, D=1, H=1, float64 (per-step overhead)", 100, 1, 1, 1, "float64", 0.5),
]
#: The goals of issue 15 besides the ratios above (console and results.json only).
GOAL_FLOOR_HEADLINE = 1.5  # lstm_lib time as a multiple of the GEMM floor, first workload
GOAL_TRAINING = 0.5  # one chapter-4 training iteration, lstm_lib / PyTorch (float64)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per workload")
    parser.add_argument("--quick", action="store_true", help="3 repetitions (smoke test)")
    parser.add_argument("--write", action="store_true", help="write results + appendix page")
    parser.add_argument(
        "--slider-only",
        action="store_true",
        help="only the slider's timings (no PyTorch needed; cannot be combined with --write)",
    )
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:  # thread counts must be fixed before NumPy loads its BLAS
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402
from bench_slider import slider_timings  # noqa: E402
from machine import environment  # noqa: E402

from lstm_lib import LSTMParams, lstm_backward, lstm_forward  # noqa: E402
from lstm_lib.reference import lstm_backward_reference, lstm_forward_reference  # noqa: E402

# ----------------------------------------------------------------------- contenders


def reference_forward_backward(xs, h0, c0, p: LSTMParams, dhs):
    """The plain baseline: :mod:`lstm_lib.reference`, a loop of the step functions."""
    _, _, caches = lstm_forward_reference(xs, h0, c0, p)
    return lstm_backward_reference(dhs, caches)


def lstm_lib_forward_backward(xs, h0, c0, p, dhs):
    _, _, cache = lstm_forward(xs, h0, c0, p)
    return lstm_backward(dhs, cache)


def gemm_floor_runner(T, B, D, H, dtype):
    """The matrix products of one lstm_lib pass alone, same calls and shapes, nothing else.

    Forward: the input projection (T*B, D) @ (D, 4H) and T recurrent products
    (B, H) @ (H, 4H). Backward: T products (B, 4H) @ (4H, H), the weight gradients
    (H, (T-1)*B) @ ((T-1)*B, 4H), (H, B) @ (B, 4H) and (D, T*B) @ (T*B, 4H), and ∂L/∂x,
    (T*B, 4H) @ (4H, D). Operands are preallocated random arrays in the same memory
    layout (transposed views where lstm_lib passes transposed views).
    """
    rng = np.random.default_rng(0)

    def rand(*shape):
        return rng.standard_normal(shape).astype(dtype)

    xs_flat, Wx_T, h, Wh_T = rand(T * B, D), rand(D, 4 * H), rand(B, H), rand(H, 4 * H)
    Wh, W_x = rand(H, 4 * H).T, rand(4 * H, H + D)[:, H:]
    da, hs = rand(T, B, 4 * H), rand(T, B, H)
    hW, dh, dW_T = rand(B, 4 * H), rand(B, H), rand(H + D, 4 * H)
    da_flat = da.reshape(T * B, 4 * H)

    def run():
        np.matmul(xs_flat, Wx_T)
        for _ in range(T):
            np.matmul(h, Wh_T, out=hW)
        for t in range(T):
            np.matmul(da[t], Wh, out=dh)
        dW_T[:H] = hs[:-1].reshape((T - 1) * B, H).T @ da[1:].reshape((T - 1) * B, 4 * H)
        dW_T[:H] += hs[0].T @ da[0]
        dW_T[H:] = xs_flat.T @ da_flat
        return da_flat @ W_x

    return run


def torch_runner(T, B, D, H, dtype, p: LSTMParams, onednn: bool = True):
    """A closure running nn.LSTM forward + backward, or None without PyTorch.

    The model gets lstm_lib's weights ``p``, copied by :meth:`LSTMParams.to_torch` in
    PyTorch's gate order (``lstm_lib.params.TORCH_GATE_ORDER``: i, f, g, o).
    With ``onednn=False`` PyTorch's oneDNN (MKL-DNN) fused RNN kernels are switched off,
    which shows what its generic path costs.
    """
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(ARGS.threads)
    tdtype = getattr(torch, dtype)
    torch.manual_seed(0)
    model = torch.nn.LSTM(D, H).to(tdtype)
    with torch.no_grad():
        names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
        for name, array in zip(names, p.to_torch(), strict=True):
            getattr(model, name).copy_(torch.from_numpy(np.ascontiguousarray(array)))
    xs = torch.randn(T, B, D, dtype=tdtype, requires_grad=True)
    dhs = torch.randn(T, B, H, dtype=tdtype)

    def run():
        model.zero_grad(set_to_none=True)
        xs.grad = None
        with torch.backends.mkldnn.flags(enabled=onednn):
            out, _ = model(xs)
            out.backward(dhs)

    return run


def interleaved(runners: dict, repeat: int, warmup: int = 2) -> dict[str, float]:
    """Median milliseconds of each runner, the runners timed in turn ``repeat`` times."""
    for fn in runners.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in runners}
    for _ in range(repeat):
        for name, fn in runners.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: 1e3 * statistics.median(t) for name, t in times.items()}


# ----------------------------------------------------------------------- report


def main() -> int:
    repeat = 3 if ARGS.quick else ARGS.repeat
    env = environment(ARGS.threads)
    print("environment:", ", ".join(f"{k} {v}" for k, v in env.items()))
    if ARGS.slider_only:
        if ARGS.write:
            raise SystemExit("--slider-only cannot write the appendix page (no workloads)")
        print(format_table([], slider_timings(repeat)))
        return 0
    rows = []
    for name, T, B, D, H, dtype, goal in WORKLOADS:
        rng = np.random.default_rng(0)
        p = LSTMParams.init(D, H, seed=0, dtype=dtype)
        xs = rng.standard_normal((T, B, D)).astype(dtype)
        h0 = np.zeros((B, H), dtype)
        dhs = rng.standard_normal((T, B, H)).astype(dtype)
        runners = {
            "lstm_lib_ms": lambda: lstm_lib_forward_backward(xs, h0, h0, p, dhs),  # noqa: B023
            "reference_ms": lambda: reference_forward_backward(xs, h0, h0, p, dhs),  # noqa: B023
            "gemm_floor_ms": gemm_floor_runner(T, B, D, H, dtype),
            "torch_ms": torch_runner(T, B, D, H, dtype, p),
            "torch_generic_ms": torch_runner(T, B, D, H, dtype, p, onednn=False),
        }
        row = {"workload": name, "torch_ms": None, "torch_generic_ms": None, "goal": goal}
        row |= interleaved({k: fn for k, fn in runners.items() if fn is not None}, repeat)
        rows.append(row)
        print(f"  {name}: done", file=sys.stderr)
    training = training_ratio()

    slider = slider_timings(repeat)
    print(format_table(rows, slider))
    print("\n" + format_goals(rows, training))
    if ARGS.write:
        write_outputs(env, rows, slider, training)
    return 0


def training_ratio() -> dict | None:
    """One chapter-4 training iteration (LSTM, T = 100), from ``bench_training.py --write``."""
    path = ROOT / "benchmarks" / "training_results.json"
    if not path.exists():
        return None
    rows = json.loads(path.read_text())["rows"]
    row = next((r for r in rows if r["model"] == "lstm" and r["T"] == 100), None)
    if row is None or not row.get("torch_float64_ms"):
        return None
    return {"ratio": row["lstm_lib_ms"] / row["torch_float64_ms"], **row}


def format_goals(rows, training) -> str:
    """Issue 15's goals with ✓/✗: for the console and benchmarks/README.md, not the book."""

    def mark(ok):
        return "✓" if ok else "✗"

    lines = ["goals (issue 15):"]
    for r in rows:
        faster = r["reference_ms"] / r["lstm_lib_ms"]
        lines.append(f"  {mark(faster > 1)} {r['workload']}: {faster:.1f}× faster than the loop")
        if r["goal"] is not None and r.get("torch_ms"):
            rt = ratio(r)
            lines.append(f"  {mark(rt <= r['goal'])} {rt:.2f} × PyTorch (goal ≤ {r['goal']})")
        if "float32" in r["workload"] and r.get("torch_generic_ms"):
            rt = ratio(r, "torch_generic_ms")
            lines.append(f"  {mark(rt <= 1)} {rt:.2f} × PyTorch's generic path (goal ≤ 1)")
    head = rows[0]["lstm_lib_ms"] / rows[0]["gemm_floor_ms"]
    lines.append(f"  {mark(head <= GOAL_FLOOR_HEADLINE)} headline at {head:.2f} × the GEMM floor "
                 f"(goal ≤ {GOAL_FLOOR_HEADLINE})")  # fmt: skip
    if training is not None:
        lines.append(f"  {mark(training['ratio'] <= GOAL_TRAINING)} training iteration "
                     f"{training['ratio']:.2f} × PyTorch (goal ≤ {GOAL_TRAINING}; "
                     "from benchmarks/training_results.json)")  # fmt: skip
    return "\n".join(lines)


def ratio(row, key="torch_ms"):
    return row["lstm_lib_ms"] / row[key] if row.get(key) else None


def format_table(rows, slider) -> str:
    """The Markdown tables (measurements only: the goals are in :func:`format_goals`)."""

    def ms(value):
        return "n/a" if value is None else f"{value:.2f}"

    lines = []
    if rows:
        lines += [
            "| workload (forward + backward, T = 100) | lstm_lib ms | PyTorch ms "
            "| lstm_lib / PyTorch | PyTorch without oneDNN ms | reference loop ms "
            "| speed-up over the loop | GEMM floor ms | lstm_lib / floor |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for r in rows:
        rt = ratio(r)
        lines.append(
            f"| {r['workload']} | {ms(r['lstm_lib_ms'])} | {ms(r['torch_ms'])} "
            f"| {'n/a' if rt is None else f'{rt:.2f}'} | {ms(r['torch_generic_ms'])} "
            f"| {ms(r['reference_ms'])} | {r['reference_ms'] / r['lstm_lib_ms']:.1f}× "
            f"| {ms(r['gemm_floor_ms'])} | {r['lstm_lib_ms'] / r['gemm_floor_ms']:.2f}× |"
        )
    if rows:
        lines.append("")
    lines.append("| one slider move | median ms |\n|---|---:|")
    compute = slider["gradient_norm_draws_ms"]
    lines.append(f"| gradient_norm_draws, 20 draws (compute) | {compute:.2f} |")
    if "redraw_ms" in slider:
        redraw = slider["redraw_ms"]
        lines.append(f"| widget redraw (update the lines, render SVG) | {redraw:.2f} |")
        lines.append(
            f"| slider move in a live kernel (compute + redraw) | {slider['move_ms']:.2f} |"
        )
    return "\n".join(lines)


def write_outputs(env, rows, slider, training) -> None:
    out = ROOT / "benchmarks" / "results.json"
    goals = {"floor_headline": GOAL_FLOOR_HEADLINE, "training": GOAL_TRAINING}
    results = {"environment": env, "rows": rows, "slider": slider, "training": training}
    out.write_text(json.dumps({**results, "goals": goals}, indent=2))
    page = ROOT / "appendix" / "performance.md"
    figure = ROOT / "appendix" / "performance.png"
    page.parent.mkdir(exist_ok=True)
    width = draw_figure(rows, figure)
    page.write_text(render_page(env, rows, slider, width))
    print(f"wrote {out.relative_to(ROOT)}, {page.relative_to(ROOT)}, {figure.relative_to(ROOT)}")


def draw_figure(rows, path: Path) -> int:
    """The bar chart as a PNG at twice the book's resolution; returns its display width (px)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lstm_lib.style import OKABE_ITO, figure_png, use_book_style

    use_book_style()
    labels = [r["workload"].replace(" (per-step overhead)", "") for r in rows]
    series = [
        ("lstm_lib", "lstm_lib_ms", OKABE_ITO["blue"], None),
        ("PyTorch nn.LSTM", "torch_ms", OKABE_ITO["orange"], "//"),
        ("reference loop", "reference_ms", OKABE_ITO["vermillion"], ".."),
        ("GEMM floor", "gemm_floor_ms", OKABE_ITO["black"], None),
    ]
    width = 0.2
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    y = np.arange(len(rows))
    for k, (label, key, color, hatch) in enumerate(series):
        values = [r[key] or 0.0 for r in rows]
        offset = (k - (len(series) - 1) / 2) * width
        ax.barh(y + offset, values, width, label=label, color=color, hatch=hatch)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("median time of forward + backward, T = 100 (ms, log scale)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False)
    png, metadata = figure_png(fig)  # the book's 2x palette PNG, shown at half its pixels
    plt.close(fig)
    path.write_bytes(base64.b64decode(png))
    return metadata["width"]


FIGURE_ALT = (
    ":alt: Horizontal bar chart, log scale, of the median forward-plus-backward time of "
    "lstm_lib, PyTorch's nn.LSTM, the reference loop of step functions and the GEMM floor "
    "(the matrix products alone) for the four workloads of the table."
)


def render_page(env, rows, slider, figure_width: int) -> str:
    env_lines = "\n".join(f"- **{k}**: {v}" for k, v in env.items())
    return f"""# How fast is lstm_lib?

This page is generated by `python benchmarks/bench.py --write` (see `benchmarks/README.md`);
the numbers are those of the run that wrote it, on this machine:

{env_lines}

Every workload is one forward and one full backward pass over T = 100 steps (all
parameter gradients and ∂L/∂x_t for every step), timed after a warm-up, the
contenders in turn, on the number of threads listed above; the table gives medians.
PyTorch's CPU `nn.LSTM` (given the same weights) is the library a reader would use
instead. The reference loop is
{{py:func}}`lstm_lib.lstm_forward_reference` / {{py:func}}`lstm_lib.lstm_backward_reference`:
the step functions called once per step, four gate products each, every step
checking its inputs and copying the weights into its cache as the teaching version
does. The **GEMM floor** is the time of the fast path's matrix products alone: the
same calls with the same shapes, and nothing else.

{format_table(rows, slider)}

```{{figure}} performance.png
:name: fig-performance
:width: {figure_width}px
{FIGURE_ALT}

Median time of one forward and backward pass for each workload (log scale): lstm_lib
(blue), PyTorch `nn.LSTM` (orange, hatched), the reference loop (vermillion, dotted)
and the GEMM floor (black).
```

## Where the time goes

`lstm_lib.lstm_forward` computes the input projections of all T steps with one matrix
product and stacks the four gates into one (4H, H+D) weight matrix, so that each step
needs one product with `h_{{t-1}}`. Its result is copied into the cache gate by gate
(the cache holds the gates as (T, 4, B, H)), so that the element-wise work of a step,
σ of three gates at once, tanh, the cell-state update, runs on contiguous memory: on
a strided slice of a (B, 4H) array the same NumPy calls can be slower (by how much
is not measured here).
Every temporary of a step is written into a small preallocated array (`out=`), and
`lstm_lib.lstm_backward` runs the recursion step by step on (B, ·) slices that stay
in the processor's cache, then forms the weight gradients with one product over all
steps. The step functions `lstm_step_forward` / `lstm_step_backward` stay the
line-by-line teaching version, and the tests check the fast path against the
reference loop to 1e-12.

The last column says how much is left to win from NumPy: the time beyond the GEMM
floor is the element-wise work and NumPy's cost per call: every σ, tanh and product of
a step is a separate call and a separate pass over a (B, H) array. For B = 32 and
larger the matrix products are most of the time, so the comparison with PyTorch is
largely one of BLAS libraries (NumPy's OpenBLAS against PyTorch's MKL and oneDNN) on
the same products. For B = 1 the cost per call is all there is, and PyTorch's cost
per step is larger than lstm_lib's.

**float32 and PyTorch's oneDNN kernel.** For float32 on x86 CPUs, `nn.LSTM` runs
oneDNN's fused LSTM primitive: JIT-compiled AVX-512 code that computes all gates of all
steps without returning to Python. The column "PyTorch without oneDNN" switches it off
(`torch.backends.mkldnn.flags(enabled=False)`) and shows PyTorch's generic path. From
NumPy lstm_lib cannot reach the fused kernel: it issues its matrix products (the input
projection, 100 recurrent products forward and 100 backward, the weight and input
gradients) one at a time from Python, each followed by element-wise work, where oneDNN
runs all of them in one compiled loop. Closing that gap would need a compiled kernel
(Numba, C) that fuses the element-wise work of a step, which would make the library
harder to read and install. With the same matrix products its gain is bounded by the
distance to the GEMM floor: at most the excess of the last column over 1×.

One training iteration of chapter 4's model is timed on its own page,
{{doc}}`training`.
"""


if __name__ == "__main__":
    sys.exit(main())
