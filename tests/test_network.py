"""The network math against independent oracles: finite differences and scikit-learn's log_loss."""

import itertools
import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss

from sknn_simple._network import (
    ACTIVATIONS,
    Layout,
    forward,
    init_params,
    loss_and_grad,
    proba_from_logits,
)

ACTIVATION_NAMES = ["identity", "relu", "sigmoid", "tanh"]
# output type -> (output function, number of output units)
OUTPUTS = {"binary": ("logistic", 1), "multiclass": ("softmax", 4), "multilabel": ("logistic", 3)}


def make_problem(output, n=13, d=5, h=6, seed=0):
    """A small random problem: inputs, encoded targets, weights and a parameter vector."""
    rng = np.random.RandomState(seed)
    out_activation, k = OUTPUTS[output]
    X = rng.normal(size=(n, d))
    if output == "multiclass":
        Y = np.eye(k)[rng.randint(k, size=n)]
    else:
        Y = (rng.uniform(size=(n, k)) < 0.5).astype(float)
    layout = Layout(d, h, k)
    theta = rng.normal(scale=0.7, size=layout.size)
    sample_weight = rng.uniform(0.1, 3.0, size=n)
    return layout, X, Y, theta, sample_weight, out_activation


def numerical_gradient(f, theta, eps=1e-6):
    """Central finite differences of the scalar function ``f`` at ``theta``."""
    grad = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * eps)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))


@pytest.mark.parametrize(
    "activation, output, weighted, alpha",
    list(itertools.product(ACTIVATION_NAMES, OUTPUTS, [False, True], [0.0, 0.3])),
)
def test_gradient_matches_finite_differences(activation, output, weighted, alpha):
    layout, X, Y, theta, sw, out_activation = make_problem(output)
    sw = sw if weighted else None

    def loss(t):
        return loss_and_grad(t, layout, X, Y, activation, out_activation, alpha, sw)[0]

    _, grad = loss_and_grad(theta, layout, X, Y, activation, out_activation, alpha, sw)
    assert relative_error(grad, numerical_gradient(loss, theta)) < 1e-6


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_matches_sklearn_log_loss(output, weighted):
    """The data term is scikit-learn's log_loss, the penalty alpha/2 ||W||^2 over the weight sum."""
    layout, X, Y, theta, sw, out_activation = make_problem(output)
    sw = sw if weighted else None
    alpha = 0.3
    loss, _ = loss_and_grad(theta, layout, X, Y, "tanh", out_activation, alpha, sw)

    Z2, _ = forward(theta, layout, X, "tanh")
    P = proba_from_logits(Z2, out_activation)
    if output == "multiclass":
        data = log_loss(Y.argmax(axis=1), P, sample_weight=sw, labels=range(Y.shape[1]))
    else:  # each logistic unit is its own binary problem; the losses add up
        data = sum(
            log_loss(Y[:, j], np.c_[1 - P[:, j], P[:, j]], sample_weight=sw, labels=[0, 1])
            for j in range(Y.shape[1])
        )
    W1, _, W2, _ = layout.unpack(theta)
    weight_sum = len(X) if sw is None else sw.sum()
    penalty = alpha / 2 * (np.sum(W1**2) + np.sum(W2**2)) / weight_sum
    assert loss == pytest.approx(data + penalty, rel=1e-12)


def test_gradient_writes_into_given_buffers():
    layout, X, Y, theta, sw, out_activation = make_problem("multiclass")
    expected_loss, expected = loss_and_grad(theta, layout, X, Y, "relu", "softmax", 0.1, sw)
    n, h, k = X.shape[0], layout.n_hidden, layout.n_outputs
    grad = np.empty_like(theta)
    buffers = (np.empty((n, h)), np.empty((n, k)), np.empty((n, h)))
    loss, out = loss_and_grad(theta, layout, X, Y, "relu", "softmax", 0.1, sw, grad, buffers)
    assert out is grad
    assert loss == expected_loss
    np.testing.assert_array_equal(grad, expected)


def test_unpack_returns_views_in_order():
    layout = Layout(3, 4, 2)
    theta = np.arange(layout.size, dtype=float)
    W1, b1, W2, b2 = layout.unpack(theta)
    assert [W1.shape, b1.shape, W2.shape, b2.shape] == [(3, 4), (4,), (4, 2), (2,)]
    assert all(np.shares_memory(part, theta) for part in (W1, b1, W2, b2))
    # Weights first, then biases, so the penalty covers theta[:n_weights].
    assert layout.n_weights == 3 * 4 + 4 * 2
    np.testing.assert_array_equal(np.r_[W1.ravel(), W2.ravel()], theta[: layout.n_weights])
    W1[0, 0] = -1.0
    assert theta[0] == -1.0


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_glorot_uniform_bounds(activation):
    layout = Layout(30, 20, 5)
    theta = init_params(layout, activation, np.random.RandomState(0))
    factor = 2.0 if activation == "sigmoid" else 6.0
    for W, b in [layout.unpack(theta)[:2], layout.unpack(theta)[2:]]:
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        assert np.abs(W).max() <= bound and np.abs(b).max() <= bound
        assert np.abs(W).max() > 0.9 * bound  # spread over the whole interval


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_activation_backward_is_the_derivative(activation):
    z = np.linspace(-3, 3, 61) + 0.01  # avoid relu's kink at exactly 0
    act = ACTIVATIONS[activation]
    eps = 1e-6
    numeric = (act.forward(z + eps) - act.forward(z - eps)) / (2 * eps)
    A = act.forward(z.copy())
    analytic = act.backward(A, np.ones_like(z))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_losses_are_stable_for_huge_logits(output):
    """Logits of magnitude 1e150: exact losses, no overflow, no log(0), no warning."""
    out_activation, k = OUTPUTS[output]
    layout = Layout(2, 3, k)
    theta = np.zeros(layout.size)
    _, _, _, b2 = layout.unpack(theta)
    b2[:] = np.linspace(-1e150, 1e150, k) if k > 1 else [1e150]
    X = np.zeros((2, 2))
    Y = np.zeros((2, k))
    Y[:, 0] = 1  # the target is the output with the lowest logit (or 1 for binary)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is exact
            loss, grad = loss_and_grad(theta, layout, X, Y, "relu", out_activation)
            Z2, _ = forward(theta, layout, X, "relu")
            p = proba_from_logits(Z2, out_activation)
    assert np.isfinite(grad).all()
    assert ((p >= 0) & (p <= 1)).all()
    if output == "binary":  # y = 1 with z = 1e150: the loss is softplus(-z) = 0
        assert loss == 0.0
    elif output == "multiclass":  # y = argmin: loss = max logit - min logit
        assert loss == pytest.approx(2e150, rel=1e-12)
    else:  # logits (-1e150, 0, 1e150), y = (1, 0, 0): 1e150 + log 2 + 1e150
        assert loss == pytest.approx(2e150, rel=1e-12)


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_baseline_loss_is_the_loss_of_the_best_constant_prediction(output):
    """With W1 = W2 = 0 and b2 = log of the label shares, the loss is the baseline."""
    from sknn_simple._network import baseline_loss

    layout, X, Y, theta, sw, out_activation = make_problem(output)
    shares = (sw @ Y) / sw.sum()
    theta = np.zeros(layout.size)
    b2 = layout.unpack(theta)[3]
    b2[:] = np.log(shares) if out_activation == "softmax" else np.log(shares / (1 - shares))
    loss, _ = loss_and_grad(theta, layout, X, Y, "relu", out_activation, 1.0, sw)
    assert loss == pytest.approx(baseline_loss(Y, out_activation, sw), rel=1e-12)
