"""The long-lag experiment of chapter 4: the LSTM and the simple RNN on the adding problem.

One configuration, one JSON line on stdout (the form other checks call)::

    python experiments/long_lag.py --model lstm --steps 100 --seed 7 --forget-bias 1.0

The whole sweep (``make experiments``), written to ``experiments/results/long_lag.json``,
and the two networks chapter 4 opens up (LSTM and RNN trained at T = 100, seed 0),
written to ``experiments/results/trained_T100_seed0_{lstm,rnn}.npz``::

    python experiments/long_lag.py --sweep [--jobs 2]

Every run uses the recipe of :func:`lstm_lib.training.train` with the settings in
``RECIPE`` below, the same for both networks; only the model, T, the seed and the LSTM's
forget-gate bias change. A run stops as soon as it is solved (held-out MSE below 1 % of
the 1/6 baseline). BLAS runs on one thread per process: at these sizes threads only add
overhead, and the sweep runs ``--jobs`` processes side by side instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

# One BLAS thread per process, set before NumPy loads (the sweep runs processes in parallel).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "experiments" / "results" / "long_lag.json"
#: The networks chapter 4 looks inside: trained at this T and seed with the recipe.
TRAINED_T, TRAINED_SEED = 100, 0

#: Settings shared by every run, both networks.
RECIPE = {
    "hidden_size": 32,
    "batch_size": 32,
    "lr": 1e-2,
    "max_norm": 1.0,
    "iterations": 3000,
    "eval_every": 50,
    "test_size": 500,
}

#: The sweep: sequence lengths and seeds for both models (LSTM at forget bias 1) ...
LENGTHS = (10, 20, 50, 100, 200)
SEEDS = (0, 1, 2, 3, 4)
#: ... and the forget-bias sweep of the LSTM at T = 100 ("chrono": Tallec & Ollivier 2018).
BIAS_SWEEP_T = 100
FORGET_BIASES = (-2.0, 0.0, 1.0, 3.0, "chrono")
#: ... and both networks without gradient clipping, at lengths each can learn.
NO_CLIP = (("rnn", 10), ("rnn", 20), ("lstm", 50), ("lstm", 100))


def parse_forget_bias(text: str) -> float | str:
    if text == "chrono":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'chrono', got {text!r}") from None


def run(
    model: str,
    steps: int,
    seed: int,
    forget_bias: float | str = 1.0,
    save_to: Path | None = None,
    **overrides,
) -> dict:
    """Train one network and return its record (a JSON-ready dict).

    With ``save_to``, the trained network is also written there (``save_network``).
    """
    from lstm_lib.training import init_network, save_network, train

    recipe = {**RECIPE, **overrides}
    net = init_network(
        model,
        input_size=2,
        hidden_size=recipe["hidden_size"],
        forget_bias=forget_bias,
        max_lag=steps,
        seed=seed,
    )
    train_args = {k: recipe[k] for k in ("batch_size", "lr", "max_norm", "iterations")}
    train_args.update(eval_every=recipe["eval_every"], test_size=recipe["test_size"])
    result = train(net, steps, seed=seed, **train_args)
    if save_to is not None:
        save_network(save_to, result.net)
    return {
        "model": model,
        "steps": steps,
        "seed": seed,
        "forget_bias": forget_bias if model == "lstm" else None,
        "max_norm": recipe["max_norm"],
        "solved": result.solved,
        "test_mse": result.test_mse,
        "train_steps_to_solve": result.steps_to_solve,
        "iterations_run": int(result.history.train_loss.size),
        "seconds": round(result.history.seconds, 2),
    }


def sweep_configurations() -> list[dict]:
    configs = [
        {"model": m, "steps": T, "seed": s, "forget_bias": 1.0}
        for m in ("lstm", "rnn")
        for T in LENGTHS
        for s in SEEDS
    ]
    configs += [
        {"model": "lstm", "steps": BIAS_SWEEP_T, "seed": s, "forget_bias": b}
        for b in FORGET_BIASES
        if b != 1.0  # b_f = 1 at T = 100 is already in the first part
        for s in SEEDS
    ]
    configs += [
        {"model": m, "steps": T, "seed": s, "forget_bias": 1.0, "max_norm": None}
        for m, T in NO_CLIP
        for s in SEEDS
    ]
    # Longest first, so that the parallel workers finish together.
    return sorted(configs, key=lambda c: -c["steps"] * (4 if c["model"] == "lstm" else 1))


def trained_path(model: str, out_dir: Path) -> Path:
    return out_dir / f"trained_T{TRAINED_T}_seed{TRAINED_SEED}_{model}.npz"


def _run_config(config: dict) -> dict:
    return run(**config)


def machine() -> dict:
    """Where the sweep ran: processor and vector extension (benchmarks/machine.py), versions."""
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from machine import processor  # the benchmarks' description of a machine

    model, simd = processor()
    return {
        "processor": model,
        "simd": simd,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "default"),
    }


def sweep(jobs: int, out: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    configs = sweep_configurations()
    for config in configs:  # keep the two networks the chapter looks inside
        key = (config["steps"], config["seed"], config["forget_bias"], config.get("max_norm", 1.0))
        if key == (TRAINED_T, TRAINED_SEED, 1.0, RECIPE["max_norm"]):  # the recipe's runs only
            config["save_to"] = trained_path(config["model"], out.parent)
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    records = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for record in pool.map(_run_config, configs):
            records.append(record)
            print(json.dumps(record), file=sys.stderr, flush=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers' processor time
    cpu = usage.ru_utime + usage.ru_stime
    records.sort(
        key=lambda r: (r["model"], r["steps"], str(r["forget_bias"]), str(r["max_norm"]), r["seed"])
    )
    payload = {
        "description": "lstm_lib.training.train on the adding problem; one record per run",
        "recipe": RECIPE,
        "solved_criterion": "held-out MSE below 1% of the baseline 1/6 (about 1.67e-3)",
        "lengths": list(LENGTHS),
        "seeds": list(SEEDS),
        "bias_sweep": {"steps": BIAS_SWEEP_T, "forget_biases": list(FORGET_BIASES)},
        "no_clipping": [{"model": m, "steps": T} for m, T in NO_CLIP],
        "machine": {**machine(), "jobs": jobs},
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "runs": records,
    }
    out.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"{len(records)} runs in {wall / 60:.1f} min ({cpu / 60:.1f} min of processor time)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("lstm", "rnn"), default="lstm")
    parser.add_argument("--steps", type=int, default=100, help="sequence length T")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--forget-bias", type=parse_forget_bias, default=1.0,
                        help="LSTM forget-gate bias: a number or 'chrono'")  # fmt: skip
    parser.add_argument("--sweep", action="store_true", help="run the whole sweep")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.sweep:
        sweep(args.jobs, args.out.resolve())
        return 0
    forget_bias = args.forget_bias if args.model == "lstm" else 1.0
    print(json.dumps(run(args.model, args.steps, args.seed, forget_bias)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
