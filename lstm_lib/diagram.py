"""A diagram of the LSTM cell, drawn as a small SVG in the book's notation.

The cell of chapter 1, :doc:`/chapters/01_gates`: the input ``[h_{t−1}, x_t]``
enters the four blocks σ, σ, tanh, σ with weights ``W_f``, ``W_i``, ``W_C``, ``W_o``;
the cell-state line ``C_{t−1} → ×f_t → + i_t*C̃_t → C_t`` runs along the top;
``tanh(C_t) × o_t`` gives ``h_t``. ``highlight`` picks the part a section discusses:

* ``"forget"``: the forget gate ``f_t`` and the product ``f_t * C_{t−1}``;
* ``"input"``: the input gate ``i_t``, the candidate ``C̃_t`` and ``i_t * C̃_t``;
* ``"output"``: the output gate ``o_t``, ``tanh(C_t)`` and ``h_t``;
* ``"cell_state"``: the line along the top, ``C_t = f_t * C_{t−1} + i_t * C̃_t``;
* ``"direct_path"``: the gradient along the cell state, ``∂C_t/∂C_{t−1} = diag(f_t)``,
  against the paths back through the gates into ``h_{t−1}``;
* ``None``: the whole cell, nothing emphasised.

Colours are those of :data:`lstm_lib.style.COLORS`. The SVG carries its own white
card, so it reads the same in the book's light and dark modes (in dark mode the theme
puts images on a light panel); it is a few kilobytes and byte-for-byte deterministic
(strict nbval compares ``image/svg+xml``). :func:`cell_diagram_text` gives its alt
text and a long description; in a notebook, :func:`cell_diagram` shows the figure and
:func:`cell_diagram_description` the description (a ``<details>`` element).

Needs nothing beyond the standard library to write the SVG (IPython to display it).
"""

from __future__ import annotations

import html
import re

from lstm_lib.style import COLORS

__all__ = [
    "HIGHLIGHTS",
    "CellDiagram",
    "CellDiagramDescription",
    "cell_diagram",
    "cell_diagram_description",
    "cell_diagram_svg",
    "cell_diagram_text",
]

#: The values ``highlight`` accepts.
HIGHLIGHTS = (None, "forget", "input", "output", "cell_state", "direct_path")

WIDTH, HEIGHT = 640, 330
INK = "#222222"  # lines and text of the cell when nothing is highlighted
DIM = "#BBBBBB"  # lines of the parts not under discussion
DIM_TEXT = "#707070"  # their text (4.9:1 on white)
CARD = "#FFFFFF"
CARD_EDGE = "#D0D0D0"

# Geometry (pixels of the 640 x 330 viewBox).
Y_C = 58  # the cell-state line
Y_GATE = 222  # centre of the four gate blocks
Y_BUS = 292  # the input bus [h_{t-1}, x_t]
X_F, X_I, X_CT, X_O = 150, 262, 362, 452  # gate blocks
X_TANH = 540  # tanh(C_t) and the output product
X_PLUS = (X_I + X_CT) // 2  # the + node, above the product i_t * C̃_t
Y_TANH, Y_OUT = 132, Y_GATE
Y_WRITE = 150  # the product i_t * C̃_t
R = 13  # radius of the × and + nodes

_TEXT = {
    None: (
        "",
        "Nothing is highlighted.",
    ),
    "forget": (
        "the forget gate highlighted",
        "Highlighted: the forget gate f_t = σ(W_f · [h_(t−1), x_t] + b_f), the first "
        "σ block, whose output goes up to the × node on the cell-state line, where it "
        "multiplies the previous cell state: the forget term f_t * C_(t−1).",
    ),
    "input": (
        "the input gate and the candidate highlighted",
        "Highlighted: the input gate i_t = σ(W_i · [h_(t−1), x_t] + b_i), the second σ "
        "block, and the candidate C̃_t = tanh(W_C · [h_(t−1), x_t] + b_C), the tanh "
        "block; their outputs meet at a × node, and the product i_t * C̃_t goes up "
        "to the + node of the cell-state line: the write term.",
    ),
    "output": (
        "the output gate highlighted",
        "Highlighted: the output gate o_t = σ(W_o · [h_(t−1), x_t] + b_o), the last σ "
        "block, and the branch that leaves the cell-state line after the + node, "
        "passes through tanh and meets o_t at a × node: h_t = o_t * tanh(C_t), which "
        "leaves the cell on the right.",
    ),
    "cell_state": (
        "the cell-state line highlighted",
        "Highlighted: the cell-state line along the top, from C_(t−1) on the left "
        "through the × node (times f_t) and the + node (plus i_t * C̃_t) to C_t on "
        "the right: C_t = f_t * C_(t−1) + i_t * C̃_t. No weight matrix lies on it.",
    ),
    "direct_path": (
        "the gradient's direct path along the cell state highlighted, against the "
        "dashed paths through the gates and h_(t−1)",
        "Highlighted, solid with arrows pointing left: the gradient along the "
        "cell-state line, from C_t back through the + node and the × node to "
        "C_(t−1), where it is multiplied by f_t only: ∂C_t/∂C_(t−1) = diag(f_t), the "
        "direct path. Dashed: the other paths back, from C_t and h_t through the four "
        "gate blocks and their weights into [h_(t−1), x_t], which reach C_(t−1) only "
        "through h_(t−1) and the previous step.",
    ),
}

_LAYOUT = (
    "Diagram of one LSTM cell. Along the top runs the cell-state line: C_(t−1) enters "
    "on the left, is multiplied by the forget gate f_t at a × node, receives "
    "i_t * C̃_t at a + node and leaves on the right as C_t. Along the bottom, "
    "the input [h_(t−1), x_t] feeds four blocks from left to right: σ with W_f (the "
    "forget gate f_t), σ with W_i (the input gate i_t), tanh with W_C (the candidate "
    "C̃_t) and σ with W_o (the output gate o_t). f_t goes up to the × node of the "
    "cell-state line; i_t and C̃_t meet at a × node whose product goes up to the + "
    "node; a branch of C_t goes down through tanh and is multiplied by o_t, giving "
    "h_t, which leaves on the right."
)


def _check(highlight):
    if highlight not in HIGHLIGHTS:
        raise ValueError(f"highlight must be one of {HIGHLIGHTS}, got {highlight!r}")


def cell_diagram_text(highlight: str | None = None) -> tuple[str, str]:
    """Alt text and long description of :func:`cell_diagram_svg` for ``highlight``.

    The alt text names the figure and what is highlighted (one sentence); the long
    description walks through the whole diagram and then the highlighted part.
    """
    _check(highlight)
    what, detail = _TEXT[highlight]
    with_what = f" with {what}" if what else ""
    alt = (
        f"Diagram of an LSTM cell{with_what}: the input [h_(t−1), x_t] feeds the "
        "blocks σ, σ, tanh and σ (weights W_f, W_i, W_C, W_o); the cell-state line "
        "C_(t−1) → × f_t → + i_t * C̃_t → C_t runs along the top, and "
        "o_t * tanh(C_t) gives h_t."
    )
    return alt, f"{_LAYOUT} {detail}"


# --- drawing ------------------------------------------------------------------------------

_SUB = re.compile(r"([A-Za-z][\u0303]?)_(\{[^}]*\}|[A-Za-z0-9])")


def _rich(label: str, size: int) -> str:
    """SVG text content for a label in the seed's notation (italic symbols, subscripts).

    ``C_{t−1}`` is an italic C with the subscript t−1; ``tanh``, ``σ``, digits and
    brackets are upright; other single letters are italic.
    """
    out = []
    pos = 0
    sub_size = round(size * 0.75)
    for m in _SUB.finditer(label):
        out.append(_plain(label[pos : m.start()]))
        name, sub = m.group(1), m.group(2).strip("{}")
        out.append(f'<tspan font-style="italic">{html.escape(name)}</tspan>')
        out.append(
            f'<tspan dy="{round(size * 0.3)}" font-size="{sub_size}">'
            f'{_plain(sub)}</tspan><tspan dy="-{round(size * 0.3)}">\u200b</tspan>'
        )
        pos = m.end()
    out.append(_plain(label[pos:]))
    return "".join(out)


def _plain(text: str) -> str:
    """Italic for lone Latin letters (symbols), upright for words such as tanh."""
    parts = re.split(r"(\b[A-Za-z]\b)", text)
    return "".join(
        f'<tspan font-style="italic">{p}</tspan>'
        if re.fullmatch(r"[A-Za-z]", p)
        else html.escape(p)
        for p in parts
        if p
    )


class _Canvas:
    def __init__(self):
        self.parts: list[str] = []

    def line(self, points, colour, width=2.0, dash=None, arrow=False):
        path = " ".join(f"{x},{y}" for x, y in points)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{width:g}"{dashes} stroke-linejoin="round"/>'
        )
        if arrow:
            self.arrowhead(points[-2], points[-1], colour, width)

    def arrowhead(self, start, end, colour, width=2.0):
        (x0, y0), (x1, y1) = start, end
        length = 6 + 1.5 * width
        half = 3 + 0.9 * width
        if x0 == x1:  # vertical
            s = 1 if y1 > y0 else -1
            pts = [(x1, y1), (x1 - half, y1 - s * length), (x1 + half, y1 - s * length)]
        else:  # horizontal
            s = 1 if x1 > x0 else -1
            pts = [(x1, y1), (x1 - s * length, y1 - half), (x1 - s * length, y1 + half)]
        path = " ".join(f"{x:g},{y:g}" for x, y in pts)
        self.parts.append(f'<polygon points="{path}" fill="{colour}"/>')

    def node(self, x, y, symbol, colour, width=2.0, fill=CARD):
        self.parts.append(
            f'<circle cx="{x}" cy="{y}" r="{R}" fill="{fill}" stroke="{colour}" '
            f'stroke-width="{width:g}"/>'
        )
        d = 5.5
        if symbol == "+":
            segs = [((x - d, y), (x + d, y)), ((x, y - d), (x, y + d))]
        else:
            segs = [((x - d, y - d), (x + d, y + d)), ((x - d, y + d), (x + d, y - d))]
        for (a, b), (c, e) in segs:
            self.parts.append(
                f'<line x1="{a:g}" y1="{b:g}" x2="{c:g}" y2="{e:g}" stroke="{colour}" '
                f'stroke-width="{width:g}" stroke-linecap="round"/>'
            )

    def block(self, x, y, name, weight, colour, text, width=2.0, fill=CARD):
        w, h = 68, 50
        self.parts.append(
            f'<rect x="{x - w // 2}" y="{y - h // 2}" width="{w}" height="{h}" rx="7" '
            f'fill="{fill}" stroke="{colour}" stroke-width="{width:g}"/>'
        )
        self.text(x, y - 3, name, text, size=19, anchor="middle")
        self.text(x, y + 17, weight, text, size=15, anchor="middle")

    def text(self, x, y, label, colour, size=15, anchor="start", weight=None):
        bold = f' font-weight="{weight}"' if weight else ""
        self.parts.append(
            f'<text x="{x}" y="{y}" font-size="{size}" fill="{colour}" '
            f'text-anchor="{anchor}"{bold}>{_rich(label, size)}</text>'
        )


def _tint(colour: str, amount: float = 0.86) -> str:
    """``colour`` mixed with white (the fill of a highlighted block)."""
    rgb = [int(colour[k : k + 2], 16) for k in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def cell_diagram_svg(highlight: str | None = None) -> str:
    """The LSTM cell as an SVG document (a string of a few kilobytes), deterministic.

    ``highlight`` is one of :data:`HIGHLIGHTS`; the highlighted part is drawn in the
    colours of :data:`lstm_lib.style.COLORS` with thicker lines, the rest in grey.
    """
    _check(highlight)
    alt, description = cell_diagram_text(highlight)
    c = _Canvas()

    def style(part, colour=None):
        """(line colour, width, text colour, fill) of a part of the cell."""
        on = highlight is None or part == highlight
        if highlight == "direct_path":
            on = False
        if not on:
            return DIM, 1.6, DIM_TEXT, CARD
        if highlight is None:
            return INK, 1.8, INK, CARD
        return colour, 3.2, INK, _tint(colour)

    # The cell-state line along the top: C_{t-1} -> x f_t -> + -> C_t.
    cs_line, cs_w, cs_text, _ = style("cell_state", COLORS["C"])
    if highlight in ("forget", "input", "output"):  # they act on the line: show it
        cs_line, cs_w, cs_text = INK, 1.8, INK
    if highlight == "direct_path":
        cs_line, cs_w, cs_text = COLORS["direct_path"], 3.6, INK
    c.text(18, Y_C - 12, "C_{t−1}", cs_text, size=18)
    c.text(WIDTH - 18, Y_C - 12, "C_t", cs_text, size=18, anchor="end")
    if highlight == "direct_path":
        # the gradient flows right to left: arrows point back in time
        for x0, x1 in ((WIDTH - 18, X_PLUS + R), (X_PLUS - R, X_F + R), (X_F - R, 18)):
            c.line([(x0, Y_C), (x1, Y_C)], cs_line, cs_w, arrow=True)
        c.node(X_F, Y_C, "×", cs_line, 2.6)
        c.node(X_PLUS, Y_C, "+", cs_line, 2.6)
    else:
        c.line([(18, Y_C), (X_F - R, Y_C)], cs_line, cs_w)
        c.line([(X_F + R, Y_C), (X_PLUS - R, Y_C)], cs_line, cs_w)
        c.line([(X_PLUS + R, Y_C), (WIDTH - 18, Y_C)], cs_line, cs_w, arrow=True)

    # The input bus [h_{t-1}, x_t] and its four branches.
    bus, bus_w, bus_text, _ = style("bus")
    dash = None
    if highlight == "direct_path":
        bus, bus_w, bus_text, dash = COLORS["lstm"], 2.2, INK, "7 5"
    elif highlight not in (None, "cell_state"):
        bus, bus_w, bus_text = INK, 1.6, INK
    c.text(18, Y_BUS + 26, "[h_{t−1}, x_t]", bus_text, size=18)
    if highlight == "direct_path":
        c.line([(X_O, Y_BUS), (24, Y_BUS)], bus, bus_w, dash, arrow=True)
        for x in (X_F, X_I, X_CT, X_O):
            c.line([(x, Y_GATE + 25), (x, Y_BUS)], bus, bus_w, dash)
    else:
        c.line([(24, Y_BUS), (X_O, Y_BUS)], bus, bus_w)
        for x in (X_F, X_I, X_CT, X_O):
            c.line([(x, Y_BUS), (x, Y_GATE + 25)], bus, bus_w, arrow=True)

    grad = (COLORS["lstm"], 2.2, INK, CARD)  # the paths through h_{t-1}, direct_path view

    # Forget gate: sigma block -> up to the x node on the cell-state line.
    col, w, tc, fill = grad if highlight == "direct_path" else style("forget", COLORS["f"])
    d = "7 5" if highlight == "direct_path" else None
    c.block(X_F, Y_GATE, "σ", "W_f", col, tc, w, fill)
    if highlight == "direct_path":
        c.line([(X_F, Y_C + R), (X_F, Y_GATE - 25)], col, w, d, arrow=True)
    else:
        c.line([(X_F, Y_GATE - 25), (X_F, Y_C + R)], col, w, arrow=True)
        on_line = highlight == "cell_state"
        c.node(X_F, Y_C, "×", cs_line if on_line else col, cs_w if on_line else max(w, 1.8))
    c.text(X_F + 8, 128, "f_t", INK if highlight == "cell_state" else tc, size=18)
    if highlight == "forget":
        c.text(X_F + 28, Y_C - 12, "f_t * C_{t−1}", COLORS["forget_term"], size=17)

    # Input gate and candidate: meet at a x node, the product goes up to the + node.
    ci, wi, ti, fi = grad if highlight == "direct_path" else style("input", COLORS["i"])
    cc, wc, tcc, fc = grad if highlight == "direct_path" else style("input", COLORS["C_tilde"])
    cw, ww, tw, _ = grad if highlight == "direct_path" else style("input", COLORS["write_term"])
    c.block(X_I, Y_GATE, "σ", "W_i", ci, ti, wi, fi)
    c.block(X_CT, Y_GATE, "tanh", "W_C", cc, tcc, wc, fc)
    x_w = X_PLUS
    if highlight == "direct_path":
        c.line([(x_w, Y_C + R), (x_w, Y_WRITE - R)], cw, ww, d)
        c.node(x_w, Y_WRITE, "×", cw, ww)
        c.line([(x_w - R, Y_WRITE), (X_I, Y_WRITE), (X_I, Y_GATE - 25)], ci, wi, d, arrow=True)
        c.line([(x_w + R, Y_WRITE), (X_CT, Y_WRITE), (X_CT, Y_GATE - 25)], cc, wc, d, arrow=True)
    else:
        c.line([(X_I, Y_GATE - 25), (X_I, Y_WRITE), (x_w - R, Y_WRITE)], ci, wi, arrow=True)
        c.line([(X_CT, Y_GATE - 25), (X_CT, Y_WRITE), (x_w + R, Y_WRITE)], cc, wc, arrow=True)
        c.line([(x_w, Y_WRITE - R), (x_w, Y_C + R)], cw, ww, arrow=True)
        c.node(x_w, Y_WRITE, "×", cw, max(ww, 1.8))
        c.node(x_w, Y_C, "+", cs_line if highlight != "input" else cw, max(cs_w, 1.8))
    c.text(X_I - 30, Y_WRITE + 28, "i_t", ti, size=18)
    c.text(X_CT + 8, Y_WRITE + 28, "C̃_t", tcc, size=18)
    c.text(x_w + 8, 104, "i_t * C̃_t", INK if highlight == "cell_state" else tw, size=17)

    # Output: a branch of C_t through tanh, times o_t, gives h_t.
    co, wo, to, fo = grad if highlight == "direct_path" else style("output", COLORS["o"])
    ch, wh, th, _ = grad if highlight == "direct_path" else style("output", COLORS["h"])
    ct, wt, tt, ft = grad if highlight == "direct_path" else style("output", INK)
    if highlight == "output":
        ct, tt, ft = INK, INK, _tint(COLORS["o"], 0.93)
    c.block(X_O, Y_GATE, "σ", "W_o", co, to, wo, fo)
    # tanh(C_t) as a rounded box on the branch
    tw_, th_ = 62, 32
    c.parts.append(
        f'<rect x="{X_TANH - tw_ // 2}" y="{Y_TANH - th_ // 2}" width="{tw_}" height="{th_}" '
        f'rx="15" fill="{ft}" stroke="{ct}" stroke-width="{wt:g}"/>'
    )
    c.text(X_TANH, Y_TANH + 6, "tanh", tt, size=17, anchor="middle")
    if highlight == "direct_path":
        c.line([(X_TANH, Y_TANH - th_ // 2), (X_TANH, Y_C)], ct, wt, d, arrow=True)
        c.line([(X_TANH, Y_OUT - R), (X_TANH, Y_TANH + th_ // 2)], ct, wt, d, arrow=True)
        c.line([(X_TANH - R, Y_OUT), (X_O + 34, Y_OUT)], co, wo, d, arrow=True)
        c.line([(WIDTH - 18, Y_OUT), (X_TANH + R, Y_OUT)], ch, wh, d, arrow=True)
    else:
        c.line([(X_TANH, Y_C), (X_TANH, Y_TANH - th_ // 2)], ct, wt, arrow=True)
        c.line([(X_TANH, Y_TANH + th_ // 2), (X_TANH, Y_OUT - R)], ct, wt, arrow=True)
        c.line([(X_O + 34, Y_OUT), (X_TANH - R, Y_OUT)], co, wo, arrow=True)
        c.line([(X_TANH + R, Y_OUT), (WIDTH - 18, Y_OUT)], ch, wh, arrow=True)
    c.node(X_TANH, Y_OUT, "×", co, max(wo, 1.8))
    c.text(X_TANH - 8, Y_TANH + 46, "tanh(C_t)", tt, size=18, anchor="end")
    c.text(X_O + 36, Y_OUT - 10, "o_t", to, size=18)
    c.text(WIDTH - 18, Y_OUT - 12, "h_t", th, size=18, anchor="end")

    if highlight == "direct_path":  # a legend: above the cell, and beside the input
        c.line([(170, 24), (204, 24)], COLORS["direct_path"], 3.6)
        c.text(212, 29, "direct path: ∂C_t/∂C_{t−1} = diag(f_t)", INK, size=15)
        c.line([(296, HEIGHT - 18), (330, HEIGHT - 18)], COLORS["lstm"], 2.2, "7 5")
        c.text(338, HEIGHT - 13, "paths through the gates and h_{t−1}", INK, size=15)

    body = "\n".join(c.parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">\n'
        f"<title>{html.escape(alt)}</title>\n<desc>{html.escape(description)}</desc>\n"
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" rx="10" '
        f'fill="{CARD}" stroke="{CARD_EDGE}"/>\n{body}\n</svg>\n'
    )


class CellDiagram:
    """The diagram as a notebook output: shown as SVG, its repr names the highlight."""

    def __init__(self, highlight: str | None = None):
        _check(highlight)
        self.highlight = highlight
        self.svg = cell_diagram_svg(highlight)
        self.alt, self.description = cell_diagram_text(highlight)

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"CellDiagram(highlight={self.highlight!r})"


class CellDiagramDescription:
    """The long description as a notebook output: a ``<details>`` element, closed."""

    def __init__(self, highlight: str | None = None):
        self.highlight = highlight
        self.text = cell_diagram_text(highlight)[1]

    def _repr_html_(self) -> str:
        return (
            '<details class="cell-diagram-description"><summary>Description of the '
            f"diagram</summary><p>{html.escape(self.text)}</p></details>"
        )

    def __repr__(self) -> str:
        return f"CellDiagramDescription(highlight={self.highlight!r})"


def cell_diagram(highlight: str | None = None) -> CellDiagram:
    """The LSTM cell with ``highlight`` emphasised (see the module docstring).

    End a notebook cell with it to show the SVG. Give that cell a caption and, as
    its alt text, ``cell_diagram_text(highlight)[0]`` (``tests/test_diagram.py``
    checks that they match).
    """
    return CellDiagram(highlight)


def cell_diagram_description(highlight: str | None = None) -> CellDiagramDescription:
    """The long description of the diagram, for the cell right after the figure.

    In its own cell (tag ``remove-input``), so that it sits under the figure and
    its caption, closed until the reader opens it.
    """
    return CellDiagramDescription(highlight)
