"""One step of each update rule against its formula, written out independently."""

import tracemalloc

import numpy as np
import pytest

from sknn_simple.core.blas import axpy
from sknn_simple.training.optimizers import adam_step, sgd_step
from sknn_simple.training.schedule import invscaling_rate
from sknn_simple.training.solvers import SOLVERS


def new_state(solver, n, dtype):
    """Zero optimizer arrays, as many as the solver's registry entry says."""
    return np.zeros((SOLVERS[solver].n_arrays, n), dtype=dtype)


@pytest.fixture
def start():
    rng = np.random.RandomState(0)
    return rng.normal(size=7), rng.normal(size=7), rng.normal(size=7)  # theta, grad, state


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_step_matches_formula(start, nesterov):
    theta0, g, v0 = start
    lr, mu = 0.1, 0.9
    theta, state = theta0.copy(), v0.copy()[None, :]
    sgd_step(theta, g, state, lr, mu, nesterov)

    v1 = mu * v0 - lr * g
    expected = theta0 + (mu * v1 - lr * g if nesterov else v1)
    np.testing.assert_allclose(state[0], v1, rtol=1e-15)
    np.testing.assert_allclose(theta, expected, rtol=1e-14)


def test_sgd_without_momentum_is_gradient_descent(start):
    theta0, g, _ = start
    theta = theta0.copy()
    sgd_step(theta, g, new_state("sgd", 7, float), 0.5, 0.0, True)
    np.testing.assert_allclose(theta, theta0 - 0.5 * g, rtol=1e-15)


def test_adam_two_steps_match_formula(start):
    theta0, g1, g2 = start
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    theta, state = theta0.copy(), new_state("adam", 7, float)
    adam_step(theta, g1.copy(), state, 1, lr, b1, b2, eps)
    adam_step(theta, g2.copy(), state, 2, lr, b1, b2, eps)

    m = v = 0.0
    expected = theta0.copy()
    for t, g in [(1, g1), (2, g2)]:
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        # Kingma & Ba's epsilon sits inside the bias-corrected root: sqrt(v_hat) + eps * sqrt(...)
        expected -= lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t))
    np.testing.assert_allclose(state[0], m, rtol=1e-14)
    np.testing.assert_allclose(state[1], v, rtol=1e-14)
    np.testing.assert_allclose(theta, expected, rtol=1e-13)


def test_first_adam_step_moves_each_parameter_by_the_learning_rate(start):
    """With zero state, step 1 is -lr * sign(g) (up to epsilon): Adam's scale invariance."""
    theta0, g, _ = start
    theta = theta0.copy()
    adam_step(theta, g, new_state("adam", 7, float), 1, 0.01, 0.9, 0.999, 1e-8)
    # relative deviation eps / (sqrt(1 - beta_2) |g|) ~ 3e-7 / |g|
    np.testing.assert_allclose(theta - theta0, -0.01 * np.sign(g), rtol=1e-4)


def test_updates_keep_float32():
    theta = np.ones(5, dtype=np.float32)
    grad = np.full(5, 0.5, dtype=np.float32)
    for solver in ("sgd", "adam"):
        state = new_state(solver, 5, np.float32)
        if solver == "sgd":
            sgd_step(theta, grad, state, 0.1, 0.9, True)
        else:
            adam_step(theta, grad, state, 1, 0.1, 0.9, 0.999, 1e-8)
        assert theta.dtype == state.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_updates_in_place(dtype):
    rng = np.random.RandomState(0)
    x, y = rng.normal(size=(2, 11)).astype(dtype)
    expected = y + dtype(0.5) * x
    target = y
    axpy(0.5, x, y)
    assert y is target and y.dtype == dtype
    np.testing.assert_allclose(y, expected, rtol=1e-6)
    strided = np.zeros(22, dtype)[::2]  # not contiguous: SciPy would return a copy
    axpy(2.0, x, strided)
    np.testing.assert_allclose(strided, 2 * x, rtol=1e-6)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_steps_allocate_no_parameter_sized_array(solver):
    """The update rules work in place: no temporary the size of theta (here 800 kB)."""
    n = 100_000
    rng = np.random.RandomState(0)
    theta, grad = rng.normal(size=n), rng.normal(size=n)
    state = new_state(solver, n, np.float64)
    tracemalloc.start()
    if solver == "sgd":
        sgd_step(theta, grad, state, 0.1, 0.9, True)
    else:
        adam_step(theta, grad, state, 1, 0.1, 0.9, 0.999, 1e-8)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10_000


def test_invscaling_rate():
    assert invscaling_rate(0.1, 0, 0.5) == 0.1
    assert invscaling_rate(0.1, 99, 0.5) == pytest.approx(0.01)
