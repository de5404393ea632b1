"""Bad input, case by case: the error type, and a message that names what is wrong.

Each case is (what it does, expected exception, pattern the message must match). A message
that only a NumPy internal could produce would not match any of these patterns.
"""

import copy
import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor

RNG = np.random.RandomState(0)
X = RNG.normal(size=(30, 4))
y = np.arange(30) % 3


def fit(X_=X, y_=y, **params):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            SimpleMLPClassifier(**{"max_iter": 2, **params}).fit(X_, y_)

    return run


def fit_with(**fit_params):
    def run():
        SimpleMLPClassifier(max_iter=2).fit(X, y, **fit_params)

    return run


def predict_with(X_new, method="predict"):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SimpleMLPClassifier(max_iter=2).fit(X, y)
        getattr(model, method)(X_new)

    return run


def with_nan(A, value=np.nan):
    A = np.array(A, dtype=float)
    A.flat[3] = value
    return A


def partial_fit_twice(first_classes, second_y, second_classes=None):
    def run():
        model = SimpleMLPClassifier()
        model.partial_fit(X, y, classes=first_classes)
        model.partial_fit(X, second_y, classes=second_classes)

    return run


CASES = {
    # --- X --------------------------------------------------------------------------------------
    "NaN in X at fit": (fit(with_nan(X)), ValueError, "Input X contains NaN"),
    "inf in X at fit": (fit(with_nan(X, np.inf)), ValueError, "Input X contains infinity"),
    "NaN in X at predict": (predict_with(with_nan(X)), ValueError, "Input X contains NaN"),
    "inf in X at predict_proba": (
        predict_with(with_nan(X, -np.inf), "predict_proba"),
        ValueError,
        "Input X contains infinity",
    ),
    "empty X": (fit(np.empty((0, 4)), np.empty(0)), ValueError, "0 sample"),
    "one sample": (fit(X[:1], y[:1]), ValueError, "1 sample"),
    "length mismatch": (fit(X, y[:-1]), ValueError, "inconsistent numbers of samples"),
    "wrong number of features at predict": (
        predict_with(X[:, :3]),
        ValueError,
        "X has 3 features, but SimpleMLPClassifier is expecting 4",
    ),
    "3-D X": (fit(X.reshape(30, 2, 2)), ValueError, "Found array with dim 3"),
    "1-D X": (fit(X[:, 0]), ValueError, "Expected 2D array, got 1D array instead"),
    "complex X": (fit(X + 1j), ValueError, "Complex data not supported"),
    "strings in X": (
        fit(np.array([["a", "b"]] * 30, dtype=object)),
        ValueError,
        "could not convert string to float",
    ),
    # --- y --------------------------------------------------------------------------------------
    "one class": (fit(X, np.zeros(30)), ValueError, r"y has 1 class \(0.0\)"),
    "continuous y": (fit(X, RNG.normal(size=30)), ValueError, "Unknown label type"),
    # labels in an object array (as pandas gives them): each mistake said, not a sort's error
    "None among the labels": (
        fit(X, np.array(["a", "b", None] * 10, dtype=object)),
        ValueError,
        "y contains None: every sample needs a class label",
    ),
    "text mixed with numbers": (
        fit(X, np.array(["a", 1, 2] * 10, dtype=object)),
        ValueError,
        r"y mixes text and other labels \(e.g. 'a' and 1\)",
    ),
    "numbers as objects": (
        fit(X, np.array([1, 2, 3] * 10, dtype=object)),
        ValueError,
        r"y holds numbers in an array of Python objects .*y.astype\(int\)",
    ),
    "None in y_val": (
        fit_with(X_val=X[:3], y_val=np.array([0, None, 1], dtype=object)),
        ValueError,
        "y_val contains None",
    ),
    "NaN in y": (
        fit(X, with_nan(y.astype(float)[:, None])[:, 0]),
        ValueError,
        "Input y contains NaN",
    ),
    "multiclass-multioutput y": (
        fit(X, np.c_[y, y]),
        ValueError,
        "Unsupported target type 'multiclass-multioutput'",
    ),
    "one class left by sample_weight": (
        fit_with(sample_weight=(y == 1).astype(float)),
        ValueError,
        "Only 1 class has samples with positive weight",
    ),
    # --- sample_weight, class_weight, validation set -------------------------------------------
    "sample_weight of the wrong length": (
        fit_with(sample_weight=np.ones(29)),
        ValueError,
        r"sample_weight has shape \(29,\); it must have one "
        r"weight per sample, shape \(30,\)",
    ),
    "sample_weight 2-D": (
        fit_with(sample_weight=np.ones((30, 1))),
        ValueError,
        r"sample_weight has shape \(30, 1\)",
    ),
    "negative sample_weight": (
        fit_with(sample_weight=np.r_[-1.0, np.ones(29)]),
        ValueError,
        "sample_weight has negative values",
    ),
    "all-zero sample_weight": (
        fit_with(sample_weight=np.zeros(30)),
        ValueError,
        "sample_weight is zero for every sample",
    ),
    "NaN in sample_weight": (
        fit_with(sample_weight=with_nan(np.ones((30, 1)))[:, 0]),
        ValueError,
        "Input sample_weight contains NaN",
    ),
    "class_weight for an unknown class": (
        fit(class_weight={7: 2.0}),
        ValueError,
        r"class_weight has classes that are not in the data: "
        r"\[7\]",
    ),
    "class_weight dict for multilabel": (
        fit(X, np.c_[y == 0, y == 1], class_weight={0: 1}),
        ValueError,
        "For multilabel targets class_weight must be 'balanced'",
    ),
    "X_val without y_val": (
        fit_with(X_val=X),
        ValueError,
        "X_val and y_val must be given together",
    ),
    "sample_weight_val without X_val and y_val": (
        fit_with(sample_weight_val=np.ones(30)),
        ValueError,
        r"X_val and y_val must be given together \(sample_weight_val weighs",
    ),
    "X_val with other features": (
        fit_with(X_val=X[:, :2], y_val=y),
        ValueError,
        "X has 2 features",
    ),
    # --- partial_fit and predict ----------------------------------------------------------------
    "partial_fit without classes": (
        lambda: SimpleMLPClassifier().partial_fit(X, y),
        ValueError,
        "classes must be passed on the first call",
    ),
    "partial_fit with changing classes": (
        partial_fit_twice([0, 1, 2], y, [0, 1, 2, 3]),
        ValueError,
        "the set of classes cannot change",
    ),
    "partial_fit with a new label": (
        partial_fit_twice([0, 1, 2], np.where(y == 2, 5, y)),
        ValueError,
        r"classes the model does not know: \[5\]",
    ),
    "partial_fit with a second-order solver": (
        lambda: SimpleMLPClassifier(solver="lbfgs").partial_fit(X, y, classes=[0, 1, 2]),
        AttributeError,
        "has no attribute 'partial_fit'",
    ),
    "predict before fit": (
        lambda: SimpleMLPClassifier().predict(X),
        NotFittedError,
        "This SimpleMLPClassifier instance is not fitted yet",
    ),
    "predict_proba before fit": (
        lambda: SimpleMLPClassifier().predict_proba(X),
        NotFittedError,
        "not fitted yet",
    ),
    "warm start with other classes": (
        lambda: SimpleMLPClassifier(max_iter=1, warm_start=True).fit(X, y).fit(X, y % 2),
        ValueError,
        "y must have the same classes",
    ),
    "warm start with another hidden size": (
        lambda: (
            SimpleMLPClassifier(max_iter=1, warm_start=True)
            .fit(X, y)
            .set_params(hidden_layer_sizes=5)
            .fit(X, y)
        ),
        ValueError,
        "hidden_layer_sizes changed from \\(100,\\) to \\(5,\\)",
    ),
    "dropout with lbfgs": (
        fit(solver="lbfgs", dropout=0.5),
        ValueError,
        "dropout=0.5 needs a stochastic solver",
    ),
}

# Every parameter, out of range or of the wrong type: scikit-learn's parameter validation names
# the parameter, what it must be and what it got.
BAD_PARAMETERS = {
    "hidden_layer_sizes": [0, -3, 2.5, "10", None],
    "activation": ["softmax", None],
    "solver": ["newton", "LBFGS"],
    "alpha": [-1e-4, "0.1"],
    "batch_size": [0, "big", 2.5],
    "learning_rate": ["fast"],
    "learning_rate_init": [0.0, -1.0],
    "power_t": [-0.5],
    "max_iter": [0, 1.5],
    "shuffle": ["yes"],
    "random_state": ["seed"],
    "tol": [-1.0],
    "verbose": ["loud"],
    "warm_start": [2],
    "momentum": [1.5, -0.1],
    "nesterovs_momentum": ["no"],
    "early_stopping": ["sometimes"],
    "validation_fraction": [-0.1, 1.0],
    "beta_1": [1.0],
    "beta_2": [-0.1],
    "epsilon": [0.0],
    "n_iter_no_change": [0],
    "max_fun": [0],
    "class_weight": ["auto", 3],
    "dropout": [1.0, -0.2],
    # (a scorer name it does not know is refused by fit: test_training_control.py)
    "scoring": [3, None],
    "validation_split": ["stratified", True, None],
    "curvature": ["fisher", None],
    "curvature_fraction": [0.0, 1.5, "all"],
}
# activation as a sequence: one known name per hidden layer, or an error that says so
BAD_ACTIVATION_SEQUENCES = {
    "one name for two layers": (
        dict(hidden_layer_sizes=(4, 3), activation=["relu"]),
        r"names 1 activations and hidden_layer_sizes has 2 hidden layers: give one name per",
    ),
    "three names for two layers": (
        dict(hidden_layer_sizes=(4, 3), activation=("relu", "tanh", "elu")),
        "names 3 activations and hidden_layer_sizes has 2",
    ),
    "an unknown name": (
        dict(hidden_layer_sizes=(4, 3), activation=("relu", "gleu")),
        r"'gleu' is not an activation; the names are .* \(did you mean 'gelu'\?\)",
    ),
    "numbers": (dict(hidden_layer_sizes=(4, 3), activation=[1, 2]), "give one name for every"),
    "a nested list": (
        dict(hidden_layer_sizes=(4, 3), activation=[["relu"], ["tanh"]]),
        "give one name for every",
    ),
}
for case, (params, pattern) in BAD_ACTIVATION_SEQUENCES.items():
    CASES[f"activation: {case}"] = (fit(**params), ValueError, pattern)

for name, values in BAD_PARAMETERS.items():
    for value in values:
        CASES[f"{name}={value!r}"] = (
            fit(**{name: value}),
            ValueError,
            # names the parameter, what it must be, and the value it got
            rf"The '{name}' parameter of SimpleMLPClassifier must be .*\. "
            rf"Got {re.escape(repr(value))} instead",
        )


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gives_a_clear_error(case):
    action, error, pattern = CASES[case]
    with pytest.raises(error, match=pattern):
        action()


@pytest.fixture(scope="module")
def fitted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SimpleMLPClassifier(5, max_iter=2, random_state=0).fit(X, y)


@pytest.mark.parametrize(
    "name, value", [(name, value) for name, values in BAD_PARAMETERS.items() for value in values]
)
def test_a_rejected_parameter_changes_nothing_fitted(fitted, name, value):
    """Parameters are checked before anything is touched: a refit with a bad value leaves the
    weights, the curves and the counters of the fitted model as they were (warm start or not)."""
    model = copy.deepcopy(fitted)
    for warm_start in (False, True):
        model.set_params(**{"warm_start": warm_start, name: value})
        with pytest.raises(ValueError, match=f"The '{name}' parameter"):
            model.fit(X, y)
        model.set_params(**{name: fitted.get_params()[name]})
    for attribute in ("coefs_", "intercepts_", "loss_curve_", "n_iter_", "t_", "classes_"):
        after, expected = getattr(model, attribute), getattr(fitted, attribute)
        if isinstance(expected, list):
            assert len(after) == len(expected)
            for a, b in zip(after, expected, strict=True):
                np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_array_equal(after, expected)


X_WIDER = RNG.normal(size=(30, 6))
BAD_REFITS = {
    "negative sample_weight": dict(sample_weight=-np.ones(30)),
    "text in y_val": dict(X_val=X_WIDER[:5], y_val=np.array(["a"] * 5, dtype=object)),
    "X_val of other width": dict(X_val=X[:5], y_val=y[:5]),
    "sample_weight_val alone": dict(sample_weight_val=np.ones(5)),
    "early stopping, empty hold-out": dict(early_stopping=True, validation_fraction=0.0),
}


@pytest.mark.parametrize("estimator", [SimpleMLPClassifier, SimpleMLPRegressor])
@pytest.mark.parametrize("case", list(BAD_REFITS))
def test_a_rejected_refit_leaves_the_fitted_model_usable(estimator, case):
    """Bad data (other width, other classes, bad weights or validation set) to a refit raises
    and leaves the fitted model as it was: its attributes match its weights, so it predicts
    what it predicted (not an error about the width of the refused data, nor a NumPy one)."""
    arguments = dict(BAD_REFITS[case])
    params = {
        k: arguments.pop(k) for k in ("early_stopping", "validation_fraction") if k in arguments
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = estimator(hidden_layer_sizes=5, max_iter=2, random_state=0).fit(X, y)
    expected = model.predict(X)
    attributes = {name: copy.deepcopy(value) for name, value in vars(model).items()}
    new_y = np.arange(30) % 4  # a class more: a refit would change classes_ and the outputs
    for warm_start in (False, True):
        model.set_params(warm_start=warm_start, **params)
        with pytest.raises(ValueError), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X_WIDER, new_y, **arguments)
        np.testing.assert_array_equal(model.predict(X), expected)
        assert model.n_features_in_ == X.shape[1]
        assert set(vars(model)) == set(attributes)
        if estimator is SimpleMLPClassifier:
            np.testing.assert_array_equal(model.classes_, np.arange(3))


X_NAN = np.where(np.arange(30)[:, None] == 0, np.nan, X)
BAD_VALIDATION_SETS = {
    "NaN": (dict(X_val=X_NAN, y_val=y), r"X_val .*Input X contains NaN"),
    "other width": (dict(X_val=X[:, :2], y_val=y), "X_val .*X has 2 features"),
    "one dimension": (dict(X_val=X[0], y_val=y[:1]), "X_val .*Expected 2D array"),
    "no rows": (dict(X_val=X[:0], y_val=y[:0]), "X_val .*0 sample"),
    "text": (dict(X_val=np.full((3, 4), "a"), y_val=y[:3]), "X_val .*could not convert"),
    "lengths differ": (dict(X_val=X[:3], y_val=y[:4]), "X_val has 3 samples and y_val has 4"),
    "NaN in y_val": (dict(X_val=X[:3], y_val=[0, np.nan, 1]), "Input y_val contains NaN"),
}
CLASSIFIER_BAD_VALIDATION_SETS = {
    "unknown class": (
        dict(X_val=X[:3], y_val=[9, 9, 9]),
        r"y_val contains classes the model does not know: \[9\].*y_val may only hold classes",
    ),
    "continuous y_val": (
        dict(X_val=X[:3], y_val=[0.5, 1.5, 1]),
        "y_val must hold class labels: Unknown label type",
    ),
    "y_val with other labels": (
        dict(X_val=X[:3], y_val=np.eye(3, 2, dtype=int)),
        "y_val must be of the same kind as y",
    ),
}


@pytest.mark.parametrize(
    "estimator, case",
    [(SimpleMLPClassifier, c) for c in [*BAD_VALIDATION_SETS, *CLASSIFIER_BAD_VALIDATION_SETS]]
    + [(SimpleMLPRegressor, c) for c in BAD_VALIDATION_SETS],
)
def test_a_refused_validation_set_is_named(estimator, case):
    """An error about the validation set names X_val or y_val, not X or y (which were fine)."""
    arguments, pattern = {**BAD_VALIDATION_SETS, **CLASSIFIER_BAD_VALIDATION_SETS}[case]
    with pytest.raises(ValueError, match=pattern):
        estimator(max_iter=1).fit(X, y, **arguments)


@pytest.mark.parametrize("estimator", [SimpleMLPClassifier, SimpleMLPRegressor])
def test_a_network_too_large_for_memory_says_so(estimator, monkeypatch):
    """A MemoryError that names hidden_layer_sizes and the network's size, not NumPy's shape."""

    def no_memory(layout, *args, **kwargs):
        raise MemoryError(f"Unable to allocate for an array with shape ({layout.size},)")

    monkeypatch.setattr("sknn_simple._base.init_params", no_memory)
    with pytest.raises(MemoryError, match=r"hidden_layer_sizes=\(100000, 100000\): a network "):
        estimator(hidden_layer_sizes=(100000, 100000)).fit(X, y)


def test_every_parameter_is_covered_and_validated():
    """Every parameter has a bad value in the table, and a constraint in the estimator."""
    params = set(SimpleMLPClassifier().get_params())
    assert set(BAD_PARAMETERS) == params
    assert set(SimpleMLPClassifier._parameter_constraints) == params


# --- the regressor ---------------------------------------------------------------------------

Y_REAL = RNG.normal(size=(30, 2))


def fit_regressor(X_=X, y_=Y_REAL[:, 0], **params):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            SimpleMLPRegressor(**{"max_iter": 2, **params}).fit(X_, y_)

    return run


def fit_regressor_with(y_=Y_REAL, **fit_params):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            SimpleMLPRegressor(max_iter=2).fit(X, y_, **fit_params)

    return run


REGRESSOR_CASES = {
    "text in y": (
        fit_regressor(y_=np.array(["low", "high", "mid"] * 10)),
        ValueError,
        "y must hold numbers: a regressor predicts numeric targets, and y holds 'low'. "
        "For class labels use SimpleMLPClassifier",
    ),
    "None in y": (
        fit_regressor(y_=np.array([1.0, None] * 15, dtype=object)),
        ValueError,
        "Input y contains NaN",
    ),
    "NaN in y": (fit_regressor(y_=with_nan(Y_REAL)), ValueError, "Input y contains NaN"),
    "inf in y": (fit_regressor(y_=with_nan(Y_REAL, np.inf)), ValueError, "Input y contains inf"),
    "y too large for float32": (
        fit_regressor(X_=X.astype(np.float32), y_=np.full(30, 1e300)),
        ValueError,
        "Input y contains infinity or a value too large for dtype\\('float32'\\)",
    ),
    "complex y": (fit_regressor(y_=Y_REAL[:, 0] + 1j), ValueError, "Complex data not supported"),
    "y of the wrong length": (
        fit_regressor(y_=Y_REAL[:-1]),
        ValueError,
        "inconsistent numbers of samples",
    ),
    "3-d y": (fit_regressor(y_=Y_REAL.reshape(30, 2, 1)), ValueError, "Found array with dim 3"),
    "negative y with Poisson": (
        fit_regressor(loss="poisson"),
        ValueError,
        "loss='poisson' models counts and rates: y must be >= 0",
    ),
    "y_val with another number of outputs": (
        fit_regressor_with(X_val=X, y_val=Y_REAL[:, 0]),
        ValueError,
        "y_val has 1 outputs and y has 2",
    ),
    "y_val of the wrong length": (
        fit_regressor_with(X_val=X, y_val=Y_REAL[:-1]),
        ValueError,
        "X_val has 30 samples and y_val has 29",
    ),
    "text in y_val": (
        fit_regressor_with(X_val=X[:3], y_val=np.array([["a", "b"]] * 3)),
        ValueError,
        "y_val must hold numbers",
    ),
    "NaN in y_val": (
        fit_regressor_with(X_val=X, y_val=with_nan(Y_REAL)),
        ValueError,
        "Input y_val contains NaN",
    ),
    "y_val without X_val": (
        fit_regressor_with(y_val=Y_REAL),
        ValueError,
        "X_val and y_val must be given together",
    ),
    "sample_weight_val without X_val and y_val (regressor)": (
        fit_regressor_with(sample_weight_val=np.ones(3)),
        ValueError,
        "X_val and y_val must be given together",
    ),
    "sample_weight_val of the wrong length": (
        fit_regressor_with(X_val=X, y_val=Y_REAL, sample_weight_val=np.ones(3)),
        ValueError,
        r"sample_weight_val has shape \(3,\)",
    ),
    "R² on one validation sample": (
        lambda: SimpleMLPRegressor(scoring="r2").fit(X, Y_REAL, X_val=X[:1], y_val=Y_REAL[:1]),
        ValueError,
        "scoring='r2' needs a validation set of at least 2 samples",
    ),
    "another number of outputs at a warm start": (
        lambda: SimpleMLPRegressor(max_iter=1, warm_start=True).fit(X, Y_REAL).fit(X, Y_REAL[:, 0]),
        ValueError,
        "y has 1 outputs; the model was fitted with 2",
    ),
    "another number of outputs in partial_fit": (
        lambda: SimpleMLPRegressor().partial_fit(X, Y_REAL).partial_fit(X, Y_REAL[:, 0]),
        ValueError,
        "y has 1 outputs; the model was fitted with 2",
    ),
    "partial_fit with a second-order solver": (
        lambda: SimpleMLPRegressor(solver="newton-cg").partial_fit(X, Y_REAL),
        AttributeError,
        "has no attribute 'partial_fit'",
    ),
    "predict before fit": (
        lambda: SimpleMLPRegressor().predict(X),
        NotFittedError,
        "This SimpleMLPRegressor instance is not fitted yet",
    ),
    "wrong number of features at predict": (
        lambda: SimpleMLPRegressor(max_iter=1).fit(X, Y_REAL).predict(X[:, :3]),
        ValueError,
        "X has 3 features, but SimpleMLPRegressor is expecting 4",
    ),
    "dropout with newton-cg": (
        fit_regressor(solver="newton-cg", dropout=0.5),
        ValueError,
        "dropout=0.5 needs a stochastic solver",
    ),
}

REGRESSOR_BAD_PARAMETERS = {
    **{name: values for name, values in BAD_PARAMETERS.items() if name != "class_weight"},
    "loss": ["absolute_error", "log_loss", None],
    "scoring": [3, None],
    "huber_epsilon": [0.0, -1.0, "1"],
    "quantile": [0.0, 1.0, 1.5],
}
for name, values in REGRESSOR_BAD_PARAMETERS.items():
    for value in values:
        REGRESSOR_CASES[f"{name}={value!r}"] = (
            fit_regressor(**{name: value}),
            ValueError,
            rf"The '{name}' parameter of SimpleMLPRegressor must be .*\. "
            rf"Got {re.escape(repr(value))} instead",
        )


@pytest.mark.parametrize("case", list(REGRESSOR_CASES))
def test_bad_input_to_the_regressor_gives_a_clear_error(case):
    action, error, pattern = REGRESSOR_CASES[case]
    with pytest.raises(error, match=pattern):
        action()


@pytest.mark.parametrize(
    "y_",
    [
        np.arange(30) % 3,  # what a classifier would take for three classes
        (np.arange(30) % 2).astype(bool),
        np.c_[np.arange(30) % 2, np.arange(30) % 3],  # multiclass-multioutput to a classifier
        np.array(["1.5", "2", "-3e2"] * 10, dtype=object),  # numbers written as text
    ],
)
def test_classification_looking_targets_are_regression_targets(y_):
    """Not an error: any numbers are regression targets, predicted as real numbers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predicted = SimpleMLPRegressor(max_iter=2).fit(X, y_).predict(X)
    assert predicted.dtype == np.float64 and predicted.shape == np.shape(y_)


def test_every_regressor_parameter_is_covered_and_validated():
    params = set(SimpleMLPRegressor().get_params())
    assert set(REGRESSOR_BAD_PARAMETERS) == params
    assert set(SimpleMLPRegressor._parameter_constraints) == params
