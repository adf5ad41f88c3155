"""lstm_lib.widgets: the forget-bias slider, without a browser.

The static page shows ``explorer.frames`` (selected by a jslink in the browser); a
live kernel recomputes in the slider's callback. These tests check that both show the
same thing, that chapter 3 stores the frames the library renders today, that the
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

from lstm_lib import gradient_norms
from lstm_lib.widgets import (
    CURVES,
    DEFAULT_BIASES,
    FLOOR,
    PANELS,
    Y_BOTTOM,
    ForgetBiasExplorer,
    describe,
    forget_bias_explorer,
    headline,
)

CHAPTER_3 = Path(__file__).resolve().parent.parent / "chapters" / "03_vanishing_gradients.ipynb"
# How chapter 3 states the slider's range ("The slider moves $b_f$ from −6 to +8 in steps of 0.5.")
SLIDER_RANGE = re.compile(r"slider moves \$b_f\$ from (\S+) to (\S+) in steps of ([0-9.]+)\.")
# A short grid and short sequences keep the tests fast; the defaults are checked once.
SMALL = {"biases": (-2.0, 0.0, 1.0, 2.5), "steps": 30}


@pytest.fixture(scope="module")
def explorer():
    return forget_bias_explorer(**SMALL)


@pytest.fixture(scope="module")
def default_explorer():
    return forget_bias_explorer()


def test_default_grid_covers_the_slider_range(default_explorer):
    """forget_bias_explorer()'s slider moves over the range chapter 3 tells readers it does,
    and starts at the chapter's default frame, b_f = +1."""
    markdown = notebook_markdown(read_notebook(CHAPTER_3)).replace("\n", " ")
    stated = re.search(
        r"slider moves \$b_f\$ from (\S+) to (\S+) in steps of ([0-9.]+)\.", markdown
    )
    assert stated, f"{CHAPTER_3.name} no longer states the slider's range: tell this test where"
    low, high, step = (float(value.replace("−", "-")) for value in stated.groups())
    grid = [float(label) for label, _ in default_explorer.slider.options]
    np.testing.assert_allclose(grid, np.arange(low, high + step / 2, step), rtol=0, atol=1e-12)
    assert default_explorer.slider.label == "+1.00"


def test_static_frames_equal_the_live_computation_at_every_grid_value(default_explorer):
    e = default_explorer
    assert len(e.frames) == len(e.biases) == len(e.stack.children) == 29
    for bias, frame, image in zip(e.biases, e.frames, e.stack.children, strict=True):
        assert image.value == frame
        assert frame == e.render(gradient_norms(bias)), bias
        assert image.tooltip == describe(gradient_norms(bias))  # the frame's text alternative
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


def test_rendered_lines_hold_the_numbers_of_gradient_norms(explorer):
    norms = gradient_norms(2.5, steps=30)
    explorer.render(norms)
    assert set(CURVES) == {"lstm_input", "rnn_input", "rnn_orthogonal_input", "lstm", "direct_path"}
    for name in CURVES:
        np.testing.assert_array_equal(
            explorer.lines[name].get_ydata(), np.maximum(getattr(norms, name), FLOOR)
        )
    # the comparison panel: one quantity (∂L/∂x) for every network, over the inputs
    np.testing.assert_array_equal(explorer.lines["rnn_input"].get_xdata(), np.arange(30))
    np.testing.assert_array_equal(explorer.lines["lstm"].get_xdata(), np.arange(31))
    assert explorer.title.get_text().startswith("Forget bias +2.5:")


def test_every_curve_prints_its_last_value_and_is_marked_when_it_leaves_the_axis():
    e = forget_bias_explorer(biases=(-6.0, 1.0), bias=1.0)
    e.render(gradient_norms(1.0))
    assert e.end_labels["lstm_input"].get_text() == "5.1×10⁻⁹"
    assert e.end_labels["rnn_input"].get_text() == "6.8×10⁻³⁰"
    assert e.end_labels["rnn_orthogonal_input"].get_text() == "1.8×10⁻⁸"
    assert e.end_labels["direct_path"].get_text() == "7.2×10⁻¹⁴"
    assert not any(marker.get_visible() for marker in e.exits.values())
    # labels of curves that end close together are moved apart, never on top of each other
    ys = sorted(e.end_labels[n].get_position()[1] for n in PANELS["input"][0])
    assert np.diff(ys).min() >= 0.085 - 1e-12
    norms = gradient_norms(-6.0)
    e.render(norms)
    bottom, _top = e.axes["input"].get_ylim()
    assert bottom == Y_BOTTOM and norms.lstm_input[-1] < 1e-80
    assert e.exits["lstm_input"].get_visible()  # the triangle where it leaves
    k_exit = e.exits["lstm_input"].get_xdata()[0]
    assert norms.lstm_input[k_exit] < Y_BOTTOM <= norms.lstm_input[k_exit - 1]
    assert e.end_labels["lstm_input"].get_text() == "↓ 2.2×10⁻⁸⁴"
    assert e.end_labels["direct_path"].get_text() == "↓ 0, underflow"
    assert not e.exits["rnn_input"].get_visible()  # 6.8e-30 stays on the axis


def test_the_y_axis_fits_the_frame():
    e = forget_bias_explorer(biases=(1.0, 8.0), bias=1.0)
    e.render(gradient_norms(8.0))
    assert e.axes["cell"].get_ylim() == (1e-2, 1e2)  # b_f = 8: 0.96 .. 11.5, two decades each way
    assert e.axes["input"].get_ylim() == (1e-31, 10.0)


def test_headline_says_what_the_frame_shows():
    assert headline(gradient_norms(1.0)) == (
        "Forget bias +1.0: at the first input the LSTM gets ×10²¹ the gradient of the "
        "same-init RNN,\nbut ×0.28 that of the favourable orthogonal RNN\n"
        "Mean forget gate 0.728: along the cell state alone, ∏f leaves 7.2×10⁻¹⁴"
    )
    assert headline(gradient_norms(-2.0)).startswith(
        "Forget bias -2.0: the LSTM passes less gradient back than both RNNs,"
    )
    eight = headline(gradient_norms(8.0))
    assert "more gradient than both RNNs" in eight and "×10⁸ the orthogonal RNN" in eight
    assert eight.endswith("tanh(C) is saturated in 78% of the units")


def test_frames_are_readable_svg():
    """Vector frames (sharp at any density) with every text at least 11 pt, which is
    12 CSS px or more whenever the 648 pt (864 px) wide figure is shown 735 px wide or wider."""
    e = forget_bias_explorer(biases=(0.0, 1.0), bias=1.0)
    svg = e.frames[1].decode()
    assert svg.startswith("<?xml") and 'width="648pt"' in svg
    sizes = [float(x) for x in re.findall(r"font-size: ([0-9.]+)px", svg)]
    assert len(sizes) > 20 and min(sizes) >= 11.0
    assert "<tspan" not in svg  # no mathtext (its sub- and superscripts are 0.7 × smaller)
    assert len(e.frames[1]) < 60_000


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
    assert e.image == e.render(gradient_norms(2.5, steps=30)) == e.frames[3]
    # the callback recomputed: the title of the last drawing names the new bias
    assert e.title.get_text().startswith("Forget bias +2.5:")
    e.slider.value = -2.0
    assert e.stack.selected_index == 0 and e.image == e.frames[0]
    # the same figure and the same three lines, updated rather than recreated
    # (one line and one exit marker per curve)
    assert e.figure is figure and [len(ax.lines) for ax in e.axes.values()] == [6, 4]
    assert {name: id(line) for name, line in e.lines.items()} == line_ids
    assert len(e.figure.axes) == 2


def test_set_bias_between_grid_values_and_back():
    e = forget_bias_explorer(**SMALL)
    drawn = []
    render = e.render
    e.render = lambda norms: drawn.append(norms.forget_bias) or render(norms)
    e.set_bias(0.3)
    assert drawn == [0.3]  # one recomputation and one drawing, of the value asked for
    assert e.bias == 0.3 and e.slider.value == 0.0 and e.stack.selected_index == 1
    assert e.image == e.render(gradient_norms(0.3, steps=30)) != e.frames[1]
    assert e.stack.children[1].tooltip == describe(gradient_norms(0.3, steps=30))
    assert repr(e) == "ForgetBiasExplorer(bias=+0.30, frames=4)"
    e.slider.value = 2.5  # moving away restores the stored frame
    assert e.stack.children[1].value == e.frames[1]
    assert e.stack.children[1].tooltip == describe(gradient_norms(0.0, steps=30))
    e.set_bias(0.3)
    e.set_bias(0.0)  # on the grid, slider already there: the stored frame again
    assert e.bias == 0.0 and e.image == e.frames[1]
    with pytest.raises(ValueError, match="bias: expected a finite number"):
        e.set_bias(float("nan"))


def test_description_names_the_bias_and_the_end_values():
    text = describe(gradient_norms(2.0))
    assert "b_f = +2.00" in text and "k = 100" in text and "k = 99" in text
    assert "full gradient at the cell state 3.8e-02" in text and "direct path 9.1e-06" in text
    assert "LSTM 4.6e-02, simple RNN with the same initialisation 6.8e-30" in text
    assert headline(gradient_norms(2.0)).replace("\n", "; ") in text


def test_redraws_reuse_the_canvas_with_no_layout_engine_and_no_mathtext(explorer):
    """What keeps a redraw at a few tens of ms (the time itself is measured by
    ``benchmarks/bench.py``, not here): one persistent canvas, no layout engine
    (constrained layout would measure every label on every frame) and no mathtext in
    the strings that change (matplotlib's mathtext parser is slow and its cache small)."""
    canvas = explorer.figure.canvas
    explorer.render(gradient_norms(0.0, steps=30))
    assert explorer.figure.canvas is canvas and type(canvas).__name__ == "FigureCanvasSVG"
    assert explorer.figure.get_layout_engine() is None
    texts = [explorer.title, *explorer.end_labels.values()]
    texts += [t for ax in explorer.axes.values() for t in ax.get_yticklabels()]
    assert texts and not [t.get_text() for t in texts if "$" in t.get_text()]


def test_the_data_is_drawn_over_a_background_cached_per_pair_of_y_limits(default_explorer):
    limits = set()
    for bias in DEFAULT_BIASES:
        default_explorer.render(gradient_norms(bias))
        limits.add(tuple(ax.get_ylim() for ax in default_explorer.axes.values()))
    assert set(default_explorer._backgrounds) == limits and len(limits) < len(DEFAULT_BIASES)
    e = forget_bias_explorer(biases=(1.0, 8.0), bias=1.0)
    assert len(e._backgrounds) == 2
    svg = e.render(gradient_norms(1.0)).decode()
    assert len(e._backgrounds) == 2  # drawn again over the cached background
    background = e._backgrounds[tuple(ax.get_ylim() for ax in e.axes.values())]
    assert svg.startswith(background.rsplit("</svg>", 1)[0])
    # the hidden artists are visible again after the background was drawn
    assert all(line.get_visible() for line in e.lines.values())
    # every curve is one path of its k values, starting at (0, 1) in data coordinates
    paths = re.findall(r'<path d="M([^"]+)" clip-path="url\(#clip-(input|cell)\)"', svg)
    assert [(len(d.split(" L")), panel) for d, panel in paths] == [
        (100, "input"),
        (100, "input"),
        (100, "input"),
        (101, "cell"),
        (101, "cell"),
    ]
    first = [float(v) for v in paths[0][0].split(" L")[0].split()]
    x0, y0 = e.axes["input"].transData.transform((0, 1.0))
    assert first == pytest.approx([x0, e.figure.bbox.height - y0], abs=0.006)
    assert (
        ">5.1×10⁻⁹</text>" in svg
        and ">but ×0.28 that of the favourable orthogonal RNN</text>" in svg
    )


def test_repr_is_short_and_deterministic():
    text = forget_bias_explorer(**SMALL)._repr_mimebundle_()["text/plain"]
    assert text == "ForgetBiasExplorer(bias=+1.00, frames=4)"
    assert repr(ForgetBiasExplorer(bias=-2.0, **SMALL)) == (
        "ForgetBiasExplorer(bias=-2.00, frames=4)"
    )


def test_bad_arguments():
    with pytest.raises(ValueError, match="bias: expected a value on the grid"):
        ForgetBiasExplorer(biases=(0.0, 1.0), bias=0.5)
    with pytest.raises(ValueError, match="biases: expected at least 2 increasing values"):
        ForgetBiasExplorer(biases=(1.0, 0.0), bias=1.0)


def test_lstm_lib_does_not_import_the_widgets():
    modules = ("lstm_lib.widgets", "matplotlib", "ipywidgets")
    code = f"import sys, lstm_lib; print(*(m in sys.modules for m in {modules}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
