"""The hand-set memory cell of chapters "The three gates" and "The cell state".

One unit (H = 1) reads three inputs, x_t = [write, value, read] (D = 3), and every
weight matrix, shape (1, 4), acts on [h_{t-1}, write, value, read]. Each gate is
driven by one flag with a pre-activation of ±``gain``, so it is either σ(gain) ≈ 1 or
σ(-gain) ≈ 0:

* forget gate f_t = σ(b_f - 2·gain·write): open (b_f = ``forget_bias``, by default
  ``gain``) except at a write, which closes it so that a write replaces the old
  content (with ``reset_on_write=False`` a write adds to it);
* input gate i_t = σ(-gain + 2·gain·write): opens on a write;
* candidate C̃_t = tanh(``value_scale``·value): a copy of the value;
* output gate o_t = σ(-gain + 2·gain·read): opens on a read.

No weight looks at h_{t-1}. The cell-state update (``C_t = f_t * C_{t-1} + i_t * C̃_t``,
notation page) then stores the value present at a write, and h_t = o_t * tanh(C_t)
shows it only at a read.
"""

from __future__ import annotations

import numpy as np

from lstm_lib import _validate as v
from lstm_lib.params import LSTMParams

__all__ = ["MEMORY_INPUTS", "memory_cell"]

#: The input channels of :func:`memory_cell`, in the order of x_t.
MEMORY_INPUTS = ("write", "value", "read")


def memory_cell(
    forget_bias: float | None = None,
    *,
    gain: float,
    value_scale: float,
    reset_on_write: bool = True,
) -> LSTMParams:
    """The hand-set memory cell: :class:`LSTMParams` with D = 3 inputs and H = 1 unit.

    Parameters
    ----------
    forget_bias : float or None
        b_f; ``None`` means ``gain`` (the forget gate open at σ(gain) between writes).
    gain : float > 0
        How hard a flag drives its gate: pre-activations ±gain.
    value_scale : float
        C̃_t = tanh(value_scale · value); small values keep tanh nearly linear, and
        h_t / value_scale then reads the value back.
    reset_on_write : bool
        Whether a write closes the forget gate (weight -2·gain on write) or leaves it
        open (weight 0, the cell of 1997 without a forget gate when b_f is large).

    Returns
    -------
    LSTMParams
        W_f, W_i, W_C, W_o of shape (1, 4) acting on [h_{t-1}, write, value, read];
        b_f, b_i, b_C, b_o of shape (1,).
    """
    gain = v.positive_real("gain", gain)
    value_scale = v.finite_real("value_scale", value_scale)
    b_f = gain if forget_bias is None else v.finite_real("forget_bias", forget_bias)
    if not isinstance(reset_on_write, (bool, np.bool_)):
        raise TypeError(f"reset_on_write: expected a bool, got {type(reset_on_write).__name__}")
    # columns:         h_{t-1}  write                value        read
    f_write = -2 * gain if reset_on_write else 0.0
    return LSTMParams(
        W_f=np.array([[0.0, f_write, 0.0, 0.0]]),
        W_i=np.array([[0.0, 2 * gain, 0.0, 0.0]]),
        W_C=np.array([[0.0, 0.0, value_scale, 0.0]]),
        W_o=np.array([[0.0, 0.0, 0.0, 2 * gain]]),
        b_f=np.array([b_f]),
        b_i=np.array([-gain]),
        b_C=np.array([0.0]),
        b_o=np.array([-gain]),
    )
