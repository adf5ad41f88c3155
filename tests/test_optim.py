"""Adam and gradient clipping: PyTorch's semantics, checked on hand-computed values.

The expected numbers below were computed by hand from the update rules (and agree
with ``torch.optim.Adam`` / ``torch.nn.utils.clip_grad_norm_`` 2.13 to the last digit
printed); no PyTorch is needed to run the tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from lstm_lib import LSTMParams, ReadoutParams, RNNParams
from lstm_lib.optim import Adam, clip_grad_norm, global_norm


def readout(values_W, values_b):
    return ReadoutParams(W_y=np.array([values_W], float), b_y=np.array(values_b, float))


def test_adam_two_steps_match_the_update_rule():
    # θ = (1, −2); gradients (0.5, −1) then (3, 0.25); lr 0.1, default betas and eps.
    theta = readout([1.0, -2.0], [0.0])
    opt = Adam([theta], lr=0.1)
    opt.step([readout([0.5, -1.0], [0.0])])
    # First step: m̂ = g, v̂ = g², so the step is lr · g/(|g| + eps): lr times the sign.
    np.testing.assert_allclose(theta.W_y[0], [0.900000002, -1.900000001], rtol=0, atol=1e-15)
    opt.step([readout([3.0, 0.25], [0.0])])
    np.testing.assert_allclose(
        theta.W_y[0], [0.8155874769292906, -1.8530531845234584], rtol=0, atol=1e-15
    )
    assert opt.t == 2
    assert theta.b_y[0] == 0.0  # zero gradient, zero moments: no move


def test_adam_updates_in_place_and_keeps_dtype():
    params = LSTMParams.init(3, 4, seed=0, dtype="float32")
    W_f = params.W_f  # the same array object must change
    before = W_f.copy()
    grads = LSTMParams(**{k: np.ones_like(v) for k, v in params.arrays().items()})
    Adam([params], lr=1e-3).step([grads])
    assert params.W_f is W_f and W_f.dtype == np.float32
    # The first step moves every entry by lr (up to eps) against the gradient's sign.
    np.testing.assert_allclose(before - W_f, 1e-3, rtol=1e-4)  # float32 round-off


def test_adam_rejects_mismatched_gradients():
    net = [LSTMParams.init(2, 3, seed=0), ReadoutParams.init(3)]
    opt = Adam(net)
    with pytest.raises(ValueError, match=r"gradients: expected 10 arrays in all.*got 8"):
        opt.step([LSTMParams.init(2, 3, seed=1)])
    wrong_kind = r"gradients\[1\]\.W_h: expected the gradient of parameters\[1\]\.W_y"
    with pytest.raises(TypeError, match=wrong_kind):
        opt.step([LSTMParams.init(2, 3, seed=1), RNNParams.init(1, 1)])
    bad = ReadoutParams(W_y=np.zeros((1, 4)), b_y=np.zeros(1))
    with pytest.raises(ValueError, match=r"gradients\[1\]\.W_y: expected shape \(1, 3\).*\(1, 4\)"):
        opt.step([LSTMParams.init(2, 3, seed=1), bad])
    nan = ReadoutParams.init(3)
    nan.W_y[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"gradients\[1\]\.W_y: expected finite values"):
        opt.step([LSTMParams.init(2, 3, seed=1), nan])
    assert opt.t == 0  # nothing was applied


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": 0.0}, ValueError, r"lr: expected a finite positive number, got 0\.0"),
        ({"lr": "1e-3"}, TypeError, "lr: expected a positive number, got str"),
        ({"betas": (0.9, 1.0)}, ValueError, r"betas\[1\]: expected a number in \[0, 1\)"),
        ({"betas": 0.9}, TypeError, "betas: expected a pair"),
        ({"eps": -1e-8}, ValueError, "eps: expected a finite positive number"),
    ],
)
def test_adam_rejects_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        Adam([ReadoutParams.init(2)], **kwargs)


def test_adam_rejects_a_bare_parameter_object():
    with pytest.raises(TypeError, match="parameters: expected a list or tuple"):
        Adam(ReadoutParams.init(2))


def test_clip_scales_to_max_norm_with_torch_constant():
    g = readout([3.0, 0.0], [4.0])  # global norm 5 over both arrays
    norm = clip_grad_norm([g], max_norm=1.0)
    assert norm == 5.0
    # scale = max_norm / (norm + 1e-6), as torch.nn.utils.clip_grad_norm_
    np.testing.assert_allclose(g.W_y[0], [0.599999880000024, 0.0], rtol=0, atol=1e-16)
    np.testing.assert_allclose(g.b_y, [0.799999840000032], rtol=0, atol=1e-16)


def test_clip_leaves_small_gradients_alone_and_reports_the_norm():
    a, b = readout([0.3, 0.0], [0.0]), readout([0.0, 0.4], [0.0])
    assert clip_grad_norm([a, b], max_norm=1.0) == pytest.approx(0.5, rel=1e-15)
    assert a.W_y[0, 0] == 0.3 and b.W_y[0, 1] == 0.4
    assert global_norm([a, b]) == pytest.approx(0.5, rel=1e-15)


def test_clip_rejects_non_finite_gradients_and_bad_max_norm():
    g = readout([1.0, 0.0], [0.0])
    g.W_y[0, 0] = np.inf  # as an overflowed backward pass would leave it
    with pytest.raises(ValueError, match=r"gradients\[0\]\.W_y: expected finite values"):
        clip_grad_norm([g], 1.0)
    with pytest.raises(ValueError, match=r"max_norm: expected a finite positive number, got -1\.0"):
        clip_grad_norm([readout([1.0, 0.0], [0.0])], -1.0)
