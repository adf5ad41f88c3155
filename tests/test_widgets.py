"""lstm_lib.widgets: the forget-bias slider, without a browser.

The static page shows ``explorer.frames`` (selected by a jslink in the browser); a
live kernel recomputes in the slider's callback. These tests check that both show the
same thing, that every frame shows the median and the 10-90 % band of the draws on axes
that do not move, that chapter 3 stores the frames the library renders today, that the
callback redraws the right frame on the same figure, and that the text the notebook
stores (the repr) is short and deterministic.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from book_checks import notebook_markdown, read_notebook

pytest.importorskip("matplotlib")
pytest.importorskip("ipywidgets")

import ipywidgets as widgets
from slider_page import library_frames, stored_slider

from lstm_lib import gradient_norm_draws, spread
from lstm_lib.widgets import (
    CURVES,
    DEFAULT_BIASES,
    DRAWS,
    FLOOR,
    PANELS,
    ForgetBiasExplorer,
    describe,
    first_input_ratio_table,
    first_input_ratios,
    forget_bias_explorer,
    headline,
)

CHAPTER_3 = Path(__file__).resolve().parent.parent / "chapters" / "03_vanishing_gradients.ipynb"
# How chapter 3 states the slider's grid ("The slider moves $b_f$ from $-6$ to $+8$, in
# steps of $1/4$ from $0$ to $4$, ...")
SLIDER_RANGE = re.compile(
    r"slider moves \$b_f\$ from \$(\S+)\$ to \$(\S+)\$, in steps of \$1/(\d+)\$ from "
    r"\$(\S+)\$ to \$(\S+)\$"
)
# A short grid, few draws and short sequences keep the tests fast; the defaults are
# checked once.
SMALL = {"biases": (-2.0, 0.0, 1.0, 2.5), "steps": 30, "draws": 5}


def small(bias: float):
    return gradient_norm_draws(bias, steps=30, draws=5)


@pytest.fixture(scope="module")
def explorer():
    return forget_bias_explorer(**SMALL)


@pytest.fixture(scope="module")
def default_explorer():
    return forget_bias_explorer()


def test_default_grid_covers_the_slider_range(default_explorer):
    """forget_bias_explorer()'s slider moves over the range chapter 3 tells readers it does,
    every 0.25 where the story turns (0 to 4), and starts at the default frame, b_f = +1."""
    markdown = notebook_markdown(read_notebook(CHAPTER_3)).replace("\n", " ")
    stated = SLIDER_RANGE.search(markdown)
    assert stated, f"{CHAPTER_3.name} no longer states the slider's grid: tell this test where"
    low, high, per_unit, fine_low, fine_high = (
        float(value.replace("−", "-")) for value in stated.groups()
    )
    step = 1 / per_unit
    grid = [float(label) for label, _ in default_explorer.slider.options]
    assert grid == list(DEFAULT_BIASES) and (grid[0], grid[-1]) == (low, high)
    fine = [b for b in grid if fine_low <= b <= fine_high]
    np.testing.assert_allclose(fine, np.arange(fine_low, fine_high + step / 2, step), atol=1e-12)
    assert step <= 0.25 and (fine_low, fine_high) == (0.0, 4.0)
    assert default_explorer.slider.label == "+1.00"
    assert default_explorer.draws == DRAWS == 20


def test_static_frames_equal_the_live_computation_at_every_grid_value(default_explorer):
    e = default_explorer
    assert len(e.frames) == len(e.biases) == len(e.stack.children) == 29
    for bias, frame, image in zip(e.biases, e.frames, e.stack.children, strict=True):
        assert image.value == frame
        draws = gradient_norm_draws(bias)
        assert frame == e.render(draws), bias
        assert image.tooltip == describe(draws)  # the frame's text alternative
        # html-manager and JupyterLab show the image (with its tooltip) only if the model
        # carries a description: the state sent to the browser must include it
        assert image.get_state()["description"] == ""
        assert image.get_state()["_model_name"] == "ImageModel"


def test_stored_frames_are_what_the_library_renders():
    """Chapter 3's stored frames = lstm_lib.widgets' frames for the same biases.

    nbval skips widget outputs, so this is what notices a chapter left unexecuted
    after lstm_lib.widgets changed. Fails if the chapter passes gradient settings
    other than the defaults to forget_bias_explorer (then tell this test).
    """
    stored = stored_slider()
    expected = library_frames(stored.labels)
    stale = [
        label for label, a, b in zip(stored.labels, stored.frames, expected, strict=True) if a != b
    ]
    assert not stale, (
        f"stored frames differ from lstm_lib.widgets for b_f = {stale}: run make execute"
    )
    assert len(set(expected)) == len(expected), "two biases render the same frame"


def test_the_frames_stay_small():
    """29 frames of about 24 kB, less than the 29 single-draw frames before (795 kB): the
    stored page stays near its size before the bands."""
    stored = stored_slider()
    sizes = [len(frame) for frame in stored.frames]
    assert max(sizes) < 26_000 and sum(sizes) < 720_000


def test_rendered_lines_are_the_medians_and_the_bands_the_10_to_90_percent(explorer):
    draws = small(2.5)
    explorer.render(draws)
    assert set(CURVES) == {"lstm_input", "rnn_input", "rnn_orthogonal_input", "lstm", "direct_path"}
    for name in CURVES:
        s = spread(getattr(draws, name))
        np.testing.assert_array_equal(explorer.lines[name].get_ydata(), np.maximum(s.median, FLOOR))
        np.testing.assert_array_equal(explorer.bands[name].low, np.maximum(s.low, FLOOR))
        np.testing.assert_array_equal(explorer.bands[name].high, np.maximum(s.high, FLOOR))
        assert np.all(explorer.bands[name].low <= explorer.bands[name].high)
    # the comparison panel: one quantity (∂L/∂x) for every network, over the inputs
    np.testing.assert_array_equal(explorer.lines["rnn_input"].get_xdata(), np.arange(30))
    np.testing.assert_array_equal(explorer.lines["lstm"].get_xdata(), np.arange(31))
    assert explorer.title.get_text().startswith("Forget bias +2.50, medians of 5 draws.")


def test_the_axes_do_not_move_between_frames(default_explorer):
    """One pair of y limits for every frame (fitted once to all of them), so one background."""
    e = default_explorer
    limits = {tuple(ax.get_ylim() for ax in e.axes.values())}
    for bias in (-6.0, 1.0, 3.5, 8.0):
        e.render(gradient_norm_draws(bias))
        limits.add(tuple(ax.get_ylim() for ax in e.axes.values()))
    assert limits == {((1e-40, 100.0), (1e-40, 100.0))}
    assert len(e._backgrounds) == 1


def test_every_curve_prints_its_median_behind_its_marker_and_is_marked_when_it_leaves():
    e = forget_bias_explorer(biases=(-6.0, 1.0), bias=1.0)
    e.render(gradient_norm_draws(1.0))
    labels = {name: label.get_text() for name, label in e.end_labels.items()}
    assert labels == {
        "lstm_input": "● 3.2×10⁻⁸",
        "rnn_input": "■ 1.1×10⁻²⁷",
        "rnn_orthogonal_input": "▲ 6.1×10⁻⁸",
        "lstm": "● 2.8×10⁻⁸",
        "direct_path": "◆ 1.8×10⁻¹⁴",
    }
    assert not any(marker.get_visible() for marker in e.exits.values())
    # the LSTM and the orthogonal RNN end close together: labels moved apart, never on top
    ys = sorted(e.end_labels[n].get_position()[1] for n in PANELS["input"][0])
    assert np.diff(ys).min() >= 0.075 - 1e-12
    draws = gradient_norm_draws(-6.0)
    e.render(draws)
    bottom, _top = e.axes["input"].get_ylim()
    median = spread(draws.lstm_input).median
    assert e.exits["lstm_input"].get_visible()  # the triangle where it leaves
    k_exit = e.exits["lstm_input"].get_xdata()[0]
    assert median[k_exit] < bottom <= median[k_exit - 1]
    assert e.end_labels["lstm_input"].get_text() == "● ↓ 2.6×10⁻⁸⁵"
    assert e.end_labels["direct_path"].get_text() == "◆ ↓ 0, underflow"
    assert not e.exits["rnn_input"].get_visible()  # 1.1e-27 stays on the axis


def test_overlapping_curves_differ_by_line_style_marker_and_label():
    e = forget_bias_explorer(**SMALL)
    for names, _k in PANELS.values():
        styles = [e.lines[n].get_linestyle() for n in names]
        symbols = [e.end_labels[n].get_text().split()[0] for n in names]
        assert len(set(styles)) == len(names) and len(set(symbols)) == len(names)
    overlay = e.frames[2].decode().split('<clipPath id="clip-input">')[1]
    # one path of markers per curve, in the curve's colour, white-edged
    markers = re.findall(r'style="fill: (#\w+); stroke: #ffffff; stroke-width: 0.8"', overlay)
    assert markers == [e.lines[name].get_color() for name in CURVES]


def test_headline_says_what_the_median_shows_and_how_often_a_draw_disagrees():
    one = gradient_norm_draws(1.0)
    assert headline(one) == (
        "Forget bias +1.00, medians of 20 draws. At the first input x₁, the LSTM gets ×10²⁰ "
        "the gradient\nof the same-init RNN, but ×0.42 that of the orthogonal RNN: ahead of it "
        "in 7 of 20 draws\nMean forget gate 0.727: along the cell state alone, ∏f leaves "
        "1.8×10⁻¹⁴ at k = T"
    )
    ratios = first_input_ratios(one, "lstm_input", "rnn_orthogonal_input")
    assert np.sum(ratios > 1) == 7 and spread(ratios).median == pytest.approx(0.42, abs=0.005)
    assert "(more in 0 of 20 draws): a cell set to forget is worse than none" in headline(
        gradient_norm_draws(-2.0)
    )
    eight = headline(gradient_norm_draws(8.0))
    assert "×10⁸ that of the orthogonal RNN: ahead of it in 20 of 20 draws" in eight
    assert eight.endswith("tanh(C) is saturated in 73% of the units (median)")


def test_first_input_ratio_table_is_first_input_ratios_per_set_up():
    """The comparison at b_f = 1 turns with the set-up: the LSTM is ahead of the orthogonal
    RNN in 14, 7 and 1 of 20 draws for H = 16, 32, 64 (N(0, 1) inputs)."""
    table = first_input_ratio_table((0.0, 1.0), hidden_sizes=(16, 32, 64), input_scales=(1.0,))
    assert table["rnn_input"].shape == table["rnn_orthogonal_input"].shape == (3, 1, 2, DRAWS)
    one = gradient_norm_draws(1.0)
    for other in ("rnn_input", "rnn_orthogonal_input"):
        np.testing.assert_array_equal(
            table[other][1, 0, 1], first_input_ratios(one, "lstm_input", other)
        )
    assert list(np.sum(table["rnn_orthogonal_input"][:, 0, 1] > 1, axis=-1)) == [14, 7, 1]


def test_frames_are_readable_svg():
    """Vector frames (sharp at any density) with every text at least 11 pt, which is
    12 CSS px or more whenever the 648 pt (864 px) wide figure is shown 735 px wide or wider."""
    e = forget_bias_explorer(biases=(0.0, 1.0), bias=1.0)
    svg = e.frames[1].decode()
    assert svg.startswith("<?xml") and 'width="648pt"' in svg
    # one font for every text, in the stylesheet; no text sets another size
    assert re.findall(r"font-size: ([0-9.]+)px", svg) == ["11"]
    assert "text{font-size: 11px; font-family: 'DejaVu Sans'" in svg
    assert svg.count("<text") > 40
    assert "<tspan" not in svg  # no mathtext (its sub- and superscripts are 0.7 × smaller)
    assert len(e.frames[1]) < 26_000


def test_frames_are_svg_and_deterministic(explorer):
    again = forget_bias_explorer(**SMALL)
    assert again.frames == explorer.frames
    assert all(f.startswith(b"<?xml") and b"<svg" in f for f in explorer.frames)
    assert len(set(explorer.frames)) == len(explorer.frames)  # every frame differs


def test_the_slider_and_the_stack_are_linked_in_the_browser(explorer):
    link = explorer.link
    # jslink creates a LinkModel widget: the browser keeps the two traits equal, no kernel needed
    assert isinstance(link, widgets.Widget) and link._model_name == "LinkModel"
    assert link.source == (explorer.slider, "index")
    assert link.target == (explorer.stack, "selected_index")
    assert explorer.children == (explorer.slider, explorer.ends, explorer.stack)
    assert [w.value for w in explorer.ends.children] == [
        "← -2.00: forget gate nearly shut",
        "+2.50: forget gate nearly open →",
    ]
    assert explorer.slider.continuous_update
    assert [label for label, _ in explorer.slider.options] == ["-2.00", "+0.00", "+1.00", "+2.50"]
    assert explorer.slider.label == "+1.00"
    assert explorer.stack.selected_index == explorer.slider.index == 2  # bias +1.00


def test_callback_recomputes_and_shows_the_right_frame():
    e = forget_bias_explorer(**SMALL)
    figure, lines = e.figure, dict(e.lines)
    line_ids = {name: id(line) for name, line in lines.items()}
    e.slider.value = 2.5
    assert e.bias == 2.5 and e.stack.selected_index == 3
    assert e.image == e.render(small(2.5)) == e.frames[3]
    # the callback recomputed: the title of the last drawing names the new bias
    assert e.title.get_text().startswith("Forget bias +2.50")
    e.slider.value = -2.0
    assert e.stack.selected_index == 0 and e.image == e.frames[0]
    # the same figure and the same lines, updated rather than recreated
    # (one line and one exit marker per curve)
    assert e.figure is figure and [len(ax.lines) for ax in e.axes.values()] == [6, 4]
    assert {name: id(line) for name, line in e.lines.items()} == line_ids
    assert len(e.figure.axes) == 2


def test_set_bias_between_grid_values_and_back():
    e = forget_bias_explorer(**SMALL)
    drawn = []
    render = e.render
    e.render = lambda draws: drawn.append(draws.forget_bias) or render(draws)
    e.set_bias(0.3)
    assert drawn == [0.3]  # one recomputation and one drawing, of the value asked for
    assert e.bias == 0.3 and e.slider.value == 0.0 and e.stack.selected_index == 1
    assert e.image == e.render(small(0.3)) != e.frames[1]
    assert e.stack.children[1].tooltip == describe(small(0.3))
    assert repr(e) == "ForgetBiasExplorer(bias=+0.30, frames=4, draws=5)"
    e.slider.value = 2.5  # moving away restores the stored frame
    assert e.stack.children[1].value == e.frames[1]
    assert e.stack.children[1].tooltip == describe(small(0.0))
    e.set_bias(0.3)
    e.set_bias(0.0)  # on the grid, slider already there: the stored frame again
    assert e.bias == 0.0 and e.image == e.frames[1]
    with pytest.raises(ValueError, match="bias: expected a finite number"):
        e.set_bias(float("nan"))


def test_description_names_the_bias_the_draws_and_the_end_values():
    text = describe(gradient_norm_draws(2.0))
    assert "over 20 draws" in text and "b_f = +2.00" in text
    assert "k = 100" in text and "k = 99" in text
    assert "full gradient at the cell state 6.9e-02 (10-90 %: 3.2e-02 to 3.1e-01)" in text
    assert "direct path 3.1e-06" in text and "LSTM 5.3e-02" in text
    assert "the gradient of the same-init RNN and ×10⁶ that of the orthogonal RNN" in text


def test_redraws_reuse_the_canvas_with_no_layout_engine_and_no_mathtext(explorer):
    """What keeps a redraw at a few ms (the time itself is measured by
    ``benchmarks/bench.py``, not here): one persistent canvas, no layout engine
    (constrained layout would measure every label on every frame) and no mathtext in
    the strings that change (matplotlib's mathtext parser is slow and its cache small)."""
    canvas = explorer.figure.canvas
    explorer.render(small(0.0))
    assert explorer.figure.canvas is canvas and type(canvas).__name__ == "FigureCanvasSVG"
    assert explorer.figure.get_layout_engine() is None
    texts = [explorer.title, *explorer.end_labels.values()]
    texts += [t for ax in explorer.axes.values() for t in ax.get_yticklabels()]
    assert texts and not [t.get_text() for t in texts if "$" in t.get_text()]


def test_the_data_is_drawn_over_one_cached_background():
    e = forget_bias_explorer(biases=(1.0, 8.0), bias=1.0, draws=5)
    assert len(e._backgrounds) == 1
    svg = e.render(gradient_norm_draws(1.0, draws=5)).decode()
    assert len(e._backgrounds) == 1  # drawn again over the cached background
    (background,) = e._backgrounds.values()
    assert svg.startswith(background.rsplit("</svg>", 1)[0])
    # the hidden artists are visible again after the background was drawn
    assert all(line.get_visible() for line in e.lines.values())
    # per curve a band (a closed path of every second k and back) and a median path of
    # every k, starting at (0, 1) in data coordinates
    paths = re.findall(r'<path d="M([^"]+)" clip-path="url\(#clip-(input|cell)\)"', svg)
    steps = [(len(d.split("l")[1].split()) // 2, d.endswith("Z"), panel) for d, panel in paths]
    assert steps == [
        *[(101, True, "input")] * 3,  # k = 0, 2, ..., 98, 99 and back: 102 points
        *[(99, False, "input")] * 3,
        *[(101, True, "cell")] * 2,  # k = 0, 2, ..., 100 and back
        *[(100, False, "cell")] * 2,
    ]
    median = paths[3][0]
    first = [float(v) for v in median.split("l")[0].split()]
    x0, y0 = e.axes["input"].transData.transform((0, 1.0))
    assert first == pytest.approx([x0, e.figure.bbox.height - y0], abs=0.051)
    assert ">Mean forget gate 0.727: along the cell state alone" in svg  # the title, as text


def test_repr_is_short_and_deterministic():
    text = forget_bias_explorer(**SMALL)._repr_mimebundle_()["text/plain"]
    assert text == "ForgetBiasExplorer(bias=+1.00, frames=4, draws=5)"
    assert repr(ForgetBiasExplorer(bias=-2.0, **SMALL)) == (
        "ForgetBiasExplorer(bias=-2.00, frames=4, draws=5)"
    )


def test_bad_arguments():
    with pytest.raises(ValueError, match="bias: expected a value on the grid"):
        ForgetBiasExplorer(biases=(0.0, 1.0), bias=0.5)
    with pytest.raises(ValueError, match="biases: expected at least 2 increasing values"):
        ForgetBiasExplorer(biases=(1.0, 0.0), bias=1.0)
    with pytest.raises(ValueError, match="draws: expected a positive int, got 0"):
        ForgetBiasExplorer(biases=(0.0, 1.0), bias=1.0, draws=0)


def test_lstm_lib_does_not_import_the_widgets():
    modules = ("lstm_lib.widgets", "matplotlib", "ipywidgets")
    code = f"import sys, lstm_lib; print(*(m in sys.modules for m in {modules}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
