"""How long does one training iteration of chapter 4 take? lstm_lib against PyTorch.

One iteration is what :func:`lstm_lib.train` does per batch: the forward pass of the
cell over T steps, the readout on ``h_T`` and the MSE, the whole backward pass, global
gradient-norm clipping and one Adam step. The PyTorch version is the same model
(``nn.LSTM`` or ``nn.RNN`` + ``nn.Linear``, ``clip_grad_norm_``, ``torch.optim.Adam``)
with the same sizes and dtype. Both run on one thread, as the sweep of
``experiments/long_lag.py`` does (one process per core).

Run from the repository root, in the benchmarking environment (benchmarks/README.md)::

    python benchmarks/bench_training.py            # print the table
    python benchmarks/bench_training.py --write    # also write appendix/training.md

Method: one warm-up block of 20 iterations each, then ``--repeat`` rounds in which
lstm_lib and PyTorch each run one timed block of 20 iterations in turn
(``time.perf_counter``); the table gives the median time per iteration and the ratio
of medians. The training batches are drawn once, outside the timed region.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from machine import environment  # noqa: E402

from lstm_lib import adding_problem, init_network, loss_and_gradients  # noqa: E402
from lstm_lib.optim import Adam, clip_grad_norm  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: (model, T) at chapter 4's sizes: H = 32, B = 32, D = 2, float64.
WORKLOADS = [("lstm", 100), ("lstm", 50), ("rnn", 100)]
H, B, D, BLOCK = 32, 32, 2, 20


def lstm_lib_runner(model: str, T: int):
    net = init_network(model, D, H, seed=0)
    opt = Adam(net.parameters(), lr=1e-2)
    batches = [adding_problem(T, B, seed=s) for s in range(BLOCK)]

    def block():
        for xs, y in batches:
            _, grads = loss_and_gradients(net, xs, y)
            clip_grad_norm(grads, 1.0)
            opt.step(grads)

    return block


def torch_runner(model: str, T: int, dtype: str):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    tdtype = getattr(torch, dtype)
    torch.manual_seed(0)
    cell = (torch.nn.LSTM if model == "lstm" else torch.nn.RNN)(D, H).to(tdtype)
    readout = torch.nn.Linear(H, 1).to(tdtype)
    params = [*cell.parameters(), *readout.parameters()]
    opt = torch.optim.Adam(params, lr=1e-2)
    batches = [
        tuple(torch.from_numpy(a).to(tdtype) for a in adding_problem(T, B, seed=s))
        for s in range(BLOCK)
    ]

    def block():
        for xs, y in batches:
            opt.zero_grad()
            hs, _ = cell(xs)
            loss = torch.mean((readout(hs[-1]) - y) ** 2)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()

    return block


def interleaved_times(blocks: dict, repeat: int, per_block: int) -> dict[str, list[float]]:
    """Seconds per iteration of each block (``per_block`` iterations), every timing of it:
    the blocks timed in turn ``repeat`` times, after one warm-up call each.

    Interleaving makes the comparison fair on a shared machine: a burst of other work
    slows every contender alike instead of one of them.
    """
    for block in blocks.values():
        block()  # warm-up
    times = {name: [] for name in blocks}
    for _ in range(repeat):
        for name, block in blocks.items():
            start = time.perf_counter()
            block()
            times[name].append((time.perf_counter() - start) / per_block)
    return times


def interleaved(blocks: dict, repeat: int) -> dict:
    """Median seconds per iteration of each block (:func:`interleaved_times`)."""
    times = interleaved_times(blocks, repeat, BLOCK)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows = []
    for model, T in WORKLOADS:
        blocks = {"lstm_lib_ms": lstm_lib_runner(model, T)}
        for dtype in ("float64", "float32"):
            runner = torch_runner(model, T, dtype)
            if runner is not None:
                blocks[f"torch_{dtype}_ms"] = runner
        medians = interleaved(blocks, args.repeat)
        row = {"model": model, "T": T, "torch_float64_ms": None, "torch_float32_ms": None}
        row |= {name: 1e3 * seconds for name, seconds in medians.items()}
        rows.append(row)
    env = environment(threads=1)
    lines = [
        "| model, T (H = 32, B = 32, float64) | lstm_lib | PyTorch float64 | ratio "
        "| PyTorch float32 |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        t64, t32 = r["torch_float64_ms"], r["torch_float32_ms"]
        ratio = f"{r['lstm_lib_ms'] / t64:.2f}×" if t64 else "n/a"
        lines.append(
            f"| {r['model'].upper() if r['model'] == 'lstm' else 'simple RNN'}, T = {r['T']} "
            f"| {r['lstm_lib_ms']:.2f} ms | {f'{t64:.2f} ms' if t64 else 'n/a'} | {ratio} "
            f"| {f'{t32:.2f} ms' if t32 else 'n/a'} |"
        )
    table = "\n".join(lines)
    described = "; ".join(f"{key} {value}" for key, value in env.items())
    print(table)
    print(f"\nMachine: {described}")
    if args.write:
        (ROOT / "benchmarks" / "training_results.json").write_text(
            json.dumps({"machine": env, "rows": rows}, indent=1) + "\n"
        )
        page = PAGE.format(table=table, machine=described, date=time.strftime("%Y-%m-%d"))
        (ROOT / "appendix" / "training.md").write_text(page)
    return 0


PAGE = """# How fast is one training iteration?

Chapter 4 ({{doc}}`../chapters/04_long_dependency`) trains each network for up to 3,000
iterations, so the time of one iteration is the reader's waiting time. One iteration is
the forward pass over $T$ steps, the readout and the loss, the whole backward pass,
gradient clipping and one Adam step: {{py:func}}`lstm_lib.loss_and_gradients`,
{{py:func}}`lstm_lib.optim.clip_grad_norm` and {{py:meth}}`lstm_lib.optim.Adam.step`.
PyTorch runs the same model (`nn.LSTM` or `nn.RNN`, `nn.Linear`, `clip_grad_norm_`,
`torch.optim.Adam`) at the same sizes. Both use one thread, as the sweep does.

Median time per iteration (ratio: lstm_lib / PyTorch in float64; lower is faster):

{table}

Measured {date} by `benchmarks/bench_training.py --write` on: {machine}.
Other processors give other absolute times: `benchmarks/README.md` gives this iteration
on the same machine with NumPy's OpenBLAS on its AVX2 kernel. Run the script to measure
yours.

"""


if __name__ == "__main__":
    sys.exit(main())
