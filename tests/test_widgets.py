"""lstm_lib.widgets: the forget-bias slider, without a browser.

The static page shows ``explorer.frames`` (selected by a jslink in the browser); a
live kernel recomputes in the slider's callback. These tests check that both show the
same thing, that the callback redraws the right frame on the same figure, and that
the text the notebook stores (the repr) is short and deterministic.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("ipywidgets")

import ipywidgets as widgets

from lstm_lib import gradient_norms
from lstm_lib.widgets import (
    CURVES,
    DEFAULT_BIASES,
    FLOOR,
    ForgetBiasExplorer,
    describe,
    forget_bias_explorer,
)

# A short grid and short sequences keep the tests fast; the defaults are checked once.
SMALL = {"biases": (-2.0, 0.0, 1.0, 2.5), "steps": 30}


@pytest.fixture(scope="module")
def explorer():
    return forget_bias_explorer(**SMALL)


@pytest.fixture(scope="module")
def default_explorer():
    return forget_bias_explorer()


def test_default_grid_covers_the_slider_range():
    assert DEFAULT_BIASES[0] == -6.0 and DEFAULT_BIASES[-1] == 8.0
    np.testing.assert_allclose(np.diff(DEFAULT_BIASES), 0.5)
    assert 1.0 in DEFAULT_BIASES and 0.0 in DEFAULT_BIASES


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


def test_rendered_lines_hold_the_numbers_of_gradient_norms(explorer):
    norms = gradient_norms(2.5, steps=30)
    explorer.render(norms)
    for name in CURVES:
        np.testing.assert_array_equal(
            explorer.lines[name].get_ydata(), np.maximum(getattr(norms, name), FLOOR)
        )
    assert "+2.50" in explorer.ax.get_title()


def test_frames_are_png_and_deterministic(explorer):
    again = forget_bias_explorer(**SMALL)
    assert again.frames == explorer.frames
    assert all(f.startswith(b"\x89PNG\r\n\x1a\n") for f in explorer.frames)
    assert len(set(explorer.frames)) == len(explorer.frames)  # every frame differs


def test_the_slider_and_the_stack_are_linked_in_the_browser(explorer):
    link = explorer.link
    # jslink creates a LinkModel widget: the browser keeps the two traits equal, no kernel needed
    assert isinstance(link, widgets.Widget) and link._model_name == "LinkModel"
    assert link.source == (explorer.slider, "index")
    assert link.target == (explorer.stack, "selected_index")
    assert explorer.children == (explorer.slider, explorer.stack)
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
    assert "+2.50" in e.ax.get_title()
    e.slider.value = -2.0
    assert e.stack.selected_index == 0 and e.image == e.frames[0]
    # the same figure and the same three lines, updated rather than recreated
    assert e.figure is figure and len(e.ax.lines) == 3
    assert {name: id(line) for name, line in e.lines.items()} == line_ids
    assert len(e.figure.axes) == 1


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
    assert "b_f = +2.00" in text and "k = 100" in text
    assert "LSTM full gradient 3.8e-02" in text and "direct path 9.1e-06" in text


def test_redraws_stay_fast(explorer):
    """What keeps a redraw at a few tens of ms: one persistent Agg canvas (its text
    caches survive between frames) and no layout engine (constrained layout would
    measure every label on every frame)."""
    canvas = explorer.figure.canvas
    explorer.render(gradient_norms(0.0, steps=30))
    assert explorer.figure.canvas is canvas and type(canvas).__name__ == "FigureCanvasAgg"
    assert explorer.figure.get_layout_engine() is None


def test_repr_is_short_and_deterministic(explorer):
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
