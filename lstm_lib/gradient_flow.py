"""How far back does a gradient reach? The computation behind the forget-bias slider.

Chapter "Vanishing gradients" puts a loss ``L = v·h_T`` on the last step T of a
sequence and follows its gradient k steps back, for an LSTM and for a simple RNN on the
same inputs. Every curve is divided by its value at k = 0:

* the comparison of the networks on one quantity, the gradient that reaches an input,
  ‖∂L/∂x_{T-k}‖: ``lstm_input`` for the LSTM, ``rnn_input`` for a simple RNN initialised
  like the LSTM (every weight U(-1/√H, 1/√H), PyTorch's default for both),
  ``rnn_orthogonal_input`` for a simple RNN with the favourable ``W_hh = ρ·Q``;
* the same comparison at the hidden state, ‖∂L/∂h_{T-k}‖: ``lstm_hidden`` for the
  LSTM (with ``C_{T-k}`` held as the other state) and ``rnn`` for the RNN with
  ``W_hh = ρ·Q``;
* the LSTM's inside view: ``lstm``, ‖∂L/∂C_{T-k}‖, the full backpropagation-through-time
  gradient at the cell state (every path), and ``direct_path``,
  ‖(f_T * f_{T-1} * … * f_{T-k+1}) * ∂L/∂C_T‖, the part that travels along the cell
  state alone, where ``∂C_t/∂C_{t-1} = f_t``.

One random network and one input sequence is a *draw*. :func:`gradient_norm_draws`
computes the curves for many independent draws at once (all of them in one batched
forward and backward pass) and :func:`spread` summarises them (median and 10-90 %);
:func:`gradient_norms` is one draw. Draw ``j`` of ``gradient_norm_draws(b, seed=s)`` is
``gradient_norms(b, seed=s + j)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from lstm_lib import _validate  # (not "as v": v is the loss vector here)
from lstm_lib.lstm import _fused_weights
from lstm_lib.params import LSTMParams, RNNParams
from lstm_lib.rnn import rnn_backward, rnn_forward, rnn_hidden_state_gradients

__all__ = [
    "GradientNormDraws",
    "GradientNorms",
    "Spread",
    "cell_state_draws",
    "gradient_norm_draws",
    "gradient_norms",
    "non_normal_draws",
    "non_normal_matrix",
    "power_norms",
    "rnn_gradient_norms",
    "rnn_tanh_derivative_draws",
    "spread",
]

#: Norms below this (exact zeros after underflow included) count as this value in
#: :func:`lstm_lib.spread`, which works on their logarithms.
TINY = 1e-300


@dataclass(frozen=True, eq=False)
class GradientNorms:
    """Per-step gradient norms of one draw, from :func:`gradient_norms`, each 1 at k = 0.

    The states, float64 arrays of length ``steps + 1`` (entry k belongs to the state
    at step ``T - k``, k = 0..steps):

    - ``k``: 0, 1, …, steps;
    - ``lstm``: ‖∂L/∂C_{T-k}‖ / ‖∂L/∂C_T‖, full BPTT;
    - ``direct_path``: ‖(∏_{s=T-k+1}^{T} f_s) * ∂L/∂C_T‖ / ‖∂L/∂C_T‖, the cell-state
      path alone;
    - ``lstm_hidden``: ‖∂L/∂h_{T-k}‖ / ‖∂L/∂h_T‖ for the LSTM, the gradient at the
      hidden state with ``C_{T-k}`` held fixed (the same quantity as ``rnn``);
    - ``rnn``: ‖∂L/∂h_{T-k}‖ / ‖∂L/∂h_T‖ for the simple RNN with ``W_hh = ρ·Q``;
    - ``tanh_derivative``: tanh'(C_{T-k}) = 1 - tanh²(C_{T-k}), averaged over the H
      units (1 at k = steps, where C_0 = 0): how much of ∂L/∂h_{T-k} passes into
      the cell state through h_t = o_t * tanh(C_t).

    The comparison of the networks on the gradient that reaches an input, float64
    arrays of length ``steps`` (entry k belongs to the input ``x_{T-k}``,
    k = 0..steps-1; there is no input x_0):

    - ``k_input``: 0, 1, …, steps - 1;
    - ``lstm_input``: ‖∂L/∂x_{T-k}‖ / ‖∂L/∂x_T‖ for the LSTM;
    - ``rnn_input``: the same for the simple RNN initialised like the LSTM (U(-1/√H, 1/√H));
    - ``rnn_orthogonal_input``: the same for the simple RNN with ``W_hh = ρ·Q``.

    Numbers:

    - ``forget_bias``: the value of every entry of ``b_f``;
    - ``mean_forget_gate``: the average of ``f_t`` over all steps and units;
    - ``cell_gradient_T``: ‖∂L/∂C_T‖ itself, the value ``lstm`` is divided by;
    - ``saturated_T``: the share of units with ``|tanh(C_T)| > 0.99`` at the last step.
    """

    forget_bias: float
    k: np.ndarray
    lstm: np.ndarray
    direct_path: np.ndarray
    rnn: np.ndarray
    mean_forget_gate: float
    k_input: np.ndarray
    lstm_input: np.ndarray
    rnn_input: np.ndarray
    rnn_orthogonal_input: np.ndarray
    tanh_derivative: np.ndarray
    cell_gradient_T: float
    saturated_T: float
    lstm_hidden: np.ndarray


#: The per-step curves of :class:`GradientNorms` (over the states, then over the inputs).
STATE_CURVES = ("lstm", "direct_path", "lstm_hidden", "rnn", "tanh_derivative")
INPUT_CURVES = ("lstm_input", "rnn_input", "rnn_orthogonal_input")
NUMBERS = ("mean_forget_gate", "cell_gradient_T", "saturated_T")


@dataclass(frozen=True, eq=False)
class GradientNormDraws:
    """The curves of :class:`GradientNorms` for N independent draws, from
    :func:`gradient_norm_draws`.

    Same field names as :class:`GradientNorms`, one row per draw: the state curves
    (``lstm``, ``direct_path``, ``lstm_hidden``, ``rnn``, ``tanh_derivative``) have shape
    (N, steps + 1), the input curves (``lstm_input``, ``rnn_input``,
    ``rnn_orthogonal_input``) (N, steps), the numbers (``mean_forget_gate``,
    ``cell_gradient_T``, ``saturated_T``) (N,). ``k``, ``k_input`` and ``forget_bias``
    are shared; ``seeds`` (N,) names each draw (draw j is ``gradient_norms(b, seed=seeds[j])``).
    """

    forget_bias: float
    seeds: np.ndarray
    k: np.ndarray
    k_input: np.ndarray
    lstm: np.ndarray
    direct_path: np.ndarray
    lstm_hidden: np.ndarray
    rnn: np.ndarray
    tanh_derivative: np.ndarray
    lstm_input: np.ndarray
    rnn_input: np.ndarray
    rnn_orthogonal_input: np.ndarray
    mean_forget_gate: np.ndarray
    cell_gradient_T: np.ndarray
    saturated_T: np.ndarray

    @property
    def draws(self) -> int:
        """N, the number of draws."""
        return len(self.seeds)

    def draw(self, j: int) -> GradientNorms:
        """Draw ``j`` as a :class:`GradientNorms` (copies, so the draws stay unchanged)."""
        if not isinstance(j, int | np.integer) or not 0 <= j < self.draws:
            raise ValueError(f"j: expected 0 <= j < {self.draws}, got {j}")
        curves = {name: getattr(self, name)[j].copy() for name in (*STATE_CURVES, *INPUT_CURVES)}
        numbers = {name: float(getattr(self, name)[j]) for name in NUMBERS}
        return GradientNorms(
            forget_bias=self.forget_bias,
            k=self.k.copy(),
            k_input=self.k_input.copy(),
            **curves,
            **numbers,
        )


class Spread(NamedTuple):
    """The 10 %, 50 % (median) and 90 % quantiles over draws (see :func:`spread`)."""

    low: np.ndarray | float
    median: np.ndarray | float
    high: np.ndarray | float


def spread(values: np.ndarray, axis: int = 0) -> Spread:
    """Median and 10-90 % band of positive ``values`` over the draws on ``axis``.

    The quantiles are taken of log10 of the values (values below ``TINY``, underflowed
    zeros included, count as ``TINY``), as suits numbers spread over many decades:
    the median of an even number of draws is the geometric mean of the middle two.
    ``values`` of shape (N, ...) give arrays of shape (...); shape (N,) gives floats.
    """
    values = np.asarray(values, dtype=float)
    logs = np.log10(np.maximum(values, TINY))
    low, median, high = 10.0 ** np.quantile(logs, (0.1, 0.5, 0.9), axis=axis)
    if np.ndim(median) == 0:
        return Spread(float(low), float(median), float(high))
    return Spread(low, median, high)


def _read_only(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


def _back_in_time(grads: np.ndarray) -> np.ndarray:
    """Gradients (n, ..., H) indexed by time t -> norms (..., n) indexed by k = last - t,
    divided by their value at k = 0."""
    norms = np.moveaxis(np.linalg.norm(grads[::-1], axis=-1), 0, -1)
    return norms / norms[..., :1]


@lru_cache(maxsize=256)
def _setup(
    seed: int,
    steps: int,
    hidden_size: int,
    input_size: int,
    rnn_spectral_radius: float,
    input_scale: float,
) -> tuple[np.ndarray, LSTMParams, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """One draw: everything that does not depend on the forget bias.

    Returns the inputs ``xs`` (T, 1, D), the LSTM's parameters with ``b_f = 0``, the
    loss direction ``v`` (1, H) and the three RNN curves (``rnn``, ``rnn_input``,
    ``rnn_orthogonal_input``; the RNNs do not depend on the LSTM's forget bias), all
    read-only.
    """
    xs_seed, lstm_seed, rnn_seed, loss_seed = np.random.SeedSequence(seed).spawn(4)
    xs = input_scale * np.random.default_rng(xs_seed).standard_normal((steps, 1, input_size))
    lstm_params = LSTMParams.init(
        input_size, hidden_size, forget_bias=0.0, rng=np.random.default_rng(lstm_seed)
    )
    v = np.random.default_rng(loss_seed).standard_normal((1, hidden_size))
    v /= np.linalg.norm(v)
    dhs = np.zeros((steps, *v.shape))  # L = v·h_T: zero except ∂L/∂h_T = v
    dhs[-1] = v
    zeros = np.zeros((1, hidden_size))

    # Both RNNs draw W_h from the same generator state: they share W_xh (U(-1/√H, 1/√H))
    # and differ only in W_hh, uniform like the LSTM's weights or ρ times an orthogonal Q.
    curves = []
    for radius in (rnn_spectral_radius, None):
        rnn_params = RNNParams.init(
            input_size, hidden_size, spectral_radius=radius, rng=np.random.default_rng(rnn_seed)
        )
        _hs, cache = rnn_forward(xs, zeros, rnn_params)
        if radius is not None:
            curves.append(_back_in_time(rnn_hidden_state_gradients(dhs, cache)[:, 0]))
        dxs, _dh0, _grads = rnn_backward(dhs, cache)
        curves.append(_back_in_time(dxs[:, 0]))
    rnn, rnn_orthogonal_input, rnn_input = curves
    _read_only(xs, v, rnn, rnn_input, rnn_orthogonal_input, *lstm_params.arrays().values())
    return xs, lstm_params, v, (rnn, rnn_input, rnn_orthogonal_input)


@lru_cache(maxsize=32)
def _setup_draws(seeds: tuple[int, ...], *setting) -> dict[str, np.ndarray]:
    """:func:`_setup` for every seed, stacked along a first axis N (read-only arrays).

    ``xs`` (N, T, D), ``W`` (N, 4H, H+D) and ``b`` (N, 4H) with the LSTM's gates fused
    in the order f, i, o, C̃ and ``b_f = 0``, ``v`` (N, H) and the RNN curves.
    """
    parts = [_setup(seed, *setting) for seed in seeds]
    fused = [_fused_weights(params) for _xs, params, _v, _rnn in parts]
    out = {
        "xs": np.stack([xs[:, 0] for xs, _p, _v, _r in parts]),
        "W": np.stack([W for W, _b in fused]),
        "b": np.stack([b for _W, b in fused]),
        "v": np.stack([v[0] for _xs, _p, v, _r in parts]),
    }
    for i, name in enumerate(("rnn", "rnn_input", "rnn_orthogonal_input")):
        out[name] = np.stack([rnn[i] for _xs, _p, _v, rnn in parts])
    _read_only(*out.values())
    return out


def _lstm_states(xs: np.ndarray, W: np.ndarray, b: np.ndarray) -> dict:
    """LSTM forward passes of N draws at once from zero states (B = 1 each).

    ``xs`` (N, T, D), ``W`` (N, 4H, H+D) and ``b`` (N, 4H), gates fused in the order f, i,
    o, C̃ (columns h, x). Equations (1)-(6) of chapter "Gates", with
    σ(a) = (1 + tanh(a/2)) / 2 so that one ``tanh`` activates all four gates. Returns
    ``g`` (T, N, 4H), the tanh of the scaled pre-activations (its last H columns are
    C̃_t), ``act`` (T, N, 3H) = f_t, i_t, o_t, and ``cs``, ``tanh_cs`` (T+1, N, H) =
    C_0..C_T and their tanh.
    """
    N, T, _D = xs.shape
    H = W.shape[2] - xs.shape[2]
    half = np.concatenate([np.full(3 * H, 0.5), np.ones(H)])  # σ(a) = (1 + tanh(a/2)) / 2
    Wh_T = np.ascontiguousarray((W[:, :, :H] * half[:, None]).transpose(0, 2, 1))  # (N, H, 4H)
    pre = (xs @ W[:, :, H:].transpose(0, 2, 1) + b[:, None]) * half  # (N, T, 4H)
    pre = np.ascontiguousarray(pre.transpose(1, 0, 2))  # (T, N, 4H): the input part
    g = np.empty((T, N, 4 * H))  # tanh of the scaled pre-activations
    act = np.empty((T, N, 3 * H))  # f_t, i_t, o_t
    cs = np.zeros((T + 1, N, H))  # C_0 = 0, C_1, ..., C_T
    tanh_cs = np.zeros((T + 1, N, H))
    h = np.zeros((N, 1, H))
    for t in range(T):
        g_t, a_t, c_t = g[t], act[t], cs[t + 1]
        np.tanh(np.add(pre[t], (h @ Wh_T)[:, 0], out=g_t), out=g_t)
        np.multiply(g_t[:, : 3 * H], 0.5, out=a_t)
        a_t += 0.5  # (1), (2), (5): f_t, i_t, o_t
        np.multiply(a_t[:, :H], cs[t], out=c_t)
        c_t += a_t[:, H : 2 * H] * g_t[:, 3 * H :]  # (4): C_t = f_t * C_{t-1} + i_t * C̃_t
        # (6): h_t = o_t * tanh(C_t)
        h = (a_t[:, 2 * H :] * np.tanh(c_t, out=tanh_cs[t + 1]))[:, None]

    return {"g": g, "act": act, "cs": cs, "tanh_cs": tanh_cs}


def _lstm_gradients(xs: np.ndarray, W: np.ndarray, b: np.ndarray, v: np.ndarray) -> dict:
    """LSTM forward and backward passes of N draws at once for the losses ``L = v·h_T``.

    ``xs`` (N, T, D), ``W`` (N, 4H, H+D) and ``b`` (N, 4H) (gates fused in the order f,
    i, o, C̃; columns h, x), ``v`` (N, H): draw n is its own network on its own
    sequence (B = 1). Same equations as :func:`lstm_lib.lstm_forward` and
    :func:`lstm_lib.lstm_backward` (the tests check it against them), arranged so that
    the number of NumPy calls per step does not grow with N:

    * forward: σ(a) = (1 + tanh(a/2)) / 2, so one ``tanh`` activates all four gates;
    * backward: equation vg-bptt-cell of chapter "Vanishing gradients",
      ∂L/∂C_{t-1} = f_t * ∂L/∂C_t + o_{t-1} * tanh'(C_{t-1}) * ∂L/∂h_{t-1}, with
      ∂L/∂h_{t-1} = Σ_gates ∂L/∂a_t · W^h (the pre-activations a_t of step t).

    Returns ``f`` (T, N, H), ``cs`` (T+1, N, H) = C_0..C_T, ``dcs`` (T+1, N, H) = the
    total ∂L/∂C_t, ``dhs`` (T+1, N, H) = ∂L/∂h_t with C_t held fixed, for t = 0..T
    (as :func:`lstm_lib.lstm_cell_state_gradients`), and ``dxs`` (N, T, D) = ∂L/∂x_t
    for t = 1..T.
    """
    N, T, H = *xs.shape[:2], v.shape[1]
    states = _lstm_states(xs, W, b)
    g, act, cs, tanh_cs = states["g"], states["act"], states["cs"], states["tanh_cs"]
    f, i, o = act[..., :H], act[..., H : 2 * H], act[..., 2 * H :]
    C_tilde, tanh_c = g[..., 3 * H :], tanh_cs[1:]
    A = o * (1 - tanh_c**2)  # ∂h_t/∂C_t, diagonal
    # ∂C_t/∂a and ∂h_t/∂a for the pre-activations a of the gates, per step and unit:
    P = np.stack([cs[:-1] * f * (1 - f), C_tilde * i * (1 - i), i * (1 - C_tilde**2)], axis=2)
    P_o = tanh_c * o * (1 - o)  # (T, N, H); P (T, N, 3, H) for f, i, C̃
    # Rows of W in the order f, i, C̃, o (the order of P, then P_o): columns h, x.
    W_fiCo = np.concatenate([W[:, : 2 * H], W[:, 3 * H :], W[:, 2 * H : 3 * H]], axis=1)
    W_h = np.ascontiguousarray(W_fiCo[:, :, :H])  # (N, 4H, H): ∂a/∂h_{t-1}
    da = np.empty((T, N, 4, H))  # ∂L/∂a_t for f, i, C̃, o
    da_flat = da.reshape(T, N, 1, 4 * H)
    dcs = np.empty((T + 1, N, H))  # the total ∂L/∂C_t, t = 0..T
    dhs = np.empty((T + 1, N, H))  # ∂L/∂h_t, t = 0..T
    dhs[T] = v  # ∂L/∂h_T = v; nothing reaches C_T from step T+1
    dc_above = np.zeros((N, H))
    for t in range(T - 1, -1, -1):  # row t is step t + 1
        dh = dhs[t + 1]
        dc = np.multiply(A[t], dh, out=dcs[t + 1])
        dc += dc_above  # via (6): the total ∂L/∂C_t
        np.multiply(P[t], dc[:, None], out=da[t, :, :3])  # via (4) and (1)-(3)
        np.multiply(P_o[t], dh, out=da[t, :, 3])  # via (6) and (5)
        dhs[t] = (da_flat[t] @ W_h)[:, 0]  # through the gates into h_{t-1}
        dc_above = f[t] * dc  # the direct path: ∂C_t/∂C_{t-1} = f_t
    dcs[0] = dc_above
    dxs = da.reshape(T, N, 4 * H).transpose(1, 0, 2) @ W_fiCo[:, :, H:]  # (N, T, D)
    return {"f": f, "cs": cs, "dcs": dcs, "dhs": dhs, "dxs": dxs}


def _check_setting(
    forget_bias, steps, hidden_size, input_size, seed, rnn_spectral_radius, input_scale
) -> tuple:
    forget_bias = _validate.finite_real("forget_bias", forget_bias)
    steps = _validate.positive_int("steps", steps)
    hidden_size = _validate.positive_int("hidden_size", hidden_size)
    input_size = _validate.positive_int("input_size", input_size)
    if seed is None:  # every frame must draw the same weights and inputs
        raise TypeError("seed: expected an int >= 0 (the numbers are reproducible), got None")
    seed = _validate.seed("seed", seed)
    rnn_spectral_radius = _validate.positive_real("rnn_spectral_radius", rnn_spectral_radius)
    input_scale = _validate.positive_real("input_scale", input_scale)
    return forget_bias, seed, (steps, hidden_size, input_size, rnn_spectral_radius, input_scale)


def _draws(forget_bias: float, seeds: tuple[int, ...], setting: tuple) -> GradientNormDraws:
    steps, hidden_size = setting[0], setting[1]
    fixed = _setup_draws(seeds, *setting)
    b = fixed["b"].copy()
    b[:, :hidden_size] = forget_bias  # fused order f, i, o, C̃: the first H rows are b_f
    run = _lstm_gradients(fixed["xs"], fixed["W"], b, fixed["v"])
    f, dcs = run["f"], run["dcs"]  # (T, N, H), (T+1, N, H)

    # Direct path: ∂L/∂C_T multiplied by f_T, then f_{T-1}, ... (element-wise).
    products = np.ones((steps + 1, *f.shape[1:]))
    np.cumprod(f[::-1], axis=0, out=products[1:])  # f_T, f_T * f_{T-1}, ...
    direct = np.linalg.norm(products * dcs[-1], axis=-1).T  # (N, steps + 1)
    c_T = run["cs"][-1]
    return GradientNormDraws(
        forget_bias=forget_bias,
        seeds=np.array(seeds),
        k=np.arange(steps + 1),
        k_input=np.arange(steps),
        lstm=_back_in_time(dcs),
        direct_path=direct / direct[:, :1],
        lstm_hidden=_back_in_time(run["dhs"]),
        rnn=fixed["rnn"].copy(),
        tanh_derivative=(1 - np.tanh(run["cs"][::-1]) ** 2).mean(axis=-1).T,
        lstm_input=_back_in_time(run["dxs"].transpose(1, 0, 2)),
        rnn_input=fixed["rnn_input"].copy(),
        rnn_orthogonal_input=fixed["rnn_orthogonal_input"].copy(),
        mean_forget_gate=f.mean(axis=(0, 2)),
        cell_gradient_T=np.linalg.norm(dcs[-1], axis=-1),
        saturated_T=np.mean(np.abs(np.tanh(c_T)) > 0.99, axis=-1),
    )


def gradient_norm_draws(
    forget_bias: float,
    *,
    draws: int = 20,
    steps: int = 100,
    hidden_size: int = 32,
    input_size: int = 8,
    seed: int = 0,
    rnn_spectral_radius: float = 1.0,
    input_scale: float = 1.0,
) -> GradientNormDraws:
    """:func:`gradient_norms` for ``draws`` independent draws, seeds ``seed``, ``seed + 1``, …

    Each draw is its own set of weights (every network), inputs and loss direction, drawn
    as :func:`gradient_norms` describes; only ``b_f`` is the same in all of them. The
    LSTMs of all draws run in one batched forward and backward pass (the RNNs, which do
    not depend on ``b_f``, are computed once per setting and cached), so N = 20 draws
    cost a few times one draw, not twenty.

    Parameters
    ----------
    forget_bias : float
        Every entry of ``b_f`` in every draw.
    draws : int
        N, the number of draws.
    steps, hidden_size, input_size, seed, rnn_spectral_radius, input_scale
        As for :func:`gradient_norms`; ``seed`` is the first draw's seed.

    Returns
    -------
    GradientNormDraws
        Row j of every field is draw j, equal to ``gradient_norms(forget_bias,
        seed=seed + j, ...)`` (to rounding: the batched products may differ in the last
        bits). Summarise a field over the draws with :func:`spread`.
    """
    draws = _validate.positive_int("draws", draws)
    forget_bias, seed, setting = _check_setting(
        forget_bias, steps, hidden_size, input_size, seed, rnn_spectral_radius, input_scale
    )
    return _draws(forget_bias, tuple(range(seed, seed + draws)), setting)


def gradient_norms(
    forget_bias: float,
    *,
    steps: int = 100,
    hidden_size: int = 32,
    input_size: int = 8,
    seed: int = 0,
    rnn_spectral_radius: float = 1.0,
    input_scale: float = 1.0,
) -> GradientNorms:
    """Gradient norms k = 0..steps steps back from a loss at the last step, one draw.

    Set-up (all drawn from ``seed``, so the numbers are exactly reproducible):

    * inputs ``x_t`` = ``input_scale`` · N(0, 1) i.i.d., shape (steps, 1, input_size),
      the same for all networks; initial states zero;
    * LSTM weights from :meth:`LSTMParams.init` (U(-1/√H, 1/√H), PyTorch's default),
      ``b_i = b_C = b_o = 0`` and every entry of ``b_f`` equal to ``forget_bias``; only
      ``b_f`` changes with ``forget_bias``, the weights do not;
    * simple RNN initialised like the LSTM, :meth:`RNNParams.init` without
      ``spectral_radius`` (U(-1/√H, 1/√H), PyTorch's default): field ``rnn_input``;
    * simple RNN with ``W_hh = ρ·Q`` (Q random orthogonal, ρ = ``rnn_spectral_radius``,
      the same ``W_xh``): every singular value of ``W_hh`` is ρ, and with tanh' ≤ 1 each
      step can only shrink the gradient when ρ ≤ 1; fields ``rnn``, ``rnn_orthogonal_input``;
    * loss ``L = v·h_T`` for a random unit vector ``v``, so ``∂L/∂h_T = v`` for every network.

    One draw says little about random networks in general: :func:`gradient_norm_draws`
    computes many at once (this function is its first draw with N = 1).

    Parameters
    ----------
    forget_bias : float
        Every entry of ``b_f``; the slider's value.
    steps, hidden_size, input_size, seed : int
        T, H, D and the random seed.
    rnn_spectral_radius : float
        ρ of the orthogonal RNN's ``W_hh``.
    input_scale : float
        Standard deviation of the inputs (1: N(0, 1)).

    Returns
    -------
    GradientNorms
        Each curve is 1 at k = 0 (see :class:`GradientNorms` for lengths). Everything
        except the LSTM is cached per setting, so moving the slider costs one LSTM
        forward and backward pass of ``steps`` steps.
    """
    return gradient_norm_draws(
        forget_bias,
        draws=1,
        steps=steps,
        hidden_size=hidden_size,
        input_size=input_size,
        seed=seed,
        rnn_spectral_radius=rnn_spectral_radius,
        input_scale=input_scale,
    ).draw(0)


def cell_state_draws(
    forget_bias: float,
    *,
    draws: int = 20,
    steps: int = 1000,
    hidden_size: int = 32,
    input_size: int = 8,
    seed: int = 0,
    input_scale: float = 1.0,
) -> np.ndarray:
    """The cell states C_0..C_T of the LSTMs of :func:`gradient_norm_draws`, shape (N, T+1, H).

    The same draws (weights, inputs; seeds ``seed``, ``seed + 1``, …) and the same
    forward pass as :func:`gradient_norm_draws`, without the gradients: what the cell
    state does over a long sequence (C_0 = 0), equation (4) of chapter "Gates",
    C_t = f_t * C_{t-1} + i_t * C̃_t.
    """
    draws = _validate.positive_int("draws", draws)
    forget_bias, seed, setting = _check_setting(
        forget_bias, steps, hidden_size, input_size, seed, 1.0, input_scale
    )
    parts = [_setup(s, *setting) for s in range(seed, seed + draws)]
    fused = [_fused_weights(params) for _xs, params, _v, _rnn in parts]
    xs = np.stack([x[:, 0] for x, _p, _v, _r in parts])
    W = np.stack([w for w, _b in fused])
    b = np.stack([bias for _w, bias in fused])
    b[:, :hidden_size] = forget_bias  # fused order f, i, o, C̃: the first H rows are b_f
    return np.ascontiguousarray(_lstm_states(xs, W, b)["cs"].transpose(1, 0, 2))


def non_normal_matrix(
    hidden_size: int,
    radius: float,
    *,
    coupling: float = 2.0,
    seed: int | None = None,
    rng=None,
) -> np.ndarray:
    """``W_hh = Q · B · Qᵀ`` (H, H): spectral radius ρ, but not normal.

    ``B`` is block diagonal with 2×2 blocks ``[[ρ, c], [0, 0.9ρ]]`` (``c`` =
    ``coupling``: unit 2j also feeds unit 2j + 1), plus a last 1×1 block ``ρ`` when H is
    odd, and ``Q`` is a random orthogonal matrix (QR of a Gaussian matrix drawn from
    ``seed`` or ``rng``). The eigenvalues are those of the triangular blocks, ρ and 0.9ρ,
    so the spectral radius is ρ; the largest singular value is that of one block,
    about ``c`` + ρ for a large coupling (2.32 for ρ = 0.9, c = 2), the same for every Q.

    The blocks are short and their two eigenvalues distinct on purpose: the eigenvalues
    of the stored matrix are then well conditioned, and its computed spectral radius is
    ρ to within about 1e-14. (A Jordan block ``ρI + N`` of size H has eigenvalues that
    move by about ε^(1/H) under the rounding ε of ``Q · B · Qᵀ``: for H = 32 the stored
    matrix's spectral radius was 1.2, not 0.9.) ``B^k`` has the entry
    ``c (ρ^k - (0.9ρ)^k) / (0.1ρ)`` above the diagonal, so for ρ < 1 the powers of
    ``W_hh`` grow for a few steps and then vanish (:func:`power_norms`).
    """
    hidden_size = _validate.positive_int("hidden_size", hidden_size)
    radius = _validate.positive_real("radius", radius)
    coupling = _validate.finite_real("coupling", coupling)
    gen = _validate.generator(seed, rng)
    Q, _ = np.linalg.qr(gen.standard_normal((hidden_size, hidden_size)))
    diagonal = np.full(hidden_size, radius)
    pairs = np.arange(0, hidden_size - 1, 2)  # first unit of each 2×2 block
    diagonal[pairs + 1] = 0.9 * radius
    blocks = np.diag(diagonal)
    blocks[pairs, pairs + 1] = coupling
    return Q @ blocks @ Q.T


def power_norms(W_hh: np.ndarray, steps: int) -> np.ndarray:
    """``‖W_hh^k‖`` (largest singular value) for k = 0..steps, float64 (steps + 1,).

    The gradient of a *linear* RNN, ``h_t = W_hh · h_{t-1} + W_xh · x_t``, k steps back
    is ``(W_hhᵀ)^k`` times the one at the loss: ``‖W_hh^k‖`` is the most it can be
    stretched, over all loss directions. Chapter "Vanishing gradients".
    """
    W_hh = np.asarray(W_hh)
    size = W_hh.shape[0] if W_hh.ndim == 2 else None
    W_hh = _validate.float_array("W_hh", W_hh, ("H", "H"), (size, size), np.dtype("float64"))
    steps = _validate.positive_int("steps", steps)
    norms = np.empty(steps + 1)
    power = np.eye(W_hh.shape[0])
    for k in range(steps + 1):
        norms[k] = np.linalg.svd(power, compute_uv=False)[0]
        power = power @ W_hh
    return norms


def non_normal_draws(
    radius: float,
    *,
    draws: int = 20,
    steps: int = 100,
    hidden_size: int = 32,
    coupling: float = 2.0,
    seed: int = 0,
    input_scale: float = 1.0,
) -> np.ndarray:
    """:func:`rnn_gradient_norms` of a tanh RNN with ``W_hh = non_normal_matrix(...)``,
    for ``draws`` draws, shape (N, steps + 1).

    Draw j uses seed ``seed + j`` for everything: the rotation ``Q`` of
    :func:`non_normal_matrix` and, through :func:`rnn_gradient_norms`, ``W_xh``, the
    inputs and the loss direction.
    """
    draws = _validate.positive_int("draws", draws)
    seed = _validate.seed("seed", seed)
    return np.array([
        rnn_gradient_norms(
            non_normal_matrix(hidden_size, radius, coupling=coupling, seed=s),
            steps=steps,
            seed=s,
            input_scale=input_scale,
        )
        for s in range(seed, seed + draws)
    ])  # fmt: skip


def rnn_tanh_derivative_draws(
    *,
    draws: int = 20,
    steps: int = 100,
    hidden_size: int = 32,
    input_size: int = 8,
    seed: int = 0,
    rnn_spectral_radius: float = 1.0,
    input_scale: float = 1.0,
) -> np.ndarray:
    """``tanh'`` along the sequence, ``1 - h_t²`` for t = 1..T, of the simple RNN with
    ``W_hh = ρ·Q`` of :func:`gradient_norm_draws`, shape (N, T, H).

    The same draws (seeds ``seed``, ``seed + 1``, …: the same ``W_h``, inputs and zero
    initial state) as the field ``rnn`` of :func:`gradient_norm_draws`: these are the
    diagonal factors ``diag(1 - h_t²)`` of equation vg-rnn-jacobian of chapter
    "Vanishing gradients". γ of that chapter is their largest entry along a sequence.
    """
    draws = _validate.positive_int("draws", draws)
    _, seed, (steps, hidden_size, input_size, rnn_spectral_radius, input_scale) = _check_setting(
        0.0, steps, hidden_size, input_size, seed, rnn_spectral_radius, input_scale
    )
    out = np.empty((draws, steps, hidden_size))
    for j, s in enumerate(range(seed, seed + draws)):
        xs_seed, _lstm_seed, rnn_seed, _loss_seed = np.random.SeedSequence(s).spawn(4)
        xs = input_scale * np.random.default_rng(xs_seed).standard_normal((steps, 1, input_size))
        params = RNNParams.init(
            input_size,
            hidden_size,
            spectral_radius=rnn_spectral_radius,
            rng=np.random.default_rng(rnn_seed),
        )
        hs, _cache = rnn_forward(xs, np.zeros((1, hidden_size)), params)
        out[j] = 1 - hs[:, 0] ** 2
    return out


def rnn_gradient_norms(
    W_hh: np.ndarray,
    *,
    steps: int = 100,
    input_size: int = 8,
    seed: int = 0,
    input_scale: float = 1.0,
) -> np.ndarray:
    """‖∂L/∂h_{T-k}‖ / ‖∂L/∂h_T‖, k = 0..steps, for a simple RNN with this ``W_hh``.

    Equation vg-rnn-bptt of chapter "Vanishing gradients": ∂L/∂h_{T-k} is
    ∂L/∂h_T = v multiplied by the transposed step Jacobians
    diag(1 - h_t²) · W_hh. The rest is drawn from ``seed`` as in :func:`gradient_norms`:
    ``W_xh`` U(-1/√H, 1/√H), ``b_h = 0``, inputs ``input_scale`` · N(0, 1) of shape
    (steps, 1, input_size), ``h_0 = 0``, and the loss ``L = v·h_T`` on a random unit
    vector ``v``. Returns a float64 array of length steps + 1.
    """
    W_hh = np.asarray(W_hh)
    size = W_hh.shape[0] if W_hh.ndim == 2 else None
    W_hh = _validate.float_array("W_hh", W_hh, ("H", "H"), (size, size), np.dtype("float64"))
    _, seed, (steps, hidden_size, input_size, _radius, input_scale) = _check_setting(
        0.0, steps, W_hh.shape[0], input_size, seed, 1.0, input_scale
    )
    xs_seed, _lstm_seed, rnn_seed, loss_seed = np.random.SeedSequence(seed).spawn(4)
    xs = input_scale * np.random.default_rng(xs_seed).standard_normal((steps, 1, input_size))
    W_h = RNNParams.init(input_size, hidden_size, rng=np.random.default_rng(rnn_seed)).W_h.copy()
    W_h[:, :hidden_size] = W_hh
    params = RNNParams(W_h=W_h, b_h=np.zeros(hidden_size))
    v = np.random.default_rng(loss_seed).standard_normal((1, hidden_size))
    dhs = np.zeros((steps, 1, hidden_size))
    dhs[-1] = v / np.linalg.norm(v)
    _hs, cache = rnn_forward(xs, np.zeros((1, hidden_size)), params)
    return _back_in_time(rnn_hidden_state_gradients(dhs, cache)[:, 0])
