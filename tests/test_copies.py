"""Objects that look like copies are copies, and what looks like the model's state is its state
(issue 24, class 3).

* a callback's ``fitted_estimator`` is a snapshot: the training that goes on changes nothing
  of it, and training it changes nothing of the live fit;
* ``coefs_`` and ``intercepts_`` are the weights: assigning an entry or the whole list changes
  the model, as it does MLPClassifier's; what cannot be changed (the number of layers, their
  shapes) is refused, never silently dropped.
"""

import copy
import pickle
import warnings

import numpy as np
import pytest
from sklearn import __version__ as SKLEARN_VERSION
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.fixes import parse_version

from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor

needs_callbacks = pytest.mark.skipif(
    parse_version(SKLEARN_VERSION) < parse_version("1.9"),
    reason="scikit-learn's callbacks arrive in 1.9",
)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def quietly(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call()


# --- a callback's fitted_estimator is a snapshot -------------------------------------------------


class Snapshots:
    """A scikit-learn callback that keeps the ``fitted_estimator`` of every epoch."""

    def __init__(self):
        self.models = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, **data):
        if context.parent is not None:  # an epoch, not the whole fit
            self.models.append(fitted_estimator)


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_an_epoch_snapshot_keeps_what_it_had_at_that_epoch(iris, solver):
    X, y = iris
    snapshots = Snapshots()
    model = SimpleMLPClassifier(
        8, solver=solver, batch_size=50, max_iter=5, dropout=0.2, random_state=0
    )
    model.set_callbacks(snapshots)
    quietly(lambda: model.fit(X, y))
    first, second = snapshots.models[:2]
    assert len(first.loss_curve_) == len(first.history_) == 1
    assert len(second.loss_curve_) == 2
    assert first.loss_curve_[0] == model.loss_curve_[0]
    live = model._state
    for snap in (first._state, second._state):
        assert not np.shares_memory(snap.theta, live.theta)
        assert not np.shares_memory(snap.optimizer, live.optimizer)
        assert snap.rng is not live.rng and snap.dropout_rng is not live.dropout_rng
    # The streams were copied where they stood: the snapshot's next draws are not the live ones.
    assert first._state.rng.get_state()[2] != live.rng.get_state()[2]


@needs_callbacks
def test_training_a_snapshot_changes_nothing_of_the_live_model(iris):
    X, y = iris
    snapshots = Snapshots()
    model = SimpleMLPClassifier(8, solver="adam", max_iter=4, random_state=0)
    model.set_callbacks(snapshots)
    quietly(lambda: model.fit(X, y))
    weights = [W.copy() for W in model.coefs_]
    curve, moments = list(model.loss_curve_), model._state.optimizer.copy()
    snapshot = snapshots.models[1]
    snapshot.set_callbacks()  # (it carries the live model's callbacks)
    for _ in range(3):
        snapshot.partial_fit(X, y)
    assert len(snapshot.loss_curve_) == 5
    assert model.loss_curve_ == curve
    np.testing.assert_array_equal(model._state.optimizer, moments)
    for W, before in zip(model.coefs_, weights, strict=True):
        np.testing.assert_array_equal(W, before)


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_snapshot_resumes_as_the_fit_went_on(iris, solver):
    """The epoch-2 snapshot, saved and trained two more epochs on the same data, has the
    weights and curve of the live model after epoch 4 (a checkpoint taken by a callback
    resumes exactly): its weights and optimizer state were copied as they stood after epoch 2.
    (No shuffling: the order of the rows is not what this test is about.)"""
    X, y = iris
    settings = dict(solver=solver, batch_size=50, shuffle=False, random_state=0)
    snapshots = Snapshots()
    model = SimpleMLPClassifier(8, max_iter=4, **settings).set_callbacks(snapshots)
    quietly(lambda: model.fit(X, y))
    checkpoint = pickle.loads(pickle.dumps(snapshots.models[1]))
    checkpoint.set_callbacks()
    for _ in range(2):
        checkpoint.partial_fit(X, y)
    np.testing.assert_array_equal(checkpoint.coefs_[0], model.coefs_[0])
    assert checkpoint.loss_curve_ == model.loss_curve_


# --- coefs_ and intercepts_ are the weights ------------------------------------------------------


@pytest.mark.parametrize(
    "ours, theirs",
    [(SimpleMLPClassifier, MLPClassifier), (SimpleMLPRegressor, MLPRegressor)],
    ids=["classifier", "regressor"],
)
def test_assigning_weights_changes_the_model_as_in_scikit_learn(iris, ours, theirs):
    """The idioms of pruning, quantizing and federated averaging, on both models side by side:
    they start from the same weights, so after the same assignments they predict the same."""
    X, y = iris
    models = [
        quietly(lambda c=c: c(hidden_layer_sizes=(6, 4), max_iter=30, random_state=0).fit(X, y))
        for c in (ours, theirs)
    ]
    rng = np.random.RandomState(1)
    new_first, new_bias = rng.normal(size=(4, 6)), rng.normal(size=4)
    for model in models:
        model.coefs_[0] = new_first  # one layer
        model.coefs_[1] *= np.abs(model.coefs_[1]) > 0.1  # pruning, in place
        model.intercepts_[1] = new_bias
        model.coefs_ = [np.round(W, 2) for W in model.coefs_]  # the whole list: quantized
        model.intercepts_ = [b / 2 for b in model.intercepts_]
    ours_model, theirs_model = models
    np.testing.assert_allclose(ours_model.coefs_[0], np.round(new_first, 2))
    predict = "predict_proba" if hasattr(theirs_model, "predict_proba") else "predict"
    np.testing.assert_allclose(
        getattr(ours_model, predict)(X), getattr(theirs_model, predict)(X), rtol=1e-12
    )


def test_a_weight_of_another_shape_or_count_is_refused_and_changes_nothing(iris):
    X, y = iris
    model = quietly(lambda: SimpleMLPClassifier(5, max_iter=5, random_state=0).fit(X, y))
    before = [W.copy() for W in model.coefs_]
    refused = {
        r"coefs_\[0\] has shape \(4, 5\) in this network, not \(5, 4\)": lambda: (
            model.coefs_.__setitem__(0, np.ones((5, 4)))
        ),
        "must hold 2 arrays, one per layer, not 3": lambda: setattr(
            model, "coefs_", [*model.coefs_, np.ones(3)]
        ),
        "its length is fixed by hidden_layer_sizes": lambda: model.coefs_.append(np.ones(3)),
        "intercepts_ holds one array per layer": lambda: model.intercepts_.pop(),
        r"coefs_\[1\] must be an array of numbers": lambda: model.coefs_.__setitem__(1, "a"),
    }
    for message, change in refused.items():
        with pytest.raises(ValueError, match=message):
            change()
    for W, old in zip(model.coefs_, before, strict=True):
        np.testing.assert_array_equal(W, old)
    with pytest.raises(IndexError):
        model.coefs_[2] = np.ones(3)
    with pytest.raises(NotFittedError):
        SimpleMLPClassifier().coefs_ = before


def test_copies_of_the_weight_lists_are_plain_independent_lists(iris):
    X, y = iris
    model = quietly(lambda: SimpleMLPClassifier(5, max_iter=5, random_state=0).fit(X, y))
    deep, pickled = copy.deepcopy(model.coefs_), pickle.loads(pickle.dumps(model.coefs_))
    shallow = copy.copy(model.coefs_)
    assert type(deep) is type(pickled) is type(shallow) is list
    model.coefs_[0] = np.zeros((4, 5))
    assert deep[0].any() and pickled[0].any()  # unchanged copies
    assert not shallow[0].any()  # a shallow copy holds the same arrays, as for any list
