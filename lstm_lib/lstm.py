"""The LSTM cell: one step and a whole sequence, forward and backward.

Notation (the book's notation page ``notation.md``, chapter "The three gates"): for a
batch of B rows, ``x_t`` is (B, D), ``h_{t-1}, C_{t-1}`` are (B, H), ``z = [h_{t-1}, x_t]``
is (B, H+D)::

    f_t = σ(W_f·z + b_f)                 (1)  forget gate
    i_t = σ(W_i·z + b_i)                 (2)  input gate
    C̃_t = tanh(W_C·z + b_C)              (3)  candidate values
    C_t = f_t * C_{t-1} + i_t * C̃_t      (4)  cell-state update
    o_t = σ(W_o·z + b_o)                 (5)  output gate
    h_t = o_t * tanh(C_t)                (6)  hidden state

``·`` is a matrix product (in code ``z @ W.T``), ``*`` is element-wise.

Two implementations of the same equations live here:

* :func:`lstm_step_forward` / :func:`lstm_step_backward` follow the equations line by
  line: they are the teaching text. :mod:`lstm_lib.reference` loops them over a
  sequence: the tests' oracle.
* :func:`lstm_forward` / :func:`lstm_backward` run a sequence fast: the four weight
  matrices are stacked into one (4H, H+D) matrix, the input projections of all T
  steps are one matrix product, and the weight gradients are one product over all
  steps. The tests check them against :mod:`lstm_lib.reference`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_lib._validate import (
    all_finite,
    check_cache,
    check_finite_result,
    check_gradient_input,
    check_params,
    check_sequence_inputs,
    check_step_inputs,
    check_through_time,
    first_nonfinite_step,
    frozen,
    frozen_copy,
    last_nonfinite_step,
    overflow_error,
    quiet_overflow,
)
from lstm_lib.activations import _sigmoid
from lstm_lib.params import LSTMParams

__all__ = [
    "LSTMCache",
    "LSTMStepCache",
    "lstm_backward",
    "lstm_cell_state_gradients",
    "lstm_forward",
    "lstm_step_backward",
    "lstm_step_forward",
]


# --------------------------------------------------------------------------- one step


@dataclass(frozen=True, eq=False)
class LSTMStepCache:
    """What :func:`lstm_step_backward` needs from :func:`lstm_step_forward`.

    Every array is (B, H) except ``z`` (B, H+D). The gate values are the ones of
    equations (1)-(6), so a chapter can read them: ``cache.f_t`` is the forget gate.
    """

    z: np.ndarray  #: [h_{t-1}, x_t]
    c_prev: np.ndarray  #: C_{t-1}
    f_t: np.ndarray
    i_t: np.ndarray
    C_tilde: np.ndarray  #: C̃_t
    o_t: np.ndarray
    tanh_c: np.ndarray  #: tanh(C_t)
    params: LSTMParams
    unbatched: bool  #: the inputs were 1-D; outputs of the backward step are 1-D too


#: What overflows in a backward pass through time.
_THROUGH_TIME = "the gradient ∂L/∂h_t, ∂L/∂C_t"

#: The remedy when a forward pass overflows (inputs near the dtype's maximum).
_TOO_LARGE = "The inputs or weights are too large for the dtype: rescale them."


@quiet_overflow
def lstm_step_forward(
    x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, params: LSTMParams
) -> tuple[np.ndarray, np.ndarray, LSTMStepCache]:
    """One LSTM step, equations (1)-(6), written as in the chapter "The three gates".

    Parameters
    ----------
    x_t : array (B, D) or (D,)
    h_prev, c_prev : arrays (B, H) or (H,)
        ``h_{t-1}`` and ``C_{t-1}``.
    params : LSTMParams

    Returns
    -------
    h_t, c_t : arrays shaped like ``h_prev``
    cache : LSTMStepCache, for :func:`lstm_step_backward`
    """
    check_params(params, LSTMParams)
    x_t, h_prev, (c_prev,), unbatched = check_step_inputs(x_t, h_prev, {"c_prev": c_prev}, params)

    z = np.concatenate([h_prev, x_t], axis=1)  # [h_{t-1}, x_t], h first
    f_t = _sigmoid(z @ params.W_f.T + params.b_f)  # (1) forget gate
    i_t = _sigmoid(z @ params.W_i.T + params.b_i)  # (2) input gate
    C_tilde = np.tanh(z @ params.W_C.T + params.b_C)  # (3) candidate values
    c_t = f_t * c_prev + i_t * C_tilde  # (4) cell-state update
    o_t = _sigmoid(z @ params.W_o.T + params.b_o)  # (5) output gate
    tanh_c = np.tanh(c_t)
    h_t = o_t * tanh_c  # (6) hidden state
    check_finite_result("lstm_step_forward", "the pre-activations W·z + b", h_t, remedy=_TOO_LARGE)

    # The cache owns read-only copies: editing the inputs, the outputs or params later
    # cannot change the backward step.
    frozen(z, f_t, i_t, C_tilde, o_t, tanh_c)
    cache = LSTMStepCache(
        z, frozen_copy(c_prev), f_t, i_t, C_tilde, o_t, tanh_c, params._snapshot(), unbatched
    )
    if unbatched:
        return h_t[0], c_t[0], cache
    return h_t, c_t, cache


@quiet_overflow
def lstm_step_backward(
    dh_t: np.ndarray, dc_t: np.ndarray, cache: LSTMStepCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, LSTMParams]:
    """Backward pass of one step: the chain rule through equations (6) back to (1).

    Parameters
    ----------
    dh_t, dc_t : arrays (B, H) (or (H,) for an unbatched step)
        ∂L/∂h_t and the gradient reaching ``C_t`` from later steps, ∂L/∂C_t.
    cache : LSTMStepCache from :func:`lstm_step_forward`

    Returns
    -------
    dx_t : (B, D)
    dh_prev, dc_prev : (B, H)
        ∂L/∂h_{t-1} and ∂L/∂C_{t-1}. Along the cell state alone
        ``dc_prev = dc * f_t``: the direct path of chapter "Vanishing gradients".
    grads : LSTMParams of ∂L/∂W_f, ..., ∂L/∂b_o
    """
    check_cache("cache", cache, LSTMStepCache, "lstm_step_forward")
    params = cache.params
    B, H = cache.c_prev.shape
    dims, sizes = (("H",), (H,)) if cache.unbatched else (("B", "H"), (B, H))
    dh_t = check_gradient_input("dh_t", dh_t, dims, sizes, cache).reshape(B, H)
    dc_t = check_gradient_input("dc_t", dc_t, dims, sizes, cache).reshape(B, H)
    f_t, i_t, C_tilde, o_t, tanh_c = cache.f_t, cache.i_t, cache.C_tilde, cache.o_t, cache.tanh_c

    do_t = dh_t * tanh_c  # from (6)
    dc = dc_t + dh_t * o_t * (1 - tanh_c**2)  # from (6): total ∂L/∂C_t
    df_t = dc * cache.c_prev  # from (4)
    di_t = dc * C_tilde  # from (4)
    dC_tilde = dc * i_t  # from (4)
    dc_prev = dc * f_t  # from (4): the direct path

    # Through the nonlinearities to the pre-activations a = W·z + b.
    da_f = df_t * f_t * (1 - f_t)
    da_i = di_t * i_t * (1 - i_t)
    da_C = dC_tilde * (1 - C_tilde**2)
    da_o = do_t * o_t * (1 - o_t)

    fields = {
        "W_f": da_f.T @ cache.z,
        "W_i": da_i.T @ cache.z,
        "W_C": da_C.T @ cache.z,
        "W_o": da_o.T @ cache.z,
        "b_f": da_f.sum(axis=0),
        "b_i": da_i.sum(axis=0),
        "b_C": da_C.sum(axis=0),
        "b_o": da_o.sum(axis=0),
    }
    dz = da_f @ params.W_f + da_i @ params.W_i + da_C @ params.W_C + da_o @ params.W_o
    results = {"∂L/∂C_{t-1}": dc_prev, "∂L/∂[h_{t-1}, x_t]": dz}
    for quantity, array in {**results, **{f"∂L/∂{k}": a for k, a in fields.items()}}.items():
        check_finite_result("lstm_step_backward", quantity, array)
    grads = LSTMParams(**fields)
    dh_prev, dx_t = dz[:, :H], dz[:, H:]
    if cache.unbatched:
        return dx_t[0], dh_prev[0], dc_prev[0], grads
    return dx_t, dh_prev, dc_prev, grads


# --------------------------------------------------------------------------- a sequence

#: The fused fast path's order of the gates, f, i, o, C̃ (not the equations' f, i, C̃, o,
#: ``lstm_lib.params.GATE_ORDER``): the three sigmoid gates come first, so that one call
#: of σ activates all three (one contiguous block of the gate array) and C̃ is the last.
FUSED_GATE_ORDER = ("f", "i", "o", "C")


def _fused_weights(params: LSTMParams) -> tuple[np.ndarray, np.ndarray]:
    """``W`` (4H, H+D) and ``b`` (4H,): the four gates stacked in ``FUSED_GATE_ORDER``."""
    W = np.concatenate([getattr(params, f"W_{g}") for g in FUSED_GATE_ORDER], axis=0)
    b = np.concatenate([getattr(params, f"b_{g}") for g in FUSED_GATE_ORDER])
    return W, b


def _by_gate(a: np.ndarray) -> np.ndarray:
    """A view (4, ..., H) of a fused array (..., 4H): ``[k]`` is gate k of ``FUSED_GATE_ORDER``."""
    H = a.shape[-1] // 4
    return np.moveaxis(a.reshape(*a.shape[:-1], 4, H), -2, 0)


class _GateViews:
    """The gate values of a sequence cache, named like :class:`LSTMStepCache`'s fields."""

    gates: np.ndarray
    hs: np.ndarray
    cs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray

    @property
    def f_t(self) -> np.ndarray:
        """Forget gate ``f_t`` for every step, (T, B, H)."""
        return self.gates[:, 0]

    @property
    def i_t(self) -> np.ndarray:
        """Input gate ``i_t``, (T, B, H)."""
        return self.gates[:, 1]

    @property
    def o_t(self) -> np.ndarray:
        """Output gate ``o_t``, (T, B, H)."""
        return self.gates[:, 2]

    @property
    def C_tilde(self) -> np.ndarray:
        """Candidate values ``C̃_t``, (T, B, H)."""
        return self.gates[:, 3]

    @property
    def c_prevs(self) -> np.ndarray:
        """``C_{t-1}`` for t = 1..T, i.e. ``c0`` followed by ``cs[:-1]``, (T, B, H)."""
        return np.concatenate([self.c0[None], self.cs[:-1]], axis=0)

    @property
    def h_prevs(self) -> np.ndarray:
        """``h_{t-1}`` for t = 1..T, (T, B, H)."""
        return np.concatenate([self.h0[None], self.hs[:-1]], axis=0)


@dataclass(frozen=True, eq=False)
class LSTMCache(_GateViews):
    """What :func:`lstm_backward` needs from :func:`lstm_forward`.

    Fields (shapes for T steps, B rows, D inputs, H units):

    - ``xs`` (T, B, D); ``h0``, ``c0`` (B, H);
    - ``hs``, ``cs`` (T, B, H): ``h_t`` and ``C_t`` for t = 1..T;
    - ``tanh_cs`` (T, B, H): tanh(C_t);
    - ``gates`` (T, 4, B, H): the activated gates of each step, one (B, H) block per
      gate in the order f, i, o, C̃ (so that the element-wise work of a step runs on
      contiguous memory); read them through the properties :attr:`f_t`, :attr:`i_t`,
      :attr:`o_t` and :attr:`C_tilde`, each (T, B, H), named like the step cache's
      fields (:class:`LSTMStepCache`);
    - ``params``: the :class:`LSTMParams` used.
    """

    xs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    hs: np.ndarray
    cs: np.ndarray
    tanh_cs: np.ndarray
    gates: np.ndarray
    params: LSTMParams


def _forward_through_time(
    x_proj: np.ndarray,
    h0: np.ndarray,
    c0: np.ndarray,
    Wh_T: np.ndarray,
    clamp: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The recursion of the forward pass, given every step's input projection.

    ``x_proj`` (T, B, 4H) is W·[0, x_t] + b in ``FUSED_GATE_ORDER`` (overwritten: it is
    the caller's scratch array); ``Wh_T`` (H, 4H) acts on h_{t-1}. Returns ``hs``, ``cs``,
    ``tanh_cs`` (T, B, H) and ``gates`` (T, 4, B, H), as :class:`LSTMCache` holds them.
    ``clamp = (units, values)`` sets ``C_t[:, units] = values`` after every update (4)
    (an intervention, :func:`lstm_lib.char_lstm_states`; forward only).
    """
    T, B, H4 = x_proj.shape
    H = H4 // 4
    dtype = x_proj.dtype
    hW = np.empty((B, 4 * H), dtype)  # pre-activations W·[h_{t-1}, x_t] + b of one step
    hW_by_gate = _by_gate(hW)  # the same memory seen as (4, B, H)
    gates = np.empty((T, 4, B, H), dtype)
    hs = np.empty((T, B, H), dtype)
    cs = np.empty((T, B, H), dtype)
    tanh_cs = np.empty((T, B, H), dtype)
    iC = np.empty((B, H), dtype)  # i_t * C̃_t
    h, c = h0, c0
    for t in range(T):
        np.add(x_proj[t], np.matmul(h, Wh_T, out=hW), out=hW)  # one product for all gates
        a = gates[t]  # (4, B, H), contiguous
        np.copyto(a, hW_by_gate)  # gate by gate (a strided add would cost twice this)
        _sigmoid(a[:3], out=a[:3])  # (1), (2), (5): f_t, i_t, o_t
        np.tanh(a[3], out=a[3])  # (3): C̃_t
        f_t, i_t, o_t, C_tilde = a
        c = np.multiply(f_t, c, out=cs[t])  # (4): C_t = f_t * C_{t-1} + i_t * C̃_t
        c += np.multiply(i_t, C_tilde, out=iC)
        if clamp is not None:
            c[:, clamp[0]] = clamp[1]
        np.tanh(c, out=tanh_cs[t])
        h = np.multiply(o_t, tanh_cs[t], out=hs[t])  # (6): h_t = o_t * tanh(C_t)
    return hs, cs, tanh_cs, gates


@quiet_overflow
def lstm_forward(
    xs: np.ndarray, h0: np.ndarray, c0: np.ndarray, params: LSTMParams
) -> tuple[np.ndarray, np.ndarray, LSTMCache]:
    """Run the cell over a sequence: equations (1)-(6) for t = 1..T.

    Parameters
    ----------
    xs : array (T, B, D)
    h0, c0 : arrays (B, H)
    params : LSTMParams

    Returns
    -------
    hs, cs : arrays (T, B, H)
        ``h_t`` and ``C_t`` for t = 1..T (same dtype as the inputs). Read-only: the
        cache holds them too, so an edit would change the backward pass (``.copy()``
        them to edit).
    cache : LSTMCache, for :func:`lstm_backward`; also holds the gate values. It
        keeps its own read-only copies of ``xs``, ``h0``, ``c0`` and ``params``, so
        editing those after the forward pass does not change the gradients.
    """
    check_params(params, LSTMParams)
    xs, h0, (c0,) = check_sequence_inputs(xs, h0, {"c0": c0}, params)
    params = params._snapshot()  # the cache's own, read-only: later edits cannot reach it
    T, B, D = xs.shape
    H = params.hidden_size
    W, b = _fused_weights(params)
    Wh_T = np.ascontiguousarray(W[:, :H].T)  # (H, 4H), acts on h_{t-1}
    Wx_T = np.ascontiguousarray(W[:, H:].T)  # (D, 4H), acts on x_t

    # Input projections W·[0, x_t] + b for every step at once: one (T*B, D) @ (D, 4H),
    # written in place (a fresh (T*B, 4H) temporary per operation would cost more than the sum).
    x_proj = np.matmul(xs.reshape(T * B, D), Wx_T).reshape(T, B, 4 * H)
    x_proj += b
    hs, cs, tanh_cs, gates = _forward_through_time(x_proj, h0, c0, Wh_T)
    step = first_nonfinite_step(hs)  # NaN from inf - inf in W·z propagates to every h_t
    if step is not None:
        raise overflow_error(
            "lstm_forward", "the pre-activations W·z + b", hs.dtype, step, _TOO_LARGE
        )
    # The cache owns read-only copies of the inputs; hs and cs are shared with the caller
    # read-only (copying them would cost about 5 % of the pass at T=100, B=32, H=128).
    cache = LSTMCache(
        frozen_copy(xs), frozen_copy(h0), frozen_copy(c0), *frozen(hs, cs, tanh_cs, gates), params
    )
    return hs, cs, cache


def _check_backward_inputs(
    dhs: object, cache: object, dc_last: object
) -> tuple[np.ndarray, np.ndarray | None]:
    check_cache("cache", cache, LSTMCache, "lstm_forward")
    T, B, H = cache.hs.shape
    dhs = check_gradient_input("dhs", dhs, ("T", "B", "H"), (T, B, H), cache)
    if dc_last is not None:
        dc_last = check_gradient_input("dc_last", dc_last, ("B", "H"), (B, H), cache)
    return dhs, dc_last


def _backward_through_time(
    dhs: np.ndarray,
    cache: LSTMCache,
    dc_last: np.ndarray | None,
    W: np.ndarray,
    dcs_out: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The recursion of BPTT: pre-activation gradients ``da`` (T, B, 4H), dh0, dc0.

    ``W`` is the fused weight matrix (4H, H+D) of ``cache.params`` (:func:`_fused_weights`).

    At step t the running ``dc`` is the *total* ∂L/∂C_t (direct path from C_{t+1}
    plus the path through h_t); it is written to ``dcs_out[t]`` (t = 0..T) if given.
    """
    T, B, H = cache.hs.shape
    dtype = cache.hs.dtype
    gates, tanh_cs, c0, cs = cache.gates, cache.tanh_cs, cache.c0, cache.cs
    # (4H, H), acts on h_{t-1}; stored transposed, which BLAS multiplies faster here
    Wh = np.ascontiguousarray(W[:, :H].T).T
    # Work step by step on (B, ·) slices, every temporary written into one of these
    # small arrays (they stay in the processor's cache; no allocation per step).
    da = np.empty((T, B, 4 * H), dtype)  # rows of da[t] in FUSED_GATE_ORDER: one product with Wh
    da_by_gate = _by_gate(da)  # the same memory seen as (4, T, B, H)
    dh = np.zeros((B, H), dtype)  # ∂L/∂h_t arriving from step t+1
    dc = np.zeros((B, H), dtype) if dc_last is None else dc_last.copy()
    sig_grad = np.empty((3, B, H), dtype)  # σ'(a) = σ(1 - σ) of f_t, i_t, o_t
    upstream = np.empty((3, B, H), dtype)  # what multiplies σ' in da_f, da_i, da_o
    tmp = np.empty((2, B, H), dtype)
    for t in range(T - 1, -1, -1):
        f_t, i_t, o_t, C_tilde = gates[t]
        tanh_c, c_prev = tanh_cs[t], cs[t - 1] if t > 0 else c0
        da_t = da_by_gate[:, t]  # (4, B, H)
        dh += dhs[t]  # total ∂L/∂h_t
        # total ∂L/∂C_t, via (6): dc += dh * o_t * (1 - tanh(C_t)²)
        np.multiply(tanh_c, tanh_c, out=tmp[0])
        np.subtract(1, tmp[0], out=tmp[0])
        dc += np.multiply(np.multiply(dh, o_t, out=tmp[1]), tmp[0], out=tmp[1])
        if dcs_out is not None:
            dcs_out[t + 1] = dc
        sig = gates[t, :3]
        np.multiply(sig, np.subtract(1, sig, out=sig_grad), out=sig_grad)
        np.multiply(dc, c_prev, out=upstream[0])  # via (4), (1)
        np.multiply(dc, C_tilde, out=upstream[1])  # via (4), (2)
        np.multiply(dh, tanh_c, out=upstream[2])  # via (6), (5)
        np.multiply(upstream, sig_grad, out=da_t[:3])  # da_f, da_i, da_o
        np.subtract(1, np.multiply(C_tilde, C_tilde, out=tmp[0]), out=tmp[0])
        np.multiply(np.multiply(dc, i_t, out=tmp[1]), tmp[0], out=da_t[3])  # via (4), (3)
        dc *= f_t  # the direct path: ∂C_t/∂C_{t-1} = f_t
        np.matmul(da[t], Wh, out=dh)  # through the gates into h_{t-1}
    if dcs_out is not None:
        dcs_out[0] = dc
    return da, dh, dc


def _recurrent_weight_gradient(da: np.ndarray, cache, *, out: np.ndarray) -> None:
    """Σ_t h_{t-1}ᵀ·da_t (H, 4H) into ``out``: the h-columns of ∂L/∂W, transposed.

    h_0 for t = 1 plus h_1..h_{T-1} for t = 2..T (no copy of the hidden states).
    """
    T, B, H = cache.hs.shape
    out[:] = cache.hs[:-1].reshape((T - 1) * B, H).T @ da[1:].reshape((T - 1) * B, 4 * H)
    out += cache.h0.T @ da[0]


def _gradients_by_gate(dW: np.ndarray, db: np.ndarray) -> LSTMParams:
    """Split fused gradients ``dW`` (4H, H+D) and ``db`` (4H,) into an :class:`LSTMParams`."""
    H = db.shape[0] // 4
    blocks = {g: slice(k * H, (k + 1) * H) for k, g in enumerate(FUSED_GATE_ORDER)}
    return LSTMParams(
        **{f"W_{g}": np.ascontiguousarray(dW[rows]) for g, rows in blocks.items()},
        **{f"b_{g}": db[rows] for g, rows in blocks.items()},
    )


@quiet_overflow
def lstm_backward(
    dhs: np.ndarray, cache: LSTMCache, dc_last: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, LSTMParams]:
    """Backpropagation through time for :func:`lstm_forward`.

    Parameters
    ----------
    dhs : array (T, B, H)
        ∂L/∂h_t for every step t = 1..T (the loss's direct dependence on each output).
    cache : LSTMCache from :func:`lstm_forward`
    dc_last : array (B, H), optional
        An extra ∂L/∂C_T, e.g. when the final cell state feeds a later segment.

    Returns
    -------
    dxs : (T, B, D)
    dh0, dc0 : (B, H)
    grads : LSTMParams, the gradients summed over all steps and rows
    """
    dhs, dc_last = _check_backward_inputs(dhs, cache, dc_last)
    T, B, H = cache.hs.shape
    D = cache.xs.shape[2]
    W, _ = _fused_weights(cache.params)
    da, dh0, dc0 = _backward_through_time(dhs, cache, dc_last, W)

    # Weight gradients for all steps at once: Σ_t da_tᵀ·[h_{t-1}, x_t], the h-columns
    # as h_0 for t = 1 plus h_1..h_{T-1} for t = 2..T (no copy of the hidden states).
    # Formed transposed, [h_{t-1}, x_t]ᵀ·da_t (H+D, 4H): the same sums, but BLAS runs this
    # orientation 10-25 % faster here (the result is identical to the last bit).
    da_flat = da.reshape(T * B, 4 * H)
    dW_T = np.empty((H + D, 4 * H), da.dtype)
    _recurrent_weight_gradient(da, cache, out=dW_T[:H])
    dW_T[H:] = cache.xs.reshape(T * B, D).T @ da_flat
    dW = dW_T.T
    db = da_flat.sum(axis=0)
    dxs = (da_flat @ W[:, H:]).reshape(T, B, D)
    name = "lstm_backward"
    check_through_time(name, _THROUGH_TIME, da, (db, dh0, dc0))  # where it first overflowed
    check_finite_result(name, "∂L/∂h_0, ∂L/∂C_0", np.stack([dh0, dc0]), step=0)
    check_finite_result(name, "∂L/∂W (the sum over all steps)", dW)
    check_finite_result(name, "∂L/∂b (the sum over all steps)", db)
    if not all_finite(dxs):
        raise overflow_error(name, "∂L/∂x_t", dxs.dtype, last_nonfinite_step(dxs))
    return dxs, dh0, dc0, _gradients_by_gate(dW, db)


@quiet_overflow
def lstm_cell_state_gradients(
    dhs: np.ndarray, cache: LSTMCache, dc_last: np.ndarray | None = None
) -> np.ndarray:
    """∂L/∂C_t for every t = 0..T: the full BPTT gradient reaching each cell state.

    Same inputs as :func:`lstm_backward`. Returns an array (T+1, B, H) whose entry
    ``[t]`` is the total gradient at ``C_t`` (``[0]`` is ``dc0``, ``[T]`` is
    ∂L/∂C_T). Chapter "Vanishing gradients" plots its norm against the direct
    path ``∏ f``.
    """
    dhs, dc_last = _check_backward_inputs(dhs, cache, dc_last)
    T, B, H = cache.hs.shape
    dcs = np.empty((T + 1, B, H), cache.params.dtype)
    W, _ = _fused_weights(cache.params)
    da, _dh0, _dc0 = _backward_through_time(dhs, cache, dc_last, W, dcs_out=dcs)
    check_through_time("lstm_cell_state_gradients", _THROUGH_TIME, da, (dcs,))
    check_finite_result("lstm_cell_state_gradients", "∂L/∂C_0", dcs[0], step=0)
    return dcs
