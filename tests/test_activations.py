"""The added activations and one activation per hidden layer, as a user meets them.

Each activation's derivatives, and the gradients and curvature products of networks mixing
them, are checked against finite differences in ``test_network.py``, their ONNX graphs against
onnxruntime in ``test_onnx.py``; here: what the estimators do with them.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV

from sknn_simple import HiddenFeatures, SimpleMLPClassifier, SimpleMLPRegressor, load, save
from sknn_simple.core.activations import ACTIVATIONS

NEW = ["leaky_relu", "elu", "softplus", "gelu", "silu"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600]


def quietly(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


@pytest.mark.parametrize("activation", NEW)
def test_each_new_activation_trains_a_network(digits, activation):
    """Each one learns the digits (10 classes) well above chance: training accuracy > 0.9
    after 40 L-BFGS iterations."""
    X, y = digits
    model = quietly(
        SimpleMLPClassifier((32,), activation=activation, solver="lbfgs", max_iter=40,
                            random_state=0), X, y,
    )  # fmt: skip
    assert model.score(X, y) > 0.9


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs", "newton-cg"])
@pytest.mark.parametrize("name", ["relu", "tanh", "logistic", "gelu"])
def test_one_name_per_layer_is_the_name_for_all(digits, solver, name):
    """A sequence repeating one name trains exactly the network that name alone trains."""
    X, y = digits
    common = dict(hidden_layer_sizes=(12, 8), solver=solver, max_iter=5, random_state=0)
    alone = quietly(SimpleMLPClassifier(activation=name, **common), X, y)
    each = quietly(SimpleMLPClassifier(activation=[name, name], **common), X, y)
    for a, b in zip(alone.coefs_, each.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_each_layer_computes_its_own_activation(digits):
    """HiddenFeatures shows each layer's activations: layer 1 is gelu of its pre-activations,
    layer 2 leaky relu of its own (negative values scaled by 0.01, not cut to 0)."""
    X, y = digits
    model = quietly(
        SimpleMLPClassifier((12, 8), activation=("gelu", "leaky_relu"), max_iter=20,
                            random_state=0), X, y,
    )  # fmt: skip
    first = HiddenFeatures(FrozenEstimator(model), layer=0).fit(X, y).transform(X)
    second = HiddenFeatures(FrozenEstimator(model), layer=1).fit(X, y).transform(X)
    Z1 = X @ model.coefs_[0] + model.intercepts_[0]
    gelu = ACTIVATIONS["gelu"].forward(Z1.copy(), np.empty_like(Z1))
    np.testing.assert_allclose(first, gelu, rtol=1e-12)
    Z2 = first @ model.coefs_[1] + model.intercepts_[1]
    np.testing.assert_allclose(second, np.where(Z2 > 0, Z2, 0.01 * Z2), rtol=1e-12)
    assert (second < 0).any()


def test_a_changed_number_of_activations_is_refused_at_prediction(digits):
    """set_params after the fit with a sequence that no longer matches the layers: predict
    says what is wrong instead of failing inside the forward pass."""
    X, y = digits
    model = quietly(SimpleMLPClassifier((6, 4), max_iter=2, random_state=0), X, y)
    model.set_params(activation=("relu",))
    with pytest.raises(ValueError, match="names 1 activations and hidden_layer_sizes has 2"):
        model.predict(X)


def test_grid_search_tunes_the_activation_of_each_layer(digits):
    """A grid of names and sequences: cloned, set and refitted as any other parameter."""
    X, y = digits
    grid = {"activation": ["relu", ("relu", "tanh"), ["gelu", "elu"]]}
    search = GridSearchCV(
        SimpleMLPClassifier((8, 6), solver="lbfgs", max_iter=30, random_state=0), grid, cv=2
    )
    quietly(search, X, y)
    assert len(search.cv_results_["params"]) == 3
    assert search.best_estimator_.activation in grid["activation"]


@pytest.mark.parametrize("activation", [("silu", "softplus"), "elu"])
def test_activations_survive_save_and_load(tmp_path, activation):
    """What save writes, load reads: the sequence comes back and predicts the same."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(80, 3)), rng.normal(size=80)
    model = quietly(
        SimpleMLPRegressor(
            hidden_layer_sizes=(5, 4), activation=activation, solver="lbfgs", max_iter=10,
            random_state=0,
        ), X, y,
    )  # fmt: skip
    save(model, tmp_path / "model.npz")
    loaded = load(tmp_path / "model.npz")
    assert tuple(np.atleast_1d(loaded.activation)) == tuple(np.atleast_1d(activation))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
