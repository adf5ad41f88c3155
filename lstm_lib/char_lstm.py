"""A character-level LSTM language model, trained by truncated BPTT on one long text.

The network of chapter "What a trained LSTM keeps in its cell state"
(``chapters/05_char_lstm``): at every step it reads one character, given as its id in
a vocabulary of V (:mod:`lstm_lib.tokens`, equations (1)-(6) with ``x_t = e_k``),
and predicts the next one (:mod:`lstm_lib.softmax_readout`, equations (9)-(11)).

**Truncated BPTT with the state carried over.** The training text (N characters) is
cut into B equally long streams, one per batch row, each read from its start to its
end in chunks of T characters. The state at the end of one chunk is the initial
state of the next (``h_0, C_0 ← h_T, C_T``), so the cell can hold information over
many chunks, but the gradient stops at the chunk boundary: the carried state enters
the next chunk as a constant (it is *detached*), so one backward pass costs T steps
whatever the distance the information travels. At the end of the streams the state
starts from zero again (a new epoch).

**Learning rate.** Adam (:class:`lstm_lib.optim.Adam`) with a rate decaying
exponentially from ``lr`` to ``lr · final_lr_fraction`` over the run
(:func:`exponential_decay`), global-norm clipping (:func:`lstm_lib.optim.clip_grad_norm`).

**Bits per character.** The cross-entropy (11) in nats divided by ln 2
(:func:`bits_per_char`): 0 is a perfect prediction, log₂ V ≈ 6.6 a uniform guess.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lstm_lib import _validate as v
from lstm_lib.lstm import _forward_through_time, _fused_weights
from lstm_lib.optim import Adam, clip_grad_norm
from lstm_lib.params import LSTMParams
from lstm_lib.readout import ReadoutParams
from lstm_lib.softmax_readout import (
    sequence_readout_backward,
    sequence_readout_forward,
    softmax_cross_entropy,
    target_log_probs,
)
from lstm_lib.tokens import lstm_token_backward, lstm_token_forward

__all__ = [
    "CharLSTM",
    "CharTrainingHistory",
    "batch_streams",
    "bits_per_char",
    "char_lstm_loss_and_gradients",
    "char_lstm_states",
    "exponential_decay",
    "init_char_lstm",
    "load_char_lstm",
    "save_char_lstm",
    "train_char_lstm",
]

LN2 = math.log(2.0)


@dataclass(frozen=True, eq=False)
class CharLSTM:
    """An LSTM cell reading token ids (``cell``, D = V) and a softmax readout at every
    step (``readout``, ``W_y`` (V, H)). Also the container of its gradients' pair."""

    cell: LSTMParams
    readout: ReadoutParams

    def __post_init__(self) -> None:
        v.check_params(self.cell, LSTMParams, "cell")
        v.check_params(self.readout, ReadoutParams, "readout")
        H, V = self.cell.hidden_size, self.cell.input_size
        if self.readout.W_y.shape != (V, H):
            raise ValueError(
                f"readout: expected W_y of shape (V, H) = ({V}, {H}) (V = D and H of the cell), "
                f"got {self.readout.W_y.shape}"
            )
        if self.readout.dtype != self.cell.dtype:
            raise TypeError(
                f"readout: expected dtype {self.cell.dtype} (the cell's), got {self.readout.dtype}"
            )

    @property
    def vocab_size(self) -> int:
        """V, the number of token ids."""
        return self.cell.input_size

    @property
    def hidden_size(self) -> int:
        """H, the number of units."""
        return self.cell.hidden_size

    @property
    def dtype(self) -> np.dtype:
        return self.cell.dtype

    def parameters(self) -> list[LSTMParams | ReadoutParams]:
        """``[cell, readout]``: what :class:`~lstm_lib.optim.Adam` updates."""
        return [self.cell, self.readout]

    def copy(self) -> CharLSTM:
        return CharLSTM(self.cell.copy(), self.readout.copy())

    def astype(self, dtype: str | np.dtype) -> CharLSTM:
        """A copy in ``dtype`` (float32 or float64)."""
        dtype = v.float_dtype("dtype", dtype)
        r = self.readout
        return CharLSTM(
            self.cell.astype(dtype), ReadoutParams(r.W_y.astype(dtype), r.b_y.astype(dtype))
        )


def init_char_lstm(
    vocab_size: int,
    hidden_size: int,
    *,
    forget_bias: float = 1.0,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    dtype: str | np.dtype = "float32",
) -> CharLSTM:
    """A fresh :class:`CharLSTM`: weights from U(−1/√H, 1/√H) as PyTorch draws them,
    biases 0 except ``b_f = forget_bias``."""
    vocab_size = v.positive_int("vocab_size", vocab_size)
    hidden_size = v.positive_int("hidden_size", hidden_size)
    gen = v.generator(seed, rng)
    cell = LSTMParams.init(vocab_size, hidden_size, forget_bias=forget_bias, rng=gen, dtype=dtype)
    readout = ReadoutParams.init(hidden_size, vocab_size, rng=gen, dtype=dtype)
    return CharLSTM(cell, readout)


def save_char_lstm(path, model: CharLSTM, *, dtype: str | np.dtype | None = None) -> None:
    """Write ``model``'s arrays to a compressed ``.npz`` (optionally cast, e.g. float16
    to halve the file; :func:`load_char_lstm` casts back)."""
    v.check_params(model, CharLSTM, "model")
    arrays = {**model.cell.arrays(), **model.readout.arrays()}
    if dtype is not None:
        arrays = {k: a.astype(dtype) for k, a in arrays.items()}
    np.savez_compressed(path, **arrays)


def load_char_lstm(path, dtype: str | np.dtype = "float32") -> CharLSTM:
    """Read a model written by :func:`save_char_lstm`, as ``dtype``."""
    dtype = v.float_dtype("dtype", dtype)
    with np.load(path, allow_pickle=False) as data:
        cell = LSTMParams(
            **{k: data[k].astype(dtype) for k in LSTMParams._weights + LSTMParams._biases}
        )
        readout = ReadoutParams(W_y=data["W_y"].astype(dtype), b_y=data["b_y"].astype(dtype))
    return CharLSTM(cell, readout)


def _zero_state(model: CharLSTM, B: int) -> tuple[np.ndarray, np.ndarray]:
    z = np.zeros((B, model.hidden_size), model.dtype)
    return z, z.copy()


def char_lstm_loss_and_gradients(
    model: CharLSTM,
    inputs: np.ndarray,
    targets: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> tuple[float, list[LSTMParams | ReadoutParams], tuple[np.ndarray, np.ndarray]]:
    """One chunk of truncated BPTT: equations (1)-(6), (9)-(11) and back.

    Parameters
    ----------
    model : CharLSTM
    inputs, targets : integer arrays (T, B): the characters read and the next ones
    h0, c0 : arrays (B, H), optional (zeros)
        The state carried over from the previous chunk; no gradient flows into it.

    Returns
    -------
    loss : float, the mean cross-entropy in nats
    grads : [cell gradients, readout gradients], matching ``model.parameters()``
    state : (h_T, c_T), each (B, H), to carry into the next chunk
    """
    v.check_params(model, CharLSTM, "model")
    V = model.vocab_size
    inputs = v.token_array("inputs", inputs, ("T", "B"), (None, None), V, vocab_source="V of model")
    T, B = inputs.shape
    targets = v.token_array(
        "targets",
        targets,
        ("T", "B"),
        (T, B),
        V,
        source="T, B from inputs",
        vocab_source="V of model",
    )
    if h0 is None or c0 is None:
        zero_h, zero_c = _zero_state(model, B)
        h0 = zero_h if h0 is None else h0
        c0 = zero_c if c0 is None else c0
    hs, cs, cell_cache = lstm_token_forward(inputs, h0, c0, model.cell)
    logits, readout_cache = sequence_readout_forward(hs, model.readout)
    loss, dlogits = softmax_cross_entropy(logits, targets)
    dhs, g_readout = sequence_readout_backward(dlogits, readout_cache)
    _, _, g_cell = lstm_token_backward(dhs, cell_cache)
    return loss, [g_cell, g_readout], (hs[-1].copy(), cs[-1].copy())


def batch_streams(tokens: np.ndarray, batch_size: int) -> np.ndarray:
    """Cut a text ``tokens`` (N,) into ``batch_size`` contiguous streams: (L, B), L = N // B.

    Column b is ``tokens[b·L : (b+1)·L]``; the last ``N mod B`` tokens are dropped.
    """
    batch_size = v.positive_int("batch_size", batch_size)
    tokens = np.asarray(tokens)
    if tokens.ndim != 1 or tokens.size < batch_size:
        raise ValueError(
            f"tokens: expected shape (N,) with N >= batch_size = {batch_size}, got {tokens.shape}"
        )
    L = tokens.size // batch_size
    return tokens[: L * batch_size].reshape(batch_size, L).T


def char_lstm_states(
    model: CharLSTM,
    tokens: np.ndarray,
    *,
    chunk: int = 500,
    clamp: dict[int, float] | None = None,
    keep_gates: bool = True,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """Run ``model`` over streams ``tokens`` (L, B) from a zero state, chunk by chunk.

    ``clamp={j: value, ...}`` holds unit j's cell state at ``value`` after every update
    (4), ``C_t[j] = value``: the intervention of chapter 5 (what the rest of the network
    can still do without what unit j keeps).

    Returns ``cs`` (L, B, H), the cell states C_t after each character;
    ``gates`` (L, 4, B, H) in the order f, i, o, C̃ (``None`` with ``keep_gates=False``,
    which saves their memory on a long text); ``log_probs`` (L − 1, B), the
    log-probability of each next character (nats); ``hs`` (L, B, H).
    """
    v.check_params(model, CharLSTM, "model")
    tokens = v.token_array(
        "tokens", tokens, ("L", "B"), (None, None), model.vocab_size, vocab_source="V of model"
    )
    chunk = v.positive_int("chunk", chunk)
    if not isinstance(keep_gates, (bool, np.bool_)):
        raise TypeError(f"keep_gates: expected a bool, got {v._got(keep_gates)}")
    clamp_arrays = None
    if clamp is not None:
        if not isinstance(clamp, dict) or not clamp:
            raise TypeError(f"clamp: expected a non-empty dict {{unit: value}}, got {clamp!r}")
        units = []
        for j in clamp:
            if not v._is_int(j) or not 0 <= j < model.hidden_size:
                raise ValueError(
                    f"clamp: expected units in [0, {model.hidden_size}) (H of model), got {j!r}"
                )
            units.append(int(j))
        values = []
        for j in units:
            value = clamp[j]
            if not v._is_real(value):
                raise TypeError(f"clamp: expected a real number for unit {j}, got {v._got(value)}")
            if not np.isfinite(float(value)):
                raise ValueError(f"clamp: expected a finite number for unit {j}, got {value}")
            values.append(float(value))
        clamp_arrays = (np.array(units), np.array(values, model.dtype))
    L_, B = tokens.shape
    W, b = _fused_weights(model.cell)
    H = model.hidden_size
    Wh_T = np.ascontiguousarray(W[:, :H].T)
    Wx_T = np.ascontiguousarray(W[:, H:].T)
    h, c = _zero_state(model, B)
    hs, cs, gates = [], [], []
    for start in range(0, L_, chunk):
        x_proj = Wx_T[tokens[start : start + chunk]]
        x_proj += b
        h_part, c_part, _, g_part = _forward_through_time(x_proj, h, c, Wh_T, clamp_arrays)
        hs.append(h_part)
        cs.append(c_part)
        if keep_gates:
            gates.append(g_part)
        h, c = h_part[-1], c_part[-1]
    hs_all = np.concatenate(hs)
    if not np.isfinite(hs_all).all():
        raise OverflowError("char_lstm_states: the hidden state overflowed; rescale the weights")
    logits, _ = sequence_readout_forward(hs_all[:-1], model.readout)
    log_probs = target_log_probs(logits, tokens[1:])
    all_gates = np.concatenate(gates) if keep_gates else None
    return np.concatenate(cs), all_gates, log_probs, hs_all


def bits_per_char(model: CharLSTM, tokens: np.ndarray, *, streams: int = 16) -> float:
    """The mean loss in bits per character on a text ``tokens`` (N,), equation (11) / ln 2.

    The text is cut into ``streams`` contiguous pieces (:func:`batch_streams`) read in
    parallel from a zero state; every character but the first of each piece is
    predicted.
    """
    v.check_params(model, CharLSTM, "model")
    streams = v.positive_int("streams", streams)
    tokens = v.token_array(
        "tokens", tokens, ("N",), (None,), model.vocab_size, vocab_source="V of model"
    )
    if tokens.size < 2 * streams:
        raise ValueError(
            f"tokens: expected at least 2 · streams = {2 * streams} tokens, got {tokens.size}"
        )
    log_probs = char_lstm_states(model, batch_streams(tokens, streams))[2]
    return -float(log_probs.mean(dtype=np.float64)) / LN2


def exponential_decay(iteration: int, iterations: int, lr: float, final_fraction: float) -> float:
    """The learning rate at ``iteration`` (0-based) of ``iterations``:
    ``lr · final_fraction^(iteration / iterations)``, from ``lr`` down to
    ``lr · final_fraction``."""
    return lr * final_fraction ** (iteration / iterations)


@dataclass(frozen=True, eq=False)
class CharTrainingHistory:
    """What :func:`train_char_lstm` recorded.

    ``train_bpc`` (N,): the training chunk's loss in bits per character at each
    iteration; ``grad_norm`` (N,): the global norm before clipping; ``lr`` (N,): the
    rate used; ``eval_step`` and ``eval_bpc``: the held-out bits per character after
    those iterations (0 = initialisation); ``seconds``: wall-clock time.
    """

    train_bpc: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    eval_step: np.ndarray
    eval_bpc: np.ndarray
    seconds: float


def train_char_lstm(
    model: CharLSTM,
    tokens: np.ndarray,
    *,
    iterations: int,
    batch_size: int = 32,
    steps: int = 100,
    lr: float = 2e-3,
    final_lr_fraction: float = 0.1,
    max_norm: float = 1.0,
    eval_tokens: np.ndarray | None = None,
    eval_every: int = 500,
    callback: Callable[[int, CharLSTM], None] | None = None,
) -> CharTrainingHistory:
    """Train ``model`` in place on the text ``tokens`` (N,) by truncated BPTT.

    Each iteration takes the next ``steps`` characters of each of the ``batch_size``
    streams (:func:`batch_streams`), starts from the state the previous chunk ended
    in (detached), and makes one Adam step at the rate of :func:`exponential_decay`
    after clipping the global gradient norm at ``max_norm``. Every ``eval_every``
    iterations (and at the end) the bits per character on ``eval_tokens`` are
    recorded, and ``callback(iteration, model)`` is called (e.g. to score units).
    """
    v.check_params(model, CharLSTM, "model")
    iterations = v.positive_int("iterations", iterations)
    batch_size = v.positive_int("batch_size", batch_size)
    steps = v.positive_int("steps", steps)
    lr = v.positive_real("lr", lr)
    final_lr_fraction = v.positive_real("final_lr_fraction", final_lr_fraction)
    max_norm = v.positive_real("max_norm", max_norm)
    eval_every = v.positive_int("eval_every", eval_every)
    tokens = v.token_array(
        "tokens", tokens, ("N",), (None,), model.vocab_size, vocab_source="V of model"
    )
    streams = batch_streams(tokens, batch_size)
    if streams.shape[0] <= steps:
        raise ValueError(
            f"tokens: expected more than batch_size · (steps + 1) = {batch_size * (steps + 1)} "
            f"tokens, got {tokens.size}"
        )
    optimizer = Adam(model.parameters(), lr=lr)
    h, c = _zero_state(model, batch_size)
    position = 0
    train_bpc, norms, rates = [], [], []
    eval_step, eval_bpc = [], []

    def evaluate(it: int) -> None:
        if eval_tokens is not None:
            eval_step.append(it)
            eval_bpc.append(bits_per_char(model, eval_tokens))
        if callback is not None:
            callback(it, model)

    start = time.perf_counter()
    evaluate(0)
    for it in range(1, iterations + 1):
        if position + steps + 1 > streams.shape[0]:  # end of the streams: a new epoch
            position = 0
            h, c = _zero_state(model, batch_size)
        chunk = streams[position : position + steps + 1]
        position += steps
        loss, grads, (h, c) = char_lstm_loss_and_gradients(model, chunk[:-1], chunk[1:], h, c)
        norms.append(clip_grad_norm(grads, max_norm))
        optimizer.lr = exponential_decay(it - 1, iterations, lr, final_lr_fraction)
        rates.append(optimizer.lr)
        optimizer.step(grads)
        train_bpc.append(loss / LN2)
        if it % eval_every == 0 or it == iterations:
            evaluate(it)
    return CharTrainingHistory(
        train_bpc=np.array(train_bpc),
        grad_norm=np.array(norms),
        lr=np.array(rates),
        eval_step=np.array(eval_step),
        eval_bpc=np.array(eval_bpc),
        seconds=time.perf_counter() - start,
    )
