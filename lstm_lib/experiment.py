"""Chapter 4's stored experiment: the sweep's records, selected, counted and costed.

``experiments/long_lag.py --sweep`` trains every configuration of chapter 4 and stores
one record per run (a dict: ``network``, ``model``, ``steps`` (T), ``seed``, ``lr``,
``max_iterations`` (the budget), ``solved``, ``train_steps_to_solve``, ``test_mse``,
``wall_seconds``, ...) in ``experiments/results/long_lag.json``. This module reads them
and answers the chapter's questions: how many seeds solved the task within a budget of
B iterations, the median training needed, and what an iteration costs.

A run stops once solved, so a run solved after n iterations is solved within every
budget B ≥ n, and one never solved within its budget is unsolved within every smaller
one: the records answer "solved within B" for every B up to the run's own budget.

Introduced in chapter "Learning a long dependency" (``chapters/04_long_dependency``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "Sweep",
    "matmul_flops",
    "median_to_solve",
    "solved_within",
    "steps_to_solve",
]

Record = dict[str, Any]


@dataclass(frozen=True, eq=False)
class Sweep:
    """The stored sweep: ``runs`` (reported), ``tuning_runs`` and the settings ``meta``."""

    runs: list[Record]
    tuning_runs: list[Record]
    meta: dict[str, Any]

    @classmethod
    def load(cls, path: str | os.PathLike) -> Sweep:
        """Read ``long_lag.json`` as written by ``experiments/long_lag.py --sweep``."""
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        runs, tuning = payload.pop("runs"), payload.pop("tuning_runs")
        return cls(runs=runs, tuning_runs=tuning, meta=payload)

    def select(
        self,
        network: str,
        steps: int | None = None,
        *,
        tuning: bool = False,
        lr: float | None = None,
        clipped: bool = True,
    ) -> list[Record]:
        """The records of one configuration, ordered by seed.

        ``network`` as in the records (``"lstm"``, ``"lstm-chrono"``, ``"rnn"``,
        ``"rnn-orthogonal"``, ``"lstm-b_f=-2"``, ...); ``steps`` T (all if None);
        ``tuning`` reads the learning-rate tuning runs instead of the reported ones;
        ``clipped=False`` the runs without gradient clipping.
        """
        pool = self.tuning_runs if tuning else self.runs
        found = [
            r
            for r in pool
            if r["network"] == network
            and (steps is None or r["steps"] == steps)
            and (lr is None or r["lr"] == lr)
            and (r["max_norm"] is not None) == clipped
        ]
        if not found:
            raise KeyError(f"no stored run of {network!r} at T = {steps}, lr = {lr}")
        return sorted(found, key=lambda r: (r["steps"], r["seed"]))

    def lengths(self, network: str) -> list[int]:
        """The sequence lengths T at which ``network`` was run, ascending."""
        return sorted({r["steps"] for r in self.runs if r["network"] == network})


def steps_to_solve(records: list[Record]) -> np.ndarray:
    """Iterations each run needed to solve the task; ``inf`` for a run never solved."""
    return np.array([r["train_steps_to_solve"] or np.inf for r in records], dtype=float)


def _budget_ok(records: list[Record], budget: float) -> None:
    short = [r["max_iterations"] for r in records if r["max_iterations"] < budget]
    if short:
        raise ValueError(
            f"budget: expected at most the runs' own budget {min(short)}, got {budget}"
        )


def solved_within(records: list[Record], budget: float) -> int:
    """How many of the runs were solved within ``budget`` iterations."""
    _budget_ok(records, budget)
    return int(np.sum(steps_to_solve(records) <= budget))


def median_to_solve(records: list[Record], budget: float | None = None) -> float:
    """The median of the iterations to solve over *all* runs, ``inf`` if it exceeds ``budget``.

    An unsolved run counts as more than the budget, so the median is a number only
    when more than half of the runs were solved within ``budget`` (default: the runs'
    own budget).
    """
    n = steps_to_solve(records)
    if budget is not None:
        _budget_ok(records, budget)
        n = np.where(n <= budget, n, np.inf)
    return float(np.median(n)) if np.isfinite(np.median(n)) else np.inf


def matmul_flops(
    model: str, steps: int, *, hidden_size: int, input_size: int, batch_size: int
) -> int:
    """Floating-point operations of one training iteration's matrix products.

    Forward, each step multiplies the batch of ``[h_{t-1}, x_t]``, (B, H+D), by the
    stacked gate weights, (H+D, G·H), with G = 4 gates for the LSTM (``W_f, W_i,
    W_C, W_o``) and G = 1 for the simple RNN (``W_h``): 2·B·(H+D)·G·H operations.
    Backward takes two such products per step (∂L/∂W and ∂L/∂[h_{t-1}, x_t]), so an
    iteration costs 3 × 2·T·B·(H+D)·G·H. The element-wise work and the readout are
    left out: a lower bound, and the LSTM/RNN ratio is exactly G = 4.
    """
    gates = {"lstm": 4, "rnn": 1}[model]
    return 6 * steps * batch_size * (hidden_size + input_size) * gates * hidden_size
