"""The long-lag experiment of chapter 4: how much training each network needs as T grows.

One run, one JSON line on stdout (the form other checks call)::

    python experiments/long_lag.py --model rnn --steps 20 --seed 7 --rnn-init orthogonal \\
        --lr 3e-3 --max-iterations 20000

The defaults are the chapter's recipe (:data:`RECIPE`, the learning rate the sweep chose
for the network, :data:`CHOSEN_LR`, and the network's budget, :data:`MAX_ITERATIONS`).
A run stops as soon as it is solved (held-out MSE below 1 % of the 1/6 baseline), so
a longer budget never changes a run that was solved within a shorter one.

The sweep (``make experiments``)::

    python experiments/long_lag.py --sweep [--jobs 2] [--scheduler tcp://HOST:8786]

runs in two phases. **Tuning**: every network at T = 20 and 50 with each learning rate
of :data:`LR_GRID`, on the tuning seeds :data:`TUNING_SEEDS` (never reported as the
result); the best rate per network (:func:`choose_lr`) is carried to **the runs**: every
network at every length of :data:`LENGTHS`, on the seeds :data:`SEEDS`, plus the
forget-bias sweep and the runs without clipping. Each finished run is written at once
to ``experiments/results/runs/<name>.json`` (one record, with the processor and the
versions), so an interrupted sweep continues where it stopped; the summary
``experiments/results/long_lag.json`` and the trained networks chapter 4 opens up
(``trained_T100_<network>_seed<S>.npz``) are written at the end.

The sweep runs ``--jobs`` processes side by side (joblib), one BLAS thread each, with a
progress bar; with ``--scheduler`` it runs on a Dask cluster instead (``pip install
"dask[distributed]"``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

# One BLAS thread per process, set before NumPy loads (the sweep runs processes in parallel).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "experiments" / "results" / "long_lag.json"

#: Settings shared by every run of both networks.
RECIPE = {"hidden_size": 32, "batch_size": 32, "max_norm": 1.0, "eval_every": 50, "test_size": 500}
#: The budget, in iterations, of each model: about the same compute (an LSTM iteration
#: costs 4-6 times an RNN one at these sizes; the chapter measures it).
MAX_ITERATIONS = {"lstm": 4000, "rnn": 20000}
#: The learning rates tried for every network, and where.
LR_GRID = (1e-3, 3e-3, 1e-2)
TUNING_LENGTHS = (20, 50)
TUNING_SEEDS = (100, 101, 102, 103, 104)
#: The networks compared: name -> (model, forget_bias, rnn_init).
NETWORKS = {
    "lstm": ("lstm", 1.0, None),
    "lstm-chrono": ("lstm", "chrono", None),
    "rnn": ("rnn", None, "default"),
    "rnn-orthogonal": ("rnn", None, "orthogonal"),
}
#: Tuned on runs of its own, or taking another network's rate (chrono: the LSTM's).
TUNED = {"lstm": "lstm", "lstm-chrono": "lstm", "rnn": "rnn", "rnn-orthogonal": "rnn-orthogonal"}
#: The rate the tuning phase chose for each network (tests check that the stored
#: tuning still chooses it); also the single run's default.
CHOSEN_LR = {"lstm": 1e-2, "rnn": 3e-3, "rnn-orthogonal": 3e-3}
#: The reported runs: lengths per network and seeds.
LENGTHS = {
    "lstm": (10, 20, 50, 100, 200, 400),
    "lstm-chrono": (10, 20, 50, 100, 200, 400),
    "rnn": (10, 20, 50, 100, 200),
    "rnn-orthogonal": (10, 20, 50, 100, 200),
}
SEEDS = (0, 1, 2, 3, 4)
#: The forget-bias sweep of the LSTM (b_f = 1 and chrono are in the runs above) ...
BIAS_SWEEP_T = 100
BIAS_SWEEP = (-2.0, 0.0, 3.0)
#: ... and runs without gradient clipping, at lengths each network can learn.
NO_CLIP = (("rnn", 10), ("rnn", 20), ("lstm", 50), ("lstm", 100))
#: The length at which chapter 4 opens up the trained networks (every seed is kept).
TRAINED_T = 100


def parse_forget_bias(text: str) -> float | str:
    if text == "chrono":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'chrono', got {text!r}") from None


def network_name(model: str, forget_bias: float | str | None, rnn_init: str | None) -> str:
    """The name of a configuration's network, e.g. ``"lstm-chrono"`` or ``"lstm-b_f=-2"``."""
    if model == "rnn":
        return "rnn" if rnn_init == "default" else f"rnn-{rnn_init}"
    if forget_bias == "chrono":
        return "lstm-chrono"
    return "lstm" if float(forget_bias) == 1.0 else f"lstm-b_f={float(forget_bias):g}"


def machine() -> dict:
    """Where a run ran: processor and vector extension (benchmarks/machine.py), versions."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "benchmarks"))
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


def run(
    model: str,
    steps: int,
    seed: int,
    *,
    forget_bias: float | str | None = None,
    rnn_init: str | None = None,
    lr: float | None = None,
    max_iterations: int | None = None,
    max_norm: float | None = RECIPE["max_norm"],
    save_to: str | None = None,
) -> dict:
    """Train one network with the recipe and return its record (a JSON-ready dict).

    ``None`` means the chapter's default for the model: ``forget_bias`` 1 (LSTM),
    ``rnn_init`` "default" (RNN), ``lr`` from :data:`CHOSEN_LR`, ``max_iterations`` from
    :data:`MAX_ITERATIONS`. With ``save_to``, the trained network is written there.
    """
    import lstm_lib
    from lstm_lib.training import init_network, save_network, train

    if model == "lstm":
        forget_bias, rnn_init = (1.0 if forget_bias is None else forget_bias), None
    else:
        forget_bias, rnn_init = None, rnn_init or "default"
    name = network_name(model, forget_bias, rnn_init)
    lr = CHOSEN_LR[TUNED.get(name, "lstm")] if lr is None else float(lr)
    max_iterations = MAX_ITERATIONS[model] if max_iterations is None else int(max_iterations)
    net = init_network(
        model,
        input_size=2,
        hidden_size=RECIPE["hidden_size"],
        forget_bias=1.0 if forget_bias is None else forget_bias,
        rnn_init=rnn_init or "default",
        max_lag=steps,
        seed=seed,
    )
    result = train(
        net,
        steps,
        seed=seed,
        iterations=max_iterations,
        batch_size=RECIPE["batch_size"],
        lr=lr,
        max_norm=max_norm,
        eval_every=RECIPE["eval_every"],
        test_size=RECIPE["test_size"],
    )
    if save_to is not None:
        save_network(save_to, result.net)
    h = result.history
    every = 10  # the held-out curve at every 10th evaluation (500 iterations), 3 digits
    return {
        "network": name,
        "model": model,
        "steps": steps,
        "seed": seed,
        "forget_bias": forget_bias,
        "rnn_init": rnn_init,
        "lr": lr,
        "max_iterations": max_iterations,
        "max_norm": max_norm,
        "solved": result.solved,
        "test_mse": result.test_mse,
        "best_test_mse": float(h.test_mse.min()),
        "train_steps_to_solve": result.steps_to_solve,
        "iterations_run": int(h.train_loss.size),
        "wall_seconds": round(h.seconds, 3),
        "curve_step": h.eval_step[::every].tolist(),
        "curve_test_mse": [float(f"{m:.3g}") for m in h.test_mse[::every]],
        "lstm_lib": lstm_lib.__version__,
        "machine": machine(),
    }


def run_name(config: dict) -> str:
    """The file name of a configuration's record: every setting that changes the run."""
    net = network_name(config["model"], config.get("forget_bias"), config.get("rnn_init"))
    clip = config.get("max_norm", RECIPE["max_norm"])
    parts = [
        net,
        f"T{config['steps']}",
        f"seed{config['seed']}",
        f"lr{config['lr']:g}",
        f"cap{config['max_iterations']}",
    ]
    if clip != RECIPE["max_norm"]:
        parts.append(f"clip{clip}")
    return "_".join(parts)


def _config(network: str, steps: int, seed: int, lr: float, **extra) -> dict:
    model, forget_bias, rnn_init = NETWORKS[network]
    return {
        "model": model,
        "steps": steps,
        "seed": seed,
        "forget_bias": forget_bias,
        "rnn_init": rnn_init,
        "lr": lr,
        "max_iterations": MAX_ITERATIONS[model],
        **extra,
    }


def tuning_configurations() -> list[dict]:
    """Phase 1: each tuned network at T = 20 and 50, every rate, the tuning seeds."""
    return [
        _config(net, T, s, lr)
        for net in sorted(set(TUNED.values()))
        for T in TUNING_LENGTHS
        for lr in LR_GRID
        for s in TUNING_SEEDS
    ]


def choose_lr(records: Iterable[dict], network: str) -> float:
    """The best rate of ``network`` on its tuning runs.

    Best = most runs solved; then the fewest iterations (median over the runs, an
    unsolved run counting as its budget); then the lowest median final held-out MSE.
    """
    import numpy as np

    def score(lr: float) -> tuple:
        runs = [r for r in records if r["network"] == network and r["lr"] == lr]
        if not runs:
            raise ValueError(f"records: no tuning run of {network!r} at lr {lr:g}")
        iterations = [r["train_steps_to_solve"] or r["max_iterations"] for r in runs]
        mse = [r["test_mse"] for r in runs]
        return (sum(r["solved"] for r in runs), -np.median(iterations), -np.median(mse))

    return max(LR_GRID, key=score)


def run_configurations(chosen: dict[str, float]) -> list[dict]:
    """Phase 2: the reported runs, at the chosen rates."""
    configs = [
        _config(net, T, s, chosen[TUNED[net]])
        for net in NETWORKS
        for T in LENGTHS[net]
        for s in SEEDS
    ]
    configs += [
        {**_config("lstm", BIAS_SWEEP_T, s, chosen["lstm"]), "forget_bias": b}
        for b in BIAS_SWEEP
        for s in SEEDS
    ]
    configs += [_config(m, T, s, chosen[m], max_norm=None) for m, T in NO_CLIP for s in SEEDS]
    for c in configs:  # keep the trained networks chapter 4 opens up
        name = network_name(c["model"], c["forget_bias"], c["rnn_init"])
        if c["steps"] == TRAINED_T and c.get("max_norm", 1.0) and name in NETWORKS:
            c["save_to"] = f"trained_T{TRAINED_T}_{name}_seed{c['seed']}.npz"
    return configs


def _cost(config: dict) -> float:
    """Relative worst-case cost, to start the longest runs first."""
    per_step = 5.0 if config["model"] == "lstm" else 1.0
    return per_step * config["steps"] * config["max_iterations"]


def _execute(config: dict, out_dir: str) -> dict:
    config = dict(config)
    if config.get("save_to"):
        config["save_to"] = str(Path(out_dir) / config["save_to"])
    return run(**config)


def _results(configs: list[dict], out_dir: Path, jobs: int, scheduler: str | None) -> Iterator:
    """Each configuration's record as it finishes (in any order), run by joblib or Dask."""
    if scheduler:
        import cloudpickle
        from dask.distributed import Client, as_completed

        if __name__ != "__main__":  # imported (a test): the workers cannot import this file
            cloudpickle.register_pickle_by_value(sys.modules[__name__])
        with Client(scheduler) as client:
            futures = client.map(_execute, configs, out_dir=str(out_dir), pure=False)
            for future in as_completed(futures):
                yield future.result()
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=jobs, return_as="generator_unordered")
    yield from parallel(delayed(_execute)(c, str(out_dir)) for c in configs)


def run_all(
    configs: list[dict], out_dir: Path, jobs: int, scheduler: str | None, label: str
) -> list[dict]:
    """Run what is not cached yet; return every configuration's record."""
    from tqdm import tqdm

    runs_dir = out_dir / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    pending = [c for c in configs if not (runs_dir / f"{run_name(c)}.json").exists()]
    pending.sort(key=_cost, reverse=True)
    done = len(configs) - len(pending)
    with tqdm(total=len(configs), initial=done, desc=label, unit="run") as bar:
        for record in _results(pending, out_dir, jobs, scheduler):
            path = runs_dir / f"{run_name(record)}.json"
            path.write_text(json.dumps(record, indent=1) + "\n")
            bar.update()
    return [json.loads((runs_dir / f"{run_name(c)}.json").read_text()) for c in configs]


def sweep(jobs: int, out: Path, scheduler: str | None = None) -> dict:
    out_dir = out.parent
    start = time.perf_counter()
    tuning = run_all(tuning_configurations(), out_dir, jobs, scheduler, "tuning")
    chosen = {net: choose_lr(tuning, net) for net in sorted(set(TUNED.values()))}
    if chosen != CHOSEN_LR:
        print(f"note: the tuning chose {chosen}, CHOSEN_LR says {CHOSEN_LR}", file=sys.stderr)
    runs = run_all(run_configurations(chosen), out_dir, jobs, scheduler, "runs")
    key = lambda r: (r["network"], r["steps"], str(r["max_norm"]), r["lr"], r["seed"])  # noqa: E731
    payload = {
        "description": "lstm_lib.training.train on the adding problem; one record per run",
        "recipe": RECIPE,
        "max_iterations": MAX_ITERATIONS,
        "solved_criterion": "held-out MSE below 1% of the baseline 1/6 (about 1.67e-3)",
        "lr_grid": list(LR_GRID),
        "tuning": {
            "lengths": list(TUNING_LENGTHS),
            "seeds": list(TUNING_SEEDS),
            "chosen": chosen,
            "tuned": TUNED,
        },
        "lengths": {net: list(Ts) for net, Ts in LENGTHS.items()},
        "seeds": list(SEEDS),
        "bias_sweep": {"steps": BIAS_SWEEP_T, "forget_biases": list(BIAS_SWEEP)},
        "no_clipping": [{"model": m, "steps": T} for m, T in NO_CLIP],
        "trained_steps": TRAINED_T,
        "machine": {**machine(), "jobs": jobs},
        "cpu_seconds": round(sum(r["wall_seconds"] for r in tuning + runs), 1),
        "wall_seconds_this_session": round(time.perf_counter() - start, 1),
        "tuning_runs": sorted(tuning, key=key),
        "runs": sorted(runs, key=key),
    }
    out.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"{len(tuning) + len(runs)} runs; {payload['cpu_seconds'] / 60:.0f} min of run time")
    return payload


def compare(fresh: dict, stored: dict) -> list[str]:
    """Where a fresh sweep's outcomes differ from the stored ones (empty: they agree).

    A run must have the same outcome; a solved run within ±50 % of the stored iterations
    (round-off differs between processors and a long plateau amplifies it: see
    ``tests/test_experiments.py``).
    """
    old = {run_name(r): r for r in stored["tuning_runs"] + stored["runs"]}
    problems = []
    for r in fresh["tuning_runs"] + fresh["runs"]:
        name = run_name(r)
        if name not in old:
            problems.append(f"{name}: not in the stored sweep")
            continue
        s = old[name]
        if r["solved"] != s["solved"]:
            problems.append(f"{name}: solved {r['solved']}, stored {s['solved']}")
        elif r["solved"] and not 0.5 < r["train_steps_to_solve"] / s["train_steps_to_solve"] < 1.5:
            problems.append(
                f"{name}: solved after {r['train_steps_to_solve']}, "
                f"stored {s['train_steps_to_solve']}"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("lstm", "rnn"), default="lstm")
    parser.add_argument("--steps", type=int, default=100, help="sequence length T")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--forget-bias",
        type=parse_forget_bias,
        default=None,
        help="LSTM forget-gate bias: a number or 'chrono' (default 1)",
    )
    parser.add_argument(
        "--rnn-init",
        choices=("default", "orthogonal"),
        default=None,
        help="simple RNN's initialisation (default: PyTorch's)",
    )
    parser.add_argument(
        "--lr",
        type=float,
        default=None,
        help=f"learning rate (default: the chosen one, {CHOSEN_LR})",
    )
    parser.add_argument(
        "--max-iterations",
        type=int,
        default=None,
        help=f"budget in iterations (default {MAX_ITERATIONS})",
    )
    parser.add_argument("--sweep", action="store_true", help="run the whole sweep")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler's address")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        help="after the sweep, compare its outcomes with this stored sweep",
    )
    args = parser.parse_args(argv)
    if args.sweep:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        fresh = sweep(args.jobs, args.out.resolve(), args.scheduler)
        if args.compare is None:
            return 0
        problems = compare(fresh, json.loads(args.compare.read_text()))
        for line in problems:
            print(f"differs: {line}", file=sys.stderr)
        n = len(fresh["tuning_runs"]) + len(fresh["runs"])
        print(f"{n - len(problems)} of {n} runs reproduce the stored outcome ({args.compare})")
        return 1 if problems else 0
    if args.model == "rnn" and args.forget_bias is not None:
        parser.error("argument --forget-bias: the simple RNN has no forget gate")
    if args.model == "lstm" and args.rnn_init is not None:
        parser.error("argument --rnn-init: only for --model rnn")
    record = run(
        args.model,
        args.steps,
        args.seed,
        forget_bias=args.forget_bias,
        rnn_init=args.rnn_init,
        lr=args.lr,
        max_iterations=args.max_iterations,
    )
    for key in ("curve_step", "curve_test_mse", "machine"):
        record.pop(key)
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
