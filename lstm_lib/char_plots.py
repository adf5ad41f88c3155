"""Reading chapter 5's stored runs back: summaries over seeds and the figures (book only).

The runs are the JSON records of ``experiments/char_lstm.py`` (one per seed). Every
number the chapter states is a median over the seeds with the range beside it
(:func:`over_seeds`), never one seed's. Needs matplotlib for the figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstm_lib.style import COLORS, GUIDES, LABELS

__all__ = [
    "FEATURE_NAMES",
    "SeedSpread",
    "load_runs",
    "over_seeds",
    "plot_emergence",
    "plot_training",
]

#: How the chapter names each feature.
FEATURE_NAMES = {
    "bracket_depth": "bracket depth",
    "column": "column",
    "inside_brackets": "inside brackets",
    "leading_whitespace": "leading whitespace",
    "inside_comment": "inside a comment",
    "inside_string": "inside a string",
    "prose": "prose (comment or string)",
}


@dataclass(frozen=True)
class SeedSpread:
    """Median, smallest and largest of one number over the seeds."""

    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.median:.2f} ({self.low:.2f} to {self.high:.2f})"


def load_runs(folder: str | Path) -> list[dict]:
    """Every ``seed<S>.json`` record in ``folder``, by seed."""
    paths = sorted(Path(folder).glob("seed*.json"), key=lambda p: int(p.stem[4:]))
    if not paths:
        raise FileNotFoundError(f"folder: expected seed<S>.json records, got none in {folder}")
    return [json.loads(p.read_text()) for p in paths]


def over_seeds(values) -> SeedSpread:
    """:class:`SeedSpread` of ``values`` (one per seed)."""
    a = np.asarray(list(values), dtype=float)
    return SeedSpread(float(np.median(a)), float(a.min()), float(a.max()))


def plot_training(runs: list[dict], ax) -> None:
    """Held-out bits per character (the selection files' first characters) against
    iterations, one line per seed."""
    for r in runs:
        ax.plot(r["eval_step"], r["eval_bpc"], color=COLORS["lstm"], lw=1, alpha=0.8)
    ax.plot([], [], color=COLORS["lstm"], label=f"LSTM, {len(runs)} seeds")
    ax.set_xlabel("iteration")
    ax.set_ylabel("bits per character")
    ax.legend(loc="upper right")


def plot_emergence(runs: list[dict], features: list[str], axes) -> None:
    """One panel per feature: the held-out score of the unit chosen at each checkpoint
    (thin lines: seeds; thick: median) and the linear probe's (dashed), against iterations."""
    for ax, feature in zip(axes, features, strict=True):
        steps = [e["iteration"] for e in runs[0]["emergence"]]
        unit = np.array([[e[feature]["heldout_score"] for e in r["emergence"]] for r in runs])
        probe = np.array([[e[feature]["probe_heldout"] for e in r["emergence"]] for r in runs])
        for row in unit:
            ax.plot(steps, row, color=COLORS["C"], lw=0.6, alpha=0.5)
        ax.plot(
            steps,
            np.median(unit, axis=0),
            color=COLORS["C"],
            lw=2,
            label="one unit (" + LABELS["C"] + ")",
        )
        ax.plot(
            steps,
            np.median(probe, axis=0),
            color=GUIDES["event"],
            ls="--",
            lw=1.5,
            label="linear probe, all units",
        )
        measure = runs[0]["features"][feature]["measure"]
        ax.set_title(FEATURE_NAMES[feature], fontsize="medium")
        ax.set_ylabel(f"held-out {measure}")
        ax.axhline(0.5 if measure == "AUC" else 0.0, color=GUIDES["reference"], lw=0.8)
    axes[-1].set_xlabel("iteration")
    axes[0].legend(loc="lower right", fontsize="small")
