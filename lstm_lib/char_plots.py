"""Reading chapter 5's stored runs back: summaries over seeds, tables, figures (book only).

The runs are the JSON records of ``experiments/char_lstm.py`` (one per seed). Every
number the chapter states is a median over the seeds with the range beside it
(:func:`over_seeds`), never one seed's. Needs matplotlib for the figures.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstm_lib.style import COLORS, GUIDES, LABELS

__all__ = [
    "ABLATION_TARGETS",
    "FEATURE_NAMES",
    "SHORT_NAMES",
    "SeedSpread",
    "ablation_spreads",
    "ablation_table",
    "depth_gate_table",
    "depth_gates",
    "feature_spreads",
    "feature_table",
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


def load_runs(folder: str | os.PathLike) -> list[dict]:
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


# --------------------------------------------------------------------------- tables

#: Short names for the tables (they fit the page's width).
SHORT_NAMES = {
    "bracket_depth": "depth",
    "column": "column",
    "inside_brackets": "in brackets",
    "leading_whitespace": "indentation",
    "inside_comment": "comment",
    "inside_string": "string",
    "prose": "prose",
}


def feature_spreads(runs: list[dict], feature: str) -> dict[str, SeedSpread]:
    """Over the seeds: the chosen unit's held-out score (``"unit"``) and the probe's
    (``"probe"``) for one feature."""
    rows = [r["features"][feature] for r in runs]
    return {
        "unit": over_seeds(x["heldout_score"] for x in rows),
        "probe": over_seeds(x["probe_heldout"] for x in rows),
    }


def feature_table(runs: list[dict], features: list[str]) -> str:
    """One line per feature: measure, the unit of each seed, the unit's held-out score
    and the probe's (median and range over seeds)."""
    lines = [f"{'feature':12s} {'':4s} {'units':12s} {'one unit, held out':21s} probe, held out"]
    for feature in features:
        rows = [r["features"][feature] for r in runs]
        s = feature_spreads(runs, feature)
        units = " ".join(f"{x['unit']:3d}" for x in rows)
        lines.append(
            f"{SHORT_NAMES[feature]:12s} {rows[0]['measure']:4s} {units:12s} "
            f"{s['unit']!s:21s} {s['probe']}"
        )
    return "\n".join(lines)


def depth_gates(runs: list[dict]) -> dict[str, dict[str, SeedSpread]]:
    """Over the seeds: the depth unit's mean ``i`` and ``f`` and its candidate times the
    unit's sign (``C_up``: positive = deeper) at ``open``, ``close`` and ``other``
    characters."""
    out = {}
    for where in ("open", "close", "other"):
        g = [r["depth_unit_gates"][where] for r in runs]
        signs = [r["features"]["bracket_depth"]["sign"] for r in runs]
        out[where] = {
            "i": over_seeds(x["i"] for x in g),
            "f": over_seeds(x["f"] for x in g),
            "C_up": over_seeds(s * x["C_tilde"] for s, x in zip(signs, g, strict=True)),
        }
    return out


def depth_gate_table(runs: list[dict]) -> str:
    """The depth unit's gates per seed at opening brackets, closing brackets and elsewhere."""
    lines = [
        "           at ( [ {           at ) ] }           elsewhere",
        "seed unit  i_t  f_t  s*C~     i_t  f_t  s*C~     i_t  f_t",
    ]
    for r in runs:
        g, d = r["depth_unit_gates"], r["features"]["bracket_depth"]
        cells = [
            f"{g[w]['i']:5.2f} {g[w]['f']:4.2f} {d['sign'] * g[w]['C_tilde']:+5.2f}   "
            for w in ("open", "close")
        ]
        other = f"{g['other']['i']:5.2f} {g['other']['f']:4.2f}"
        lines.append(f"{r['seed']:4d} {d['unit']:4d} " + "".join(cells) + other)
    lines.append("(s*C~: the candidate times the unit's sign, positive = deeper)")
    return "\n".join(lines)


def ablation_spreads(runs: list[dict], feature: str) -> dict[str, SeedSpread]:
    """Over the seeds, in bits per character: the clamped unit's effect on the relevant
    characters (``"relevant"``) and on the others (``"other"``), and the median effect
    of the random control units on the relevant characters (``"control"``)."""
    rows = [r["features"][feature] for r in runs]
    return {
        "relevant": over_seeds(x["ablation"]["relevant"] for x in rows),
        "other": over_seeds(x["ablation"]["other"] for x in rows),
        "control": over_seeds(
            np.median([c["relevant"] for c in x["control_ablation"]]) for x in rows
        ),
    }


#: The characters each ablation is scored on (:func:`lstm_lib.unit_analysis.relevant_targets`).
ABLATION_TARGETS = {
    "bracket_depth": "before ) ] }",
    "column": "before a newline",
    "leading_whitespace": "indentation",
    "prose": "comments, strings",
    "inside_string": "strings",
}


def ablation_table(runs: list[dict]) -> str:
    """Change in bits per character with each feature's unit clamped, median over seeds:
    on the characters it should help predict, on all others, and for random units."""
    lines = [
        f"{'unit':12s} {'scored on':18s} {'the unit':>8s} {'':8s}  random units",
        f"{'':12s} {'':18s} {'there':>8s} {'others':>8s}  there",
    ]
    for feature, label in ABLATION_TARGETS.items():
        s = ablation_spreads(runs, feature)
        lines.append(
            f"{SHORT_NAMES[feature]:12s} {label:18s} {s['relevant'].median:+8.2f} "
            f"{s['other'].median:+8.3f} {s['control'].median:+8.3f}"
        )
    return "\n".join(lines)
