"""SimpleMLPClassifier and SimpleMLPRegressor as drop-in replacements for scikit-learn's MLPs.

Code written for MLPClassifier (MLPRegressor) runs unchanged with the class name swapped: every
parameter it accepts, in any valid combination (drawn here by hypothesis, with NumPy scalars
as a search would hand them over), and the grids and scripts of scikit-learn's tutorials.
"""

import inspect
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import DivergenceError, SimpleMLPClassifier, SimpleMLPRegressor

X_SMALL, Y_SMALL = make_classification(
    60, 4, n_informative=3, n_redundant=0, n_classes=3, random_state=0
)
Y_REAL = np.abs(X_SMALL @ [0.5, -1.0, 0.3, 0.0])  # >= 0: a target for either loss


def maybe_numpy(strategy, numpy_type):
    """Values of ``strategy``, sometimes as the NumPy scalar a search space would give."""
    return st.one_of(strategy, strategy.map(numpy_type))


hidden_sizes = st.one_of(
    st.integers(1, 12),
    st.lists(st.integers(1, 12), min_size=0, max_size=3).map(tuple),
    st.lists(st.integers(1, 12), min_size=1, max_size=3),
    st.lists(st.integers(1, 12), min_size=1, max_size=3).map(np.array),
)
unit = st.floats(0, 1, exclude_max=True, allow_nan=False)
MLP_PARAMETERS = {
    "hidden_layer_sizes": hidden_sizes,
    "activation": st.sampled_from(["identity", "logistic", "tanh", "relu"]),
    "solver": st.sampled_from(["lbfgs", "sgd", "adam"]),
    "alpha": maybe_numpy(st.floats(0, 1), np.float64),
    "batch_size": st.one_of(st.just("auto"), maybe_numpy(st.integers(1, 80), np.int64)),
    "learning_rate": st.sampled_from(["constant", "invscaling", "adaptive"]),
    "learning_rate_init": maybe_numpy(st.floats(1e-4, 0.5), np.float64),
    "power_t": st.floats(0, 2),
    "max_iter": maybe_numpy(st.integers(1, 4), np.int64),
    "shuffle": st.booleans(),
    "random_state": st.one_of(st.none(), maybe_numpy(st.integers(0, 2**31 - 1), np.int64)),
    "tol": st.floats(0, 1e-2),
    "warm_start": st.booleans(),
    "momentum": st.floats(0, 1),
    "nesterovs_momentum": st.booleans(),
    "early_stopping": st.booleans(),
    "validation_fraction": st.floats(0, 0.5),
    "beta_1": unit,
    "beta_2": unit,
    "epsilon": st.floats(1e-10, 1e-2),
    "n_iter_no_change": st.one_of(st.integers(1, 5), st.just(np.inf)),
    "max_fun": st.integers(1, 100),
}


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.fixed_dictionaries({}, optional=MLP_PARAMETERS))
def test_any_mlpclassifier_parameters_construct_and_fit(params):
    """SimpleMLPClassifier(**MLPClassifier(...).get_params()) keeps every value and fits
    wherever MLPClassifier fits, but for a validation split of one sample, which both refuse
    (MLPClassifier from scikit-learn 1.7 on; 1.6 trains with it)."""
    mlp = MLPClassifier(**params)
    ours = SimpleMLPClassifier(**mlp.get_params())
    for name, value in mlp.get_params().items():
        assert ours.get_params()[name] is value, name
    assert ours.class_weight is None and ours.dropout == 0.0 and ours.scoring == "accuracy"
    assert ours.validation_split == "random"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short fits: convergence and batch-size warnings
        try:
            mlp.fit(X_SMALL, Y_SMALL)
        except ValueError as exc:  # its message depends on the version
            assert "validation set is too small" in str(exc) or "test_size=" in str(exc)
            try:
                ours.fit(X_SMALL, Y_SMALL)
            except ValueError as ours_exc:
                assert "validation" in str(ours_exc)
            return
        if held_out_rows(ours, len(X_SMALL)) == 1:
            with pytest.raises(ValueError, match="validation set is too small"):
                ours.fit(X_SMALL, Y_SMALL)
            return
        ours.fit(X_SMALL, Y_SMALL)
    assert ours.predict(X_SMALL).shape == Y_SMALL.shape
    assert len(ours.coefs_) == len(mlp.coefs_) and ours.n_layers_ == mlp.n_layers_
    assert [W.shape for W in ours.coefs_] == [W.shape for W in mlp.coefs_]


def held_out_rows(model, n):
    """The rows early stopping's default split holds out of ``n``: train_test_split's
    ``ceil(validation_fraction * n)`` (0 without early stopping, or with lbfgs)."""
    if not model.early_stopping or model.solver == "lbfgs":
        return 0
    return int(np.ceil(model.validation_fraction * n))


REGRESSOR_PARAMETERS = dict(MLP_PARAMETERS)
if "loss" in inspect.signature(MLPRegressor).parameters:  # scikit-learn >= 1.7
    REGRESSOR_PARAMETERS["loss"] = st.sampled_from(["squared_error", "poisson"])


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.fixed_dictionaries({}, optional=REGRESSOR_PARAMETERS),
    st.sampled_from([Y_REAL, np.c_[Y_REAL, Y_SMALL]]),
)
def test_any_mlpregressor_parameters_construct_and_fit(params, y):
    """SimpleMLPRegressor(**MLPRegressor(...).get_params()) keeps every value and fits wherever
    MLPRegressor fits, on one or two outputs, but for a validation split of one sample (as
    for the classifier). Where MLPRegressor raises on a diverging fit, ours keeps the last
    weights of finite loss with a warning, or raises DivergenceError when there are none."""
    mlp = MLPRegressor(**params)
    ours = SimpleMLPRegressor(**mlp.get_params())
    for name, value in mlp.get_params().items():
        assert ours.get_params()[name] is value, name
    assert ours.dropout == 0.0 and ours.scoring == "r2" and ours.curvature == "gauss-newton"
    assert ours.validation_split == "random"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short fits: convergence, batch-size and overflow
        try:
            mlp.fit(X_SMALL, y)
        except ValueError as exc:  # its message depends on the version
            if "non-finite" in str(exc):  # it diverged; ours warns, or raises likewise
                mlp = None
            else:
                assert "validation set is too small" in str(exc) or "test_size=" in str(exc)
                try:
                    ours.fit(X_SMALL, y)
                except ValueError as ours_exc:
                    assert "validation" in str(ours_exc)
                return
        if held_out_rows(ours, len(X_SMALL)) == 1:
            with pytest.raises(ValueError, match="validation set is too small"):
                ours.fit(X_SMALL, y)
            return
        try:
            ours.fit(X_SMALL, y)
        except DivergenceError:
            assert mlp is None  # only where MLPRegressor diverged too
            return
    assert ours.predict(X_SMALL).shape == y.shape
    assert all(np.isfinite(W).all() for W in ours.coefs_)
    if mlp is not None:
        assert ours.n_layers_ == mlp.n_layers_
        assert [W.shape for W in ours.coefs_] == [W.shape for W in mlp.coefs_]


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_over_depths(digits_split, n_jobs):
    """The most common MLP grid of the tutorials, in a pipeline, sequential and in parallel."""
    X_train, X_test, y_train, y_test = digits_split
    pipe = make_pipeline(StandardScaler(), SimpleMLPClassifier(max_iter=30, random_state=0))
    grid = {"simplemlpclassifier__hidden_layer_sizes": [(50,), (100,), (50, 50)]}
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 3
    assert np.all(search.cv_results_["mean_test_score"] > 0.9)
    best = search.best_estimator_[-1]
    assert best.n_layers_ == len(best.hidden_layer_sizes) + 2
    assert search.score(X_test, y_test) > 0.93


# The shape of scikit-learn's MLP examples ("Compare Stochastic learning strategies for
# MLPClassifier", "Varying regularization in Multi-layer Perceptron", the user guide): written
# for MLPClassifier; the test runs it with the class name swapped and nothing else.
EXAMPLE_SCRIPT = """
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from sklearn.neural_network import {name} as Estimator

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
params = [
    {{"solver": "sgd", "learning_rate": "constant", "momentum": 0,
      "learning_rate_init": 0.2}},
    {{"solver": "sgd", "learning_rate": "invscaling", "momentum": 0.9,
      "nesterovs_momentum": True, "learning_rate_init": 0.2}},
    {{"solver": "adam", "learning_rate_init": 0.01}},
]
scores, curves = [], []
for param in params:
    mlp = Estimator(hidden_layer_sizes=(50, 30), random_state=0, max_iter=40, **param)
    mlp.fit(X_train, y_train)
    scores.append(mlp.score(X_test, y_test))
    curves.append(mlp.loss_curve_)
clf = Estimator(solver="lbfgs", alpha=1e-5, hidden_layer_sizes=(15,), random_state=1)
clf.fit(X_train, y_train)
scores.append(clf.score(X_test, y_test))
shapes = [coef.shape for coef in clf.coefs_]
"""


def test_an_mlpclassifier_script_runs_with_the_class_name_swapped():
    results = {}
    for name, module in [
        ("MLPClassifier", "sklearn.neural_network"),
        ("SimpleMLPClassifier", "sknn_simple"),
    ]:
        script = EXAMPLE_SCRIPT.format(name=name).replace("sklearn.neural_network", module)
        namespace = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            exec(compile(script, f"<{name} script>", "exec"), namespace)  # noqa: S102
        results[name] = namespace
    ours, theirs = results["SimpleMLPClassifier"], results["MLPClassifier"]
    assert ours["shapes"] == theirs["shapes"] == [(64, 15), (15, 10)]
    assert [len(curve) for curve in ours["curves"]] == [len(c) for c in theirs["curves"]]
    # the same model, the same random_state: the same accuracy, up to rounding
    np.testing.assert_allclose(ours["scores"], theirs["scores"], atol=0.01)
