"""Interventions on a trained network: which units carry the answer, and what breaks
when one unit's gate is clamped.

A unit is said to *do* something (hold the running sum, say) only if changing that
unit, and not another, breaks it. :func:`lstm_lib.clamp_gate` makes the intervention: unit j's
gate becomes a constant,

    W_gate[j, :] = 0,   b_gate[j] = logit(value)   ⇒   gate_t[j] = σ(b_gate[j]) = value

at every step and for every input, the rest of the network untouched. Clamping a
forget gate at 0.5 makes that unit forget half its cell state per step,
∂C_t/∂C_{t-1} = 0.5 on its own path, so what it held fades within a few steps.
:func:`lstm_lib.readout_shares` says which units the readout listens to.

Introduced in chapter "Learning a long dependency" (``chapters/04_long_dependency``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_lib import _validate as v
from lstm_lib.lstm import lstm_forward
from lstm_lib.params import LSTMParams
from lstm_lib.readout import mse_loss
from lstm_lib.training import Network, predict

__all__ = [
    "CLAMPABLE_GATES",
    "UnitReport",
    "ablation_mse",
    "clamp_gate",
    "readout_shares",
    "unit_report",
]

#: The gates :func:`lstm_lib.clamp_gate` can clamp (the candidate C̃_t is not a gate).
CLAMPABLE_GATES = ("f", "i", "o")


def clamp_gate(params: LSTMParams, gate: str, unit: int, value: float) -> LSTMParams:
    """A copy of ``params`` in which gate ``gate`` of unit ``unit`` is the constant ``value``.

    Parameters
    ----------
    params : LSTMParams
        Not modified.
    gate : "f", "i" or "o"
        Forget, input or output gate.
    unit : int
        j in 0 … H−1.
    value : float
        In (0, 1): the gate's value at every step (σ of the new bias).

    Returns
    -------
    LSTMParams
        Row j of ``W_gate`` zero and ``b_gate[j] = log(value / (1 − value))``.
    """
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params: expected LSTMParams, got {type(params).__name__}")
    if gate not in CLAMPABLE_GATES:
        raise ValueError(f"gate: expected one of {CLAMPABLE_GATES}, got {gate!r}")
    H = params.hidden_size
    if isinstance(unit, bool) or not isinstance(unit, int | np.integer) or not 0 <= unit < H:
        raise ValueError(f"unit: expected an int in [0, {H - 1}] (H = {H}), got {unit!r}")
    value = v.positive_real("value", value)
    if not value < 1:
        raise ValueError(f"value: expected a number in (0, 1), got {value!r}")
    clamped = params.copy()
    getattr(clamped, f"W_{gate}")[unit, :] = 0.0
    getattr(clamped, f"b_{gate}")[unit] = np.log(value / (1.0 - value))
    return clamped


def readout_shares(params: LSTMParams, W_y: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """How much each unit's ``h_T`` moves the answer ``ŷ = W_y · h_T + b_y``, as shares.

    Unit j's share is ``|W_y[0, j]| · std_b(h_T[b, j])`` (its weight times how much it
    varies between the sequences ``xs``), divided by the sum over units.

    Parameters
    ----------
    params : LSTMParams
    W_y : array (1, H)
        The readout's weights.
    xs : array (T, B, D)
        Sequences, run from zero initial states.

    Returns
    -------
    array (H,), summing to 1
    """
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params: expected LSTMParams, got {type(params).__name__}")
    W_y = np.asarray(W_y)
    if W_y.shape != (1, params.hidden_size):
        raise ValueError(f"W_y: expected shape (1, H) = (1, {params.hidden_size}), got {W_y.shape}")
    B = np.shape(xs)[1] if np.ndim(xs) == 3 else 0
    h0 = np.zeros((B, params.hidden_size), params.dtype)
    hs, _, _ = lstm_forward(xs, h0, h0, params)
    spread = np.abs(W_y[0]) * hs[-1].std(axis=0)
    return spread / spread.sum()


def ablation_mse(
    net: Network, xs: np.ndarray, y: np.ndarray, gate: str = "f", value: float = 0.5
) -> np.ndarray:
    """The MSE of ``net`` on ``(xs, y)`` with one unit's gate clamped, for each unit.

    Entry j is the mean squared error of the network whose LSTM has gate ``gate`` of
    unit j clamped to ``value`` (:func:`lstm_lib.clamp_gate`), the readout unchanged.

    Parameters
    ----------
    net : Network
        An LSTM network (from :func:`lstm_lib.init_network` or trained).
    xs : array (T, B, D)
    y : array (B, 1)

    Returns
    -------
    array (H,)
    """
    if not isinstance(net, Network) or net.model != "lstm":
        raise TypeError(
            f"net: expected an LSTM Network, got {getattr(net, 'model', type(net).__name__)!r}"
        )
    return np.array(
        [
            mse_loss(
                predict(Network("lstm", clamp_gate(net.cell, gate, j, value), net.readout), xs), y
            )[0]
            for j in range(net.cell.hidden_size)
        ]
    )


@dataclass(frozen=True, eq=False)
class UnitReport:
    """What each unit of a trained LSTM does for the answer, measured on held-out sequences.

    ``mse``: the network's MSE; ``shares`` (H,): :func:`lstm_lib.readout_shares`;
    ``ablated_mse`` (H,): :func:`lstm_lib.ablation.ablation_mse` (each unit's gate clamped in turn).
    """

    mse: float
    shares: np.ndarray
    ablated_mse: np.ndarray

    @property
    def top(self) -> int:
        """The unit with the largest readout share."""
        return int(np.argmax(self.shares))

    def units_for(self, fraction: float) -> int:
        """How many units, largest shares first, carry ``fraction`` of the readout."""
        return int(np.searchsorted(np.cumsum(np.sort(self.shares)[::-1]), fraction) + 1)

    @property
    def others_mse(self) -> np.ndarray:
        """``ablated_mse`` without the top unit: the controls, shape (H − 1,)."""
        return np.delete(self.ablated_mse, self.top)


def unit_report(
    net: Network, xs: np.ndarray, y: np.ndarray, gate: str = "f", value: float = 0.5
) -> UnitReport:
    """Readout shares and single-unit ablations of an LSTM network on ``(xs, y)``."""
    mse = float(mse_loss(predict(net, xs), y)[0])
    shares = readout_shares(net.cell, net.readout.W_y, xs)
    return UnitReport(mse, shares, ablation_mse(net, xs, y, gate, value))
