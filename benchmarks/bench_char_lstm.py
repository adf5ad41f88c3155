"""How long does one training iteration of chapter 5's character-level LSTM take?

One iteration is what :func:`lstm_lib.train_char_lstm` does per chunk: the token
forward pass over T = 100 steps for B = 32 streams (:func:`lstm_lib.lstm_token_forward`),
the readout and softmax cross-entropy at every step over a vocabulary of V = 97, the
whole backward pass, global-norm clipping and one Adam step, with H = 128 in float32,
one thread. Goal: at most 40 ms on one core.

If PyTorch is importable (it is not a dependency; see benchmarks/README.md) the same
model runs beside it at the same sizes: ``nn.LSTM`` fed one-hot vectors (rows of an
identity matrix: ``nn.LSTM`` has no token input), ``nn.Linear`` at every step,
``F.cross_entropy``, ``clip_grad_norm_`` and ``torch.optim.Adam``, the state carried
and detached as in lstm_lib. Without PyTorch the script says so and times lstm_lib only.

Run from the repository root::

    python benchmarks/bench_char_lstm.py            # print the result
    python benchmarks/bench_char_lstm.py --write    # also write benchmarks/char_lstm.json

Method: a warm-up block, then ``--repeat`` rounds in which every contender runs one
timed block of 10 iterations in turn (interleaved, so a burst of other work on a
shared machine slows all alike); the median time per iteration is reported, with the
fastest block (on a busy machine the closer estimate of the cost itself), the load
average, the processor and the BLAS kernel (``benchmarks/machine.py``).
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

import numpy as np  # noqa: E402
from bench_training import interleaved_times  # noqa: E402
from machine import environment  # noqa: E402

import lstm_lib as L  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
H, B, T, V, BLOCK = 128, 32, 100, L.VOCAB_SIZE, 10
GOAL_MS = 40.0


def chunks(seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, V, (T + 1, B)) for _ in range(BLOCK)]


def lstm_lib_runner():
    model = L.init_char_lstm(V, H, seed=0, dtype="float32")
    opt = L.Adam(model.parameters(), lr=2e-3)
    data = chunks()
    state = [np.zeros((B, H), np.float32), np.zeros((B, H), np.float32)]

    def block():
        for chunk in data:
            _, grads, state[:] = L.char_lstm_loss_and_gradients(
                model, chunk[:-1], chunk[1:], *state
            )
            L.clip_grad_norm(grads, 1.0)
            opt.step(grads)

    return block


def torch_runner():
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    cell = torch.nn.LSTM(V, H)
    readout = torch.nn.Linear(H, V)
    params = [*cell.parameters(), *readout.parameters()]
    opt = torch.optim.Adam(params, lr=2e-3)
    data = [torch.from_numpy(c) for c in chunks()]
    eye = torch.eye(V)
    state = [torch.zeros(1, B, H), torch.zeros(1, B, H)]

    def block():
        for chunk in data:
            opt.zero_grad()
            hs, (h, c) = cell(eye[chunk[:-1]], tuple(s.detach() for s in state))
            loss = F.cross_entropy(readout(hs).reshape(T * B, V), chunk[1:].reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            state[:] = [h, c]

    return block


def interleaved(blocks: dict, repeat: int) -> dict:
    """Milliseconds per iteration of each block: the median, and the fastest (``_best``)."""
    times = interleaved_times(blocks, repeat, BLOCK)
    medians = {name: 1e3 * statistics.median(t) for name, t in times.items()}
    fastest = {f"{name}_best": 1e3 * min(t) for name, t in times.items()}
    return medians | fastest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    blocks = {"lstm_lib_ms": lstm_lib_runner()}
    runner = torch_runner()
    if runner is None:
        print("PyTorch is not importable here: the comparison is skipped (lstm_lib only).")
    else:
        blocks["torch_ms"] = runner
    medians = interleaved(blocks, args.repeat)
    env = environment(threads=1)
    ms = medians["lstm_lib_ms"]
    print(f"one iteration, H = {H}, B = {B}, T = {T}, V = {V}, float32, one thread:")
    best = medians["lstm_lib_ms_best"]
    verdict = "met" if ms <= GOAL_MS else "missed"
    print(f"  lstm_lib median {ms:.1f} ms, fastest block {best:.1f} ms per iteration")
    print(f"  goal <= {GOAL_MS:.0f} ms: {verdict} by the median")
    if "torch_ms" in medians:
        print(f"  PyTorch  {medians['torch_ms']:.1f} ms (ratio {ms / medians['torch_ms']:.2f})")
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in env.items()))
    if args.write:
        payload = {
            "sizes": {"H": H, "B": B, "T": T, "V": V, "dtype": "float32", "threads": 1},
            "repeat": args.repeat,
            "goal_ms": GOAL_MS,
            "lstm_lib_ms": round(ms, 2),
            "lstm_lib_fastest_block_ms": round(best, 2),
            "torch_ms": round(medians["torch_ms"], 2) if "torch_ms" in medians else None,
            "machine": env,
            "load_average": list(os.getloadavg()),
            "date": time.strftime("%Y-%m-%d"),
        }
        (ROOT / "benchmarks" / "char_lstm.json").write_text(json.dumps(payload, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
