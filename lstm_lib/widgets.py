"""The forget-bias slider of chapter "Vanishing gradients".

:func:`forget_bias_explorer` returns a :class:`ForgetBiasExplorer`: a slider over the
forget-gate bias ``b_f`` above a figure of three gradient norms from
:func:`lstm_lib.gradient_norms`, k = 0..100 steps back from a loss at
the last step (log scale):

* the LSTM's full BPTT gradient ‖∂L/∂C_{T-k}‖,
* the direct path ‖(∏ f) * ∂L/∂C_T‖ along the cell state alone,
* the simple RNN's ‖∂L/∂h_{T-k}‖.

It works in two settings with the same code path:

* **No kernel** (the static HTML book): one PNG frame per bias on a grid is computed
  when the widget is built and stored in an ``ipywidgets.Stack`` of ``Image``
  widgets; the slider's ``index`` is linked to the stack's ``selected_index`` with
  ``jslink``, which runs in the browser, so moving the slider shows the stored frame.
* **Live kernel**: moving the slider also recomputes ``gradient_norms`` for the new
  value and redraws the current frame; :meth:`ForgetBiasExplorer.set_bias` shows any
  value, not only those on the grid.

Every frame is drawn by :meth:`ForgetBiasExplorer.render` on one persistent
matplotlib figure (``matplotlib.figure.Figure``, not pyplot, so nothing is shown by
accident): an update sets the y data of the three existing lines and saves the
figure to PNG bytes. A recomputation plus a redraw takes a few tens of milliseconds.

Needs matplotlib and ipywidgets (the ``book`` extra); ``import lstm_lib`` does not
import this module.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from lstm_lib.gradient_flow import GradientNorms, gradient_norms
from lstm_lib.style import COLORS, LABELS, LINESTYLES, use_book_style

__all__ = [
    "CURVES",
    "DEFAULT_BIASES",
    "ForgetBiasExplorer",
    "Frame",
    "describe",
    "forget_bias_explorer",
]

#: The slider's grid, b_f = -6, -5.5, ..., +8 (29 values). 0.5 apart keeps the
#: stored frames light (about 1.3 MB as base64 in the page); a live kernel shows
#: any value in between with :meth:`ForgetBiasExplorer.set_bias`.
DEFAULT_BIASES = tuple(float(b) for b in np.round(np.arange(-6.0, 8.0 + 1e-9, 0.5), 2))

#: The three curves, in drawing order (keys of COLORS, LINESTYLES, LABELS and
#: fields of :class:`lstm_lib.GradientNorms`).
CURVES = ("lstm", "direct_path", "rnn")

#: The y axis is fixed (so frames can be compared): 1e-40 .. 1e3.
Y_LIMITS = (1e-40, 1e3)

#: Norms below this (down to exact zeros after underflow) are drawn at this value,
#: just under the axis, so a log axis never receives zero.
FLOOR = 1e-45

_DPI = 80
_FIGSIZE = (5.6, 3.4)  # inches: 448 x 272 pixels at 80 dpi


@contextmanager
def _book_rc() -> Iterator[None]:
    """Matplotlib's defaults plus the book style, whatever the caller's rcParams are.

    The widget's figure has fixed margins: no layout engine (savefig would otherwise
    switch constrained layout back on from the book style's rcParams).
    """
    with mpl.rc_context():
        mpl.rcdefaults()
        use_book_style()
        mpl.rcParams["figure.constrained_layout.use"] = False
        yield


def describe(norms: GradientNorms) -> str:
    """A text alternative for one frame (the Image's tooltip, its name in the static page)."""
    k = int(norms.k[-1])
    return (
        f"Gradient norms on a log scale, k = 0 to {k} steps back, forget bias "
        f"b_f = {norms.forget_bias:+.2f} (mean forget gate {norms.mean_forget_gate:.4f}). "
        f"At k = {k}: LSTM full gradient {norms.lstm[-1]:.1e}, direct path "
        f"{norms.direct_path[-1]:.1e}, simple RNN {norms.rnn[-1]:.1e}."
    )


def _label(bias: float) -> str:
    """Slider label of a grid value, e.g. ``+1.50``."""
    return f"{bias:+.2f}"


class Frame(widgets.Image):
    """An ``ipywidgets.Image`` whose ``tooltip`` (the frame's text alternative) renders.

    The browser side of ipywidgets 8 (``@jupyter-widgets/base``, in JupyterLab and in
    html-manager 1.0 for the static page) sets the ``title`` of a widget from its
    ``tooltip`` only after reading ``description.length``; ``Image`` has no
    ``description``, so a non-empty tooltip stops the image from being displayed at all
    ("Could not create a view"). An empty synced ``description`` avoids that.
    """

    description = traitlets.Unicode("").tag(sync=True)


class ForgetBiasExplorer(widgets.VBox):
    """A slider over the forget bias ``b_f`` above the gradient-norm figure.

    Build it with :func:`forget_bias_explorer`. Children: the slider
    (attribute ``slider``, an ``ipywidgets.SelectionSlider``) and the frames
    (``stack``, an ``ipywidgets.Stack`` of :class:`Frame` images, one per value of
    ``biases``). ``frames`` holds the stored PNG bytes, ``figure`` and ``lines`` the
    persistent matplotlib figure and its three lines, ``bias`` the value on display.

    Parameters
    ----------
    biases : sequence of float
        The slider's grid, increasing.
    bias : float
        The value shown first; must be on the grid.
    **gradient_kwargs
        Passed to :func:`lstm_lib.gradient_norms` (``steps``, ``hidden_size``,
        ``input_size``, ``seed``, ``rnn_spectral_radius``).
    """

    def __init__(
        self, biases: Sequence[float] = DEFAULT_BIASES, bias: float = 1.0, **gradient_kwargs
    ) -> None:
        biases = tuple(float(b) for b in biases)
        if len(biases) < 2 or any(b >= c for b, c in pairwise(biases)):
            raise ValueError(f"biases: expected at least 2 increasing values, got {biases}")
        if float(bias) not in biases:
            raise ValueError(f"bias: expected a value on the grid {biases}, got {bias}")
        self.biases = biases
        self.gradient_kwargs = dict(gradient_kwargs)
        self.bias = float(bias)
        self._overridden: int | None = None  # frame showing an off-grid value
        self._requested: float | None = None  # the value set_bias is showing

        all_norms = [self.compute(b) for b in biases]
        with _book_rc():
            self.figure, self.ax, self.lines = self._make_figure(all_norms[0].k)
        #: The stored frames, PNG bytes per grid value (what the page shows without a kernel).
        self.frames = tuple(self.render(norms) for norms in all_norms)
        self._descriptions = tuple(describe(norms) for norms in all_norms)

        index = biases.index(self.bias)
        self.stack = widgets.Stack(
            [
                Frame(value=png, format="png", tooltip=text)
                for png, text in zip(self.frames, self._descriptions, strict=True)
            ],
            selected_index=index,
        )
        self.slider = widgets.SelectionSlider(
            options=[(_label(b), b) for b in biases],
            value=self.bias,
            description="forget bias b_f",
            continuous_update=True,
            style={"description_width": "initial"},
            layout={"width": f"{round(_FIGSIZE[0] * _DPI)}px"},
        )
        # In the browser, with or without a kernel: the slider picks the stored frame.
        self.link = widgets.jslink((self.slider, "index"), (self.stack, "selected_index"))
        # With a kernel: recompute and redraw the frame for the new value.
        self.slider.observe(self._on_slider, names="value")
        super().__init__([self.slider, self.stack])

    # ------------------------------------------------------------------ computing

    def compute(self, bias: float) -> GradientNorms:
        """``gradient_norms(bias, **gradient_kwargs)``: the numbers of one frame."""
        return gradient_norms(bias, **self.gradient_kwargs)

    # ------------------------------------------------------------------ drawing

    def _make_figure(self, k: np.ndarray):
        figure = Figure(figsize=_FIGSIZE, dpi=_DPI, layout="none")
        FigureCanvasAgg(figure)  # one canvas for the figure's life: its text caches persist
        figure.subplots_adjust(left=0.15, right=0.95, bottom=0.33, top=0.9)
        ax = figure.add_subplot()
        lines = {
            name: ax.plot(
                k,
                np.ones(k.shape),
                color=COLORS[name],
                linestyle=LINESTYLES[name],
                label=LABELS[name],
            )[0]
            for name in CURVES
        }
        ax.set_yscale("log")
        ax.set_ylim(*Y_LIMITS)
        ax.set_xlim(k[0], k[-1])
        ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-40, 1, 10)))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel(r"$k$, steps back from the loss at step $T$")
        ax.set_ylabel("gradient norm")
        figure.legend(
            loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=2, fontsize=9, handlelength=2.5
        )
        return figure, ax, lines

    def render(self, norms: GradientNorms) -> bytes:
        """Draw ``norms`` on the persistent figure and return the PNG bytes.

        Sets the y data of the three existing lines (no new figure, no new lines),
        writes the bias and the mean forget gate in the title, saves to PNG.
        The bytes depend only on ``norms`` (no timestamp or software tag).
        """
        for name, line in self.lines.items():
            line.set_ydata(np.maximum(getattr(norms, name), FLOOR))
        self.ax.set_title(
            f"forget bias $b_f$ = {norms.forget_bias:+.2f}, "
            f"mean forget gate $f_t$ = {norms.mean_forget_gate:.4f}"
        )
        buffer = io.BytesIO()
        with _book_rc():
            self.figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
        return buffer.getvalue()

    # ------------------------------------------------------------------ updating

    @property
    def image(self) -> bytes:
        """The PNG bytes of the frame on display."""
        return self.stack.children[self.stack.selected_index].value

    def _restore_overridden_frame(self) -> None:
        if self._overridden is not None:
            index, self._overridden = self._overridden, None
            image = self.stack.children[index]
            image.value = self.frames[index]
            image.tooltip = self._descriptions[index]

    def _show(self, bias: float, index: int) -> None:
        """Recompute for ``bias``, redraw frame ``index`` and select it."""
        self._restore_overridden_frame()
        self.bias = float(bias)
        norms = self.compute(bias)
        image = self.stack.children[index]
        image.value = self.render(norms)
        image.tooltip = describe(norms)
        self.stack.selected_index = index  # jslink does this in the browser; here too
        if self.bias != self.biases[index]:
            self._overridden = index

    def _on_slider(self, change: dict) -> None:
        value = float(change["new"])
        # set_bias moves the slider to the nearest grid value but shows its own value
        bias = value if self._requested is None else self._requested
        self._show(bias, self.biases.index(value))

    def set_bias(self, bias: float) -> None:
        """Show any forget bias, also between grid values (needs a live kernel).

        The slider moves to the nearest grid value; the frame there is redrawn for
        ``bias`` itself (its title gives the exact value) until the slider moves again.
        """
        bias = float(bias)
        if not np.isfinite(bias):
            raise ValueError(f"bias: expected a finite number, got {bias}")
        index = int(np.argmin([abs(b - bias) for b in self.biases]))
        if self.slider.value == self.biases[index]:
            self._show(bias, index)
            return
        self._requested = bias
        try:
            self.slider.value = self.biases[index]  # the callback draws `bias` itself
        finally:
            self._requested = None

    def __repr__(self) -> str:
        return f"ForgetBiasExplorer(bias={self.bias:+.2f}, frames={len(self.frames)})"


def forget_bias_explorer(bias: float = 1.0, **kwargs) -> ForgetBiasExplorer:
    """The forget-bias slider of chapter "Vanishing gradients", showing ``bias`` first.

    ``kwargs`` go to :class:`ForgetBiasExplorer` (``biases``, and the settings of
    :func:`lstm_lib.gradient_norms`). Display it by ending a notebook cell with it.
    """
    return ForgetBiasExplorer(bias=bias, **kwargs)
