"""Parameters of the LSTM cell and of the simple RNN, in the seed's notation.

Every weight acts on the concatenation ``z = [h_{t-1}, x_t]`` (hidden state first), so
with hidden size H and input size D each weight matrix has shape (H, H+D): its first
H columns multiply ``h_{t-1}``, the last D columns multiply ``x_t``. In code a batch
of B rows is a matrix ``z`` of shape (B, H+D) and a pre-activation is
``z @ W.T + b``.

The same classes hold gradients: ``lstm_backward`` returns an :class:`LSTMParams`
whose ``W_f`` is ∂L/∂W_f, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lstm_lib import _validate as v

__all__ = ["LSTMParams", "RNNParams"]

# Three orders of the four gates appear in the library; each name says whose it is.
# ``C`` is the candidate C̃ (PyTorch calls it ``g``).

#: The equations' order, f, i, C̃, o (chapter "The three gates", equations (1)-(3) and
#: (5)): the order of the fields of :class:`LSTMParams` and of the step functions.
GATE_ORDER = ("f", "i", "C", "o")

#: PyTorch's ``nn.LSTM`` stacks its gate rows as i, f, g, o: the order of
#: :meth:`LSTMParams.from_torch` / :meth:`LSTMParams.to_torch` (and of the
#: benchmark's weight copy into ``nn.LSTM``). The fused fast path has its own order,
#: ``lstm_lib.lstm.FUSED_GATE_ORDER``.
TORCH_GATE_ORDER = ("i", "f", "C", "o")


class _ParamsMixin:
    """Sizes, dtype and arithmetic shared by :class:`LSTMParams` and :class:`RNNParams`."""

    _weights: ClassVar[tuple[str, ...]]
    _biases: ClassVar[tuple[str, ...]]

    def __post_init__(self) -> None:
        # Check the fields, then store them as plain ndarrays (lists are converted).
        fields = {name: getattr(self, name) for name in self._weights + self._biases}
        for name, array in v.check_param_fields(fields, self._weights, self._biases).items():
            object.__setattr__(self, name, array)

    @property
    def hidden_size(self) -> int:
        """H, the number of hidden units (rows of every weight, length of every bias)."""
        return int(getattr(self, self._weights[0]).shape[0])

    @property
    def input_size(self) -> int:
        """D, the size of ``x_t`` (weight columns minus H)."""
        return int(getattr(self, self._weights[0]).shape[1]) - self.hidden_size

    @property
    def dtype(self) -> np.dtype:
        """The common dtype of every array, float32 or float64."""
        return getattr(self, self._biases[0]).dtype

    def arrays(self) -> dict[str, np.ndarray]:
        """The fields as an ordered ``{name: array}`` dict (weights first, then biases)."""
        return {name: getattr(self, name) for name in self._weights + self._biases}

    def astype(self, dtype: str | np.dtype):
        """A copy with every array converted to ``dtype`` (float32 or float64)."""
        dtype = v.float_dtype("dtype", dtype)
        return type(self)(**{k: v.astype(dtype) for k, v in self.arrays().items()})

    def copy(self):
        """A deep copy (new arrays)."""
        return type(self)(**{k: v.copy() for k, v in self.arrays().items()})

    def _snapshot(self):
        """A read-only deep copy, for a cache (later edits of ``self`` cannot reach it)."""
        snapshot = self.copy()
        for array in snapshot.arrays().values():
            array.flags.writeable = False
        return snapshot

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(input_size={self.input_size}, "
            f"hidden_size={self.hidden_size}, dtype={self.dtype})"
        )


@dataclass(frozen=True, eq=False, repr=False)
class LSTMParams(_ParamsMixin):
    """Weights and biases of one LSTM cell (or their gradients).

    Equations (chapter "The three gates"), with ``z = [h_{t-1}, x_t]``::

        f_t = σ(W_f·z + b_f)        forget gate
        i_t = σ(W_i·z + b_i)        input gate
        C̃_t = tanh(W_C·z + b_C)     candidate values
        o_t = σ(W_o·z + b_o)        output gate

    Fields: ``W_f, W_i, W_C, W_o``, arrays (H, H+D) whose first H columns act on
    ``h_{t-1}`` and last D on ``x_t``; ``b_f, b_i, b_C, b_o``, arrays (H,).
    All eight share one dtype (float32 or float64) and must be finite; a
    mismatch raises ``TypeError``/``ValueError`` naming the field.
    """

    W_f: np.ndarray
    W_i: np.ndarray
    W_C: np.ndarray
    W_o: np.ndarray
    b_f: np.ndarray
    b_i: np.ndarray
    b_C: np.ndarray
    b_o: np.ndarray

    _weights: ClassVar[tuple[str, ...]] = tuple(f"W_{g}" for g in GATE_ORDER)
    _biases: ClassVar[tuple[str, ...]] = tuple(f"b_{g}" for g in GATE_ORDER)

    @classmethod
    def init(
        cls,
        input_size: int,
        hidden_size: int,
        *,
        forget_bias: float = 1.0,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype: str | np.dtype = "float64",
    ) -> LSTMParams:
        """Random initial parameters.

        Every weight is drawn from U(-1/√H, 1/√H), PyTorch's default for ``nn.LSTM``;
        ``b_i, b_C, b_o`` are 0 and ``b_f = forget_bias``. A forget bias around 1
        (the default) starts every ``f_t`` near σ(1) ≈ 0.73, so the cell remembers
        by default (Gers et al. 2000; Jozefowicz et al. 2015); chapter
        "Vanishing gradients" explores the choice with a slider.

        Parameters
        ----------
        input_size, hidden_size : int
            D and H.
        forget_bias : float
            The value of every entry of ``b_f``.
        seed, rng : int or numpy.random.Generator, optional
            Source of randomness (give at most one); the same seed gives the same arrays.
        dtype : float32 or float64
        """
        input_size = v.positive_int("input_size", input_size)
        hidden_size = v.positive_int("hidden_size", hidden_size)
        forget_bias = v.finite_real("forget_bias", forget_bias)
        dtype = v.float_dtype("dtype", dtype)
        gen = v.generator(seed, rng)
        bound = 1.0 / np.sqrt(hidden_size)
        shape = (hidden_size, hidden_size + input_size)
        weights = {n: gen.uniform(-bound, bound, shape).astype(dtype) for n in cls._weights}
        biases = {n: np.zeros(hidden_size, dtype) for n in cls._biases}
        biases["b_f"][:] = forget_bias
        return cls(**weights, **biases)

    @classmethod
    def from_torch(
        cls,
        weight_ih: np.ndarray,
        weight_hh: np.ndarray,
        bias_ih: np.ndarray,
        bias_hh: np.ndarray,
    ) -> LSTMParams:
        """Build from arrays laid out as PyTorch's ``nn.LSTM`` (``weight_ih_l0`` etc.).

        PyTorch stacks the gates' rows in the order i, f, g, o (its ``g`` is our
        ``C̃``) and keeps separate input and recurrent weights; we concatenate them
        as ``W = [W_h-part, W_x-part]`` (h first) and add the two biases. No PyTorch
        import is needed: pass ``tensor.detach().numpy()``.

        Parameters
        ----------
        weight_ih : array (4H, D)
        weight_hh : array (4H, H)
        bias_ih, bias_hh : arrays (4H,)
            The effective bias is ``bias_ih + bias_hh``.
        """
        weight_hh = v.as_float_array("weight_hh", weight_hh)
        if weight_hh.ndim != 2 or weight_hh.shape[0] != 4 * weight_hh.shape[1]:
            raise ValueError(f"weight_hh: expected shape (4H, H), got {weight_hh.shape}")
        v.check_shape("weight_hh", weight_hh, ("4H", "H"), (None, None))  # H >= 1
        v.check_finite("weight_hh", weight_hh)
        hidden, dtype = weight_hh.shape[1], weight_hh.dtype
        checked = {}
        for name, value, dims, sizes in (
            ("weight_ih", weight_ih, ("4H", "D"), (4 * hidden, None)),
            ("bias_ih", bias_ih, ("4H",), (4 * hidden,)),
            ("bias_hh", bias_hh, ("4H",), (4 * hidden,)),
        ):
            checked[name] = v.float_array(
                name,
                value,
                dims,
                sizes,
                dtype,
                source="H from weight_hh",
                dtype_source="weight_hh",
            )
        weight_ih, bias_ih, bias_hh = checked["weight_ih"], checked["bias_ih"], checked["bias_hh"]
        bias = bias_ih + bias_hh
        if not np.isfinite(bias).all():
            raise ValueError(
                "bias_ih, bias_hh: expected a finite sum, got inf (the sum overflowed)"
            )
        fields = {}
        for k, gate in enumerate(TORCH_GATE_ORDER):
            rows = slice(k * hidden, (k + 1) * hidden)
            fields[f"W_{gate}"] = np.concatenate([weight_hh[rows], weight_ih[rows]], axis=1)
            fields[f"b_{gate}"] = bias[rows].copy()
        return cls(**fields)

    def to_torch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The inverse of :meth:`from_torch`: ``(weight_ih, weight_hh, bias_ih, bias_hh)``.

        Shapes (4H, D), (4H, H), (4H,), (4H,), gate rows in PyTorch's order i, f, g, o.
        The whole effective bias goes to ``bias_ih`` and ``bias_hh`` is zero, so
        ``bias_ih + bias_hh`` equals the effective bias exactly.
        """
        hidden = self.hidden_size
        weights = [getattr(self, f"W_{g}") for g in TORCH_GATE_ORDER]
        weight_hh = np.concatenate([w[:, :hidden] for w in weights], axis=0)
        weight_ih = np.concatenate([w[:, hidden:] for w in weights], axis=0)
        bias_ih = np.concatenate([getattr(self, f"b_{g}") for g in TORCH_GATE_ORDER])
        return weight_ih, weight_hh, bias_ih, np.zeros_like(bias_ih)


@dataclass(frozen=True, eq=False, repr=False)
class RNNParams(_ParamsMixin):
    """Weights of the simple (Elman) RNN ``h_t = tanh(W_h·[h_{t-1}, x_t] + b_h)``.

    ``W_h = [W_hh, W_xh]``: its first H columns are the recurrent matrix ``W_hh``,
    the chapter "Vanishing gradients" multiplies by at every step of the
    backward pass.

    Fields: ``W_h``, array (H, H+D), and ``b_h``, array (H,).
    """

    W_h: np.ndarray
    b_h: np.ndarray

    _weights: ClassVar[tuple[str, ...]] = ("W_h",)
    _biases: ClassVar[tuple[str, ...]] = ("b_h",)

    @property
    def W_hh(self) -> np.ndarray:
        """The recurrent block of ``W_h``, shape (H, H) (a view)."""
        return self.W_h[:, : self.hidden_size]

    @property
    def W_xh(self) -> np.ndarray:
        """The input block of ``W_h``, shape (H, D) (a view)."""
        return self.W_h[:, self.hidden_size :]

    @classmethod
    def init(
        cls,
        input_size: int,
        hidden_size: int,
        *,
        spectral_radius: float | None = None,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype: str | np.dtype = "float64",
    ) -> RNNParams:
        """Random initial parameters; ``b_h = 0``.

        Without ``spectral_radius`` every weight is drawn from U(-1/√H, 1/√H)
        (PyTorch's ``nn.RNN`` default). With it, ``W_hh = ρ·Q`` for a random
        orthogonal Q (QR of a Gaussian matrix), so every eigenvalue has modulus ρ
        and every singular value equals ρ: repeated multiplication by ``W_hh``
        scales a vector by exactly ρ per step, the cleanest setting to watch
        gradients vanish (ρ < 1) or explode (ρ > 1). ``W_xh`` stays U(-1/√H, 1/√H).
        """
        input_size = v.positive_int("input_size", input_size)
        hidden_size = v.positive_int("hidden_size", hidden_size)
        if spectral_radius is not None:
            spectral_radius = v.positive_real("spectral_radius", spectral_radius)
        dtype = v.float_dtype("dtype", dtype)
        gen = v.generator(seed, rng)
        bound = 1.0 / np.sqrt(hidden_size)
        W_h = gen.uniform(-bound, bound, (hidden_size, hidden_size + input_size))
        if spectral_radius is not None:
            radius = spectral_radius
            q, r = np.linalg.qr(gen.standard_normal((hidden_size, hidden_size)))
            W_h[:, :hidden_size] = radius * q * np.sign(np.diag(r))
        return cls(W_h=W_h.astype(dtype), b_h=np.zeros(hidden_size, dtype))
