"""The figure comparison that strict nbval runs with (tests/nbval_figures.py)."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from nbval_figures import figure_difference, stale_figure_problems


def png(label: str, color: str = "#0072B2", y: float = 1.0) -> str:
    fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
    ax.plot([0, 1, 2], [0, y, 0.5], color=color)
    ax.set_title(label)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def test_the_same_figure_passes():
    assert figure_difference(png("a"), png("a")) is None
    assert figure_difference(png("a", y=1.0), png("a", y=1.0 + 1e-12)) is None


def test_a_changed_annotation_colour_or_size_fails():
    assert "pixels changed" in figure_difference(png("gradient norm"), png("cell state"))
    assert "pixels changed" in figure_difference(png("a"), png("a", color="#D55E00"))
    fig, _ = plt.subplots(figsize=(5, 3), dpi=80)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    wider = base64.b64encode(buffer.getvalue()).decode()
    assert figure_difference(png("a"), wider) == "size 320x240 px stored, 400x240 px now"


def test_the_plugin_wraps_nbval():
    from nbval.plugin import IPyNbCell

    # Loaded with -p nbval_figures (pyproject.toml), before this test runs.
    assert getattr(IPyNbCell, "_figures_compared", False)


def test_cells_are_compared_figure_by_figure():
    stored = [{"output_type": "display_data", "data": {"image/png": png("a")}}]
    fresh = [{"output_type": "display_data", "data": {"image/png": png("b")}}]
    (problem,) = stale_figure_problems(stored, fresh)
    assert problem.startswith("figure 1: ")
    assert stale_figure_problems(stored, []) == ["1 figure(s) stored, 0 drawn now"]
    assert stale_figure_problems(stored, stored) == []
