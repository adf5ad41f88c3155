"""lstm_lib.numerical_jacobian: central differences, one row per output."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_lib import LSTMParams, lstm_step_forward, numerical_jacobian, relative_error


def test_jacobian_of_a_linear_map_is_its_matrix():
    A = np.random.default_rng(0).standard_normal((4, 3))
    J = numerical_jacobian(lambda x: A @ x, np.array([0.3, -1.2, 2.0]))
    assert J.shape == (4, 3)
    np.testing.assert_allclose(J, A, rtol=0, atol=1e-9)


def test_jacobian_of_an_elementwise_map_is_diagonal():
    x = np.array([0.1, -0.7, 1.5])
    J = numerical_jacobian(np.tanh, x)
    np.testing.assert_allclose(J, np.diag(1 - np.tanh(x) ** 2), rtol=0, atol=1e-9)


def test_cell_state_jacobian_is_diag_f():
    """Chapter 2's and 3's check: ∂C_t/∂C_{t-1} = diag(f_t), to finite-difference accuracy."""
    rng = np.random.default_rng(1)
    params = LSTMParams.init(3, 4, seed=2)
    x_t, h_prev, c_prev = rng.standard_normal(3), rng.standard_normal(4), rng.standard_normal(4)
    _, _, step = lstm_step_forward(x_t, h_prev, c_prev, params)
    J = numerical_jacobian(lambda c: lstm_step_forward(x_t, h_prev, c, params)[1], c_prev)
    assert relative_error(J, np.diag(step.f_t[0])) < 1e-8


def test_rows_are_outputs_and_columns_inputs():
    J = numerical_jacobian(lambda x: np.array([x[0] * x[1], x[2] ** 2]), np.array([2.0, 3.0, 5.0]))
    np.testing.assert_allclose(J, [[3.0, 2.0, 0.0], [0.0, 0.0, 10.0]], rtol=0, atol=1e-8)


def test_the_callers_array_is_not_modified():
    x = np.array([1.0, 2.0])
    numerical_jacobian(lambda z: z * z, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


@pytest.mark.parametrize(
    ("f", "x", "error", "message"),
    [
        (
            np.sin,
            np.ones((2, 2)),
            ValueError,
            r"x: expected a 1-D array \(N,\), N >= 1, got shape \(2, 2\)",
        ),
        (np.sin, np.ones(3, np.float32), TypeError, r"x: expected dtype float64"),
        (
            lambda x: x.sum(),
            np.ones(3),
            ValueError,
            r"f: expected a 1-D return value \(M,\), got shape \(\)",
        ),
    ],
)
def test_bad_input_names_the_argument(f, x, error, message):
    with pytest.raises(error, match=message):
        numerical_jacobian(f, x)
