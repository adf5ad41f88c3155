"""What a reader of Python source knows at each character: the features the units are
compared with in chapter "What a trained LSTM keeps in its cell state".

For every character i of a text (after reading it, as the network has):

- ``bracket_depth``: how many ``(``, ``[``, ``{`` of the code are open (an opening
  bracket counts itself, a closing one no longer); brackets inside strings and
  comments do not count;
- ``inside_brackets``: ``bracket_depth > 0``;
- ``column``: the character's position in its line (0 for the first; a newline has
  the line's length);
- ``leading_whitespace``: a space of the line's indentation;
- ``inside_comment``: part of a ``#`` comment;
- ``inside_string``: part of a string literal (quotes and prefix included,
  docstrings too);
- ``prose``: inside a comment or a string, where the text is English or data, not code.

Strings, comments and brackets are found by Python's own tokenizer (the standard
library's ``tokenize``), so the text must be valid Python source as far as tokenizing goes.
"""

from __future__ import annotations

import io
import tokenize

import numpy as np

__all__ = ["BINARY_FEATURES", "CONTINUOUS_FEATURES", "FEATURES", "code_features"]

#: Features compared with a unit's cell state by the correlation r.
CONTINUOUS_FEATURES = ("bracket_depth", "column")
#: Yes/no features, compared by the AUC.
BINARY_FEATURES = (
    "inside_brackets",
    "leading_whitespace",
    "inside_comment",
    "inside_string",
    "prose",
)
FEATURES = CONTINUOUS_FEATURES + BINARY_FEATURES

_OPEN, _CLOSE = "([{", ")]}"


def code_features(text: str) -> dict[str, np.ndarray]:
    """Every feature of :data:`FEATURES` for each character of ``text`` (Python source).

    Returns a dict of arrays (N,), N = ``len(text)``: int64 for ``bracket_depth`` and
    ``column``, bool for the others.
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    n = len(text)
    chars = np.array(list(text)) if n else np.array([], dtype="<U1")
    line_starts = np.concatenate([[0], np.flatnonzero(chars == "\n") + 1])

    def offset(row: int, col: int) -> int:
        return int(line_starts[row - 1]) + col

    comment = np.zeros(n, bool)
    string = np.zeros(n, bool)
    delta = np.zeros(n + 1, np.int64)  # +1 at an opening bracket, -1 after a closing one
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.COMMENT, tokenize.STRING):
                start, end = offset(*tok.start), offset(*tok.end)
                (comment if tok.type == tokenize.COMMENT else string)[start:end] = True
            elif tok.type == tokenize.OP and tok.string in _OPEN:
                delta[offset(*tok.start)] += 1
            elif tok.type == tokenize.OP and tok.string in _CLOSE:
                delta[offset(*tok.start)] -= 1
    except (tokenize.TokenError, SyntaxError) as error:
        raise ValueError(f"text: expected Python source that tokenizes, got {error}") from None
    depth = np.cumsum(delta[:n])
    # A closing bracket no longer counts: its own -1 is already in the sum at its offset.
    index = np.arange(n)
    line_of = np.searchsorted(line_starts, index, side="right") - 1
    column = index - line_starts[line_of]
    # Indentation: spaces before the first other character of the line.
    not_space = chars != " "
    first_other = np.full(len(line_starts), np.iinfo(np.int64).max)
    rows_with_other = line_of[not_space]
    np.minimum.at(first_other, rows_with_other, index[not_space])
    leading = (~not_space) & (index < first_other[line_of])
    return {
        "bracket_depth": depth,
        "inside_brackets": depth > 0,
        "column": column.astype(np.int64),
        "leading_whitespace": leading,
        "inside_comment": comment,
        "inside_string": string,
        "prose": comment | string,
    }
