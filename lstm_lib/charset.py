"""Characters as token ids: the vocabulary of the character-level LSTM.

Source code is almost all printable ASCII. The vocabulary is the newline, the 95
printable ASCII characters (space to ``~``) and one id for every other character
(tabs, non-ASCII letters in a few docstrings), shown as ``¤``: V = 97 ids, one per
character, so a text of N characters is N ids and position i of the text is
position i of every feature (:mod:`lstm_lib.code_features`).

Introduced in chapter "What a trained LSTM keeps in its cell state" (``chapters/05_char_lstm``).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import _validate as v

__all__ = ["ALPHABET", "OTHER", "VOCAB_SIZE", "decode", "encode"]

#: The characters with an id of their own, in id order: newline, then space to "~".
ALPHABET = "\n" + "".join(chr(k) for k in range(32, 127))
#: The id of every character not in :data:`ALPHABET`, and how :func:`decode` shows it.
OTHER = len(ALPHABET)
OTHER_CHAR = "¤"
#: V, the number of ids.
VOCAB_SIZE = len(ALPHABET) + 1

_TABLE = np.full(128, OTHER, np.int64)
_TABLE[[ord(ch) for ch in ALPHABET]] = np.arange(len(ALPHABET))


def encode(text: str) -> np.ndarray:
    """The ids of ``text``'s characters: an int64 array (N,), one id per character."""
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    ids = np.full(codes.shape, OTHER, np.int64)
    ascii_ = codes < 128
    ids[ascii_] = _TABLE[codes[ascii_]]
    return ids


def decode(tokens: np.ndarray) -> str:
    """The text of ``tokens`` (N,); the id ``OTHER`` (any character outside the alphabet)
    becomes ``¤``."""
    tokens = v.token_array("tokens", tokens, ("N",), (None,), VOCAB_SIZE, vocab_source="V")
    chars = np.array(list(ALPHABET + OTHER_CHAR))
    return "".join(chars[tokens])
