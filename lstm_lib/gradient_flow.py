"""How far back does a gradient reach? The computation behind the forget-bias slider.

Chapter "Vanishing gradients" puts a loss ``L = v·h_T`` on the last step T of a
sequence and follows its gradient k steps back, for an LSTM and for a simple RNN on the
same inputs. :func:`gradient_norms` returns, each divided by its value at k = 0:

* the comparison of the two networks on one quantity, the gradient that reaches an
  input, ‖∂L/∂x_{T-k}‖: ``lstm_input`` for the LSTM, ``rnn_input`` for a simple RNN
  initialised like the LSTM (every weight U(-1/√H, 1/√H), PyTorch's default for both),
  ``rnn_orthogonal_input`` for a simple RNN with the favourable ``W_hh = ρ·Q``;
* the LSTM's inside view: ``lstm``, ‖∂L/∂C_{T-k}‖, the full backpropagation-through-time
  gradient at the cell state (every path), and ``direct_path``,
  ‖(f_T * f_{T-1} * … * f_{T-k+1}) * ∂L/∂C_T‖, the part that travels along the cell
  state alone, where ``∂C_t/∂C_{t-1} = f_t``;
* ``rnn``: ‖∂L/∂h_{T-k}‖ for the RNN with ``W_hh = ρ·Q``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lstm_lib import _validate  # (not "as v": v is the loss vector here)
from lstm_lib.lstm import _fused_weights
from lstm_lib.params import LSTMParams, RNNParams
from lstm_lib.rnn import rnn_backward, rnn_forward, rnn_hidden_state_gradients

__all__ = ["GradientNorms", "gradient_norms"]


@dataclass(frozen=True, eq=False)
class GradientNorms:
    """Per-step gradient norms from :func:`gradient_norms`, each normalised to 1 at k = 0.

    The LSTM's inside view and the orthogonal RNN, float64 arrays of length
    ``steps + 1`` (entry k belongs to the state at step ``T - k``, k = 0..steps):

    - ``k``: 0, 1, …, steps;
    - ``lstm``: ‖∂L/∂C_{T-k}‖ / ‖∂L/∂C_T‖, full BPTT;
    - ``direct_path``: ‖(∏_{s=T-k+1}^{T} f_s) * ∂L/∂C_T‖ / ‖∂L/∂C_T‖, the cell-state
      path alone;
    - ``rnn``: ‖∂L/∂h_{T-k}‖ / ‖∂L/∂h_T‖ for the simple RNN with ``W_hh = ρ·Q``;
    - ``tanh_derivative``: tanh'(C_{T-k}) = 1 - tanh²(C_{T-k}), averaged over the H
      units (1 at k = steps, where C_0 = 0): how much of ∂L/∂h_{T-k} passes into
      the cell state through h_t = o_t * tanh(C_t).

    The comparison of both networks on the same quantity, float64 arrays of length
    ``steps`` (entry k belongs to the input ``x_{T-k}``, k = 0..steps-1; there is no
    input x_0):

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


def _read_only(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


def _loss_at_last_step(v: np.ndarray, steps: int) -> np.ndarray:
    """``dhs`` (T, 1, H) for the loss ``L = v·h_T``: zero except ∂L/∂h_T = v."""
    dhs = np.zeros((steps, *v.shape))
    dhs[-1] = v
    return dhs


def _back_in_time(grads: np.ndarray) -> np.ndarray:
    """Gradients (n, H) indexed by time t -> norms indexed by k = last - t, divided by k = 0."""
    norms = np.linalg.norm(grads[::-1], axis=1)
    return norms / norms[0]


@lru_cache(maxsize=32)
def _setup(
    seed: int,
    steps: int,
    hidden_size: int,
    input_size: int,
    rnn_spectral_radius: float,
    input_scale: float,
) -> tuple[np.ndarray, LSTMParams, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Everything that does not depend on the forget bias, computed once per setting.

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
    dhs = _loss_at_last_step(v, steps)
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


def _lstm_gradients(xs: np.ndarray, params: LSTMParams, v: np.ndarray) -> dict[str, np.ndarray]:
    """One LSTM forward and backward pass for the loss ``L = v·h_T``, one sequence (B = 1).

    ``xs`` (T, D), ``v`` (H,). Same equations as :func:`lstm_lib.lstm_forward` and
    :func:`lstm_lib.lstm_backward` (the tests check it against them), arranged for speed
    at B = 1, where the cost is the number of NumPy calls per step:

    * forward: σ(a) = (1 + tanh(a/2)) / 2, so one ``tanh`` activates all four gates;
    * backward: the gradient with respect to the state s_t = (C_t, h_t) obeys
      ``∂L/∂s_{t-1} = ∂L/∂s_t · J_t``, with J_t the block Jacobian
      ∂(C_t, h_t)/∂(C_{t-1}, h_{t-1}) of chapter "Vanishing gradients"
      (equation vg-full-step). Every J_t (2H, 2H) is built at once from the forward
      pass; the loop is then one (2H,) @ (2H, 2H) product per step.

    Returns ``f`` (T, H), ``cs`` (T+1, H) = C_0..C_T, ``dcs`` (T+1, H) = the total
    ∂L/∂C_t for t = 0..T (as :func:`lstm_lib.lstm_cell_state_gradients`) and ``dxs``
    (T, D) = ∂L/∂x_t for t = 1..T.
    """
    T, _D = xs.shape
    H = params.hidden_size
    W, b = _fused_weights(params)  # rows f, i, o, C̃; columns h, x
    half = np.concatenate([np.full(3 * H, 0.5), np.ones(H)])  # σ(a) = (1 + tanh(a/2)) / 2
    Wh_T = np.ascontiguousarray((W[:, :H] * half[:, None]).T)  # (H, 4H)
    pre = (xs @ W[:, H:].T + b) * half  # (T, 4H): the input part of every step at once
    g = np.empty((T, 4 * H))  # tanh of the scaled pre-activations
    act = np.empty((T, 3 * H))  # f_t, i_t, o_t
    cs = np.zeros((T + 1, H))  # C_0 = 0, C_1, ..., C_T
    tanh_cs = np.zeros((T + 1, H))
    h = np.zeros(H)
    for t in range(T):
        g_t, a_t, c_t = g[t], act[t], cs[t + 1]
        np.tanh(np.add(pre[t], h @ Wh_T, out=g_t), out=g_t)
        np.multiply(g_t[: 3 * H], 0.5, out=a_t)
        a_t += 0.5  # (1), (2), (5): f_t, i_t, o_t
        np.multiply(a_t[:H], cs[t], out=c_t)
        c_t += a_t[H : 2 * H] * g_t[3 * H :]  # (4): C_t = f_t * C_{t-1} + i_t * C̃_t
        h = a_t[2 * H :] * np.tanh(c_t, out=tanh_cs[t + 1])  # (6): h_t = o_t * tanh(C_t)

    f, i, o = act[:, :H], act[:, H : 2 * H], act[:, 2 * H :]
    C_tilde, tanh_c = g[:, 3 * H :], tanh_cs[1:]
    A = o * (1 - tanh_c**2)  # ∂h_t/∂C_t, diagonal
    # ∂C_t/∂a and ∂h_t/∂a for the pre-activations a of the gates, per step and unit:
    P = np.stack([cs[:-1] * f * (1 - f), C_tilde * i * (1 - i), i * (1 - C_tilde**2)], axis=1)
    P_o = tanh_c * o * (1 - o)  # (T, H); P (T, 3, H) for f, i, C̃
    # Rows of W in the order f, i, C̃, o (the order of P, then P_o): columns h, x.
    W_fiCo = np.concatenate([W[: 2 * H], W[3 * H :], W[2 * H : 3 * H]])
    W_h = np.ascontiguousarray(W_fiCo[:, :H])  # (4H, H): ∂a/∂h_{t-1}
    da = np.empty((T, 4, H))  # ∂L/∂a_t for f, i, C̃, o
    da_flat = da.reshape(T, 4 * H)
    dcs = np.empty((T + 1, H))  # the total ∂L/∂C_t, t = 0..T
    dh, dc_above = v.copy(), np.zeros(H)  # ∂L/∂h_T = v; nothing reaches C_T from step T+1
    for t in range(T - 1, -1, -1):  # row t is step t + 1
        dc = np.multiply(A[t], dh, out=dcs[t + 1])
        dc += dc_above  # via (6): the total ∂L/∂C_t
        np.multiply(P[t], dc, out=da[t, :3])  # via (4) and (1)-(3)
        np.multiply(P_o[t], dh, out=da[t, 3])  # via (6) and (5)
        dh = da_flat[t] @ W_h  # through the gates into h_{t-1}
        dc_above = f[t] * dc  # the direct path: ∂C_t/∂C_{t-1} = f_t
    dcs[0] = dc_above
    dxs = da_flat @ W_fiCo[:, H:]
    return {"f": f, "cs": cs, "dcs": dcs, "dxs": dxs}


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
    """Gradient norms k = 0..steps steps back from a loss at the last step.

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
    forget_bias = _validate.finite_real("forget_bias", forget_bias)
    steps = _validate.positive_int("steps", steps)
    hidden_size = _validate.positive_int("hidden_size", hidden_size)
    input_size = _validate.positive_int("input_size", input_size)
    if seed is None:  # every frame must draw the same weights and inputs
        raise TypeError("seed: expected an int >= 0 (the numbers are reproducible), got None")
    seed = _validate.seed("seed", seed)
    rnn_spectral_radius = _validate.positive_real("rnn_spectral_radius", rnn_spectral_radius)
    input_scale = _validate.positive_real("input_scale", input_scale)
    xs, base, v, (rnn, rnn_input, rnn_orthogonal_input) = _setup(
        seed, steps, hidden_size, input_size, rnn_spectral_radius, input_scale
    )
    params = dataclasses.replace(base, b_f=np.full(hidden_size, forget_bias))
    run = _lstm_gradients(xs[:, 0], params, v[0])
    f, dcs = run["f"], run["dcs"]

    # Direct path: ∂L/∂C_T multiplied by f_T, then f_{T-1}, ... (element-wise).
    products = np.ones((steps + 1, hidden_size))
    np.cumprod(f[::-1], axis=0, out=products[1:])  # f_T, f_T * f_{T-1}, ...
    direct = np.linalg.norm(products * dcs[-1], axis=1)
    c_T = run["cs"][-1]
    return GradientNorms(
        forget_bias=forget_bias,
        k=np.arange(steps + 1),
        lstm=_back_in_time(dcs),
        direct_path=direct / direct[0],
        rnn=rnn.copy(),
        mean_forget_gate=float(f.mean()),
        k_input=np.arange(steps),
        lstm_input=_back_in_time(run["dxs"]),
        rnn_input=rnn_input.copy(),
        rnn_orthogonal_input=rnn_orthogonal_input.copy(),
        tanh_derivative=(1 - np.tanh(run["cs"][::-1]) ** 2).mean(axis=1),
        cell_gradient_T=float(np.linalg.norm(dcs[-1])),
        saturated_T=float(np.mean(np.abs(np.tanh(c_T)) > 0.99)),
    )
