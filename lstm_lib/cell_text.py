"""Text coloured by a unit's cell state: static HTML that needs no kernel.

:func:`cell_text_html` writes each character of a text on a background whose colour is
one unit's cell state ``C_t[j]`` after reading it (blue below zero, orange above,
white at zero; the scale is the unit's largest absolute C_t[j] in the text), with the value
in the character's tooltip (``title``). Several units share one view: a row of radio
buttons switches between them with CSS alone, so the page works offline, without
JavaScript and by keyboard (Tab to the buttons, arrow keys to switch; the buttons are
the radio buttons' labels, the chosen one shown reversed); every background is light
enough that black text keeps a contrast ratio of at least 7:1.

Introduced in chapter "What a trained LSTM keeps in its cell state" (``chapters/05_char_lstm``).
"""

from __future__ import annotations

import html

import numpy as np

__all__ = ["BINS", "cell_text_html", "contrast_ratio", "excerpt_views", "palette"]

#: Colour bins on each side of zero (the scale has 2·BINS + 1 colours).
BINS = 5
# The ends of the scale: light blue (negative) and light orange (positive), both light
# enough for black text (a colour-blind-safe pair: blue against orange).
_NEG = np.array([0x7F, 0xB8, 0xE0])
_POS = np.array([0xF5, 0xB0, 0x6B])
_WHITE = np.array([0xFF, 0xFF, 0xFF])


def palette() -> list[str]:
    """The 2·BINS + 1 background colours, from most negative to most positive, as hex."""
    colours = []
    for k in range(-BINS, BINS + 1):
        end = _NEG if k < 0 else _POS
        mix = _WHITE + (end - _WHITE) * abs(k) / BINS
        colours.append("#" + "".join(f"{int(np.rint(c)):02x}" for c in mix))
    return colours


def _luminance(hex_colour: str) -> float:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2])


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two colours ``#rrggbb`` (1 to 21)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _bins(values: np.ndarray) -> np.ndarray:
    scale = float(np.max(np.abs(values))) or 1.0
    return np.clip(np.round(values / scale * BINS), -BINS, BINS).astype(int) + BINS


def cell_text_html(
    text: str, views: dict[str, np.ndarray], *, name: str = "cell-text", caption: str = ""
) -> str:
    """Static HTML of ``text`` coloured by each view's values, one view shown at a time.

    Parameters
    ----------
    text : str
        The characters (newlines break lines).
    views : dict label -> array (N,)
        One value per character, e.g. ``C_t[j]`` of one unit; the label names the view
        on its radio button (e.g. "unit 17: bracket depth").
    name : str
        A prefix for the element ids (unique per page).
    caption : str
        Shown above the text.
    """
    if not isinstance(text, str) or not text:
        raise TypeError(f"text: expected a non-empty str, got {type(text).__name__}")
    if not isinstance(views, dict) or not views:
        raise TypeError(f"views: expected a non-empty dict label -> values, got {views!r}")
    colours = palette()
    css = [
        # black on white whatever the page's colour mode (the book has a dark mode)
        f".{name} {{font-family: monospace; line-height: 1.45; color: #000; background: #fff;"
        " padding: 0.5em; border-radius: 4px;}",
        f".{name} legend {{color: #000;}}",
        f".{name} pre {{margin: 0.4em 0; padding: 0.5em; background: #fff; color: #000;"
        " white-space: pre; overflow-x: auto; border: 1px solid #767676; font-size: 0.85em;}",
        f".{name} .view {{display: none;}}",
        f".{name} fieldset {{border: 0; padding: 0; margin: 0 0 0.3em 0;}}",
        # the radio buttons themselves are invisible but focusable; their labels are the
        # buttons (the checked one black on white reversed), with a visible focus ring
        f".{name} fieldset {{position: relative;}}",
        f".{name} input[type=radio] {{position: absolute; opacity: 0; width: 1px; height: 1px;"
        " margin: 0;}",
        f".{name} label {{display: inline-block; margin: 0 0.4em 0.3em 0; padding: 0 0.4em;"
        " border: 1px solid #767676; border-radius: 3px; cursor: pointer; background: #fff;}",
        f".{name} input:checked + label {{background: #000; color: #fff;}}",
        f".{name} input:focus-visible + label {{outline: 3px solid #0072B2; outline-offset: 2px;}}",
        *(f".{name} .c{k} {{background: {c};}}" for k, c in enumerate(colours)),
    ]
    radios, panels = [], []
    for k, (label, values) in enumerate(views.items()):
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (len(text),):
            raise ValueError(
                f"views[{label!r}]: expected shape (N,) = ({len(text)},), got {values.shape}"
            )
        vid = f"{name}-{k}"
        checked = " checked" if k == 0 else ""
        radios.append(
            f'<input type="radio" name="{name}" id="{vid}"{checked}>'
            f'<label for="{vid}">{html.escape(label)}</label>'
        )
        css.append(f"#{vid}:checked ~ .views .v{k} {{display: block;}}")
        bins = _bins(values)
        spans = []
        for ch, b, x in zip(text, bins, values, strict=True):
            # unquoted attributes (valid HTML: no spaces in the values) keep the page small
            if ch == "\n":
                spans.append(f'<span class=c{b} title="newline: {x:.2f}"> </span>\n')
            else:
                spans.append(f"<span class=c{b} title={x:.2f}>{html.escape(ch)}</span>")
        panels.append(
            f'<pre class="view v{k}" aria-label="{html.escape(label)}">{"".join(spans)}</pre>'
        )
    legend = (
        '<p style="margin:0.2em 0">background: the cell state C<sub>t</sub> after each '
        'character, <span class="c0">&nbsp;most negative&nbsp;</span> '
        f'<span class="c{BINS}">&nbsp;zero&nbsp;</span> '
        f'<span class="c{2 * BINS}">&nbsp;most positive&nbsp;</span> '
        "(per unit); hover over a character for its value.</p>"
    )
    head = f"<p>{html.escape(caption)}</p>" if caption else ""
    return (
        f'<div class="{name}"><style>{" ".join(css)}</style>{head}'
        f"<fieldset><legend>unit shown</legend>{''.join(radios)}"
        f'<div class="views">{legend}{"".join(panels)}</div></fieldset></div>'
    )


def excerpt_views(
    source: str, cs: np.ndarray, first_line: int, n_lines: int, units: dict[str, int]
) -> tuple[str, dict[str, np.ndarray]]:
    """Lines ``first_line`` to ``first_line + n_lines − 1`` (0-based) of ``source``, and the
    cell states ``cs`` (N, H) of the named ``units`` over those characters, for
    :func:`cell_text_html`; ``cs`` is the network's run over the whole of ``source``
    (N = ``len(source)``), so each excerpt is read in its context."""
    cs = np.asarray(cs)
    if cs.ndim != 2 or cs.shape[0] != len(source):
        raise ValueError(f"cs: expected shape (N, H) = ({len(source)}, H), got {cs.shape}")
    lines = source.split("\n")
    start = sum(len(line) + 1 for line in lines[:first_line])
    excerpt = "\n".join(lines[first_line : first_line + n_lines]) + "\n"
    window = slice(start, start + len(excerpt))
    return excerpt, {label: cs[window, j] for label, j in units.items()}
