"""Properties that hold for every small problem hypothesis can think of.

Each property runs on 200 generated problems (shapes, number of classes, label types,
activations, solvers), with a fixed seed (derandomize) so that CI is reproducible.
"""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from sknn_simple import SimpleMLPClassifier

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SOLVERS = ["sgd", "adam", "lbfgs", "newton-cg"]
ACTIVATIONS = ["relu", "sigmoid", "tanh", "identity"]
LABEL_KINDS = ["int", "negative int", "str", "float", "bool"]


@st.composite
def problems(draw, kinds=LABEL_KINDS, multilabel=True):
    """(X, y, estimator) for a small random problem."""
    n_samples = draw(st.integers(6, 40))
    n_features = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)) * draw(st.sampled_from([1e-3, 1.0, 100.0]))
    kind = draw(st.sampled_from(kinds + (["multilabel"] if multilabel else [])))
    if kind == "multilabel":
        y = (rng.uniform(size=(n_samples, draw(st.integers(2, 4)))) < 0.5).astype(int)
    else:
        n_classes = 2 if kind == "bool" else draw(st.integers(2, min(5, n_samples // 2)))
        codes = np.r_[np.arange(n_classes), rng.randint(n_classes, size=n_samples - n_classes)]
        rng.shuffle(codes)
        y = {
            "int": codes,
            "negative int": codes - 3,
            "str": np.array(list("abcde"))[codes],
            "float": codes * 2.0,
            "bool": codes.astype(bool),
        }[kind]
    model = SimpleMLPClassifier(
        hidden_layer_sizes=draw(st.integers(1, 8)),
        activation=draw(st.sampled_from(ACTIVATIONS)),
        solver=draw(st.sampled_from(SOLVERS)),
        max_iter=draw(st.integers(1, 6)),
        batch_size=draw(st.sampled_from(["auto", 4, "full"])),
        random_state=seed,
    )
    return X, y, model


def quiet_fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y, **kwargs)


@PROPERTY
@given(problem=problems())
def test_probabilities_are_probabilities_and_predict_agrees(problem):
    X, y, model = problem
    quiet_fit(model, X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), len(model.classes_))
    # in [0, 1]: a probability too small for the dtype is 0, as MLPClassifier's
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    predicted = model.predict(X)
    if y.ndim == 2:
        np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    else:
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
        np.testing.assert_array_equal(predicted, model.classes_[proba.argmax(axis=1)])
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(model.predict_log_proba(X), np.log(proba))


@PROPERTY
@given(problem=problems())
def test_a_fixed_random_state_and_clone_reproduce_a_fit(problem):
    X, y, model = problem
    quiet_fit(model, X, y)
    again = quiet_fit(clone(model), X, y)
    np.testing.assert_array_equal(again._state.theta, model._state.theta)
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    assert again.loss_curve_ == model.loss_curve_


@PROPERTY
@given(problem=problems(kinds=["int", "negative int"], multilabel=False))
def test_renaming_labels_in_the_same_order_changes_nothing(problem):
    X, y, model = problem
    names = np.array([f"class {code + 10:03d}" for code in y])  # sorts like the codes
    quiet_fit(model, X, y)
    renamed = quiet_fit(clone(model), X, names)
    assert renamed.classes_.tolist() == sorted(set(names.tolist()))
    np.testing.assert_array_equal(renamed.predict_proba(X), model.predict_proba(X))
    mapping = dict(zip(y.tolist(), names.tolist(), strict=True))
    assert [mapping[p] for p in model.predict(X).tolist()] == renamed.predict(X).tolist()


@PROPERTY
@given(problem=problems(), n_batches=st.integers(1, 4))
def test_partial_fit_over_batches_is_one_epoch_of_fit(problem, n_batches):
    """Without shuffling, partial_fit on consecutive slices equals fit(max_iter=1) with those
    slices as mini-batches."""
    X, y, model = problem
    batch = -(-len(X) // n_batches)  # ceil
    settings_ = dict(
        solver="sgd" if model.solver == "sgd" else "adam",
        shuffle=False,
        batch_size=batch,
        max_iter=1,
    )
    fitted = quiet_fit(clone(model).set_params(**settings_), X, y)
    streamed = clone(model).set_params(**settings_)
    classes = None if y.ndim == 2 else np.unique(y)
    for start in range(0, len(X), batch):
        streamed.partial_fit(X[start : start + batch], y[start : start + batch], classes=classes)
    np.testing.assert_allclose(streamed._state.theta, fitted._state.theta, rtol=1e-10, atol=1e-12)
