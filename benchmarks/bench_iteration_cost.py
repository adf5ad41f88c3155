"""What does one training iteration cost, LSTM against simple RNN, as T grows?

Chapter 4 compares the two networks at equal iterations and at equal compute; this
script measures the second in seconds: the median time of one training iteration of
:func:`lstm_lib.train` (forward over T steps, readout, backward, clipping, one Adam
step; the same blocks as ``bench_training.py``) for both networks at every length of
the sweep, at chapter 4's sizes (H = 32, B = 32, D = 2, float64), on one thread, the
two networks timed in turn (``interleaved``) so a burst of other work slows both.

Run from the repository root::

    python benchmarks/bench_iteration_cost.py            # print the table
    python benchmarks/bench_iteration_cost.py --write    # also write iteration_cost.json

Chapter 4 reads ``benchmarks/iteration_cost.json`` and prints it with the processor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench_training import interleaved, lstm_lib_runner  # sets one BLAS thread first
from machine import environment

ROOT = Path(__file__).resolve().parent.parent
LENGTHS = (10, 20, 50, 100, 200, 400)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows = []
    for T in LENGTHS:
        blocks = {model: lstm_lib_runner(model, T) for model in ("lstm", "rnn")}
        ms = {model: 1e3 * s for model, s in interleaved(blocks, args.repeat).items()}
        rows.append({"T": T, "lstm_ms": ms["lstm"], "rnn_ms": ms["rnn"]})
        print(f"T = {T:3d}: LSTM {ms['lstm']:7.2f} ms, simple RNN {ms['rnn']:6.2f} ms, "
              f"ratio {ms['lstm'] / ms['rnn']:.1f}", flush=True)  # fmt: skip
    env = environment(threads=1)
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in env.items()))
    if args.write:
        out = ROOT / "benchmarks" / "iteration_cost.json"
        out.write_text(json.dumps({"machine": env, "repeat": args.repeat, "rows": rows},
                                  indent=1) + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
