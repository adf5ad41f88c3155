"""σ and tanh stability, and the gradient checker itself."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lstm_lib import LSTMParams, lstm_forward, numerical_gradient, relative_error, sigmoid


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_and_exact(dtype):
    a = np.array([-1e308 if dtype == np.float64 else -3e38, -1e3, -50, -1, 0, 1, 50, 1e3], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s = sigmoid(a)
    assert s.dtype == dtype
    tiny = np.finfo(dtype).tiny  # smallest normal number
    assert 0.0 <= s[0] <= tiny and 0.0 <= s[1] <= tiny
    assert s[-1] == 1.0 and s[4] == 0.5
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-14, atol=0)
    assert sigmoid(np.array([-50.0]))[0] == pytest.approx(1.9287498479639178e-22, rel=1e-14)


def test_sigmoid_of_scalars_and_0d_arrays():
    assert float(sigmoid(3.0)) == pytest.approx(1 / (1 + np.exp(-3.0)), rel=1e-15)
    s = sigmoid(np.array(-2.0, np.float32))
    assert s.shape == () and s.dtype == np.float32
    assert float(s) == pytest.approx(1 / (1 + np.exp(2.0)), rel=1e-6)


def test_sigmoid_does_not_modify_input():
    a = np.array([1.0, -2.0])
    sigmoid(a)
    np.testing.assert_array_equal(a, [1.0, -2.0])


@pytest.mark.parametrize("forget_bias", [-50.0, 50.0, 1e3, -1e3])
def test_extreme_forget_bias_raises_no_warning(forget_bias):
    params = LSTMParams.init(3, 4, forget_bias=forget_bias, seed=0)
    xs = np.random.default_rng(0).standard_normal((10, 2, 3))
    zeros = np.zeros((2, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            hs, cs, _ = lstm_forward(1e3 * xs, zeros, zeros, params)  # huge pre-activations
            _, _, cache = lstm_forward(xs, zeros, zeros, params)
    assert np.isfinite(hs).all() and np.isfinite(cs).all()
    # |W·z| < 3 here, so the bias decides: f_t saturates to 1 or to 0.
    expected_f = 1.0 if forget_bias > 0 else 0.0
    np.testing.assert_allclose(cache.f_t, expected_f, atol=1e-18)


def test_numerical_gradient_of_known_functions():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    grad = numerical_gradient(lambda a: float(np.sum(np.sin(a) * a**2)), x)
    exact = np.cos(x) * x**2 + 2 * x * np.sin(x)
    assert relative_error(grad, exact) < 1e-9
    np.testing.assert_array_equal(x, [[0.3, -1.2], [2.0, 0.5]])  # caller's array untouched


def test_numerical_gradient_sees_a_fresh_copy_each_call():
    seen = []
    x = np.zeros(3)
    numerical_gradient(lambda a: seen.append(a) or 0.0, x)
    assert len(seen) == 6 and len({id(a) for a in seen}) == 6
    assert all(np.count_nonzero(a) == 1 for a in seen)


def test_numerical_gradient_arguments():
    with pytest.raises(TypeError, match=r"x: expected dtype float64 .* got float32"):
        numerical_gradient(lambda a: 0.0, np.zeros(2, np.float32))
    with pytest.raises(ValueError, match=r"f: expected a scalar return value, got shape \(2,\)"):
        numerical_gradient(lambda a: a, np.zeros(2))
    with pytest.raises(ValueError, match="eps: expected a finite positive number, got 0"):
        numerical_gradient(lambda a: 0.0, np.zeros(2), eps=0)


def test_relative_error():
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == pytest.approx(2.0)
    assert relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.0 + 5e-6])) == pytest.approx(1e-6)
    with pytest.raises(ValueError, match=r"numeric: expected shape \(2,\) .* got \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))
