"""ONNX export: onnxruntime must reproduce what the estimators predict (extra ``onnx``)."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skl2onnx import to_onnx  # noqa: E402

import sknn_simple.onnx  # noqa: E402, F401  (registers the converter)
from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor  # noqa: E402
from sknn_simple.core.activations import ACTIVATIONS  # noqa: E402

# every activation of the registry, and one sequence per layer mixing operators and graphs
EVERY_ACTIVATION = sorted(set(ACTIVATIONS) - {"logistic"})


def run(onx, X):
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X.astype(np.float32), y


TARGETS = {
    "binary": lambda y: y > 4,
    "multiclass": lambda y: y,
    "strings": lambda y: np.array(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )[y],
    "multilabel": lambda y: np.c_[y > 4, y % 2 == 0, y % 3 == 0].astype(int),
}


@pytest.mark.parametrize("hidden", [(), (16,), (16, 8)])
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
@pytest.mark.parametrize("kind", list(TARGETS))
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_onnxruntime_matches_predict_and_predict_proba(digits, hidden, activation, kind):
    X, y = digits
    model = SimpleMLPClassifier(hidden, activation=activation, max_iter=15, random_state=0)
    model.fit(X, TARGETS[kind](y))
    labels, proba = run(to_onnx(model, X[:1], options={"zipmap": False}), X)
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(labels, model.predict(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_pipeline_with_a_scaler_converts(digits):
    X, y = digits
    pipe = make_pipeline(
        StandardScaler(), SimpleMLPClassifier((16, 8), max_iter=15, random_state=0)
    )
    pipe.fit(X, y)
    labels, proba = run(to_onnx(pipe, X[:1], options={"zipmap": False}), X)
    np.testing.assert_allclose(proba, pipe.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(labels, pipe.predict(X))
    # With skl2onnx's default ZipMap the probabilities come as one dict per row.
    _, rows = run(to_onnx(pipe, X[:1]), X[:3])
    assert sorted(rows[0]) == list(range(10))
    np.testing.assert_allclose([rows[0][c] for c in range(10)], proba[0], atol=1e-6)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    return X.astype(np.float32), np.c_[y, y**2]  # (y**2 and Y + 2 are >= 0: Poisson targets)


@pytest.mark.parametrize("hidden", [(), (16,), (16, 8)])
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_onnxruntime_matches_the_regressor(diabetes, hidden, activation, loss, n_outputs):
    X, Y = diabetes
    y = Y[:, 1] if n_outputs == 1 else Y + 2
    model = SimpleMLPRegressor(
        loss, hidden, activation, max_iter=15, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    (prediction,) = run(to_onnx(model, X[:1]), X)
    assert prediction.shape == (len(X), n_outputs) and prediction.dtype == np.float32
    expected = model.predict(X).reshape(len(X), n_outputs)
    np.testing.assert_allclose(prediction, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("activation", [*EVERY_ACTIVATION, ("gelu", "leaky_relu")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_onnxruntime_computes_every_activation(digits, activation, dtype):
    """Each activation's ONNX graph (an operator such as LeakyRelu or Elu, or a composition:
    gelu as x/2 (1 + erf(x / sqrt 2)), silu as x sigmoid(x)) gives the network's outputs, in
    float32 and float64 inputs, at depth 2."""
    X, y = digits
    X = X.astype(dtype) / 16
    model = SimpleMLPClassifier((16, 8), activation=activation, max_iter=15, random_state=0)
    model.fit(X, y)
    labels, proba = run(to_onnx(model, X[:1], options={"zipmap": False}), X)
    assert proba.dtype == dtype
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-5)
    agree = np.mean(labels == model.predict(X))  # a float32 tie may break the other way
    assert agree > 0.999


@pytest.mark.parametrize("loss", ["huber", "quantile"])
@pytest.mark.parametrize("activation", ["elu", "silu"])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_onnxruntime_matches_the_robust_losses(diabetes, loss, activation):
    """The Huber and pinball losses change training, not the output: the identity head's
    graph (no operator) predicts as the estimator does."""
    X, Y = diabetes
    model = SimpleMLPRegressor(
        loss, (16, 8), activation, max_iter=15, learning_rate_init=0.01, random_state=0
    ).fit(X, Y)
    (prediction,) = run(to_onnx(model, X[:1]), X)
    np.testing.assert_allclose(prediction, model.predict(X), rtol=1e-5, atol=1e-5)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_regressor_in_a_pipeline_with_a_scaler_converts(diabetes):
    X, Y = diabetes
    pipe = make_pipeline(
        StandardScaler(), SimpleMLPRegressor(hidden_layer_sizes=(16, 8), max_iter=15)
    )
    pipe.fit(X * 20 + 3, Y[:, 0])  # the scaler has work to do
    (prediction,) = run(to_onnx(pipe, X[:1]), X * 20 + 3)
    np.testing.assert_allclose(prediction[:, 0], pipe.predict(X * 20 + 3), rtol=1e-5, atol=1e-5)


def test_an_unfitted_regressor_is_refused_as_not_fitted():
    """Not an AttributeError about a fitted attribute the converter needs."""
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="This SimpleMLPRegressor instance is not fitted"):
        to_onnx(SimpleMLPRegressor(), np.zeros((1, 3), dtype=np.float32))
