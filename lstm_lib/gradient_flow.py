"""How far back does a gradient reach? The computation behind the forget-bias slider.

Chapter "Vanishing gradients" compares three curves over k = 0..steps steps back
from a loss at the last step T:

* ``lstm``: ‖∂L/∂C_{T-k}‖, the full backpropagation-through-time gradient at the
  LSTM's cell state (every path: the direct one and those through ``h`` into the gates);
* ``direct_path``: ‖(f_T * f_{T-1} * … * f_{T-k+1}) * ∂L/∂C_T‖, the gradient that
  would arrive along the cell state alone, where ``∂C_t/∂C_{t-1} = f_t``;
* ``rnn``: ‖∂L/∂h_{T-k}‖ for a simple RNN on the same inputs.

Each curve is divided by its value at k = 0, so all three start at 1.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lstm_lib.lstm import lstm_cell_state_gradients, lstm_forward
from lstm_lib.params import LSTMParams, RNNParams
from lstm_lib.rnn import rnn_forward, rnn_hidden_state_gradients

__all__ = ["GradientNorms", "gradient_norms"]


@dataclass(frozen=True, eq=False)
class GradientNorms:
    """Per-step gradient norms from :func:`gradient_norms`, each normalised to 1 at k = 0.

    Fields:

    - ``forget_bias``: the value of every entry of ``b_f``;
    - ``k``: steps back from the loss, 0, 1, …, steps (entry k belongs to state ``T - k``);
    - ``lstm``: ‖∂L/∂C_{T-k}‖ / ‖∂L/∂C_T‖, full BPTT;
    - ``direct_path``: ‖(∏_{s=T-k+1}^{T} f_s) * ∂L/∂C_T‖ / ‖∂L/∂C_T‖, the cell-state
      path alone;
    - ``rnn``: ‖∂L/∂h_{T-k}‖ / ‖∂L/∂h_T‖ for the simple RNN;
    - ``mean_forget_gate``: the average of ``f_t`` over all steps and units, how open
      the forget gate is.

    The four curves are float64 arrays of length ``steps + 1``.
    """

    forget_bias: float
    k: np.ndarray
    lstm: np.ndarray
    direct_path: np.ndarray
    rnn: np.ndarray
    mean_forget_gate: float


def _read_only(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


@lru_cache(maxsize=32)
def _setup(
    seed: int, steps: int, hidden_size: int, input_size: int, rnn_spectral_radius: float
) -> tuple[np.ndarray, LSTMParams, np.ndarray, np.ndarray]:
    """Everything that does not depend on the forget bias, computed once per setting.

    Returns the inputs ``xs`` (T, 1, D), the LSTM's parameters with ``b_f = 0``,
    the loss direction ``v`` (1, H) and the RNN curve (its gradient does not
    depend on the LSTM's forget bias), all read-only.
    """
    xs_seed, lstm_seed, rnn_seed, loss_seed = np.random.SeedSequence(seed).spawn(4)
    xs = np.random.default_rng(xs_seed).standard_normal((steps, 1, input_size))
    lstm_params = LSTMParams.init(
        input_size, hidden_size, forget_bias=0.0, rng=np.random.default_rng(lstm_seed)
    )
    v = np.random.default_rng(loss_seed).standard_normal((1, hidden_size))
    v /= np.linalg.norm(v)

    rnn_params = RNNParams.init(
        input_size,
        hidden_size,
        spectral_radius=rnn_spectral_radius,
        rng=np.random.default_rng(rnn_seed),
    )
    dhs = _loss_at_last_step(v, steps)
    _hs, cache = rnn_forward(xs, np.zeros((1, hidden_size)), rnn_params)
    rnn = _norms_back_in_time(rnn_hidden_state_gradients(dhs, cache))
    _read_only(xs, v, rnn, *lstm_params.arrays().values())
    return xs, lstm_params, v, rnn


def _loss_at_last_step(v: np.ndarray, steps: int) -> np.ndarray:
    """``dhs`` (T, 1, H) for the loss ``L = v·h_T``: zero except ∂L/∂h_T = v."""
    dhs = np.zeros((steps, *v.shape))
    dhs[-1] = v
    return dhs


def _norms_back_in_time(grads: np.ndarray) -> np.ndarray:
    """(T+1, 1, H) gradients indexed by t -> norms indexed by k = T - t, divided by k = 0."""
    norms = np.linalg.norm(grads[::-1, 0, :], axis=1)
    return norms / norms[0]


def gradient_norms(
    forget_bias: float,
    *,
    steps: int = 100,
    hidden_size: int = 32,
    input_size: int = 8,
    seed: int = 0,
    rnn_spectral_radius: float = 1.0,
) -> GradientNorms:
    """Gradient norms k = 0..steps steps back from a loss at the last step.

    Set-up (all drawn from ``seed``, so the numbers are exactly reproducible):

    * inputs ``x_t`` ~ N(0, 1) i.i.d., shape (steps, 1, input_size), the same for
      both networks; initial states zero;
    * LSTM weights from :meth:`LSTMParams.init` (U(-1/√H, 1/√H)), ``b_i = b_C = b_o = 0``
      and every entry of ``b_f`` equal to ``forget_bias``; only ``b_f`` changes
      with ``forget_bias``, the weights do not;
    * simple RNN from :meth:`RNNParams.init` with ``W_hh = ρ·Q`` (Q random orthogonal,
      ρ = ``rnn_spectral_radius``): with tanh' ≤ 1, each step can only shrink the
      gradient when ρ ≤ 1;
    * loss ``L = v·h_T`` for a random unit vector ``v``, so ``∂L/∂h_T = v``.

    Parameters
    ----------
    forget_bias : float
        Every entry of ``b_f``; the slider's value.
    steps, hidden_size, input_size, seed : int
        T, H, D and the random seed.
    rnn_spectral_radius : float
        ρ of the simple RNN's ``W_hh``.

    Returns
    -------
    GradientNorms
        Arrays of length ``steps + 1``, each 1 at k = 0. Everything except the LSTM
        forward and backward pass is cached per setting, so moving the slider costs
        one LSTM forward and backward pass of ``steps`` steps.
    """
    forget_bias = float(forget_bias)
    if not np.isfinite(forget_bias):
        raise ValueError(f"forget_bias: expected a finite number, got {forget_bias}")
    for name, value in (("steps", steps), ("hidden_size", hidden_size), ("input_size", input_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: expected a positive int, got {value!r}")
    xs, base, v, rnn = _setup(
        int(seed), int(steps), int(hidden_size), int(input_size), float(rnn_spectral_radius)
    )
    params = dataclasses.replace(base, b_f=np.full(hidden_size, forget_bias))
    zeros = np.zeros((1, hidden_size))
    _, _, cache = lstm_forward(xs, zeros, zeros, params)
    dcs = lstm_cell_state_gradients(_loss_at_last_step(v, steps), cache)

    # Direct path: ∂L/∂C_T multiplied by f_T, then f_{T-1}, ... (element-wise).
    f_back = cache.f[::-1, 0, :]  # f_T, f_{T-1}, ..., f_1, each (H,)
    products = np.vstack([np.ones((1, hidden_size)), np.cumprod(f_back, axis=0)])
    direct = np.linalg.norm(products * dcs[-1, 0], axis=1)
    direct /= direct[0]
    return GradientNorms(
        forget_bias=forget_bias,
        k=np.arange(steps + 1),
        lstm=_norms_back_in_time(dcs),
        direct_path=direct,
        rnn=rnn.copy(),
        mean_forget_gate=float(cache.f.mean()),
    )
