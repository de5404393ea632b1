"""Extreme inputs never produce overflow warnings, NaN weights or non-finite probabilities."""

import itertools
import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sknn_simple import SimpleMLPClassifier

SOLVERS = ["sgd", "adam", "lbfgs", "newton-cg"]
ACTIVATIONS = ["relu", "sigmoid", "tanh", "identity"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def extreme(X, kind):
    if kind == "huge":
        return X * 1e150
    if kind == "tiny":
        return X * 1e-150
    if kind == "constant features":
        X = X.copy()
        X[:, ::2] = 7.0
        return X
    return np.repeat(X[:50], 6, axis=0)  # duplicated rows


@pytest.mark.parametrize(
    "solver, activation, kind",
    list(
        itertools.product(
            SOLVERS, ACTIVATIONS, ["huge", "tiny", "constant features", "duplicated rows"]
        )
    ),
)
def test_extreme_inputs(digits, solver, activation, kind):
    X, y = digits
    X = extreme(X, kind)
    y = y[: len(X)] if kind != "duplicated rows" else np.repeat(y[:50], 6)
    model = SimpleMLPClassifier(8, solver=solver, activation=activation, max_iter=5, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
        proba = model.predict_proba(X)
        log_proba = model.predict_log_proba(X)
    runtime = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not runtime, runtime
    assert all(issubclass(w.category, ConvergenceWarning | UserWarning) for w in caught)
    assert np.isfinite(model._state.theta).all()
    assert np.isfinite(proba).all() and not np.isnan(log_proba).any()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Finite is not enough: the probabilities are those of the fitted weights, computed
    # independently, and their logarithms are predict_log_proba (-inf where a probability
    # rounds to 0, as MLPClassifier's, and as scikit-learn's checks ask).
    np.testing.assert_allclose(proba, probabilities_of(model, X), rtol=1e-9, atol=1e-15)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(log_proba, np.log(proba), rtol=1e-12)


def probabilities_of(model, X):
    """softmax(f(X W1 + b1) W2 + b2) of a fitted multiclass model, with SciPy's softmax."""
    (W1, W2), (b1, b2) = model.coefs_, model.intercepts_
    Z1 = X @ W1 + b1
    hidden = {"relu": np.maximum(Z1, 0), "sigmoid": expit(Z1), "tanh": np.tanh(Z1), "identity": Z1}
    return softmax(hidden[model.activation] @ W2 + b2, axis=1)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("learning_rate_init", [1e3, 1e6])
def test_divergence_stops_with_finite_weights_and_a_warning(digits, solver, learning_rate_init):
    X, y = digits
    model = SimpleMLPClassifier(
        16, solver=solver, learning_rate_init=learning_rate_init, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="learning_rate_init"):
        model.fit(X * 100, y)
    assert np.isfinite(model._state.theta).all()
    assert np.isfinite(model.loss_curve_).all()
    assert np.isfinite(model.predict_proba(X)).all()


@pytest.mark.parametrize(
    "solver, activation, scale", list(itertools.product(SOLVERS, ACTIVATIONS, [1e-30, 1.0, 1e30]))
)
def test_float32_is_never_worse_than_float64(digits, solver, activation, scale):
    """Wherever float64 training stays finite, float32 training does too."""
    X, y = digits
    X = X * scale
    results = {}
    for dtype in (np.float64, np.float32):
        model = SimpleMLPClassifier(
            8, solver=solver, activation=activation, max_iter=5, random_state=0
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X.astype(dtype), y)
        results[dtype] = (
            np.isfinite(model.loss_curve_).all() and np.isfinite(model._state.theta).all(),
            np.isfinite(model.predict_proba(X.astype(dtype))).all(),
        )
        assert model._state.theta.dtype == dtype
    if all(results[np.float64]):
        assert all(results[np.float32])
