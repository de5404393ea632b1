"""Porting code from scikit-learn's MLPs: the import is the only change, and the numbers are the
same (issue 29).

Each test below is written in the manner of a kind of script that uses MLPClassifier or
MLPRegressor (scikit-learn's gallery, its user guide, textbook chapters), runs it with
scikit-learn's class and with ours, and asserts the same numbers. Then the oracle at scale:
random valid parameter sets, as ``MLPClassifier(...).get_params()`` would hand them over.

SGD and Adam give the same weights up to rounding. L-BFGS cannot be bit-equal: this package
computes the loss from the logits, scikit-learn from clipped probabilities, and L-BFGS
amplifies the last digit (4e-14 apart after 20 iterations, 9e-7 after 100); it is held to the
same iterates until rounding dominates and the same final loss to 1e-3 relative.
"""

import contextlib
import inspect
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.neural_network as sklearn_nn
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, make_circles, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sknn_simple

from .helpers import assert_same_parameters

HAS_SAMPLE_WEIGHT = "sample_weight" in inspect.signature(sklearn_nn.MLPClassifier.fit).parameters
HAS_POISSON = "loss" in inspect.signature(sklearn_nn.MLPRegressor).parameters


def both(name):
    """scikit-learn's class and ours, of the same name."""
    return getattr(sklearn_nn, name), getattr(sknn_simple, name)


def fitted(model, X, y):
    """``model`` fitted on ``X``, ``y``, quietly (see :func:`quiet`)."""
    with quiet():
        return model.fit(X, y)


@contextlib.contextmanager
def quiet():
    """Short fits stop on max_iter on purpose; scikit-learn's own overflow warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with np.errstate(all="ignore"):
            yield


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


# --- the gallery's alpha sweep: lbfgs, and early_stopping it ignores -----------------------------


def test_alpha_sweep_with_lbfgs_and_early_stopping():
    """scikit-learn's plot_mlp_alpha.py: lbfgs with early_stopping=True on three toy data sets,
    alphas from 0.1 to 10. MLPClassifier ignores early stopping for lbfgs, and so does ours
    now: the same panel scores, within one test sample of the 40 (lbfgs is not bit-equal; of the
    example's 15 panels, 14 are equal and one is one sample apart; 8 differed, by up to 5
    samples, when ours applied early stopping)."""
    datasets = [
        make_moons(noise=0.3, random_state=0),
        make_circles(noise=0.2, factor=0.5, random_state=1),
        make_classification(
            n_features=2, n_redundant=0, n_informative=2, random_state=0, n_clusters_per_class=1
        ),
    ]
    for X, y in datasets:
        X = StandardScaler().fit_transform(X)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=42)
        for alpha in np.logspace(-1, 1, 3):
            settings_ = dict(
                solver="lbfgs",
                alpha=alpha,
                random_state=1,
                max_iter=2000,
                early_stopping=True,
                hidden_layer_sizes=[10, 10],
            )
            scores = []
            for cls in both("MLPClassifier"):
                model = fitted(make_pipeline(StandardScaler(), cls(**settings_)), X_train, y_train)
                scores.append(model.score(X_test, y_test))
            assert model[-1].validation_scores_ is None  # (ours) nothing was held out
            assert scores[0] == pytest.approx(scores[1], abs=0.0251), (alpha, scores)


def test_lbfgs_iterates_agree_until_rounding_dominates(digits):
    X, y = digits
    losses = [
        fitted(c(20, solver="lbfgs", max_iter=30, random_state=0), X, y).loss_
        for c in both("MLPClassifier")
    ]
    assert losses[1] == pytest.approx(losses[0], rel=1e-3)
    first = [
        fitted(c(20, solver="lbfgs", max_iter=5, random_state=0), X, y)
        for c in both("MLPClassifier")
    ]
    assert_same_parameters(first[1], first[0], rtol=1e-6, atol=1e-9)


# --- the gallery's training curves: every optimizer setting --------------------------------------


PARAMS = [  # plot_mlp_training_curves.py's eight settings
    {"solver": "sgd", "learning_rate": "constant", "momentum": 0, "learning_rate_init": 0.2},
    {
        "solver": "sgd",
        "learning_rate": "constant",
        "momentum": 0.9,
        "nesterovs_momentum": False,
        "learning_rate_init": 0.2,
    },
    {
        "solver": "sgd",
        "learning_rate": "constant",
        "momentum": 0.9,
        "nesterovs_momentum": True,
        "learning_rate_init": 0.2,
    },
    {"solver": "sgd", "learning_rate": "invscaling", "momentum": 0, "learning_rate_init": 0.2},
    {
        "solver": "sgd",
        "learning_rate": "invscaling",
        "momentum": 0.9,
        "nesterovs_momentum": False,
        "learning_rate_init": 0.2,
    },
    {
        "solver": "sgd",
        "learning_rate": "invscaling",
        "momentum": 0.9,
        "nesterovs_momentum": True,
        "learning_rate_init": 0.2,
    },
    {"solver": "adam", "learning_rate_init": 0.01},
    {"solver": "adam", "learning_rate": "adaptive", "learning_rate_init": 0.01},
]


@pytest.mark.parametrize("params", PARAMS)
def test_training_curves_of_every_optimizer_setting(digits, params):
    X, y = digits
    curves = []
    for cls in both("MLPClassifier"):
        model = fitted(cls(random_state=0, max_iter=40, **params), X[:600], y[:600])
        curves.append(model.loss_curve_)
    np.testing.assert_allclose(curves[1], curves[0], rtol=1e-9)


# --- a multi-output autoencoder ------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_multi_output_autoencoder_stops_at_the_same_epoch(digits, solver):
    """plot_mnist_autoencoder.py's kind: 64 outputs. tol acts on MLPRegressor's reported loss
    (the mean over the outputs), so both stop at the same epoch with the same weights (ours
    ran 625 epochs to its 42 when it reported the sum)."""
    X, _ = digits
    settings_ = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=300, random_state=0)
    theirs, ours = (fitted(c(**settings_), X[:500], X[:500]) for c in both("MLPRegressor"))
    assert ours.n_iter_ == theirs.n_iter_ < 300
    assert_same_parameters(ours, theirs, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)


# --- early stopping: the same hold-out, the same score, the same epoch ---------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_early_stopping_classifier_of_a_textbook_chapter(kind, solver):
    """An early-stopping classifier on a 3,000-row problem: the same validation scores epoch
    by epoch, the same stopping epoch and the kept weights (ours watched the loss on a grouped
    split: 51 epochs against 23 on the chapter's 20,000 rows)."""
    X, y = make_classification(
        3000, 20, n_informative=8, n_classes=2 if kind == "binary" else 4, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    settings_ = dict(
        hidden_layer_sizes=(30,), solver=solver, early_stopping=True, max_iter=300, random_state=42
    )
    theirs, ours = (fitted(c(**settings_), X, y) for c in both("MLPClassifier"))
    assert ours.n_iter_ == theirs.n_iter_ < 300
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-12)
    assert ours.best_validation_score_ == theirs.best_validation_score_
    assert_same_parameters(ours, theirs, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_early_stopping_regressor(n_outputs):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(800, 6))
    Y = np.c_[X[:, 0] * X[:, 1], np.sin(X[:, 2]), X[:, 3] ** 2][:, :n_outputs].squeeze()
    settings_ = dict(
        hidden_layer_sizes=(20,), early_stopping=True, n_iter_no_change=5, random_state=3
    )
    theirs, ours = (fitted(c(**settings_), X, Y) for c in both("MLPRegressor"))
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-10)
    assert_same_parameters(ours, theirs, rtol=1e-8, atol=1e-10)


# --- loops around fit and partial_fit ------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_warm_start_loop(digits, solver):
    """for epoch in range(n): model.fit(X, y) with warm_start=True and max_iter=1, recording
    the training and test scores: each fit restarts the optimizer and the random stream, in
    both."""
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    histories = []
    for cls in both("MLPClassifier"):
        model = cls(30, solver=solver, warm_start=True, max_iter=1, random_state=0)
        history = []
        for _ in range(6):
            fitted(model, X_train, y_train)
            history.append((model.loss_, model.score(X_test, y_test)))
        histories.append(np.array(history))
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-9)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_partial_fit_mini_batch_loop(digits, solver):
    """The streaming idiom: several passes of partial_fit over chunks, with shuffling (each
    call takes its stream afresh from the int random_state, as MLPClassifier does)."""
    X, y = digits
    models = []
    for cls in both("MLPClassifier"):
        model = cls(30, solver=solver, random_state=0, batch_size=50)
        for _ in range(2):
            for start in range(0, 1000, 250):
                chunk = slice(start, start + 250)
                model.partial_fit(X[chunk], y[chunk], classes=np.unique(y))
        models.append(model)
    theirs, ours = models
    assert_same_parameters(ours, theirs, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)


def test_a_pipeline_on_sparse_input():
    """Text classification's shape of data: a sparse, non-negative matrix, scaled without
    centering, into the network."""
    from sklearn.preprocessing import MaxAbsScaler

    rng = np.random.RandomState(0)
    X = sp.random(400, 200, density=0.05, format="csr", random_state=rng)
    y = (X[:, :20].sum(axis=1).A1 > 0.5).astype(int)
    predictions = []
    for cls in both("MLPClassifier"):
        model = make_pipeline(MaxAbsScaler(), cls(15, max_iter=30, random_state=0))
        fitted(model, X, y)
        predictions.append(model.predict_proba(X))
    np.testing.assert_allclose(predictions[1], predictions[0], atol=1e-10)


def test_a_grid_keyed_by_scikit_learns_step_name(digits):
    """GridSearchCV(make_pipeline(StandardScaler(), MLPClassifier()), {"mlpclassifier__...":
    ...}): the grid of existing code works with the import swapped, with the same results."""
    X, y = digits
    results = []
    for cls in both("MLPClassifier"):
        pipe = make_pipeline(StandardScaler(), cls(max_iter=15, random_state=0))
        search = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-1]}, cv=2)
        fitted(search, X[:400], y[:400])
        results.append(search.cv_results_["mean_test_score"])
        assert repr(pipe).startswith("Pipeline(steps=[('standardscaler', StandardScaler()),")
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12)


# --- the oracle at scale: random valid parameter sets --------------------------------------------

X_SMALL, Y_SMALL = make_classification(
    80, 4, n_informative=3, n_redundant=0, n_classes=3, random_state=0
)
Y_REAL = np.c_[np.abs(X_SMALL @ [0.5, -1.0, 0.3, 0.0]), X_SMALL[:, 1] ** 2]


def maybe_numpy(strategy, numpy_type):
    return st.one_of(strategy, strategy.map(numpy_type))


STOCHASTIC_PARAMETERS = {
    "hidden_layer_sizes": st.one_of(
        st.integers(1, 10), st.lists(st.integers(1, 10), min_size=1, max_size=3).map(tuple)
    ),
    "activation": st.sampled_from(["identity", "logistic", "tanh", "relu"]),
    "solver": st.sampled_from(["sgd", "adam"]),
    "alpha": maybe_numpy(st.floats(0, 1), np.float64),
    "batch_size": st.one_of(st.just("auto"), maybe_numpy(st.integers(1, 60), np.int64)),
    "learning_rate": st.sampled_from(["constant", "invscaling", "adaptive"]),
    "learning_rate_init": st.floats(1e-4, 0.1),
    "power_t": st.floats(0, 1),
    "max_iter": st.integers(1, 30),
    "shuffle": st.booleans(),
    "random_state": maybe_numpy(st.integers(0, 2**31 - 1), np.int64),
    "tol": st.sampled_from([0.0, 1e-4, 1e-2, 0.1]),
    "momentum": st.floats(0, 0.99),
    "nesterovs_momentum": st.booleans(),
    "early_stopping": st.booleans(),
    "validation_fraction": st.floats(0.1, 0.5),
    "beta_1": st.floats(0.5, 0.99),
    "beta_2": st.floats(0.9, 0.9999),
    "epsilon": st.floats(1e-10, 1e-6),
    "n_iter_no_change": st.integers(1, 5),
}


def assert_the_same_model(theirs, ours, X, shift=0.0):
    """Both fitted the same: predictions to 1e-9 (probabilities for a classifier) plus 100
    times the run's own rounding shift (:func:`rounding_shift`), the same epochs and the same
    stopping."""
    assert ours.n_iter_ == theirs.n_iter_
    predict = "predict_proba" if hasattr(theirs, "predict_proba") else "predict"
    with np.errstate(all="ignore"):
        expected = getattr(theirs, predict)(X)
    tolerance = 1e-9 + 100 * shift
    np.testing.assert_allclose(getattr(ours, predict)(X), expected, rtol=tolerance, atol=tolerance)


def rounding_shift(name, params, X, y, theirs):
    """How far scikit-learn's own run moves when its inputs move by one unit in the last place:
    the largest change of its predictions, or infinity when it then stops at another epoch or
    overflows. A run that amplifies rounding (Adam at learning_rate_init=0.1 with batch_size=1,
    say: a difference of 6e-15 after one epoch grows a hundredfold each epoch) can be matched by
    no implementation that rounds its sums in another order; the oracle allows each run 100
    times its own shift beside the 1e-9, and sets aside runs that shift by more than 1e-9."""
    try:
        moved = fitted(both(name)[0](**params), X * (1 + 2.0**-52), y)
    except ValueError:  # its weights overflowed this time
        return np.inf
    if moved.n_iter_ != theirs.n_iter_:
        return np.inf
    predict = "predict_proba" if hasattr(theirs, "predict_proba") else "predict"
    with np.errstate(all="ignore"):
        shift = np.abs(getattr(moved, predict)(X) - getattr(theirs, predict)(X)).max()
    return shift if np.isfinite(shift) else np.inf


def fit_both(name, params, X, y):
    """Both fitted, or both refusing the data: None when scikit-learn's fit raised, after
    checking what ours did. A hold-out too small: ours raises too. Weights that overflowed
    (scikit-learn: "non-finite parameter weights"): ours backs off (issue 24), raising
    DivergenceError or keeping the last finite epoch's weights with a warning that says so,
    and then predicts finite values."""
    theirs_cls, ours_cls = both(name)
    theirs, ours = theirs_cls(**params), ours_cls(**params)
    try:
        fitted(theirs, X, y)
    except ValueError as exc:
        diverged = "non-finite" in str(exc) or "infinity" in str(exc)
        if not diverged:
            with pytest.raises(ValueError):
                fitted(ours, X, y)
            assert "validation" in str(exc).lower()
            return None
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            try:
                ours.fit(X, y)
            except sknn_simple.DivergenceError:
                return None
        assert any("infinite or NaN" in str(w.message) for w in caught)
        assert np.isfinite(ours.predict(X)).all()
        return None
    try:
        fitted(ours, X, y)
    except sknn_simple.DivergenceError:
        # ours found no weights with a finite training loss: scikit-learn's "successful" fit
        # diverged too (outputs or last loss not finite), or sits where rounding decides
        with np.errstate(all="ignore"):
            outputs = theirs.predict(X)
        finite = np.isfinite(outputs).all() and np.isfinite(theirs.loss_curve_[-1])
        assert not finite or rounding_shift(name, params, X, y, theirs) > 1e-9
        return None
    return theirs, ours


ORACLE = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@ORACLE
@given(st.fixed_dictionaries({}, optional=STOCHASTIC_PARAMETERS))
def test_random_mlpclassifier_parameters_train_the_same_model(params):
    params.setdefault("random_state", 0)
    models = fit_both("MLPClassifier", params, X_SMALL, Y_SMALL)
    if models is not None:
        shift = rounding_shift("MLPClassifier", params, X_SMALL, Y_SMALL, models[0])
        assume(shift <= 1e-9)
        assert_the_same_model(*models, X_SMALL, shift)


REGRESSOR_PARAMETERS = dict(STOCHASTIC_PARAMETERS)
if HAS_POISSON:
    REGRESSOR_PARAMETERS["loss"] = st.sampled_from(["squared_error", "poisson"])


@ORACLE
@given(st.fixed_dictionaries({}, optional=REGRESSOR_PARAMETERS), st.sampled_from([1, 2]))
def test_random_mlpregressor_parameters_train_the_same_model(params, n_outputs):
    params.setdefault("random_state", 0)
    y = Y_REAL[:, 0] if n_outputs == 1 else Y_REAL
    models = fit_both("MLPRegressor", params, X_SMALL, y)
    if models is not None:
        shift = rounding_shift("MLPRegressor", params, X_SMALL, y, models[0])
        assume(shift <= 1e-9)
        assert_the_same_model(*models, X_SMALL, shift)


def test_the_alias_has_scikit_learns_methods_so_calibration_is_the_same():
    """SimpleMLPClassifier adds decision_function (the logits); CalibratedClassifierCV prefers
    it to predict_proba, so the MLPClassifier alias leaves it out: wrapped in a calibrator, the
    swapped class gives scikit-learn's probabilities."""
    from sklearn.calibration import CalibratedClassifierCV

    theirs, ours = both("MLPClassifier")
    assert not hasattr(ours(), "decision_function")
    assert hasattr(sknn_simple.SimpleMLPClassifier(), "decision_function")
    X, y = make_classification(300, 8, random_state=0)
    settings = dict(hidden_layer_sizes=(10,), max_iter=50, random_state=0)
    expected = fitted(CalibratedClassifierCV(theirs(**settings)), X, y).predict_proba(X)
    got = fitted(CalibratedClassifierCV(ours(**settings)), X, y).predict_proba(X)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


CI_DRAWS = [  # draws that failed in CI (2026-12-07) before the oracle knew rounding and overflow
    (
        {
            "solver": "sgd",
            "learning_rate_init": 0.0625,
            "activation": "identity",
            "batch_size": "auto",
            "validation_fraction": 0.5,
            "alpha": 0.0,
            "momentum": 0.0,
            "hidden_layer_sizes": 1,
            "random_state": 3769,
            "shuffle": False,
            "power_t": 0.0,
            "n_iter_no_change": 1,
            "loss": "poisson",
            "learning_rate": "constant",
            "tol": 0.0,
            "early_stopping": True,
        },
        1,
    ),
    (
        {
            "beta_1": 0.5,
            "beta_2": 0.9,
            "random_state": 3769,
            "max_iter": 1,
            "epsilon": 1e-10,
            "tol": 0.0,
            "learning_rate_init": 0.09032358146881933,
            "solver": "sgd",
            "learning_rate": "constant",
            "alpha": 0.9917301494663231,
            "activation": "identity",
            "n_iter_no_change": 1,
            "hidden_layer_sizes": 1,
            "nesterovs_momentum": False,
            "loss": "poisson",
            "momentum": 0.26230458047950944,
        },
        1,
    ),
    (
        {
            "activation": "identity",
            "solver": "adam",
            "beta_2": 0.9,
            "n_iter_no_change": 1,
            "beta_1": 0.5,
            "tol": 0.0,
            "random_state": 0,
            "alpha": 0.0,
            "shuffle": False,
        },
        2,
    ),
    (
        {
            "beta_2": 0.9399306692749909,
            "momentum": 0.582854787915182,
            "batch_size": 1,
            "learning_rate_init": 0.1,
            "random_state": 0,
        },
        1,
    ),
    ({"solver": "sgd", "learning_rate_init": 0.0625, "batch_size": 1, "random_state": 0}, 1),
]


@pytest.mark.parametrize("params, n_outputs", CI_DRAWS)
def test_draws_that_once_failed_hold(params, n_outputs):
    """Each either matches scikit-learn within its own rounding, is set aside as chaotic, or
    diverged on both sides (ours raising DivergenceError or keeping finite weights)."""
    if "loss" in params and not HAS_POISSON:
        pytest.skip("loss= needs scikit-learn >= 1.7")
    y = Y_REAL[:, 0] if n_outputs == 1 else Y_REAL
    models = fit_both("MLPRegressor", dict(params), X_SMALL, y)
    if models is not None:
        shift = rounding_shift("MLPRegressor", params, X_SMALL, y, models[0])
        if shift <= 1e-9:
            assert_the_same_model(*models, X_SMALL, shift)
