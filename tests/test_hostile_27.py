"""Defects found by hostile testing of issue 27's additions (huber/quantile losses, activation
sequences, scoring="loss"). Each test fails on the code it was written against and states
what a user should get instead."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor


def linear_data(n=100, noise=0.1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 3)
    return X, X[:, 0] + noise * rng.randn(n)


def fit_recording(model, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    return [w for w in caught if issubclass(w.category, ConvergenceWarning)]


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
def test_a_small_huber_epsilon_does_not_return_an_untrained_model_silently(solver):
    """huber_epsilon=1e-4 scales the loss and its gradient by 1e-4: the full-batch solvers
    stop before their first iteration (gradient norm below tol), with loss_curve_ == [] and no
    warning, and the model is its random initialization. Expected: it trains, or it warns."""
    X, y = linear_data()
    model = SimpleMLPRegressor(
        loss="huber", huber_epsilon=1e-4, solver=solver, hidden_layer_sizes=(8,), random_state=0
    )
    caught = fit_recording(model, X, y)
    assert model.n_iter_ > 0 or caught, (
        f"n_iter_={model.n_iter_}, loss_curve_={model.loss_curve_}, no warning"
    )


def test_huber_newton_cg_on_large_targets_does_not_stop_silently_untrained():
    """Targets of scale 1e9 (default parameters otherwise): newton-cg stops after one
    iteration on its relative-reduction test, counts it as converged and warns nothing; the
    model has R^2 ~ 0 (loss="squared_error" on the same data trains, R^2 0.99). Expected: it
    trains, or a warning says it did not (and to scale y / set huber_epsilon)."""
    X, y = linear_data()
    model = SimpleMLPRegressor(loss="huber", solver="newton-cg", random_state=0)
    caught = fit_recording(model, X, y * 1e9)
    assert r2_score(y, model.predict(X) / 1e9) > 0.5 or caught, (
        f"n_iter_={model.n_iter_}, R^2={r2_score(y, model.predict(X) / 1e9):.3f}, no warning"
    )


def test_warm_start_switching_to_the_quantile_loss_trains_or_is_refused():
    """warm_start with loss changed from "squared_error" to "quantile" is accepted (both have
    the identity output; a switch to "poisson" is refused: "continuing training needs the same
    loss"), but the early-stopping memory of the old loss is kept: after a converged fit the
    quantile fit runs 1 epoch and the model still predicts the mean (coverage 0.63 for
    quantile=0.9; a fresh fit: 0.90). Expected: refuse the switch, or train the new loss."""
    X, y = linear_data(400, noise=0.5)
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(16,), max_iter=300, learning_rate_init=0.01, warm_start=True,
        random_state=0,
    )  # fmt: skip
    fit_recording(model, X, y)
    model.set_params(loss="quantile", quantile=0.9)
    try:
        fit_recording(model, X, y)
    except ValueError:
        return  # refused with a message: acceptable
    coverage = np.mean(y <= model.predict(X))
    assert coverage > 0.8, f"coverage {coverage:.3f} after {model.n_iter_} epoch(s)"


def test_warm_start_switching_scoring_to_loss_keeps_a_consistent_best_score():
    """After an early-stopped fit on the accuracy, warm_start with scoring="loss":
    validation_scores_ then mixes accuracies and negative losses, best_validation_score_ stays
    the old accuracy (documented as the best negative loss), and training stops after
    n_iter_no_change + 1 epochs whatever the loss does. Expected: the best score of the
    criterion in force (<= 0), or a refusal."""
    X, y = load_digits(return_X_y=True)
    model = SimpleMLPClassifier(
        (16,), early_stopping=True, warm_start=True, max_iter=15, learning_rate_init=0.01,
        random_state=0,
    )  # fmt: skip
    fit_recording(model, X / 16, y)
    model.set_params(scoring="loss", max_iter=100)
    try:
        fit_recording(model, X / 16, y)
    except ValueError:
        return
    assert model.best_validation_score_ <= 0, (
        f"best_validation_score_={model.best_validation_score_} with scoring='loss'"
    )


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_huber_beyond_every_residual_is_the_squared_error_with_several_outputs(solver):
    """docs/robust_losses.rst: "a threshold larger than every residual gives exactly the
    squared error's model". With 3 outputs the stochastic solvers stop at different epochs
    (adam 176 vs 234, sgd 90 vs 291): tol is compared with the loss averaged over the outputs
    for the squared error and summed for Huber, so the models differ (max |diff| 0.14, 0.61)."""
    X, y = linear_data(200, noise=0.3)
    Y = np.c_[y, 2 * y, -y]
    common = dict(
        solver=solver, hidden_layer_sizes=(6,), max_iter=1000, learning_rate_init=0.01,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        squared = SimpleMLPRegressor(**common).fit(X, Y)
        huber = SimpleMLPRegressor(loss="huber", huber_epsilon=1e12, **common).fit(X, Y)
    assert huber.n_iter_ == squared.n_iter_
    np.testing.assert_allclose(huber.predict(X), squared.predict(X))
