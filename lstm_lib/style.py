"""One figure style for the whole book: colours, line styles and labels per quantity.

Every chapter calls :func:`use_book_style` once and takes colours from
:data:`COLORS` by the *quantity* plotted, so the forget gate, the cell state or the
simple RNN's gradient have the same colour in every figure. The palette is
Okabe & Ito's, designed to stay distinguishable with the common forms of colour
blindness; each quantity also has its own line style (:data:`LINESTYLES`), so
curves stay distinguishable in greyscale print too.

Needs matplotlib (the ``book`` extra); importing :mod:`lstm_lib` does not.
"""

from __future__ import annotations

__all__ = ["COLORS", "LABELS", "LINESTYLES", "OKABE_ITO", "use_book_style"]

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

#: Colour of each quantity, the same in every chapter.
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
    # the two terms of C_t = f_t * C_{t-1} + i_t * C̃_t
    "forget_term": OKABE_ITO["blue"],
    "write_term": OKABE_ITO["bluish_green"],
    # gradient norms over time: what reaches the inputs, the same quantity for every network
    "lstm_input": OKABE_ITO["blue"],  # LSTM ‖∂L/∂x_{T-k}‖
    "rnn_input": OKABE_ITO["vermillion"],  # simple RNN initialised like the LSTM
    "rnn_orthogonal_input": OKABE_ITO["reddish_purple"],  # simple RNN, W_hh = ρ·Q
    # ... and inside the networks
    "lstm": OKABE_ITO["black"],  # LSTM, full BPTT ‖∂L/∂C_{T-k}‖ (black: the cell state)
    "direct_path": OKABE_ITO["orange"],  # ∏ f along the cell state alone
    "rnn": OKABE_ITO["reddish_purple"],  # simple RNN with W_hh = ρ·Q, ‖∂L/∂h_{T-k}‖
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
    "rnn": "-.",
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
}


#: Order of the default colour cycle (for plots that are not one of the quantities above).
_CYCLE = ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "black")


def use_book_style() -> None:
    """Apply the book's matplotlib settings (sizes, fonts, grid, colour cycle).

    Figures are small and rendered at a modest DPI so that notebooks stored with
    their outputs stay light.
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 3.6),
            "figure.dpi": 80,
            "savefig.dpi": 80,
            "figure.constrained_layout.use": True,
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.fontsize": 10,
            "legend.frameon": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "lines.linewidth": 2.0,
            "axes.prop_cycle": cycler(color=[OKABE_ITO[k] for k in _CYCLE]),
            # Fixed ids in SVG output, so stored figures are reproducible.
            "svg.hashsalt": "lstm-dissected",
        }
    )
