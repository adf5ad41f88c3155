"""The public functions of lstm_lib as a table: good arguments, and generators of bad ones.

Used by ``test_layouts.py`` (every array argument in other memory layouts gives the same
result) and ``test_bad_inputs.py`` (every bad argument gets a clear error naming it).
Run it as a script to print the figures of issue 14 for the current code::

    .venv/bin/python tests/api_cases.py

How a bad-input case is counted (:func:`classify`):

* ``clear``: a ``ValueError``/``TypeError`` of the library's form ``"name: expected …, got …"``
  whose message names the argument that was made bad, of the type its rule raises
  (``TypeError`` for a wrong kind or dtype, ``ValueError`` for a wrong shape, size or value);
* ``wrong_kind``: as clear, but the other of the two exception types;
* ``wrong_name``: of the library's form, but the bad argument is not named in it;
* ``unclear``: any other exception, or a message not of that form (NumPy internals);
* ``silent``: no exception at all, although the argument is invalid.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

import lstm_lib as L

T, B, D, H = 4, 3, 2, 5


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def lstm_params(dtype=np.float64) -> L.LSTMParams:
    return L.LSTMParams.init(D, H, seed=0, dtype=dtype)


def rnn_params(dtype=np.float64) -> L.RNNParams:
    return L.RNNParams.init(D, H, seed=0, dtype=dtype)


def _normal(*shape: int, seed: int = 1) -> np.ndarray:
    return _rng(seed).standard_normal(shape)


# ------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Arg:
    """One argument: its kind, and for arrays which axes may take any size."""

    kind: str  # array, any_array, params_lstm, params_rnn, cache, posint, seed, real, ...
    free_axes: tuple[int, ...] = ()  # array axes whose size is the caller's choice
    any_float: bool = False  # float32 and float64 both fine whatever the other arguments
    optional: bool = False  # None is a valid value


@dataclass(frozen=True)
class Entry:
    """A public entry point: ``call(**good())`` must succeed."""

    name: str
    call: Callable[..., object]
    good: Callable[[], dict]
    args: dict[str, Arg] = field(default_factory=dict)


def _lstm_seq_cache():
    p = lstm_params()
    return L.lstm_forward(_normal(T, B, D), _normal(B, H, seed=2), _normal(B, H, seed=3), p)[2]


def _lstm_step_cache():
    p = lstm_params()
    return L.lstm_step_forward(_normal(B, D), _normal(B, H, seed=2), _normal(B, H, seed=3), p)[2]


def _lstm_reference_caches():
    p = lstm_params()
    xs, h0, c0 = _normal(T, B, D), _normal(B, H, seed=2), _normal(B, H, seed=3)
    return L.lstm_forward_reference(xs, h0, c0, p)[2]


def _rnn_seq_cache():
    return L.rnn_forward(_normal(T, B, D), _normal(B, H, seed=2), rnn_params())[1]


def _rnn_step_cache():
    return L.rnn_step_forward(_normal(B, D), _normal(B, H, seed=2), rnn_params())[1]


V = 6  # vocabulary of the token entries


def _tokens(seed: int = 7, shape: tuple[int, ...] = (T, B)) -> np.ndarray:
    return _rng(seed).integers(0, V, shape)


def lstm_token_params(dtype=np.float64) -> L.LSTMParams:
    return L.LSTMParams.init(V, H, seed=0, dtype=dtype)


def _lstm_token_cache():
    p = lstm_token_params()
    return L.lstm_token_forward(_tokens(), _normal(B, H, seed=2), _normal(B, H, seed=3), p)[2]


def _sequence_readout_cache():
    params = L.ReadoutParams.init(H, V, seed=0)
    return L.sequence_readout_forward(_normal(T, B, H), params)[1]


def char_model(dtype="float64") -> L.CharLSTM:
    return L.init_char_lstm(V, H, seed=0, dtype=dtype)


def _quadratic(a):
    return float(np.sum(a * a * np.arange(1, a.size + 1).reshape(a.shape)))


ARRAY = Arg("array")
TORCH_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
CACHE = Arg("cache")


def _lstm_forward_entry(name: str, forward: Callable) -> Entry:
    """An LSTM forward pass over a sequence: ``forward(xs, h0, c0, params)``."""
    return Entry(
        name,
        forward,
        lambda: {
            "xs": _normal(T, B, D),
            "h0": _normal(B, H, seed=2),
            "c0": _normal(B, H, seed=3),
            "params": lstm_params(),
        },
        {
            "xs": Arg("array", free_axes=(0, 1)),
            "h0": ARRAY,
            "c0": ARRAY,
            "params": Arg("params_lstm"),
        },
    )


ENTRIES: list[Entry] = [
    Entry(
        "LSTMParams",
        L.LSTMParams,
        lambda: lstm_params().copy().arrays(),
        {n: ARRAY for n in ("W_f", "W_i", "W_C", "W_o", "b_f", "b_i", "b_C", "b_o")},
    ),
    Entry(
        "LSTMParams.init",
        L.LSTMParams.init,
        lambda: {"input_size": D, "hidden_size": H, "forget_bias": 1.0, "seed": 0},
        {
            "input_size": Arg("posint"),
            "hidden_size": Arg("posint"),
            "forget_bias": Arg("real"),
            "seed": Arg("seed"),
            "rng": Arg("rng"),
            "dtype": Arg("dtype"),
        },
    ),
    Entry(
        "LSTMParams.from_torch",
        L.LSTMParams.from_torch,
        lambda: dict(zip(TORCH_NAMES, lstm_params().to_torch(), strict=True)),
        {
            "weight_ih": Arg("array", free_axes=(1,)),
            "weight_hh": ARRAY,
            "bias_ih": ARRAY,
            "bias_hh": ARRAY,
        },
    ),
    Entry(
        "LSTMParams.astype",
        lambda dtype: lstm_params().astype(dtype),
        lambda: {"dtype": "float32"},
        {"dtype": Arg("dtype")},
    ),
    Entry(
        "RNNParams",
        L.RNNParams,
        lambda: rnn_params().copy().arrays(),
        {"W_h": Arg("array", free_axes=(1,)), "b_h": ARRAY},
    ),
    Entry(
        "RNNParams.init",
        L.RNNParams.init,
        lambda: {"input_size": D, "hidden_size": H, "spectral_radius": 1.5, "seed": 0},
        {
            "input_size": Arg("posint"),
            "hidden_size": Arg("posint"),
            "spectral_radius": Arg("posreal_or_none"),
            "seed": Arg("seed"),
            "rng": Arg("rng"),
            "dtype": Arg("dtype"),
        },
    ),
    Entry(
        "lstm_step_forward",
        L.lstm_step_forward,
        lambda: {
            "x_t": _normal(B, D),
            "h_prev": _normal(B, H, seed=2),
            "c_prev": _normal(B, H, seed=3),
            "params": lstm_params(),
        },
        {
            "x_t": Arg("array", free_axes=(0,)),
            "h_prev": ARRAY,
            "c_prev": ARRAY,
            "params": Arg("params_lstm"),
        },
    ),
    Entry(
        "lstm_step_backward",
        L.lstm_step_backward,
        lambda: {
            "dh_t": _normal(B, H, seed=4),
            "dc_t": _normal(B, H, seed=5),
            "cache": _lstm_step_cache(),
        },
        {"dh_t": ARRAY, "dc_t": ARRAY, "cache": CACHE},
    ),
    _lstm_forward_entry("lstm_forward", L.lstm_forward),
    Entry(
        "lstm_backward",
        L.lstm_backward,
        lambda: {
            "dhs": _normal(T, B, H, seed=4),
            "cache": _lstm_seq_cache(),
            "dc_last": _normal(B, H, seed=5),
        },
        {"dhs": ARRAY, "cache": CACHE, "dc_last": Arg("array", optional=True)},
    ),
    _lstm_forward_entry("lstm_forward_reference", L.lstm_forward_reference),
    Entry(
        "lstm_backward_reference",
        L.lstm_backward_reference,
        lambda: {
            "dhs": _normal(T, B, H, seed=4),
            "caches": _lstm_reference_caches(),
            "dc_last": _normal(B, H, seed=5),
        },
        {"dhs": ARRAY, "caches": Arg("step_caches"), "dc_last": Arg("array", optional=True)},
    ),
    Entry(
        "lstm_cell_state_gradients",
        L.lstm_cell_state_gradients,
        lambda: {
            "dhs": _normal(T, B, H, seed=4),
            "cache": _lstm_seq_cache(),
            "dc_last": _normal(B, H, seed=5),
        },
        {"dhs": ARRAY, "cache": CACHE, "dc_last": Arg("array", optional=True)},
    ),
    Entry(
        "rnn_step_forward",
        L.rnn_step_forward,
        lambda: {"x_t": _normal(B, D), "h_prev": _normal(B, H, seed=2), "params": rnn_params()},
        {"x_t": Arg("array", free_axes=(0,)), "h_prev": ARRAY, "params": Arg("params_rnn")},
    ),
    Entry(
        "rnn_step_backward",
        L.rnn_step_backward,
        lambda: {"dh_t": _normal(B, H, seed=4), "cache": _rnn_step_cache()},
        {"dh_t": ARRAY, "cache": CACHE},
    ),
    Entry(
        "rnn_forward",
        L.rnn_forward,
        lambda: {"xs": _normal(T, B, D), "h0": _normal(B, H, seed=2), "params": rnn_params()},
        {"xs": Arg("array", free_axes=(0, 1)), "h0": ARRAY, "params": Arg("params_rnn")},
    ),
    Entry(
        "rnn_backward",
        L.rnn_backward,
        lambda: {"dhs": _normal(T, B, H, seed=4), "cache": _rnn_seq_cache()},
        {"dhs": ARRAY, "cache": CACHE},
    ),
    Entry(
        "rnn_hidden_state_gradients",
        L.rnn_hidden_state_gradients,
        lambda: {"dhs": _normal(T, B, H, seed=4), "cache": _rnn_seq_cache()},
        {"dhs": ARRAY, "cache": CACHE},
    ),
    Entry(
        "sigmoid",
        L.sigmoid,
        lambda: {"a": _normal(B, H)},
        {"a": Arg("any_array", any_float=True)},
    ),
    Entry(
        "tanh",
        L.tanh,
        lambda: {"a": _normal(B, H)},
        {"a": Arg("any_array", any_float=True)},
    ),
    Entry(
        "numerical_gradient",
        L.numerical_gradient,
        lambda: {"f": _quadratic, "x": _normal(2, 3), "eps": 1e-5},
        {"f": Arg("scalar_function"), "x": Arg("any_array"), "eps": Arg("posreal")},
    ),
    Entry(
        "numerical_jacobian",
        L.numerical_jacobian,
        lambda: {"f": np.sin, "x": _normal(3), "eps": 1e-5},
        {"f": Arg("vector_function"), "x": Arg("array", free_axes=(0,)), "eps": Arg("posreal")},
    ),
    Entry(
        "memory_cell",
        L.memory_cell,
        lambda: {"forget_bias": 5.0, "gain": 15.0, "value_scale": 0.1, "reset_on_write": False},
        {
            "forget_bias": Arg("real_or_none"),
            "gain": Arg("posreal"),
            "value_scale": Arg("real"),
            "reset_on_write": Arg("bool"),
        },
    ),
    Entry(
        "relative_error",
        L.relative_error,
        lambda: {"analytic": _normal(2, 3), "numeric": _normal(2, 3, seed=2), "floor": 1e-12},
        {
            "analytic": Arg("array", any_float=True),
            "numeric": Arg("array", any_float=True),
            "floor": Arg("posreal"),
        },
    ),
    Entry(
        "gradient_norms",
        L.gradient_norms,
        lambda: {
            "forget_bias": 1.0,
            "steps": 5,
            "hidden_size": 4,
            "input_size": 2,
            "seed": 0,
            "rnn_spectral_radius": 1.0,
        },
        {
            "forget_bias": Arg("real"),
            "steps": Arg("posint"),
            "hidden_size": Arg("posint"),
            "input_size": Arg("posint"),
            "seed": Arg("seed"),
            "rnn_spectral_radius": Arg("posreal"),
        },
    ),
    Entry(
        "gradient_norm_draws",
        L.gradient_norm_draws,
        lambda: {
            "forget_bias": 1.0,
            "draws": 2,
            "steps": 5,
            "hidden_size": 4,
            "input_size": 2,
            "seed": 0,
            "rnn_spectral_radius": 1.0,
            "input_scale": 1.0,
        },
        {
            "forget_bias": Arg("real"),
            "draws": Arg("posint"),
            "steps": Arg("posint"),
            "hidden_size": Arg("posint"),
            "input_size": Arg("posint"),
            "seed": Arg("seed"),
            "rnn_spectral_radius": Arg("posreal"),
            "input_scale": Arg("posreal"),
        },
    ),
    Entry(
        "lstm_token_forward",
        L.lstm_token_forward,
        lambda: {
            "tokens": _tokens(),
            "h0": _normal(B, H, seed=2),
            "c0": _normal(B, H, seed=3),
            "params": lstm_token_params(),
        },
        {
            "tokens": Arg("tokens", free_axes=(0, 1)),
            "h0": ARRAY,
            "c0": ARRAY,
            "params": Arg("params_lstm"),
        },
    ),
    Entry(
        "lstm_token_backward",
        L.lstm_token_backward,
        lambda: {
            "dhs": _normal(T, B, H, seed=4),
            "cache": _lstm_token_cache(),
            "dc_last": _normal(B, H, seed=5),
        },
        {"dhs": ARRAY, "cache": CACHE, "dc_last": Arg("array", optional=True)},
    ),
    Entry(
        "one_hot",
        L.one_hot,
        lambda: {"tokens": _tokens(), "vocab_size": V, "dtype": "float32"},
        {
            "tokens": Arg("tokens", free_axes=(0, 1)),
            "vocab_size": Arg("posint"),
            "dtype": Arg("dtype"),
        },
    ),
    Entry(
        "sequence_readout_forward",
        L.sequence_readout_forward,
        lambda: {"hs": _normal(T, B, H), "params": L.ReadoutParams.init(H, V, seed=0)},
        {"hs": Arg("array", free_axes=(0, 1)), "params": Arg("params_readout")},
    ),
    Entry(
        "sequence_readout_backward",
        L.sequence_readout_backward,
        lambda: {"dlogits": _normal(T, B, V, seed=4), "cache": _sequence_readout_cache()},
        {"dlogits": ARRAY, "cache": CACHE},
    ),
    Entry(
        "log_softmax",
        L.log_softmax,
        lambda: {"logits": _normal(T, B, V)},
        {"logits": Arg("any_array", any_float=True)},
    ),
    Entry(
        "softmax_cross_entropy",
        L.softmax_cross_entropy,
        lambda: {"logits": _normal(T, B, V), "targets": _tokens(seed=8)},
        {"logits": Arg("array", free_axes=(0, 1, 2), any_float=True), "targets": Arg("tokens")},
    ),
    Entry(
        "target_log_probs",
        L.target_log_probs,
        lambda: {"logits": _normal(T, B, V), "targets": _tokens(seed=8)},
        {"logits": Arg("array", free_axes=(0, 1, 2), any_float=True), "targets": Arg("tokens")},
    ),
    Entry(
        "init_char_lstm",
        L.init_char_lstm,
        lambda: {"vocab_size": V, "hidden_size": H, "forget_bias": 1.0, "seed": 0},
        {
            "vocab_size": Arg("posint"),
            "hidden_size": Arg("posint"),
            "forget_bias": Arg("real"),
            "seed": Arg("seed"),
            "rng": Arg("rng"),
            "dtype": Arg("dtype"),
        },
    ),
    Entry(
        "char_lstm_loss_and_gradients",
        L.char_lstm_loss_and_gradients,
        lambda: {
            "model": char_model(),
            "inputs": _tokens(),
            "targets": _tokens(seed=8),
            "h0": _normal(B, H, seed=2),
            "c0": _normal(B, H, seed=3),
        },
        {
            "model": Arg("char_model"),
            "inputs": Arg("tokens", free_axes=(0, 1)),
            "targets": Arg("tokens"),
            "h0": Arg("array", optional=True),
            "c0": Arg("array", optional=True),
        },
    ),
    Entry(
        "char_lstm_states",
        L.char_lstm_states,
        lambda: {
            "model": char_model(),
            "tokens": _tokens(),
            "chunk": 2,
            "clamp": {1: 0.5},
            "keep_gates": False,
        },
        {
            "model": Arg("char_model"),
            "tokens": Arg("tokens", free_axes=(0, 1)),
            "chunk": Arg("posint"),
            "clamp": Arg("clamp"),
            "keep_gates": Arg("bool"),
        },
    ),
    Entry(
        "bits_per_char",
        L.bits_per_char,
        lambda: {"model": char_model(), "tokens": _tokens(shape=(40,)), "streams": 4},
        {
            "model": Arg("char_model"),
            "tokens": Arg("tokens", free_axes=(0,)),
            "streams": Arg("posint"),
        },
    ),
    Entry(
        "train_char_lstm",
        L.train_char_lstm,
        lambda: {
            "model": char_model(),
            "tokens": _tokens(shape=(60,)),
            "iterations": 2,
            "batch_size": 2,
            "steps": 5,
            "lr": 1e-3,
            "final_lr_fraction": 0.5,
            "max_norm": 1.0,
            "eval_every": 1,
        },
        {
            "model": Arg("char_model"),
            "tokens": Arg("tokens", free_axes=(0,)),
            "iterations": Arg("posint"),
            "batch_size": Arg("posint"),
            "steps": Arg("posint"),
            "lr": Arg("posreal"),
            "final_lr_fraction": Arg("posreal"),
            "max_norm": Arg("posreal"),
            "eval_every": Arg("posint"),
        },
    ),
    Entry(
        "encode",
        L.encode,
        lambda: {"text": "def f(x):\n    return x\n"},
        {"text": Arg("text")},
    ),
    Entry(
        "decode",
        L.decode,
        lambda: {"tokens": L.encode("x = (1, 2)\n")},
        {"tokens": Arg("tokens", free_axes=(0,))},
    ),
]


# ------------------------------------------------------------------------ layouts


def layouts(a: np.ndarray) -> dict[str, np.ndarray]:
    """``a`` in other memory layouts, equal in value: Fortran order, a transposed view,
    a strided view, negative strides and a read-only copy."""
    out = {"fortran": np.asfortranarray(a)}
    if a.ndim >= 2:
        out["transposed"] = np.ascontiguousarray(np.swapaxes(a, 0, -1)).swapaxes(0, -1)
    if a.ndim >= 1:
        out["strided"] = np.repeat(a, 2, axis=-1)[..., ::2]
        out["reversed"] = a[::-1].copy()[::-1]
    read_only = a.copy()
    read_only.flags.writeable = False
    out["read_only"] = read_only
    return {k: v for k, v in out.items() if v.ndim == 0 or v.shape == a.shape}


def layout_cases(entry: Entry) -> Iterator[tuple[str, str, dict]]:
    """``(argument, layout, kwargs)``: one array argument (or params field) re-laid out."""
    good = entry.good()
    for name, value in good.items():
        if isinstance(value, np.ndarray) and value.ndim >= 1:
            for label, variant in layouts(value).items():
                yield name, label, {**good, name: variant}
        elif isinstance(value, (L.LSTMParams, L.RNNParams)):
            for label in layouts(np.zeros((2, 3))):
                fields = {k: layouts(v).get(label, v) for k, v in value.arrays().items()}
                yield name, label, {**good, name: type(value)(**fields)}


# ------------------------------------------------------------------------ bad values


def _shape_variants(a: np.ndarray, free: tuple[int, ...]) -> Iterator[tuple[str, np.ndarray]]:
    yield "extra axis", a[..., None]
    yield "scalar", np.zeros((), a.dtype)
    if a.ndim >= 2:
        yield "one axis fewer", a[0]
    for axis in range(a.ndim):
        if axis not in free:
            bigger = np.concatenate([a, a.take([0], axis=axis)], axis=axis)
            yield f"axis {axis} + 1", bigger
        yield f"axis {axis} empty", a.take([], axis=axis)


def bad_values(arg: Arg, good: object) -> Iterator[tuple[str, object, type]]:
    """``(label, value, exception type the rule raises)`` for one argument."""
    if arg.kind in ("array", "any_array"):
        a = np.asarray(good)
        for dtype in (np.int64, np.bool_, np.complex128, np.float16, object, np.str_):
            yield f"dtype {np.dtype(dtype)}", a.astype(dtype), TypeError
        if not arg.any_float:
            other = np.float32 if a.dtype == np.float64 else np.float64
            yield f"dtype {np.dtype(other)}", a.astype(other), TypeError
        for value in ("abc", {"a": 1}, object(), [["a", "b"]], *([] if arg.optional else [None])):
            yield f"a {type(value).__name__}", value, TypeError
        yield "masked array", np.ma.masked_array(a, mask=np.zeros(a.shape, bool)), TypeError
        if a.ndim == 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PendingDeprecationWarning)
                yield "np.matrix", np.matrix(a), TypeError
        if arg.kind == "array":
            for label, value in _shape_variants(a, arg.free_axes):
                yield f"shape: {label}", value, ValueError
        for bad in (np.nan, np.inf, -np.inf):
            if a.size:
                b = a.copy()
                b.reshape(-1)[-1] = bad
                yield f"contains {bad}", b, ValueError
    elif arg.kind in ("params_lstm", "params_rnn"):
        other = rnn_params() if arg.kind == "params_lstm" else lstm_params()
        for value in (None, good.arrays(), other, "params"):
            yield f"a {type(value).__name__}", value, TypeError
        yield "params of another H", type(good).init(D, H + 1, seed=0), ValueError
        yield "params of another D", type(good).init(D + 1, H, seed=0), ValueError
        yield "params float32", good.astype("float32"), TypeError
    elif arg.kind == "tokens":
        a = np.asarray(good)
        for dtype in (np.float64, np.float32, np.bool_, np.complex128, object, np.str_):
            yield f"dtype {np.dtype(dtype)}", a.astype(dtype), TypeError
        for value in ("abc", {"a": 1}, object(), *([] if arg.optional else [None])):
            yield f"a {type(value).__name__}", value, TypeError
        yield "masked array", np.ma.masked_array(a, mask=np.zeros(a.shape, bool)), TypeError
        for label, value in _shape_variants(a, arg.free_axes):
            yield f"shape: {label}", value, ValueError
        high = int(a.max()) + 1000
        for bad in (-1, high):
            b = a.copy()
            b.reshape(-1)[-1] = bad
            yield f"contains id {bad}", b, ValueError
    elif arg.kind == "clamp":
        for value in ("abc", [1, 2], 0.5, {}):
            yield repr(value), value, TypeError
        for value in ({H: 0.5}, {-1: 0.5}, {1: np.nan}):
            yield repr(value), value, ValueError
        yield "{1: 'x'}", {1: "x"}, TypeError
    elif arg.kind == "text":
        for value in (None, 3, b"abc", ["a", "b"], np.array(["a"])):
            yield repr(value), value, TypeError
    elif arg.kind == "char_model":
        for value in (None, good.cell, "model", [good.cell, good.readout]):
            yield f"a {type(value).__name__}", value, TypeError
    elif arg.kind == "params_readout":
        for value in (None, good.arrays(), lstm_params(), "params"):
            yield f"a {type(value).__name__}", value, TypeError
        yield "params of another H", L.ReadoutParams.init(H + 1, V, seed=0), ValueError
        yield "params float32", L.ReadoutParams.init(H, V, seed=0, dtype="float32"), TypeError
    elif arg.kind == "cache":
        caches = [
            _lstm_seq_cache(),
            _lstm_step_cache(),
            _rnn_seq_cache(),
            _rnn_step_cache(),
            _lstm_token_cache(),
            _sequence_readout_cache(),
        ]
        for value in [None, (1, 2), "cache", *(c for c in caches if type(c) is not type(good))]:
            yield f"a {type(value).__name__}", value, TypeError
    elif arg.kind == "step_caches":
        for value in (None, "caches", _lstm_seq_cache(), tuple(good), [*good, "x"]):
            yield f"a {type(value).__name__}", value, TypeError
        yield "an empty list", [], ValueError
    elif arg.kind == "posint":
        for value in (0, -1):
            yield repr(value), value, ValueError
        for value in (1.5, 3.0, True, "3", None, np.array([3]), 3j):
            yield repr(value), value, TypeError
    elif arg.kind == "seed":
        yield "-1", -1, ValueError
        for value in (1.5, 2.7, "1", True, [1, 2], 1j):
            yield repr(value), value, TypeError
    elif arg.kind in ("real", "real_or_none"):
        for value in (np.nan, np.inf, -np.inf):
            yield repr(value), value, ValueError
        values = ["abc", "2", 1j, np.array([1.0, 2.0]), True, [1.0]]
        if arg.kind == "real":
            values.append(None)
        for value in values:
            yield repr(value), value, TypeError
    elif arg.kind == "bool":
        for value in (None, 1, 0.0, "yes", np.array([True])):
            yield repr(value), value, TypeError
    elif arg.kind in ("posreal", "posreal_or_none"):
        for value in (0, 0.0, -1.0, np.nan, np.inf):
            yield repr(value), value, ValueError
        values = ["x", 1j, True, np.array([1.0, 2.0])]
        if arg.kind == "posreal":
            values.append(None)
        for value in values:
            yield repr(value), value, TypeError
    elif arg.kind == "dtype":
        for value in ("bogus", "float16", np.int64, int, None, "complex128", object, 3):
            yield repr(value), value, TypeError
    elif arg.kind == "rng":
        for value in ("abc", 3, np.random.RandomState(0)):
            yield repr(value), value, TypeError
    elif arg.kind == "scalar_function":
        yield "None", None, TypeError
        yield "an int", 3, TypeError
        yield "returns an array", lambda a: a, ValueError
        yield "returns NaN", lambda a: float("nan"), ValueError
        yield "returns a str", lambda a: "abc", TypeError
    elif arg.kind == "vector_function":
        yield "None", None, TypeError
        yield "an int", 3, TypeError
        yield "returns a scalar", lambda a: float(a[0]), ValueError
        yield "returns a matrix", lambda a: np.outer(a, a), ValueError
        yield "returns NaN", lambda a: np.full(a.shape, np.nan), ValueError
        yield "returns a str", lambda a: np.array(["abc"] * a.size), TypeError
    else:
        raise AssertionError(f"unknown kind {arg.kind}")


def bad_cases(entry: Entry) -> Iterator[tuple[str, str, dict, type]]:
    """``(argument, label, kwargs, expected exception type)`` for one entry point."""
    for name, arg in entry.args.items():
        good = entry.good()
        sample = good.get(name)
        if sample is None and arg.kind == "array":  # optional array argument left out
            continue
        for label, value, kind in bad_values(arg, sample):
            kwargs = entry.good()
            kwargs[name] = value
            if name == "rng":
                kwargs.pop("seed", None)
            yield name, label, kwargs, kind
    # Two arguments that exclude each other.
    if "seed" in entry.args and "rng" in entry.args:
        yield "seed, rng", "both given", {**entry.good(), "rng": _rng()}, ValueError


# ------------------------------------------------------------------------ classification

_FORM = re.compile(r"^[A-Za-z_]\w*(\.\w+)*(, [A-Za-z_]\w*)*: expected .*, got ", re.DOTALL)


def classify(entry: Entry, kwargs: dict, argument: str, kind: type) -> tuple[str, str]:
    """Call ``entry`` with ``kwargs``; return ``(category, message)`` (see the module docstring)."""
    try:
        entry.call(**kwargs)
    except (ValueError, TypeError) as error:
        message = str(error)
        if not _FORM.match(message):
            return "unclear", f"{type(error).__name__}: {message}"
        names = [n.strip() for n in argument.split(",")]
        if not all(re.search(rf"\b{re.escape(n)}\b", message) for n in names):
            return "wrong_name", message
        if not isinstance(error, kind):
            return "wrong_kind", f"{type(error).__name__}: {message}"
        return "clear", message
    except Exception as error:  # counted, not hidden
        return "unclear", f"{type(error).__name__}: {error}"
    return "silent", "no error"


def run_all() -> tuple[Counter, list[tuple[str, str, str, str, str]]]:
    """Every bad case of every entry: the counts and the list of non-clear ones."""
    counts: Counter = Counter()
    problems = []
    for entry in ENTRIES:
        for argument, label, kwargs, kind in bad_cases(entry):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                category, message = classify(entry, kwargs, argument, kind)
            counts[category] += 1
            if category != "clear":
                problems.append((category, entry.name, argument, label, message[:160]))
    return counts, problems


if __name__ == "__main__":
    counts, problems = run_all()
    for problem in problems:
        print(" | ".join(problem))
    total = sum(counts.values())
    print(f"{len(ENTRIES)} entry points, {total} bad-input cases: {dict(counts)}")
