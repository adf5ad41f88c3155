"""Chapter 4's figures of the stored sweep: how much training each network needs.

* :data:`NETWORK_STYLE`: one colour, marker and line style per network, the colours
  of :data:`lstm_lib.style.COLORS` (the LSTM's vermillion, the simple RNN's purple and
  the orthogonal RNN's dark blue of chapter 3; the chrono LSTM is the LSTM, drawn
  dashed with diamonds);
* :func:`plot_training_need`: every run of a network against T, its iterations (or
  matrix-product operations) to solve on a log axis, a run that was never solved drawn
  open above its budget, and the median over the seeds as a line where it exists;
* :func:`plot_budget`: a budget as a horizontal line (iterations) or, in operations,
  the line it traces as T grows;
* :func:`plot_iterations_per_seed`: every run's iterations to solve, one column per
  configuration (the forget-bias sweep).

Needs matplotlib (the ``book`` extra); importing ``lstm_lib`` does not.
"""

from __future__ import annotations

import numpy as np

from lstm_lib.experiment import Sweep, matmul_flops, median_to_solve, steps_to_solve
from lstm_lib.style import COLORS, GUIDES

__all__ = [
    "MEASURES",
    "NETWORK_STYLE",
    "UNSOLVED_FACTOR",
    "plot_budget",
    "plot_iterations_per_seed",
    "plot_training_need",
]

#: Each network's look, the same in every figure of chapter 4.
NETWORK_STYLE = {
    "lstm": {
        "color": COLORS["lstm_input"],
        "marker": "o",
        "linestyle": "-",
        "label": "LSTM, $b_f = 1$",
    },
    "lstm-chrono": {
        "color": COLORS["lstm_input"],
        "marker": "D",
        "linestyle": "--",
        "label": "LSTM, chrono $b_f$",
    },
    "rnn": {
        "color": COLORS["rnn_input"],
        "marker": "s",
        "linestyle": ":",
        "label": "simple RNN, default init.",
    },
    "rnn-orthogonal": {
        "color": COLORS["rnn_orthogonal_input"],
        "marker": "^",
        "linestyle": "-.",
        "label": r"simple RNN, orthogonal $W_{hh}$",
    },
}

#: What the y axis counts, iterations or operations of the matrix products.
MEASURES = ("iterations", "flops")
#: A run never solved is drawn this factor above its own budget.
UNSOLVED_FACTOR = 1.5


def _per_iteration(sweep: Sweep, model: str, steps: int, measure: str) -> float:
    if measure == "iterations":
        return 1.0
    recipe = sweep.meta["recipe"]
    return float(
        matmul_flops(
            model,
            steps,
            hidden_size=recipe["hidden_size"],
            input_size=2,
            batch_size=recipe["batch_size"],
        )
    )


def plot_training_need(ax, sweep: Sweep, network: str, measure: str = "iterations", slot=0):
    """Every stored run of ``network``: training to solve against T, on ``ax``.

    ``measure`` is "iterations" or "flops" (:func:`lstm_lib.experiment.matmul_flops`
    times the iterations). Solved runs are filled markers; an unsolved run is an open
    marker at :data:`UNSOLVED_FACTOR` times its budget. ``slot`` shifts this network's
    markers sideways so that several networks stay apart. Returns the median line.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure: expected one of {MEASURES}, got {measure!r}")
    style = NETWORK_STYLE[network]
    lengths = sweep.lengths(network)
    medians = []
    for T in lengths:
        runs = sweep.select(network, T)
        scale = _per_iteration(sweep, runs[0]["model"], T, measure)
        n = steps_to_solve(runs) * scale
        budget = np.array([r["max_iterations"] for r in runs]) * scale
        x = T * np.exp(0.05 * slot + 0.012 * (np.arange(len(runs)) - (len(runs) - 1) / 2))
        ok = np.isfinite(n)
        ax.scatter(x[ok], n[ok], s=16, color=style["color"], marker=style["marker"], zorder=3)
        ax.scatter(
            x[~ok],
            budget[~ok] * UNSOLVED_FACTOR,
            s=16,
            facecolors="none",
            edgecolors=style["color"],
            marker=style["marker"],
            zorder=3,
        )
        medians.append(median_to_solve(runs) * scale)
    medians = np.array(medians)
    shown = np.isfinite(medians)
    (line,) = ax.plot(
        np.array(lengths)[shown],
        medians[shown],
        color=style["color"],
        linestyle=style["linestyle"],
        marker=style["marker"],
        markersize=0,
        label=style["label"],
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    return line


def plot_budget(ax, sweep: Sweep, model: str, budget: int, measure: str = "iterations", **kw):
    """A budget of ``budget`` iterations of ``model`` as a line on a training-need axis."""
    lengths = np.array(sorted({r["steps"] for r in sweep.runs}))
    y = [budget * _per_iteration(sweep, model, int(T), measure) for T in lengths]
    kw = {"color": GUIDES["reference"], "linewidth": 1, **kw}
    return ax.plot(lengths, y, **kw)[0]


def plot_iterations_per_seed(ax, groups: dict[str, list], colors: dict[str, str]) -> None:
    """Every run's iterations to solve, one column per group (x: not solved in its budget).

    ``groups`` maps a column label to its runs (records), ``colors`` a label to a colour.
    A dashed line marks the runs' budget.
    """
    budgets = {r["max_iterations"] for runs in groups.values() for r in runs}
    if len(budgets) != 1:
        raise ValueError(f"groups: expected runs with one budget, got budgets {sorted(budgets)}")
    (cap,) = budgets
    for j, (label, runs) in enumerate(groups.items()):
        n = steps_to_solve(runs)
        x = j + 0.08 * (np.arange(len(runs)) - (len(runs) - 1) / 2)
        ok = np.isfinite(n)
        ax.scatter(x[ok], n[ok], color=colors[label])
        ax.scatter(x[~ok], np.full((~ok).sum(), cap * 1.04), marker="x", color=colors[label])
    ax.axhline(cap, color=GUIDES["reference"], lw=1, ls="--")
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set_ylim(0, cap * 1.12)
    ax.set_ylabel("iterations to solve (x: not solved)")
