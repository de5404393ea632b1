"""TrainingCurveDisplay: the training curves of any fitted network, drawn (issue 27)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning

from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor, TrainingCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def fitted(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def data(kind):
    if kind == "classifier":
        X, y = load_digits(return_X_y=True)
        return SimpleMLPClassifier, X[:600] / 16, y[:600]
    X, y = load_diabetes(return_X_y=True)
    return SimpleMLPRegressor, (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs", "newton-cg"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_the_curves_drawn_are_the_fitted_ones(kind, solver, early_stopping):
    """Every estimator and solver: the lines hold loss_curve_, validation_loss_curve_ and
    validation_scores_ against the epochs; the best epoch is the one early stopping kept."""
    cls, X, y = data(kind)
    model = fitted(
        cls(
            hidden_layer_sizes=(12,),
            solver=solver,
            max_iter=25,
            random_state=0,
            early_stopping=early_stopping,
            n_iter_no_change=3,
        ),
        X,
        y,
    )
    display = TrainingCurveDisplay.from_estimator(model)
    epochs = np.arange(1, model.n_iter_ + 1)
    np.testing.assert_array_equal(display.lines_["loss"].get_xdata(), epochs)
    np.testing.assert_array_equal(display.lines_["loss"].get_ydata(), model.loss_curve_)
    watched = early_stopping and solver != "lbfgs"  # (as MLPClassifier, lbfgs holds nothing out)
    assert ("validation_score" in display.lines_) == watched
    if watched:
        np.testing.assert_array_equal(
            display.lines_["validation_score"].get_ydata(), model.validation_scores_
        )
        np.testing.assert_array_equal(
            display.lines_["validation_loss"].get_ydata(), model.validation_loss_curve_
        )
        kept = model.best_validation_score_
        assert model.validation_scores_[display.best_epoch - 1] == kept
    else:
        assert display.best_epoch == 1 + int(np.argmin(model.loss_curve_))
    assert display.ax_.get_xlabel() == "epoch" and display.figure_ is display.ax_.figure


def test_learning_rate_changes_are_marked_where_the_history_changes():
    cls, X, y = data("classifier")
    model = fitted(
        cls(
            solver="sgd",
            learning_rate="adaptive",
            learning_rate_init=0.5,
            max_iter=60,
            n_iter_no_change=2,
            tol=1e-2,
            random_state=0,
        ),
        X,
        y,
    )
    rates = np.array([record["learning_rate"] for record in model.history_])
    changes = 1 + np.flatnonzero(np.diff(rates) != 0)  # index of the first epoch at a new rate
    assert len(changes) >= 2
    display = TrainingCurveDisplay.from_estimator(model)
    marked = [
        line.get_xdata()[0] for line in display.ax_.get_lines() if line.get_linestyle() == ":"
    ]
    np.testing.assert_array_equal(marked, changes + 1)  # epochs count from 1


def test_it_draws_into_the_axes_given_and_names_the_model():
    cls, X, y = data("regressor")
    model = fitted(cls(hidden_layer_sizes=(8,), max_iter=10, random_state=0), X, y)
    fig, (left, right) = plt.subplots(1, 2)
    display = TrainingCurveDisplay.from_estimator(model, ax=right, name="eight units")
    assert display.ax_ is right and not left.get_lines()
    assert right.get_title() == "Training curves of eight units"
    again = display.plot(ax=left)  # a display draws again wherever it is asked
    assert again is display and display.ax_ is left


def test_an_unfitted_estimator_is_refused():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(SimpleMLPClassifier())
