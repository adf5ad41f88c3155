"""One figure style for the whole book: colours, line styles and labels per quantity.

Every chapter calls :func:`use_book_style` once and takes colours from
:data:`COLORS` by the *quantity* plotted, so the forget gate, the cell state or the
simple RNN's gradient have the same colour in every figure, and no two quantities
share one. The gates and states use Okabe & Ito's palette, designed to stay
distinguishable with the common forms of colour blindness; the other quantities take
colours from Paul Tol's and ColorBrewer's colour-blind-safe schemes that stay clear of
those. Each quantity also has its own line style (:data:`LINESTYLES`), so curves stay
distinguishable in greyscale print too; the direct path (light olive, dashed) and the
simple RNN (dark wine, dotted) differ in lightness as well.

A sweep over a parameter (the spectral radius ρ, the forget bias b_f, the sequence
length T) takes its colours from a sequential palette, :func:`sweep_colors`, light to
dark in the order of the parameter, whose colours are none of the quantities'.
Reference lines, event markers and annotations take a neutral grey from
:data:`GUIDES`. Chapters contain no colour literals (``tests/test_style.py``).

Figures are shown at 96 dpi, so that one inch of figure is 96 CSS pixels of the page
and 11-point text is 14.7 CSS pixels, the size of the book's code text; 7 inches fill
the 672-pixel output column. :func:`use_book_style` makes the notebook store each
figure as a PNG at twice that resolution, reduced to a palette of at most
:data:`PNG_COLORS` colours (a few tens of kilobytes), with its display width in the
output's metadata, so it is sharp on high-density screens.

Needs matplotlib (the ``book`` extra); importing ``lstm_lib`` does not.
"""

from __future__ import annotations

import base64
import io

__all__ = [
    "COLORS",
    "DPI",
    "GUIDES",
    "LABELS",
    "LINESTYLES",
    "OKABE_ITO",
    "PNG_COLORS",
    "SWEEPS",
    "figure_png",
    "sweep_colors",
    "use_book_style",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colour of each quantity, the same in every chapter; no two quantities share one.
COLORS = {
    # gates and candidate
    "f": OKABE_ITO["blue"],  # forget gate f_t
    "i": OKABE_ITO["bluish_green"],  # input gate i_t
    "C_tilde": OKABE_ITO["orange"],  # candidate values C̃_t
    "o": OKABE_ITO["reddish_purple"],  # output gate o_t
    # states
    "C": OKABE_ITO["black"],  # cell state C_t
    "h": OKABE_ITO["sky_blue"],  # hidden state h_t
    "x": "#777777",  # input x_t
    # the two terms of C_t = f_t * C_{t-1} + i_t * C̃_t (darker relatives of f and i)
    "forget_term": "#332288",  # Tol's indigo
    "write_term": "#117733",  # Tol's green
    # the two networks compared (chapters 3 and 4): what reaches their inputs,
    # ‖∂L/∂x_{T-k}‖, the same quantity for both; also the networks' own curves in ch. 4
    "lstm_input": OKABE_ITO["vermillion"],  # the LSTM
    "rnn_input": "#AA4499",  # Tol's purple: the simple RNN, initialised like the LSTM
    "rnn_orthogonal_input": "#004488",  # dark blue: simple RNN, W_hh = ρ·Q (favourable)
    # ... and inside them
    "lstm": "#661100",  # dark brown, a darker vermillion: LSTM full BPTT ‖∂L/∂C_{T-k}‖
    "direct_path": "#999933",  # Tol's olive: ∏ f along the cell state alone (light)
    "rnn": "#882255",  # Tol's wine (dark): simple RNN with W_hh = ρ·Q, ‖∂L/∂h_{T-k}‖
    # the 1997 cell: f_t = 1, no forget gate
    "no_forget_gate": "#CC6677",  # Tol's rose
}

#: Line style of each quantity (so curves differ by more than colour).
LINESTYLES = {
    "f": "-",
    "i": "--",
    "C_tilde": ":",
    "o": "-.",
    "C": "-",
    "h": "--",
    "x": ":",
    "forget_term": "--",
    "write_term": ":",
    "lstm_input": "-",
    "rnn_input": ":",
    "rnn_orthogonal_input": "-.",
    "lstm": "-",
    "direct_path": "--",
    "rnn": ":",
    "no_forget_gate": "-.",
}

#: Legend labels in the seed's notation (matplotlib mathtext).
LABELS = {
    "f": r"forget gate $f_t$",
    "i": r"input gate $i_t$",
    "C_tilde": r"candidate $\tilde{C}_t$",
    "o": r"output gate $o_t$",
    "C": r"cell state $C_t$",
    "h": r"hidden state $h_t$",
    "x": r"input $x_t$",
    "forget_term": r"forget term $f_t * C_{t-1}$",
    "write_term": r"write term $i_t * \tilde{C}_t$",
    "lstm_input": r"LSTM",
    "rnn_input": r"simple RNN, same initialisation",
    "rnn_orthogonal_input": r"simple RNN, orthogonal $W_{hh}$, $\rho = 1$ (favourable)",
    "lstm": r"LSTM, full gradient $\|\partial L/\partial C_{T-k}\|$",
    "direct_path": r"LSTM, direct path $\|\prod f\,*\,\partial L/\partial C_T\|$",
    "rnn": r"simple RNN, orthogonal $W_{hh}$, $\|\partial L/\partial h_{T-k}\|$",
    "no_forget_gate": r"no forget gate (1997), $f_t = 1$",
}

#: Neutral greys for what is not a quantity, such as reference lines (zero, 1), event
#: markers (a write, a read), annotations and the "same as above" legend entries.
#: Greys may repeat; they never stand for a quantity.
GUIDES = {
    "reference": "#999999",  # a horizontal line at 0 or 1
    "event": "#555555",  # a vertical marker at a write or a read, and its label
    "annotation": "#444444",  # text and legend entries that stand for a marker style
}

#: Colour stops of the sequential palettes, light to dark, for sweeps over a
#: parameter, interpolated by :func:`sweep_colors`. None of their colours is a
#: quantity's.
SWEEPS = {
    "rho": ("#9AB4D6", "#8C66AF", "#4D004B"),  # spectral radius ρ: blue-grey to purple
    "b_f": ("#E8A87C", "#A8623A", "#3B2414"),  # forget bias b_f: tan to dark brown
    "T": ("#DAC6A1", "#B07878", "#5A3333"),  # sequence length T: sand to dark rose
}

#: The display resolution, in CSS pixels per inch of figure.
DPI = 96
#: The largest number of colours in a stored (palette) PNG; antialiased lines and
#: text stay smooth.
PNG_COLORS = 96


def sweep_colors(parameter: str, n: int) -> list[str]:
    """``n`` colours for a sweep over ``parameter`` ("rho", "b_f" or "T"), light to dark.

    Pass the parameter values in increasing order and give the k-th curve the k-th
    colour, so that darker always means a larger ρ, b_f or T.
    """
    import matplotlib.colors as mcolors

    if parameter not in SWEEPS:
        raise ValueError(f"parameter must be one of {sorted(SWEEPS)}, got {parameter!r}")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    cmap = mcolors.LinearSegmentedColormap.from_list(parameter, SWEEPS[parameter])
    if n == 1:
        return [SWEEPS[parameter][-1]]
    return [mcolors.to_hex(cmap(k / (n - 1))).upper() for k in range(n)]


def figure_png(fig) -> tuple[str, dict]:
    """A figure as the notebook stores it: a 2× palette PNG and its display width.

    Rendered at twice :data:`DPI` with a tight bounding box, then reduced to at most
    :data:`PNG_COLORS` colours; returns the base64 PNG and the output metadata
    ``{"width": ...}`` in CSS pixels (half the PNG's width), which myst-nb and Jupyter
    use as the displayed width.
    """
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=2 * fig.dpi,
        bbox_inches="tight",
        pad_inches=0.04,
        facecolor="white",
        metadata={"Software": None},
    )
    image = Image.open(buffer).convert("RGB")
    image = image.quantize(
        colors=PNG_COLORS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    width = (image.size[0] + 1) // 2
    return base64.b64encode(out.getvalue()).decode("ascii"), {"width": width}


def _show_figures_as_2x_png() -> None:
    """In IPython, display matplotlib figures with :func:`figure_png` (and nothing else)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the book extra
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    first = not getattr(shell, "_lstm_dissected_png", False)
    if first:
        # Load the backend now (matplotlib loads it with the first figure): the inline
        # backend sets up its own figure formatters when it loads, and ours go on top.
        plt.switch_backend(matplotlib.get_backend())

    def register(*_):
        formatters = shell.display_formatter.formatters
        for mime in ("image/svg+xml", "application/pdf", "image/jpeg"):
            formatters[mime].pop(Figure, None)
        formatters["image/png"].for_type(Figure, figure_png)

    register()
    # matplotlib-inline may set up its own formatters only after the cell that first
    # imported pyplot has run (a post_run_cell hook), replacing ours: register again
    # after every cell (cheap), once per shell.
    if first:
        shell.events.register("post_run_cell", register)
        shell._lstm_dissected_png = True


def use_book_style() -> None:
    """Apply the book's matplotlib settings (sizes, fonts, grid, colour cycle).

    Text is at least 11 points (14.7 CSS pixels at 96 dpi, the size of the book's
    code text). The default colour cycle is the ρ sweep palette, so a curve drawn
    without a colour never takes a quantity's. In IPython, figures are then stored
    as 2× palette PNGs (:func:`figure_png`).
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 3.6),
            "figure.dpi": DPI,
            "savefig.dpi": "figure",
            "figure.constrained_layout.use": True,
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "xtick.labelsize": 11,
            "ytick.labelsize": 11,
            "legend.fontsize": 11,
            "legend.frameon": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "lines.linewidth": 2.0,
            "axes.prop_cycle": cycler(color=sweep_colors("rho", 5)),
            # Fixed ids in SVG output, so stored figures are reproducible.
            "svg.hashsalt": "lstm-dissected",
        }
    )
    _show_figures_as_2x_png()
