"""The regressor's robust losses, ``loss="huber"`` and ``loss="quantile"``, as a user meets them.

The math of each head (loss, delta, curvature, baseline) is checked against finite differences
and scikit-learn's metrics in ``test_network.py``; here: what the fitted models do (coverage of
a quantile, robustness to outliers), the solvers that can and cannot train them, and how they
sit beside the defaults (the squared error is the Huber loss with a threshold no residual
reaches).
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_pinball_loss

from sknn_simple import SimpleMLPRegressor, load, save


def heteroscedastic(n, seed):
    """y = sin(2 x_0) + x_1 / 2 + noise whose spread grows with |x_0| (0.2 to 1.2)."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    truth = np.sin(2 * X[:, 0]) + 0.5 * X[:, 1]
    return X, truth + (0.2 + 0.5 * np.abs(X[:, 0])) * rng.normal(size=n), truth


@pytest.fixture(scope="module")
def data():
    X, y, _ = heteroscedastic(2000, 0)
    X_test, y_test, truth = heteroscedastic(5000, 1)
    return X, y, X_test, y_test, truth


@pytest.mark.parametrize("solver", ["lbfgs", "adam", "sgd"])
@pytest.mark.parametrize("quantile", [0.1, 0.5, 0.9])
def test_a_quantile_model_covers_its_quantile_on_held_out_data(data, solver, quantile):
    """The share of held-out targets below the prediction is the quantile asked, within 3
    points, on noise whose spread varies six-fold across the inputs (measured: 0.091-0.097,
    0.485-0.494, 0.893-0.901)."""
    X, y, X_test, y_test, _ = data
    extra = {"learning_rate_init": 0.01} if solver == "sgd" else {}
    model = SimpleMLPRegressor(
        loss="quantile", quantile=quantile, hidden_layer_sizes=(32,), solver=solver,
        max_iter=300, random_state=0, **extra,
    ).fit(X, y)  # fmt: skip
    coverage = np.mean(y_test <= model.predict(X_test))
    assert abs(coverage - quantile) <= 0.03


def test_the_quantiles_of_one_input_are_ordered_and_spread_with_the_noise(data):
    """The 0.1 and 0.9 models bracket the 0.5 model, and their gap widens where the noise does
    (|x_0| near 2: spread 1.2) compared with where it is small (x_0 near 0: 0.2)."""
    X, y, X_test, _, _ = data
    fits = {
        q: SimpleMLPRegressor(
            loss="quantile", quantile=q, hidden_layer_sizes=(32,), solver="lbfgs", random_state=0
        ).fit(X, y)
        for q in (0.1, 0.5, 0.9)
    }
    low, mid, high = (fits[q].predict(X_test) for q in (0.1, 0.5, 0.9))
    assert np.mean(low < mid) > 0.97 and np.mean(mid < high) > 0.97
    gap = high - low
    assert gap[np.abs(X_test[:, 0]) > 1.5].mean() > 2.5 * gap[np.abs(X_test[:, 0]) < 0.3].mean()


@pytest.mark.parametrize("solver", ["lbfgs", "adam", "newton-cg"])
def test_huber_is_less_affected_by_outliers_than_the_squared_error(data, solver):
    """10 % of the training targets moved by 5 to 15 (either way): the Huber model's error
    against the noise-free truth is at most half the squared error's (measured: lbfgs 0.026
    against 0.30, adam 0.0068 against 0.023, newton-cg 0.0097 against 0.098)."""
    X, y, X_test, _, truth = data
    rng = np.random.RandomState(2)
    outlier = rng.uniform(size=len(y)) < 0.1
    y = y.copy()
    y[outlier] += rng.choice([-1, 1], outlier.sum()) * rng.uniform(5, 15, outlier.sum())
    errors = {}
    for loss in ("squared_error", "huber"):
        model = SimpleMLPRegressor(
            loss=loss, hidden_layer_sizes=(32,), solver=solver, max_iter=300, random_state=0
        ).fit(X, y)
        errors[loss] = np.mean((model.predict(X_test) - truth) ** 2)
    assert errors["huber"] < 0.5 * errors["squared_error"]


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs", "newton-cg"])
def test_huber_with_a_threshold_no_residual_reaches_is_the_squared_error(solver):
    """Inside its threshold the Huber loss is half the squared error and its delta the
    residual: the same weights, bit for bit, as loss="squared_error" (one output)."""
    X, y, _ = heteroscedastic(300, 3)
    common = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        huber = SimpleMLPRegressor(loss="huber", huber_epsilon=1e6, **common).fit(X, y)
        squared = SimpleMLPRegressor(**common).fit(X, y)
    pairs = zip(huber.coefs_ + huber.intercepts_, squared.coefs_ + squared.intercepts_, strict=True)
    for a, b in pairs:
        np.testing.assert_array_equal(a, b)
    assert huber.loss_curve_ == squared.loss_curve_


def test_the_reported_loss_is_the_mean_pinball_loss_plus_the_penalty(data):
    """loss_ of a full-batch fit is scikit-learn's mean_pinball_loss of its predictions plus
    alpha / 2 ||W||^2 over the number of samples."""
    X, y, _, _, _ = data
    model = SimpleMLPRegressor(
        loss="quantile", quantile=0.8, hidden_layer_sizes=(16,), solver="lbfgs", alpha=0.1,
        max_iter=50, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    penalty = 0.5 * 0.1 * sum(np.sum(W**2) for W in model.coefs_) / len(X)
    expected = mean_pinball_loss(y, model.predict(X), alpha=0.8) + penalty
    assert model.loss_ == pytest.approx(expected, rel=1e-10)


def test_newton_cg_refuses_the_pinball_loss_and_says_what_to_use():
    """The pinball loss is piecewise linear: no curvature for a Newton step. The error names
    the solvers that can train it, before any training (a fitted model is left as it was)."""
    X, y, _ = heteroscedastic(100, 4)
    model = SimpleMLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    weights = model.coefs_[0].copy()
    model.set_params(loss="quantile", solver="newton-cg")
    with pytest.raises(ValueError, match="pinball loss of loss='quantile' has none.*'lbfgs'"):
        model.fit(X, y)
    np.testing.assert_array_equal(model.coefs_[0], weights)


def test_early_stopping_a_quantile_model_on_r2_warns_and_loss_does_not():
    """R² ranks epochs by the mean, which a quantile model does not predict: the default
    scoring warns; scoring="loss" watches the validation pinball loss."""
    X, y, _ = heteroscedastic(300, 5)
    common = dict(loss="quantile", quantile=0.9, early_stopping=True, max_iter=5, random_state=0)
    with pytest.warns(UserWarning, match="scoring='loss' to watch the validation pinball"):
        SimpleMLPRegressor(**common).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # (5 epochs)
        model = SimpleMLPRegressor(**common, scoring="loss").fit(X, y)
    assert model.validation_loss_curve_[-1] > 0


@pytest.mark.parametrize(
    "params", [dict(loss="huber", huber_epsilon=0.7), dict(loss="quantile", quantile=0.25)]
)
def test_a_robust_model_survives_save_and_load(tmp_path, params):
    """The loss and its parameter are saved with the model: the loaded one predicts the same
    and trains on with the same loss."""
    X, y, _ = heteroscedastic(200, 6)
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(8,), solver="lbfgs", max_iter=20, random_state=0, **params
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    save(model, tmp_path / "robust.npz")
    loaded = load(tmp_path / "robust.npz")
    assert {k: loaded.get_params()[k] for k in params} == params
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.out_activation_ == "identity"
