"""The forget-bias slider of chapter "Vanishing gradients".

:func:`forget_bias_explorer` returns a :class:`ForgetBiasExplorer`: a slider over the
forget-gate bias ``b_f`` above a figure of gradient norms from
:func:`lstm_lib.gradient_norm_draws`, k steps back from a loss at the last step T (log
scale), over N independent draws (weights and inputs; N = 20 by default), in two panels:

* **the comparison**, one quantity for every network, the gradient that reaches the
  input x_{T-k}, ‖∂L/∂x_{T-k}‖ / ‖∂L/∂x_T‖: the LSTM, a simple RNN initialised the same
  way (every weight U(-1/√H, 1/√H)), and a simple RNN with the favourable orthogonal
  ``W_hh`` (ρ = 1);
* **inside the LSTM**, the cell state: the full BPTT gradient ‖∂L/∂C_{T-k}‖ and the
  direct path ‖(∏ f) * ∂L/∂C_T‖ along the cell state alone.

Each network's curve is the median over the draws, with a shaded band from the 10 % to
the 90 % quantile (:func:`lstm_lib.spread`). Curves that overlap stay apart by line
style, by their markers (● ■ ▲ ◆) and by the median's last value printed at the right
end behind the same marker; a median that falls below the axis is marked where it
leaves. The y axes are the same in every frame (fitted once to all frames of the grid),
so what does not change with ``b_f`` stays put. The title says in words what the frame
shows, for the median, and how many draws disagree.

It works in two settings with the same code path:

* **No kernel** (the static HTML book): one SVG frame per bias on a grid is computed
  when the widget is built and stored in an ``ipywidgets.Stack`` of ``Image``
  widgets; the slider's ``index`` is linked to the stack's ``selected_index`` with
  ``jslink``, which runs in the browser, so moving the slider shows the stored frame.
* **Live kernel**: moving the slider also recomputes ``gradient_norm_draws`` for the
  new value and redraws the current frame; :meth:`ForgetBiasExplorer.set_bias` shows
  any value, not only those on the grid.

Every frame is drawn by :meth:`ForgetBiasExplorer.render` from one persistent
matplotlib figure (``matplotlib.figure.Figure``, not pyplot, so nothing is shown by
accident) as SVG (vector: sharp at any screen density and zoom). matplotlib draws the
axes, ticks, legends and labels once (the axes are fixed); the frame's data (bands,
curves, markers, end labels, title) are written into that SVG from the figure's own
transforms and line styles, with coordinates rounded to 0.1 pt and relative path
steps, which keeps a redraw at a few milliseconds and a frame at about 30 kB.

Needs matplotlib and ipywidgets (the ``book`` extra); ``import lstm_lib`` does not
import this module.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from xml.sax.saxutils import escape as xml_escape

import numpy as np

try:  # the book-only dependencies (the ``book`` extra)
    import ipywidgets as widgets
    import matplotlib as mpl
    import traitlets
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
except ImportError as error:  # pragma: no cover - exercised in a venv without the extra
    from lstm_lib._book import missing_extra

    raise missing_extra("lstm_lib.widgets", "matplotlib and ipywidgets", error) from error

from lstm_lib.gradient_flow import GradientNormDraws, Spread, gradient_norm_draws, spread
from lstm_lib.plots import (
    FLOOR,
    decade_limits,
    decade_text,
    gradient_norm_axes,
    plot_gradient_norm,
    set_gradient_norm,
)
from lstm_lib.style import COLORS, LINESTYLES, use_book_style

__all__ = [
    "CURVES",
    "DEFAULT_BIASES",
    "DRAWS",
    "PANELS",
    "ForgetBiasExplorer",
    "Frame",
    "describe",
    "first_input_ratio_table",
    "first_input_ratios",
    "forget_bias_explorer",
    "headline",
]

#: The slider's grid, every 0.25 from 0 to 4 where the story turns, coarser outside
#: (-6 … -0.5 and 4.5 … 8); 29 values. A live kernel shows any value in between with
#: :meth:`ForgetBiasExplorer.set_bias`.
DEFAULT_BIASES = (
    *(-6.0, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5),
    *(float(b) for b in np.round(np.arange(0.0, 4.0 + 1e-9, 0.25), 2)),
    *(4.5, 5.0, 6.0, 7.0, 8.0),
)

#: Independent draws (weights and inputs) behind every frame.
DRAWS = 20

#: For each of the two panels, its curves (fields of :class:`lstm_lib.GradientNormDraws`,
#: keys of COLORS and LINESTYLES) in drawing order, and the field holding their k.
PANELS = {
    "input": (("lstm_input", "rnn_input", "rnn_orthogonal_input"), "k_input"),
    "cell": (("lstm", "direct_path"), "k"),
}

#: Every curve on the figure.
CURVES = tuple(name for names, _k in PANELS.values() for name in names)

_FIGSIZE = (9.0, 5.2)  # inches; SVG sizes are in pt, so this shows as 864 x 499 CSS px
_FONT = 11  # pt: 14.7 CSS px at full width, 12 px when the figure is shown 735 px wide
_LINEWIDTHS = {"lstm": 3.0, "lstm_input": 2.6}  # wider lines drawn first: both stay visible
_BAND_OPACITY = 0.22
# Markers on the medians, a different shape per curve of a panel, at k offset per curve
# so that they never sit on top of each other: (matplotlib marker, text symbol, first k).
_MARKERS = {
    "lstm_input": ("o", "●", 8),
    "rnn_input": ("s", "■", 16),
    "rnn_orthogonal_input": ("^", "▲", 24),
    "lstm": ("o", "●", 8),
    "direct_path": ("D", "◆", 20),
}
_MARKER_STEP = 25  # k between two markers of one curve
_MARKER_SIZE = 3.6  # pt, half the width of a marker
# Plain text, no mathtext: every string is drawn as text in the SVG, at full size (no
# 0.7× subscripts), with the browser's sans-serif fonts as fallback, and fast to lay out.
_PANEL_TITLES = {
    "input": "What reaches the input k steps back, ‖∂L/∂x‖",
    "cell": "Inside the LSTM: at the cell state",
}
#: Legend labels of the curves (the same quantities as lstm_lib.style.LABELS).
WIDGET_LABELS = {
    "lstm_input": "LSTM",
    "rnn_input": "simple RNN, same initialisation",
    "rnn_orthogonal_input": "simple RNN, orthogonal Wₕₕ, ρ = 1 (favourable)",
    "lstm": "full gradient ‖∂L/∂C‖ (every path)",
    "direct_path": "direct path ‖∏f * ∂L/∂C_T‖ only",
}


@contextmanager
def _book_rc() -> Iterator[None]:
    """Matplotlib's defaults plus the book style, whatever the caller's rcParams are.

    The widget's figure has fixed margins: no layout engine (savefig would otherwise
    switch constrained layout back on from the book style's rcParams).
    """
    with mpl.rc_context():
        mpl.rcdefaults()
        use_book_style()
        mpl.rcParams.update(
            {
                "figure.constrained_layout.use": False,
                "font.size": _FONT,
                "axes.titlesize": _FONT,
                "axes.labelsize": _FONT,
                "legend.fontsize": _FONT,
                "xtick.labelsize": _FONT,
                "ytick.labelsize": _FONT,
                "svg.fonttype": "none",  # text as text: small, fast, sharp
                # DejaVu Sans (matplotlib's, which sets the layout) where the reader has
                # it, else the browser's sans-serif: a short list written once per text
                "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
            }
        )
        yield


def _power(x: float) -> str:
    """``x`` as text, '1.8×10⁻⁸' style; plain decimals between 0.01 and 100."""
    if x == 0:
        return "0"
    if 0.01 <= abs(x) < 100:
        return f"{x:.2g}"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}×{decade_text(int(exponent))}"


def _times(ratio: float) -> str:
    """A ratio as text: '×3.5', '×0.28', '×10²¹'."""
    if ratio == 0 or not math.isfinite(ratio):
        return "×0" if ratio == 0 else "×∞"
    if 0.01 <= ratio < 100:
        return f"×{ratio:.2g}"
    return "×" + decade_text(round(math.log10(ratio)))


def first_input_ratios(draws: GradientNormDraws, name: str, other: str) -> np.ndarray:
    """Per draw, curve ``name`` over curve ``other`` at their last k (the first input x_1
    for the input curves), both floored at ``FLOOR`` (a curve may underflow to 0)."""
    a = np.maximum(getattr(draws, name)[:, -1], FLOOR)
    return a / np.maximum(getattr(draws, other)[:, -1], FLOOR)


def first_input_ratio_table(
    biases: Sequence[float],
    *,
    hidden_sizes: Sequence[int] = (32,),
    input_scales: Sequence[float] = (1.0,),
    draws: int = DRAWS,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """:func:`first_input_ratios` of the LSTM against both RNNs, over several set-ups.

    For every hidden size H, input scale and forget bias, the :func:`first_input_ratios`
    of ``gradient_norm_draws(b_f, hidden_size=H, input_scale=scale, draws=draws,
    seed=seed)`` (T = 100, D = 8): the LSTM's gradient at the first input x_1 over the
    same-init RNN's (key ``"rnn_input"``) and over the orthogonal RNN's
    (``"rnn_orthogonal_input"``), each of shape (len(hidden_sizes), len(input_scales),
    len(biases), draws). A ratio above 1 means the LSTM is ahead in that draw.
    """
    others = ("rnn_input", "rnn_orthogonal_input")
    shape = (len(hidden_sizes), len(input_scales), len(biases), draws)
    table = {other: np.empty(shape) for other in others}
    for i, hidden_size in enumerate(hidden_sizes):
        for j, input_scale in enumerate(input_scales):
            for n, bias in enumerate(biases):
                run = gradient_norm_draws(
                    bias, hidden_size=hidden_size, input_scale=input_scale, draws=draws, seed=seed
                )
                for other in others:
                    table[other][i, j, n] = first_input_ratios(run, "lstm_input", other)
    return table


def headline(draws: GradientNormDraws) -> str:
    """What the frame shows, in words (its title), from the frame's numbers: three lines.

    Lines 1-2: the comparison at the first input x_1 (k = T - 1), the median over the
    draws of the LSTM's ratio to the simple RNN initialised the same way and to the
    orthogonal one, and in how many draws the LSTM is ahead. Line 3: the cell state,
    whether it saturates at step T or what the direct path keeps (medians).
    """
    n = draws.draws
    same = first_input_ratios(draws, "lstm_input", "rnn_input")
    orthogonal = first_input_ratios(draws, "lstm_input", "rnn_orthogonal_input")
    vs_same, vs_orthogonal = spread(same).median, spread(orthogonal).median
    ahead_same, ahead_orthogonal = int(np.sum(same > 1)), int(np.sum(orthogonal > 1))
    start = f"Forget bias {draws.forget_bias:+.2f}, medians of {n} draws. At the first input x₁, "
    lines = [start + f"the LSTM gets {_times(vs_same)} the gradient"]
    if vs_same < 1:
        lines.append(
            f"of the same-init RNN (more in {ahead_same} of {n} draws): "
            "a cell set to forget is worse than none"
        )
    else:
        lines.append(
            f"of the same-init RNN{', but' if vs_orthogonal < 1 else ' and'} "
            f"{_times(vs_orthogonal)} that of the orthogonal RNN: "
            f"ahead of it in {ahead_orthogonal} of {n} draws"
        )
    saturated = float(np.median(draws.saturated_T))
    if saturated >= 0.25:
        lines.append(
            f"but the cell state drifts: at step T, tanh(C) is saturated in "
            f"{saturated:.0%} of the units (median)"
        )
    else:
        direct = spread(draws.direct_path[:, -1]).median
        verb = "leaves" if direct < 1e-3 else "keeps"
        left = _power(direct) if direct > FLOOR else "0 (underflow)"
        gate = float(np.median(draws.mean_forget_gate))
        lines.append(
            f"Mean forget gate {gate:.3f}: along the cell state alone, ∏f {verb} {left} at k = T"
        )
    return "\n".join(lines)


def describe(draws: GradientNormDraws) -> str:
    """A text alternative for one frame (the Image's tooltip, its name in the static page)."""
    k_in, k = int(draws.k_input[-1]), int(draws.k[-1])
    first, second, third = headline(draws).split("\n")
    plain = f"{first} {second}. {third}"

    def value(name: str) -> str:
        s = spread(getattr(draws, name)[:, -1])
        return f"{s.median:.1e} (10-90 %: {s.low:.1e} to {s.high:.1e})"

    return (
        f"Gradient norms on a log scale, medians and 10-90 % bands over {draws.draws} draws "
        f"of weights and inputs, forget bias b_f = {draws.forget_bias:+.2f}. {plain}. "
        f"Gradient reaching the input at k = {k_in}: LSTM {value('lstm_input')}, simple "
        f"RNN with the same initialisation {value('rnn_input')}, simple RNN with orthogonal "
        f"W_hh {value('rnn_orthogonal_input')}. Inside the LSTM at k = {k}: full gradient "
        f"at the cell state {value('lstm')}, direct path {value('direct_path')}."
    )


def _label(bias: float) -> str:
    """Slider label of a grid value, e.g. ``+1.50``."""
    return f"{bias:+.2f}"


def _spread_labels(positions: list[float], gap: float) -> list[float]:
    """Move sorted-by-value label positions (axes fraction) apart by at least ``gap``."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for j in range(1, len(placed)):
        placed[j] = max(placed[j], placed[j - 1] + gap)
    overflow = placed[-1] - 1.0 if placed else 0.0
    if overflow > 0:  # push the whole stack down, keeping the gaps
        placed = [p - overflow for p in placed]
        for j in range(len(placed) - 2, -1, -1):
            placed[j] = min(placed[j], placed[j + 1] - gap)
    out = [0.0] * len(positions)
    for i, p in zip(order, placed, strict=True):
        out[i] = p
    return out


_COORDINATES = re.compile(r'( (?:d|x|y)=")([^"]*)(")')
_DECIMALS = re.compile(r"(\d+\.\d\d)\d+")
_FONT_STYLE = f"font-size: {_FONT}px; font-family: 'DejaVu Sans', 'Arial', 'Helvetica', sans-serif"
_STYLE = re.compile(r' style="([^"]*)"')


def _compact(svg: bytes) -> bytes:
    """Matplotlib's SVG, smaller: coordinates rounded to 0.01 pt; no-op rotations, the
    metadata, the DOCTYPE and the ids nothing refers to (``axes_1``, ...) removed; the
    font (the same for every text) and every style used three times or more moved into
    the stylesheet (``class="s0"``…, numbered in order of first use).

    What is drawn does not change, only how it is written: about half the size of
    matplotlib's SVG, which matters because 29 frames are stored in the page.
    """
    text = svg.decode("utf-8").replace("\n", " ")
    text = re.sub(r"<!DOCTYPE[^>]*>|<metadata>.*?</metadata>", "", text)
    text = re.sub(r' id="[a-z][a-z0-9_.]*_\d+"', "", text)  # element names nothing refers to
    text = re.sub(r' transform="rotate\(-0 [^"]*\)"', "", text)
    text = _COORDINATES.sub(lambda m: m[1] + _DECIMALS.sub(r"\1", m[2]) + m[3], text)
    text = text.replace(_FONT_STYLE + "; ", "")
    counts: dict[str, int] = {}
    for style in _STYLE.findall(text):
        counts[style] = counts.get(style, 0) + 1
    names = {style: f"s{i}" for i, style in enumerate(s for s, n in counts.items() if n >= 3)}
    text = _STYLE.sub(lambda m: f' class="{names[m[1]]}"' if m[1] in names else m[0], text)
    rules = "".join(f".{name}{{{style}}}" for style, name in names.items())
    text = text.replace("</style>", f"text{{{_FONT_STYLE}}}{rules}</style>", 1)
    return re.sub(r" {2,}", " ", text).encode("utf-8")


def _tenths(n: int) -> str:
    """An integer number of tenths of a point as the shortest SVG number: 26 -> '2.6'."""
    return f"{n / 10:g}"


def _svg_path_data(xy: np.ndarray, close: bool = False) -> str:
    """SVG path data through the points ``xy`` (n, 2) in pt, rounded to 0.1 pt.

    One absolute move, then relative line steps between the rounded points (exact, so
    no rounding error accumulates): about 9 bytes per point.
    """
    n = np.rint(np.clip(xy, -1e4, 1e4) * 10).astype(np.int64)
    steps = np.diff(n, axis=0).tolist()
    body = " ".join(f"{_tenths(dx)} {_tenths(dy)}" for dx, dy in steps)
    return f"M{_tenths(n[0, 0])} {_tenths(n[0, 1])}l{body}" + ("Z" if close else "")


def _marker_path_data(shape: str, points: np.ndarray, size: float) -> str:
    """Path data of one marker ``shape`` (matplotlib's o, s, ^, D) at each of ``points``."""
    s = size
    templates = {
        "o": f"m{-s:.1f} 0a{s:.1f} {s:.1f} 0 1 0 {2 * s:.1f} 0"
        f"a{s:.1f} {s:.1f} 0 1 0 {-2 * s:.1f} 0z",
        "s": f"m{-s:.1f} {-s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}z",
        "^": f"m0 {-1.2 * s:.1f}l{1.1 * s:.1f} {2 * s:.1f}h{-2.2 * s:.1f}z",
        "D": f"m0 {-1.25 * s:.1f}l{1.25 * s:.1f} {1.25 * s:.1f}l{-1.25 * s:.1f} "
        f"{1.25 * s:.1f}l{-1.25 * s:.1f} {-1.25 * s:.1f}z",
    }
    return "".join(f"M{x:.1f} {y:.1f}{templates[shape]}" for x, y in points)


def _svg_text(text: str, x: float, baseline: float, color: str) -> str:
    """One line of SVG text, left-aligned at ``x`` on ``baseline`` (pt from the top)."""
    return f'<text x="{x:.1f}" y="{baseline:.1f}" style="fill: {color}">{xml_escape(text)}</text>'


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

    Build it with :func:`forget_bias_explorer`. Children: the slider (attribute
    ``slider``, an ``ipywidgets.SelectionSlider``), the labels of the range's two ends
    (``ends``) and the frames (``stack``, an ``ipywidgets.Stack`` of :class:`Frame`
    images, one per value of ``biases``). ``frames`` holds the stored SVG bytes;
    ``figure``, ``axes`` (per panel, their y limits fixed for every frame), ``lines``
    (the medians), ``bands`` (per curve the :class:`lstm_lib.Spread` on display),
    ``exits`` and ``end_labels`` (per curve) the persistent matplotlib figure; ``bias``
    the value on display.

    Parameters
    ----------
    biases : sequence of float
        The slider's grid, increasing.
    bias : float
        The value shown first; must be on the grid.
    draws : int
        N, the number of draws behind every frame.
    **gradient_kwargs
        Passed to :func:`lstm_lib.gradient_norm_draws` (``steps``, ``hidden_size``,
        ``input_size``, ``seed``, ``rnn_spectral_radius``, ``input_scale``).
    """

    def __init__(
        self,
        biases: Sequence[float] = DEFAULT_BIASES,
        bias: float = 1.0,
        *,
        draws: int = DRAWS,
        **gradient_kwargs,
    ) -> None:
        biases = tuple(float(b) for b in biases)
        if len(biases) < 2 or any(b >= c for b, c in pairwise(biases)):
            raise ValueError(f"biases: expected at least 2 increasing values, got {biases}")
        if float(bias) not in biases:
            raise ValueError(f"bias: expected a value on the grid {biases}, got {bias}")
        self.biases = biases
        self.draws = draws
        self.gradient_kwargs = dict(gradient_kwargs)
        self.bias = float(bias)
        self._overridden: int | None = None  # frame showing an off-grid value
        self._requested: float | None = None  # the value set_bias is showing

        self._backgrounds: dict[tuple, str] = {}  # per pair of y limits, see render
        all_draws = [self.compute(b) for b in biases]
        all_spreads = [self._spreads(d) for d in all_draws]
        with _book_rc():
            self._make_figure(all_draws[0], all_spreads)
        #: The stored frames, SVG bytes per grid value (what the page shows without a kernel).
        self.frames = tuple(self._render(d, s) for d, s in zip(all_draws, all_spreads, strict=True))
        self._descriptions = tuple(describe(d) for d in all_draws)

        width = f"{round(_FIGSIZE[0] * 96)}px"  # the figure's natural CSS width
        index = biases.index(self.bias)
        self.stack = widgets.Stack(
            [
                Frame(value=svg, format="svg+xml", tooltip=text, layout={"max_width": "100%"})
                for svg, text in zip(self.frames, self._descriptions, strict=True)
            ],
            selected_index=index,
        )
        self.slider = widgets.SelectionSlider(
            options=[(_label(b), b) for b in biases],
            value=self.bias,
            description="forget bias b_f",
            continuous_update=True,
            style={"description_width": "initial"},
            layout={"width": "100%", "max_width": width},
        )
        self.ends = widgets.HBox(
            [
                widgets.HTML(f"← {_label(biases[0])}: forget gate nearly shut"),
                widgets.HTML(f"{_label(biases[-1])}: forget gate nearly open →"),
            ],
            layout={
                "width": "100%",
                "max_width": width,
                "justify_content": "space-between",
                "flex_flow": "row wrap",
            },
        )
        # In the browser, with or without a kernel: the slider picks the stored frame.
        self.link = widgets.jslink((self.slider, "index"), (self.stack, "selected_index"))
        # With a kernel: recompute and redraw the frame for the new value.
        self.slider.observe(self._on_slider, names="value")
        super().__init__([self.slider, self.ends, self.stack])

    # ------------------------------------------------------------------ computing

    def compute(self, bias: float) -> GradientNormDraws:
        """``gradient_norm_draws(bias, draws=draws, **gradient_kwargs)``: one frame's numbers."""
        return gradient_norm_draws(bias, draws=self.draws, **self.gradient_kwargs)

    @staticmethod
    def _spreads(draws: GradientNormDraws) -> dict[str, Spread]:
        return {name: spread(getattr(draws, name)) for name in CURVES}

    # ------------------------------------------------------------------ drawing

    def _make_figure(self, draws: GradientNormDraws, all_spreads: list[dict]) -> None:
        """The persistent figure, its y axes fitted once to every frame of the grid."""
        figure = Figure(figsize=_FIGSIZE, dpi=72, layout="none")  # display units = SVG pt
        FigureCanvasSVG(figure)  # one canvas for the figure's life
        figure.subplots_adjust(left=0.085, right=0.86, bottom=0.3, top=0.76, wspace=0.62)
        self.figure = figure
        self.axes, self.lines, self.end_labels, self.exits, self.bands = {}, {}, {}, {}, {}
        for column, (panel, (names, k_name)) in enumerate(PANELS.items()):
            ax = figure.add_subplot(1, 2, column + 1)
            k = getattr(draws, k_name)
            bottom, top = decade_limits(
                [s[name].high for s in all_spreads for name in names]
                + [s[name].low for s in all_spreads for name in names]
            )
            handles = []
            for name in names:
                self.lines[name], self.exits[name] = plot_gradient_norm(
                    ax,
                    k,
                    np.ones(k.shape),
                    bottom=bottom,
                    color=COLORS[name],
                    linestyle=LINESTYLES[name],
                    linewidth=_LINEWIDTHS.get(name, 2.0),
                )
                self.end_labels[name] = ax.text(
                    1.02, 0.5, "", color=COLORS[name], transform=ax.transAxes, va="center"
                )
                marker = Line2D(
                    [],
                    [],
                    color=COLORS[name],
                    linestyle=LINESTYLES[name],
                    linewidth=_LINEWIDTHS.get(name, 2.0),
                    marker=_MARKERS[name][0],
                    markersize=2 * _MARKER_SIZE,
                    markeredgecolor="white",
                    markeredgewidth=0.8,
                )
                band = Patch(facecolor=COLORS[name], alpha=_BAND_OPACITY, linewidth=0)
                handles.append((band, marker))
            gradient_norm_axes(ax, int(k[-1]) + (k_name == "k_input"), bottom, top)
            ax.set_title(_PANEL_TITLES[panel], loc="left")
            ax.legend(
                handles,
                [WIDGET_LABELS[name] for name in names],
                loc="upper left",
                bbox_to_anchor=(-0.02, -0.17),
                handlelength=2.6,
                borderaxespad=0.0,
            )
            self.axes[panel] = ax
        self.axes["input"].set_ylabel("gradient norm (1 at k = 0)")
        figure.text(
            0.02,
            0.012,
            f"Lines: the median over {self.draws} draws of weights and inputs; shaded: 10-90 % "
            "of the draws. The axes are the same\nfor every b_f. The title's ratios are medians "
            "of the per-draw ratios, not ratios of the medians.",
            color="#444444",
            linespacing=1.25,
        )
        self.title = figure.suptitle("", x=0.02, y=0.985, ha="left", va="top")

    def render(self, draws: GradientNormDraws) -> bytes:
        """Draw ``draws`` on the persistent figure and return the SVG bytes.

        Per panel, on the fixed axes: each curve's median (the line, marked with a
        triangle where it leaves the bottom) and its 10-90 % band over the draws
        (:func:`lstm_lib.spread`), markers on the medians, and the median's last value
        at the right end, the labels moved apart so that none hides another. The title
        is :func:`headline`. The artists of the figure hold this state; matplotlib draws
        the rest once (``_draw_background``) and ``_overlay`` writes the data. The
        bytes depend only on ``draws`` (no date, fixed ids).
        """
        return self._render(draws, self._spreads(draws))

    def _render(self, draws: GradientNormDraws, spreads: dict[str, Spread]) -> bytes:
        for panel, (names, k_name) in PANELS.items():
            ax = self.axes[panel]
            k = getattr(draws, k_name)
            bottom, top = ax.get_ylim()
            span = math.log10(top) - math.log10(bottom)
            positions = []
            for name in names:
                s = spreads[name]
                self.bands[name] = Spread(
                    np.maximum(s.low, FLOOR), np.maximum(s.median, FLOOR), np.maximum(s.high, FLOOR)
                )
                set_gradient_norm(self.lines[name], self.exits[name], k, s.median, bottom)
                end = float(s.median[-1])
                where = (math.log10(max(end, FLOOR)) - math.log10(bottom)) / span
                positions.append(min(1.0, max(0.0, where)))
                symbol = _MARKERS[name][1]
                if end >= bottom:
                    text = f"{symbol} {_power(end)}"
                else:  # below the axis: the arrow says so, the value is still printed
                    text = (
                        f"{symbol} ↓ {_power(end)}" if end > FLOOR else f"{symbol} ↓ 0, underflow"
                    )
                self.end_labels[name].set_text(text)
            for name, y in zip(names, _spread_labels(positions, 0.075), strict=True):
                self.end_labels[name].set_y(y)
        self.title.set_text(headline(draws))
        limits = tuple(ax.get_ylim() for ax in self.axes.values())
        if limits not in self._backgrounds:
            self._backgrounds[limits] = self._draw_background()
        svg = self._backgrounds[limits]
        return svg.replace("</svg>", self._overlay() + "</svg>").encode("utf-8")

    def _dynamic_artists(self) -> list:
        return [self.title, *self.lines.values(), *self.exits.values(), *self.end_labels.values()]

    def _draw_background(self) -> str:
        """Everything but the frame's data, drawn by matplotlib for the current y limits.

        The curves, exit triangles, end labels and title are hidden for this drawing
        (:meth:`_overlay` writes them); the axes, ticks, grid, legends and labels depend
        only on the y limits, so one drawing serves every frame.
        """
        artists = self._dynamic_artists()
        visible = [a.get_visible() for a in artists]
        for artist in artists:
            artist.set_visible(False)
        buffer = io.BytesIO()
        try:
            with _book_rc():
                self.figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            for artist, was in zip(artists, visible, strict=True):
                artist.set_visible(was)
        return _compact(buffer.getvalue()).decode("utf-8")

    def _overlay(self) -> str:
        """The frame's data as SVG elements, from the state of the (hidden) artists.

        Coordinates come from each axes' data transform (the figure is at 72 dpi, so
        display units are the SVG's points; SVG's y axis points down). Bands and curves
        are clipped to their axes like matplotlib's; styles are the lines' own.
        """
        height = self.figure.bbox.height

        def to_svg(ax, x, y) -> np.ndarray:
            xy = ax.transData.transform(np.column_stack([x, y]))
            xy[:, 1] = np.clip(height - xy[:, 1], -1e4, 1e4)  # far below: still clipped
            return xy

        out = []
        for panel, (names, _k) in PANELS.items():
            ax = self.axes[panel]
            box = ax.bbox
            clip = f"clip-{panel}"
            out.append(
                f'<clipPath id="{clip}"><rect x="{box.x0:.2f}" y="{height - box.y1:.2f}" '
                f'width="{box.width:.2f}" height="{box.height:.2f}"/></clipPath>'
            )
            for name in names:  # the bands first, under every line
                # every second k and the last: a band is a blur, and that halves its bytes
                k = self.lines[name].get_xdata()
                every = np.unique(np.r_[np.arange(0, len(k), 2), len(k) - 1])
                k, high, low = k[every], self.bands[name].high[every], self.bands[name].low[every]
                edge = np.concatenate([to_svg(ax, k, high), to_svg(ax, k[::-1], low[::-1])])
                out.append(
                    f'<path d="{_svg_path_data(edge, close=True)}" clip-path="url(#{clip})" '
                    f'style="fill: {COLORS[name]}; fill-opacity: {_BAND_OPACITY}; stroke: none"/>'
                )
            for name in names:
                line = self.lines[name]
                k, median = line.get_data()
                xy = to_svg(ax, k, median)
                dashes = line._dash_pattern[1]  # scaled by the line width, like matplotlib's
                dash = (
                    f" stroke-dasharray: {','.join(f'{v:.2f}' for v in dashes)};" if dashes else ""
                )
                out.append(
                    f'<path d="{_svg_path_data(xy)}" clip-path="url(#{clip})" style="fill: none; '
                    f"stroke: {line.get_color()}; stroke-width: {line.get_linewidth()};{dash} "
                    'stroke-linecap: butt; stroke-linejoin: round"/>'
                )
                shape, _symbol, first = _MARKERS[name]
                on_axis = np.flatnonzero(median >= ax.get_ylim()[0])
                at = [i for i in range(first, len(k), _MARKER_STEP) if i in set(on_axis)]
                if at:
                    out.append(
                        f'<path d="{_marker_path_data(shape, xy[at], _MARKER_SIZE)}" '
                        f'style="fill: {line.get_color()}; stroke: #ffffff; stroke-width: 0.8"/>'
                    )
                marker = self.exits[name]
                if marker.get_visible():
                    ((x, y),) = ax.transData.transform(np.column_stack(marker.get_data()))
                    y = height - y
                    out.append(
                        f'<path d="M{x - 4.5:.1f} {y - 7.5:.1f}h9l-4.5 7.5z" '
                        f'style="fill: {marker.get_color()}"/>'
                    )
                label = self.end_labels[name]
                x, y = ax.transAxes.transform(label.get_position())
                out.append(
                    _svg_text(label.get_text(), x, height - y + 0.35 * _FONT, label.get_color())
                )
        x = self.title.get_position()[0] * self.figure.bbox.width
        for i, text in enumerate(self.title.get_text().split("\n")):
            out.append(_svg_text(text, x, 16.0 + 1.25 * _FONT * i, "#000000"))
        return "".join(out)

    # ------------------------------------------------------------------ updating

    @property
    def image(self) -> bytes:
        """The SVG bytes of the frame on display."""
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
        draws = self.compute(bias)
        image = self.stack.children[index]
        image.value = self.render(draws)
        image.tooltip = describe(draws)
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
        return (
            f"ForgetBiasExplorer(bias={self.bias:+.2f}, frames={len(self.frames)}, "
            f"draws={self.draws})"
        )


def forget_bias_explorer(bias: float = 1.0, **kwargs) -> ForgetBiasExplorer:
    """The forget-bias slider of chapter "Vanishing gradients", showing ``bias`` first.

    ``kwargs`` go to :class:`ForgetBiasExplorer` (``biases``, ``draws``, and the settings
    of :func:`lstm_lib.gradient_norm_draws`). Display it by ending a notebook cell with it.
    """
    return ForgetBiasExplorer(bias=bias, **kwargs)
