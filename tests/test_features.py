"""HiddenFeatures: a network's hidden layer as features inside a Pipeline (issue 27)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn_simple import HiddenFeatures, SimpleMLPClassifier, SimpleMLPRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


def fitted_network(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return SimpleMLPClassifier(random_state=0, **params).fit(X, y)


# scikit-learn before 1.9 hands pytest a generator of checks, which pytest deprecates: a list
_CHECKS = parametrize_with_checks(
    [
        HiddenFeatures(SimpleMLPClassifier((6,), max_iter=20, random_state=0)),
        HiddenFeatures(SimpleMLPRegressor(hidden_layer_sizes=(5, 4), max_iter=20, random_state=0)),
    ]
)


@pytest.mark.parametrize(_CHECKS.args[0], list(_CHECKS.args[1]), **_CHECKS.kwargs)
def test_scikit_learn_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.parametrize("layer", [0, 1, -1, -2])
def test_the_features_are_the_layers_activations(digits, layer):
    """transform(X) = relu(H W + b) of the chosen layer, from the network's own coefs_."""
    X, y = digits
    net = fitted_network(X, y, hidden_layer_sizes=(20, 7), max_iter=20)
    features = HiddenFeatures(FrozenEstimator(net), layer=layer).fit(X, y).transform(X)
    H = X
    for W, b in zip(net.coefs_[: layer % 2 + 1], net.intercepts_[: layer % 2 + 1], strict=True):
        H = np.maximum(H @ W + b, 0)
    np.testing.assert_allclose(features, H, rtol=1e-12, atol=1e-12)
    assert features.flags.c_contiguous


def test_a_frozen_network_is_not_trained_again(digits):
    X, y = digits
    net = fitted_network(X, y, hidden_layer_sizes=(12,), max_iter=10)
    before = [W.copy() for W in net.coefs_]
    transformer = HiddenFeatures(FrozenEstimator(net)).fit(X[:50], y[:50])
    assert transformer.estimator_.estimator is net
    for W, W_before in zip(net.coefs_, before, strict=True):
        np.testing.assert_array_equal(W, W_before)


def test_in_a_pipeline_a_linear_model_reads_the_learned_features(digits):
    """The network trains on the labels; a linear model on its 32 features does about as
    well as the network, with one tenth of the inputs."""
    X, y = digits
    net = SimpleMLPClassifier((32,), max_iter=60, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(StandardScaler(), HiddenFeatures(net), LogisticRegression())
        pipe.fit(X[:1200], y[:1200])
    assert pipe.score(X[1200:], y[1200:]) > 0.9
    names = pipe[:-1].get_feature_names_out()
    assert list(names[:2]) == ["hiddenfeatures0_0", "hiddenfeatures0_1"] and len(names) == 32


def test_a_regressors_features_feed_a_ridge():
    """The hidden features of a regressor (targets standardized, as a network needs them)
    explain the target about as well as the network itself."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    net = SimpleMLPRegressor(hidden_layer_sizes=(16,), max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(HiddenFeatures(net), Ridge(alpha=1e-3)).fit(X, y)
    assert pipe[0].transform(X).shape == (len(X), 16)
    network_r2 = pipe[0].estimator_.score(X, y)
    assert pipe.score(X, y) >= network_r2 - 0.02


def test_a_layer_the_network_lacks_is_refused_with_the_range(digits):
    X, y = digits
    net = fitted_network(X, y, hidden_layer_sizes=(8, 4), max_iter=5)
    with pytest.raises(ValueError, match="has 2 hidden layer.*from -2 to 1"):
        HiddenFeatures(FrozenEstimator(net), layer=2).fit(X, y)
    with pytest.raises(ValueError, match="give a layer's index"):  # an int to Python
        HiddenFeatures(FrozenEstimator(net), layer=True).fit(X, y)
    with pytest.raises(ValueError, match="'layer' parameter of HiddenFeatures must be an int"):
        HiddenFeatures(FrozenEstimator(net), layer=np.bool_(False)).fit(X, y)
    # a NumPy integer, as a grid search hands it, is a layer
    last = HiddenFeatures(FrozenEstimator(net), layer=np.int64(-1)).fit(X, y)
    assert last.transform(X).shape[1] == 4


def test_another_estimator_is_refused_before_any_training(digits):
    X, y = digits
    with pytest.raises(TypeError, match="needs a SimpleMLPClassifier or SimpleMLPRegressor"):
        HiddenFeatures(LogisticRegression()).fit(X, y)
