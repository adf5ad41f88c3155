"""Training a recurrent network on a sequence task: the experiment of chapter 4.

A :class:`Network` is a recurrent cell (the LSTM of :mod:`lstm_lib.lstm` or the simple
RNN of :mod:`lstm_lib.rnn`) followed by the linear readout of :mod:`lstm_lib.readout`
on the last hidden state. :func:`train` fits it to the adding problem
(:func:`lstm_lib.tasks.adding_problem`) with the same recipe for both networks: Adam,
global-norm clipping, fresh training batches at every iteration and a fixed held-out
set, all drawn from one seed, so that a run is reproducible and the two networks see
the same data.

A run is **solved** when the held-out mean squared error falls below 1 % of the
baseline 1/6 (the error of predicting the constant 1), i.e. below about 1.7e-3
(:data:`SOLVED_MSE`): a typical error of about 0.04 on a target in [0, 2], the same
accuracy as the 0.04 criterion of Hochreiter & Schmidhuber (1997).

Introduced in chapter "Learning a long dependency" (``chapters/04_long_dependency``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

from lstm_lib import _validate as v
from lstm_lib._validate import float_array
from lstm_lib.lstm import lstm_backward, lstm_forward
from lstm_lib.optim import Adam, clip_grad_norm, global_norm
from lstm_lib.params import LSTMParams, RNNParams
from lstm_lib.readout import ReadoutParams, mse_loss, readout_backward, readout_forward
from lstm_lib.rnn import rnn_backward, rnn_forward
from lstm_lib.tasks import ADDING_BASELINE_MSE, adding_problem

__all__ = [
    "MODELS",
    "RNN_INITS",
    "SOLVED_MSE",
    "Network",
    "TrainingHistory",
    "TrainingResult",
    "chrono_forget_biases",
    "init_network",
    "input_gradient_norms",
    "load_network",
    "loss_and_gradients",
    "predict",
    "save_network",
    "train",
]

#: The two networks compared in chapter 4.
MODELS = ("lstm", "rnn")
#: The simple RNN's initialisations, PyTorch's default or an orthogonal W_hh (ρ = 1).
RNN_INITS = ("default", "orthogonal")

#: Held-out MSE below which a run counts as solved: 1 % of the baseline 1/6.
SOLVED_MSE = 0.01 * ADDING_BASELINE_MSE


@dataclass(frozen=True, eq=False)
class Network:
    """A recurrent cell and a linear readout of its last hidden state.

    Fields: ``model`` (``"lstm"`` or ``"rnn"``), ``cell`` (:class:`LSTMParams` or
    :class:`RNNParams`), ``readout`` (:class:`ReadoutParams`, acting on ``h_T``).
    """

    model: str
    cell: LSTMParams | RNNParams
    readout: ReadoutParams

    def __post_init__(self) -> None:
        expected = {"lstm": LSTMParams, "rnn": RNNParams}
        if self.model not in expected:
            raise ValueError(f"model: expected one of {MODELS}, got {self.model!r}")
        if not isinstance(self.cell, expected[self.model]):
            raise TypeError(
                f"cell: expected {expected[self.model].__name__} for model {self.model!r}, "
                f"got {type(self.cell).__name__}"
            )
        if not isinstance(self.readout, ReadoutParams):
            raise TypeError(f"readout: expected ReadoutParams, got {type(self.readout).__name__}")
        if self.readout.hidden_size != self.cell.hidden_size:
            raise ValueError(
                f"readout: expected W_y of shape (P, H) = (P, {self.cell.hidden_size}) "
                f"(H of the cell), got {self.readout.W_y.shape}"
            )
        if self.readout.dtype != self.cell.dtype:
            raise TypeError(
                f"readout: expected dtype {self.cell.dtype} (the cell's), got {self.readout.dtype}"
            )

    def parameters(self) -> list[LSTMParams | RNNParams | ReadoutParams]:
        """``[cell, readout]``: what :class:`~lstm_lib.optim.Adam` updates."""
        return [self.cell, self.readout]

    def copy(self) -> Network:
        """A deep copy (new arrays), e.g. to keep the initialisation before training."""
        return Network(self.model, self.cell.copy(), self.readout.copy())


def save_network(path: str | os.PathLike, net: Network) -> None:
    """Write ``net`` to an ``.npz`` file: its model name and every array by field name."""
    _check_network(net)
    arrays = {**net.cell.arrays(), **net.readout.arrays()}
    np.savez_compressed(path, model=np.array(net.model), **arrays)


def load_network(path: str | os.PathLike) -> Network:
    """Read a network written by :func:`save_network` (every array is checked again)."""
    with np.load(path, allow_pickle=False) as data:
        model = str(data["model"])
        if model not in MODELS:
            raise ValueError(f"path: expected a file written by save_network, got model {model!r}")
        cls = LSTMParams if model == "lstm" else RNNParams
        fields = {name: data[name] for name in cls._weights + cls._biases}
        readout = ReadoutParams(W_y=data["W_y"], b_y=data["b_y"])
    return Network(model, cls(**fields), readout)


def chrono_forget_biases(hidden_size: int, max_lag: int, *, rng: np.random.Generator) -> np.ndarray:
    """The "chrono" initialisation of Tallec & Ollivier (2018): ``b_f = log(u)``.

    ``u`` is drawn uniformly from [1, max_lag − 1] per unit, so that the forget gates'
    characteristic memory times 1/(1 − σ(b_f)) ≈ 1 + u spread over the range of lags
    the task needs; the input gate gets ``b_i = −b_f``. Returns ``b_f``, shape (H,).
    """
    hidden_size = v.positive_int("hidden_size", hidden_size)
    max_lag = v.positive_int("max_lag", max_lag)
    if max_lag < 3:
        raise ValueError(f"max_lag: expected an int >= 3 (u from [1, max_lag - 1]), got {max_lag}")
    return np.log(rng.uniform(1.0, max_lag - 1.0, hidden_size))


def init_network(
    model: str,
    input_size: int,
    hidden_size: int,
    output_size: int = 1,
    *,
    forget_bias: float | str = 1.0,
    rnn_init: str = "default",
    max_lag: int | None = None,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    dtype: str | np.dtype = "float64",
) -> Network:
    """A freshly initialised network; the weights as PyTorch draws them, the biases 0.

    Every weight (cell and readout) is drawn from U(−1/√H, 1/√H), as ``nn.LSTM``,
    ``nn.RNN`` and ``nn.Linear`` do. Every bias starts at 0 (PyTorch draws its biases
    from the same uniform distribution), except the LSTM's forget gate:
    ``b_f = forget_bias`` everywhere, or ``forget_bias="chrono"`` for the chrono
    initialisation (:func:`lstm_lib.training.chrono_forget_biases`, which needs
    ``max_lag``). ``rnn_init="orthogonal"`` gives the simple RNN the recurrent matrix
    of chapter 3's best case instead: ``W_hh`` a random orthogonal matrix (spectral
    radius ρ = 1, :meth:`lstm_lib.RNNParams.init` with ``spectral_radius=1``).

    Parameters
    ----------
    model : "lstm" or "rnn"
    input_size, hidden_size, output_size : int
        D, H and P.
    forget_bias : float or "chrono"
        LSTM only (the simple RNN has no forget gate; leave the default).
    rnn_init : "default" or "orthogonal"
        Simple RNN only (leave the default for the LSTM).
    max_lag : int, optional
        The longest lag for "chrono", usually the sequence length T.
    seed, rng : int or numpy.random.Generator, optional
    dtype : float32 or float64
    """
    if model not in MODELS:
        raise ValueError(f"model: expected one of {MODELS}, got {model!r}")
    gen = v.generator(seed, rng)
    chrono = isinstance(forget_bias, str)
    if chrono and forget_bias != "chrono":
        raise ValueError(f"forget_bias: expected a number or 'chrono', got {forget_bias!r}")
    if chrono and max_lag is None:
        raise ValueError("max_lag: expected the longest lag (e.g. T) for forget_bias='chrono'")
    if rnn_init not in RNN_INITS:
        raise ValueError(f"rnn_init: expected one of {RNN_INITS}, got {rnn_init!r}")
    if model == "rnn":
        if chrono or float(forget_bias) != 1.0:
            raise ValueError(f"forget_bias: the simple RNN has no forget gate, got {forget_bias!r}")
        radius = 1.0 if rnn_init == "orthogonal" else None
        cell = RNNParams.init(input_size, hidden_size, spectral_radius=radius, rng=gen, dtype=dtype)
    else:
        if rnn_init != "default":
            raise ValueError(f"rnn_init: the LSTM takes no rnn_init, got {rnn_init!r}")
        cell = LSTMParams.init(
            input_size, hidden_size, forget_bias=0.0 if chrono else forget_bias, rng=gen,
            dtype=dtype,
        )  # fmt: skip
        if chrono:
            b_f = chrono_forget_biases(hidden_size, max_lag, rng=gen).astype(cell.dtype)
            cell.b_f[:] = b_f
            cell.b_i[:] = -b_f
    readout = ReadoutParams.init(hidden_size, output_size, rng=gen, dtype=dtype)
    return Network(model, cell, readout)


def _check_network(net: object) -> Network:
    if not isinstance(net, Network):
        raise TypeError(f"net: expected a Network (from init_network), got {type(net).__name__}")
    return net


def _run_cell(net: Network, xs: np.ndarray):
    """Forward pass of the cell from zero initial states: ``(hs, cache)``."""
    xs = float_array("xs", xs, ("T", "B", "D"), (None, None, net.cell.input_size), net.cell.dtype)
    B, H = xs.shape[1], net.cell.hidden_size
    h0 = np.zeros((B, H), xs.dtype)
    if net.model == "lstm":
        hs, _, cache = lstm_forward(xs, h0, h0, net.cell)
    else:
        hs, cache = rnn_forward(xs, h0, net.cell)
    return hs, cache


def predict(net: Network, xs: np.ndarray) -> np.ndarray:
    """The network's answer ``ŷ = W_y·h_T + b_y`` for each sequence: (T, B, D) → (B, P)."""
    hs, _ = _run_cell(_check_network(net), xs)
    return readout_forward(hs[-1], net.readout)[0]


def _forward_backward(net: Network, xs: np.ndarray, y: np.ndarray):
    """One pass, equations (1)-(8) and back: ``(loss, dxs, [cell grads, readout grads])``."""
    _check_network(net)
    hs, cell_cache = _run_cell(net, xs)
    y_hat, readout_cache = readout_forward(hs[-1], net.readout)
    loss, dy_hat = mse_loss(y_hat, y)
    dh_T, g_readout = readout_backward(dy_hat, readout_cache)
    dhs = np.zeros_like(hs)
    dhs[-1] = dh_T  # the loss reads h_T only
    if net.model == "lstm":
        dxs, _, _, g_cell = lstm_backward(dhs, cell_cache)
    else:
        dxs, _, g_cell = rnn_backward(dhs, cell_cache)
    return loss, dxs, [g_cell, g_readout]


def loss_and_gradients(
    net: Network, xs: np.ndarray, y: np.ndarray
) -> tuple[float, list[LSTMParams | RNNParams | ReadoutParams]]:
    """The MSE of ``net`` on ``(xs, y)`` and its gradients, by BPTT.

    Parameters
    ----------
    net : Network
    xs : array (T, B, D)
    y : array (B, P)

    Returns
    -------
    loss : float, equation (8)
    grads : [cell gradients, readout gradients], matching ``net.parameters()``
    """
    loss, _, grads = _forward_backward(net, xs, y)
    return loss, grads


def input_gradient_norms(net: Network, xs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """‖∂L/∂x_{T−k}‖ for k = 0 … T−1: how much the loss can learn from each step's input.

    The norm is over the batch and the input channels, for the MSE of ``net`` on
    ``(xs, y)``; entry k belongs to the input k steps before the end. Chapter 4 plots
    it for the trained networks against their initialisation.

    Returns
    -------
    array (T,), float64
    """
    _, dxs, _ = _forward_backward(net, xs, y)
    norms = np.sqrt(np.einsum("tbd,tbd->t", dxs, dxs, dtype=np.float64))
    return norms[::-1].copy()


@dataclass(frozen=True, eq=False)
class TrainingHistory:
    """What happened during :func:`train`, as arrays.

    - ``train_loss`` (N,): the training-batch MSE at each iteration 1 … N;
    - ``grad_norm`` (N,): the global gradient norm *before* clipping at each iteration;
    - ``eval_step`` (E,): the iterations after which the held-out set was scored
      (0 is the initialisation);
    - ``test_mse`` (E,): the held-out MSE at those iterations;
    - ``seconds``: wall-clock time of the whole run (machine-dependent, never printed
      in the book).
    """

    train_loss: np.ndarray
    grad_norm: np.ndarray
    eval_step: np.ndarray
    test_mse: np.ndarray
    seconds: float


@dataclass(frozen=True, eq=False)
class TrainingResult:
    """The outcome of :func:`train`.

    ``net`` is the trained network (its arrays were updated in place), ``initial`` a
    copy of it before training; ``solved`` says whether the held-out MSE fell below
    ``threshold``, ``steps_to_solve`` after how many iterations (``None`` if never);
    ``test_mse`` is the last held-out MSE; ``history`` the curves.
    """

    net: Network
    initial: Network
    history: TrainingHistory
    solved: bool
    steps_to_solve: int | None
    test_mse: float
    threshold: float = field(default=SOLVED_MSE)


def train(
    net: Network,
    steps: int,
    *,
    iterations: int = 3000,
    batch_size: int = 32,
    lr: float = 1e-2,
    max_norm: float | None = 1.0,
    eval_every: int = 50,
    test_size: int = 500,
    threshold: float = SOLVED_MSE,
    stop_when_solved: bool = True,
    seed: int = 0,
) -> TrainingResult:
    """Train ``net`` on the adding problem with sequences of ``steps`` steps.

    The recipe, the same for both networks: at each iteration a fresh batch of
    ``batch_size`` sequences, one BPTT pass over the whole sequence, global-norm
    clipping at ``max_norm`` (``None`` turns it off) and one Adam step with learning
    rate ``lr``. Every ``eval_every`` iterations the MSE on a fixed held-out set of
    ``test_size`` sequences is recorded; training stops once it is below
    ``threshold`` (if ``stop_when_solved``) or after ``iterations``.

    The training batches and the held-out set come from two independent streams
    spawned from ``seed``, so a run is reproducible and, for the same seed and T,
    the LSTM and the RNN are trained and tested on the same sequences.
    ``net`` is updated in place.

    Returns
    -------
    TrainingResult
    """
    _check_network(net)
    T = v.positive_int("steps", steps)
    iterations = v.positive_int("iterations", iterations)
    batch_size = v.positive_int("batch_size", batch_size)
    eval_every = v.positive_int("eval_every", eval_every)
    test_size = v.positive_int("test_size", test_size)
    if max_norm is not None:
        max_norm = v.positive_real("max_norm", max_norm)
    lr = v.positive_real("lr", lr)
    threshold = v.positive_real("threshold", threshold)
    seed = v.seed("seed", seed)
    train_rng, test_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    dtype = net.cell.dtype
    xs_test, y_test = adding_problem(T, test_size, rng=test_rng, dtype=dtype)
    initial = net.copy()
    optimizer = Adam(net.parameters(), lr=lr)

    def held_out_mse() -> float:
        return mse_loss(predict(net, xs_test), y_test)[0]

    start = time.perf_counter()
    losses, norms = [], []
    eval_steps, test_mses = [0], [held_out_mse()]
    steps_to_solve = None
    for it in range(1, iterations + 1):
        xs, y = adding_problem(T, batch_size, rng=train_rng, dtype=dtype)
        loss, grads = loss_and_gradients(net, xs, y)
        if max_norm is None:
            norm = global_norm(grads)
        else:
            norm = clip_grad_norm(grads, max_norm)
        optimizer.step(grads)
        losses.append(loss)
        norms.append(norm)
        if it % eval_every == 0 or it == iterations:
            eval_steps.append(it)
            test_mses.append(held_out_mse())
            if test_mses[-1] < threshold and steps_to_solve is None:
                steps_to_solve = it
                if stop_when_solved:
                    break
    history = TrainingHistory(
        train_loss=np.array(losses),
        grad_norm=np.array(norms),
        eval_step=np.array(eval_steps),
        test_mse=np.array(test_mses),
        seconds=time.perf_counter() - start,
    )
    return TrainingResult(
        net=net,
        initial=initial,
        history=history,
        solved=steps_to_solve is not None,
        steps_to_solve=steps_to_solve,
        test_mse=test_mses[-1],
        threshold=threshold,
    )
