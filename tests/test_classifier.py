"""The estimator's behaviour, with scikit-learn's MLPClassifier as an independent oracle."""

import inspect
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import has_fit_parameter

from sknn_simple import SimpleMLPClassifier

from .helpers import assert_same_parameters


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def targets(y, kind):
    if kind == "multiclass":
        return y
    if kind == "binary":
        return np.where(y > 4, "high", "low")
    return np.c_[y > 4, y % 2 == 0, y % 3 == 0].astype(int)  # multilabel indicator


# --- the same network and the same optimizer as MLPClassifier --------------------------------


@pytest.mark.parametrize("hidden", [(100,), (64, 32), (32, 16, 8)])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_training_reproduces_mlpclassifier(
    digits, hidden, solver, activation, kind, exact_mlp_loss
):
    """Same random_state, same settings: the same weights after 15 epochs, up to rounding.

    MLPClassifier is an independent implementation of the same model, initialization, loss,
    shuffling and update rules, so this checks all of them at once.
    """
    X, _, y, _ = digits
    y = targets(y, kind)
    settings = dict(
        solver=solver,
        activation=activation,
        random_state=0,
        max_iter=15,
        batch_size=64,
        learning_rate_init=0.01,
        tol=0.0,
    )
    ours = SimpleMLPClassifier(hidden, **settings).fit(X, y)
    theirs = MLPClassifier(hidden, **settings).fit(X, y)
    assert len(ours.coefs_) == len(theirs.coefs_) == len(hidden) + 1
    # The two sum in different orders (bias gradients, the penalty), and Adam divides each
    # gradient by its own running size, so rounding differences grow with every layer the
    # gradient passes through: 1e-12 with one hidden layer, up to 6e-11 with two.
    atol = 1e-12 if len(hidden) == 1 else 1e-9
    assert_same_parameters(ours, theirs, rtol=1e-9, atol=atol)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.t_ == theirs.t_ and ours.n_iter_ == theirs.n_iter_ == 15
    assert (ours.n_layers_, ours.n_outputs_, ours.out_activation_) == (
        theirs.n_layers_,
        theirs.n_outputs_,
        theirs.out_activation_,
    )
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)


@pytest.mark.skipif(
    not has_fit_parameter(MLPClassifier(), "sample_weight"),
    reason="MLPClassifier accepts sample_weight from scikit-learn 1.7 on",
)
def test_sample_weight_matches_mlpclassifier(digits):
    X, _, y, _ = digits
    sw = np.random.RandomState(0).uniform(0.2, 3, size=len(y))
    settings = dict(random_state=0, max_iter=10, batch_size="auto", tol=0.0)
    ours = SimpleMLPClassifier(30, **settings).fit(X, y, sample_weight=sw)
    theirs = MLPClassifier((30,), **settings).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)


def test_parameter_names_and_defaults_follow_mlpclassifier():
    ours = inspect.signature(SimpleMLPClassifier).parameters
    theirs = inspect.signature(MLPClassifier).parameters
    shared = set(ours) & set(theirs)
    # Ours only: what MLPClassifier lacks. Every one of its parameters is ours too,
    # in the same order, with the same default and the same kind (positional or keyword).
    assert set(ours) - shared == {
        "class_weight",
        "dropout",
        "scoring",
        "validation_split",
        "curvature",
        "curvature_fraction",
    }
    assert list(theirs) == [name for name in ours if name in theirs]
    for name in theirs:
        assert ours[name].default == theirs[name].default, name
        assert ours[name].kind == theirs[name].kind, name
    # The methods' arguments too (partial_fit has sample_weight before classes from 1.7 on).
    for method in ("fit", "partial_fit", "predict", "predict_proba", "score"):
        ours = inspect.signature(getattr(SimpleMLPClassifier, method)).parameters
        theirs = inspect.signature(getattr(MLPClassifier, method)).parameters
        assert [name for name in ours if name in theirs] == list(theirs), method


# --- accuracy --------------------------------------------------------------------------------


def test_default_settings_reach_97_percent_on_digits(digits):
    X_train, X_test, y_train, y_test = digits
    model = SimpleMLPClassifier(random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.97


def test_articles_full_batch_gradient_descent_reaches_95_percent_on_digits():
    """The article's set-up (sigmoid, 128 hidden units, plain gradient descent on every sample at
    once), with the pixels scaled by their true maximum, 16, instead of 255."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.2, random_state=42)
    model = SimpleMLPClassifier(
        128,
        activation="sigmoid",
        solver="sgd",
        momentum=0.0,
        batch_size="full",
        learning_rate_init=1.0,
        max_iter=500,
        random_state=0,
    )
    model.fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.95


# --- scikit-learn citizenship ----------------------------------------------------------------


def test_is_a_classifier_and_cross_validation_stratifies():
    assert is_classifier(SimpleMLPClassifier())
    X, y = make_classification(60, 5, random_state=0)
    scores = cross_val_score(SimpleMLPClassifier(max_iter=30, random_state=0), X, y, cv=3)
    expected = cross_val_score(
        SimpleMLPClassifier(max_iter=30, random_state=0), X, y, cv=StratifiedKFold(3)
    )
    np.testing.assert_array_equal(scores, expected)


def test_pipeline_and_grid_search(digits):
    X, _, y, _ = digits
    grid = GridSearchCV(
        make_pipeline(
            StandardScaler(),
            SimpleMLPClassifier(max_iter=100, learning_rate_init=0.01, random_state=0),
        ),
        {
            "simplemlpclassifier__hidden_layer_sizes": [10, 30],
            "simplemlpclassifier__alpha": [1e-4, 1e-1],
        },
        cv=3,
    )
    grid.fit(X[:600], y[:600])
    assert set(grid.best_params_) == {
        "simplemlpclassifier__hidden_layer_sizes",
        "simplemlpclassifier__alpha",
    }
    assert grid.best_score_ > 0.8


def test_pandas_dataframe_keeps_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = make_classification(50, 4, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = SimpleMLPClassifier(max_iter=5, random_state=0).fit(frame, pd.Series(y))
    np.testing.assert_array_equal(model.feature_names_in_, ["a", "b", "c", "d"])
    with pytest.warns(UserWarning, match="feature names"):  # scikit-learn's usual warning
        from_array = model.predict_proba(X)
    np.testing.assert_allclose(model.predict_proba(frame), from_array)


# --- inputs and outputs ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_output_shapes_and_probabilities(digits, kind):
    X, _, y, _ = digits
    y = targets(y, kind)
    model = SimpleMLPClassifier(20, max_iter=20, random_state=0).fit(X, y)
    proba = model.predict_proba(X)
    n_columns = 3 if kind == "multilabel" else len(np.unique(y))
    assert proba.shape == (len(X), n_columns)
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba), rtol=1e-10, atol=1e-12)
    if kind == "multilabel":
        np.testing.assert_array_equal(model.predict(X), (proba > 0.5).astype(int))
    else:
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_quick_input_check_gives_what_validate_data_gives(digits, kind):
    """predict_proba checks a float ndarray itself; other inputs go through validate_data."""
    X, X_test, y, _ = digits
    model = SimpleMLPClassifier(20, max_iter=5, random_state=0).fit(X, targets(y, kind))
    quick = model.predict_proba(X_test)
    assert quick.flags.c_contiguous
    np.testing.assert_array_equal(model.predict_proba(X_test.tolist()), quick)
    fortran = model.predict_proba(np.asfortranarray(X_test))  # another BLAS kernel: rounding
    np.testing.assert_allclose(fortran, quick, rtol=1e-12, atol=1e-15)
    mixed = model.predict_proba(X_test.astype(np.float32))  # float64 model, float32 input
    assert mixed.dtype == np.float64
    np.testing.assert_allclose(mixed, quick, rtol=1e-5)
    bad = X_test.copy()
    bad[3, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.predict_proba(bad)
    with pytest.raises(ValueError, match="features"):
        model.predict_proba(X_test[:, :-1])
    with pytest.raises(ValueError, match="at least one sample|minimum of 1"):
        model.predict_proba(X_test[:0])


def test_string_labels_give_the_same_model_as_integer_codes(digits):
    X, _, y, _ = digits
    names = np.array(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
    sorted_names = np.sort(names)  # classes_ is sorted: map codes to names in the same order
    a = SimpleMLPClassifier(20, max_iter=10, random_state=0).fit(X, y)
    b = SimpleMLPClassifier(20, max_iter=10, random_state=0).fit(X, sorted_names[y])
    np.testing.assert_array_equal(b.predict(X), sorted_names[a.predict(X)])
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))


def test_float32_in_float32_out(digits):
    X, _, y, _ = digits
    X32 = X.astype(np.float32)
    model = SimpleMLPClassifier(20, max_iter=10, random_state=0).fit(X32, y)
    assert all(w.dtype == np.float32 for w in model.coefs_ + model.intercepts_)
    assert model.predict_proba(X32).dtype == np.float32
    reference = SimpleMLPClassifier(20, max_iter=10, random_state=0).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X32), reference.predict_proba(X), atol=1e-3)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_result(digits, fmt):
    X, _, y, _ = digits
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    dense = SimpleMLPClassifier(20, max_iter=10, random_state=0).fit(X, y)
    sparse = SimpleMLPClassifier(20, max_iter=10, random_state=0).fit(
        sp.csr_matrix(X).asformat(fmt), y
    )
    np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), atol=1e-10
    )


def test_coefs_are_views_of_one_parameter_vector(digits):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(7, max_iter=2, random_state=0).fit(X, y)
    W1, W2 = model.coefs_
    b1, b2 = model.intercepts_
    assert [W1.shape, W2.shape, b1.shape, b2.shape] == [(64, 7), (7, 10), (7,), (10,)]
    assert all(np.shares_memory(a, model._state.theta) for a in (W1, W2, b1, b2))


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError):
        SimpleMLPClassifier().predict([[1.0, 2.0]])


# --- training control ------------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues_the_weights_with_a_new_optimizer_as_mlpclassifier(digits, solver):
    """Two warm-started fits: the second starts from the first's weights with a new optimizer
    (Adam's moments and step count, momentum, the learning rate) and its random stream taken
    afresh from random_state, as MLPClassifier's does: the same weights and curves."""
    X, _, y, _ = digits
    settings = dict(solver=solver, max_iter=5, warm_start=True, tol=0.0, random_state=0)
    ours = SimpleMLPClassifier(20, **settings).fit(X, y).fit(X, y)
    theirs = MLPClassifier(20, **settings).fit(X, y).fit(X, y)
    assert_same_parameters(ours, theirs)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert ours.t_ == theirs.t_ and ours.n_iter_ == theirs.n_iter_ == 5


@pytest.mark.parametrize(
    "solver, schedule",
    [("sgd", "constant"), ("sgd", "invscaling"), ("sgd", "adaptive"), ("adam", "constant")],
)
def test_a_warm_start_takes_a_changed_learning_rate_init_as_mlpclassifier(digits, solver, schedule):
    """``set_params(learning_rate_init=...)`` between warm-started fits: the second fit trains
    at the new rate from its first step (and invscaling decays from it), as MLPClassifier's
    does; the learning rate has one source, the parameter, read when each fit starts."""
    X, _, y, _ = digits
    settings = dict(
        solver=solver, learning_rate=schedule, max_iter=4, warm_start=True, tol=0.0, random_state=0
    )
    models = []
    for cls in (SimpleMLPClassifier, MLPClassifier):
        model = cls(20, learning_rate_init=0.1, **settings).fit(X, y)
        models.append(model.set_params(learning_rate_init=0.001).fit(X, y))
    ours, theirs = models
    assert_same_parameters(ours, theirs)
    # The second fit's epochs (Adam's first epoch at 0.1 has confidently wrong samples, whose
    # loss MLPClassifier clips: a documented difference of the reported loss only)
    np.testing.assert_allclose(ours.loss_curve_[4:], theirs.loss_curve_[4:], rtol=1e-10)
    if solver == "sgd":
        assert ours._state.learning_rate == pytest.approx(theirs._optimizer.learning_rate)


def test_warm_start_rejects_a_different_network(digits):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(20, max_iter=2, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes changed from \\(20,\\) to \\(30,\\)"):
        model.set_params(hidden_layer_sizes=30).fit(X, y)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_epochs_equal_fit_epochs(digits, solver):
    X, _, y, _ = digits
    settings = dict(solver=solver, shuffle=False, tol=0.0, random_state=0)
    fitted = SimpleMLPClassifier(20, max_iter=4, **settings).fit(X, y)
    streamed = SimpleMLPClassifier(20, **settings)
    for _ in range(4):
        streamed.partial_fit(X, y, classes=np.unique(y))
    np.testing.assert_allclose(streamed._state.theta, fitted._state.theta, rtol=1e-12)
    assert streamed.loss_curve_ == pytest.approx(fitted.loss_curve_, rel=1e-12)


def test_partial_fit_needs_classes_first_and_rejects_new_ones():
    X, y = make_classification(40, 4, n_classes=3, n_informative=3, n_redundant=0, random_state=0)
    model = SimpleMLPClassifier(5)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X, y)
    model.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])  # a batch may lack a class
    with pytest.raises(ValueError, match=r"classes the model does not know: \[7\]"):
        model.partial_fit(X, np.where(y == 2, 7, y))
    with pytest.raises(ValueError, match="cannot change"):
        model.partial_fit(X, y, classes=[0, 1, 2, 3])


def test_early_stopping_keeps_the_best_epoch(digits):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(
        20,
        early_stopping=True,
        n_iter_no_change=3,
        max_iter=300,
        learning_rate_init=0.05,
        random_state=0,
    ).fit(X, y)
    assert model.n_iter_ < 300
    assert len(model.validation_scores_) == model.n_iter_ == len(model.loss_curve_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    # The kept weights are those of the best epoch, not of the last one.
    best_epoch = int(np.argmax(model.validation_scores_))
    replay = SimpleMLPClassifier(
        20,
        early_stopping=True,
        n_iter_no_change=10_000,
        max_iter=best_epoch + 1,
        learning_rate_init=0.05,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(replay._state.theta, model._state.theta)


def test_early_stopping_split_keeps_duplicates_together():
    """Imbalanced classes (90 and 30 samples, each row three times): exactly a fifth of each
    class is held out, 6 and 2 whole triples, for every seed."""
    from sknn_simple.training.split import validation_mask

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3)).repeat(3, axis=0)  # every row three times
    y = (np.arange(40) < 10).astype(int).repeat(3)
    Y = np.c_[y].astype(float)
    for seed in range(5):
        held_out = validation_mask(X, Y, None, 0.2, seed=seed, strata=y)
        assert (held_out.reshape(40, 3) == held_out.reshape(40, 3)[:, :1]).all()
        assert (held_out[y == 0].sum(), held_out[y == 1].sum()) == (18, 6)


def test_verbose_prints_one_line_per_epoch(digits, capsys):
    X, _, y, _ = digits
    SimpleMLPClassifier(5, max_iter=3, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(",")[0] for line in lines] == ["Iteration 1", "Iteration 2", "Iteration 3"]


@pytest.mark.parametrize("scale", [1.0, 16.0])
def test_scaling_the_inputs_is_advised_only_for_inputs_far_from_unit_scale(digits, scale):
    """The fixture's inputs are standardized: advice to scale them could only mislead (the
    command line always standardizes); the same pixels times 16 get it."""
    X, _, y, _ = digits
    with pytest.warns(ConvergenceWarning, match="max_iter=2") as caught:
        SimpleMLPClassifier(5, max_iter=2, random_state=0).fit(X * scale + scale, y)
    advised = "scale the inputs" in str(caught[0].message)
    assert advised == (scale > 1)


@pytest.mark.parametrize("kind", ["float64", "float32", "sparse"])
def test_the_scale_check_has_the_moments_of_numpy_and_copies_no_data(kind):
    """Whether to advise scaling compares each column's mean and standard deviation to a
    limit: those are NumPy's (to rounding), and computing them allocates a few columns'
    worth, not a temporary as large as the data (which made a fit ending with a warning peak
    at ten times MLPClassifier's memory on 10,000 x 784)."""
    import tracemalloc

    from sknn_simple._report import Scales

    rng = np.random.default_rng(0)
    dense = rng.normal(3.0, 2.0, size=(20000, 100)) * (rng.random((20000, 100)) < 0.3)
    X = {
        "float64": dense,
        "float32": dense.astype(np.float32),
        "sparse": sp.csr_matrix(dense),
    }[kind]
    tracemalloc.start()
    try:
        mean, spread = Scales._moments(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    reference = dense.astype(X.dtype).astype(np.float64)
    np.testing.assert_allclose(mean, reference.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(spread, reference.std(axis=0), rtol=1e-6)
    if kind != "sparse":  # (a sparse square is as large as the data's non-zeros)
        assert peak < dense.nbytes / 4


def test_max_iter_raises_convergence_warning(digits):
    X, _, y, _ = digits
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        SimpleMLPClassifier(5, max_iter=2).fit(X, y)


def test_diverging_learning_rate_stops_with_finite_weights(digits):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(
        20, solver="sgd", learning_rate_init=1e4, momentum=0.9, random_state=0
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X * 1e3, y)
    messages = [str(w.message) for w in caught]
    assert any("became infinite or NaN" in m and "learning_rate_init" in m for m in messages)
    assert not any(issubclass(w.category, RuntimeWarning) for w in caught), messages
    assert np.isfinite(model._state.theta).all()
    assert np.isfinite(model.loss_curve_).all()
    assert np.isfinite(model.predict_proba(X)).all()


def test_plateau_rate_judges_a_new_plateau_from_the_current_value(digits):
    """scikit-learn#15596: after a lucky epoch, MLPClassifier's "adaptive" compares every later
    epoch with it and keeps dividing the rate. With learning_rate="plateau" the reference
    restarts when the rate is cut, so steady progress after the cut is recognized as such."""
    from sknn_simple.training.schedule import end_of_epoch
    from sknn_simple.training.state import TrainingState

    params = SimpleMLPClassifier(
        learning_rate="plateau", n_iter_no_change=2, tol=0.0, learning_rate_init=1.0
    ).get_params()
    state = TrainingState(np.zeros(3), 1.0, np.random.RandomState(0))
    losses = [1.0, 0.1, 0.5, 0.5, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2]  # 0.1 was lucky
    rates = []
    for loss in losses:
        stop, _ = end_of_epoch(state, -loss, params, "plateau")
        assert not stop
        rates.append(state.learning_rate)
    # One cut after the plateau at 0.5, then none while the loss keeps falling.
    assert rates == [1.0] * 4 + [0.2] * 7


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
@pytest.mark.parametrize("scale", [1e150, 1e-150])
def test_extreme_inputs_give_finite_probabilities_without_warnings(digits, activation, scale):
    X, _, y, _ = digits
    X = X * scale
    model = SimpleMLPClassifier(10, activation=activation, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model.fit(X, y)
        proba, log_proba = model.predict_proba(X), model.predict_log_proba(X)
    # (log_proba is -inf where a probability rounds to 0, as MLPClassifier's; never NaN)
    assert np.isfinite(proba).all() and not np.isnan(log_proba).any()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_finite_divergence_is_reported():
    """A loss that explodes but stays finite must not pass for convergence."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    model = SimpleMLPClassifier(solver="sgd", learning_rate_init=100, random_state=0)
    with pytest.warns(ConvergenceWarning, match="training failed"):
        model.fit(X * 1000, y)


def test_warm_start_rejects_different_classes(digits):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(5, max_iter=2, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"same classes: .* y has \[0, 1, 2\]"):
        model.fit(X[y < 3], y[y < 3])


def test_warnings_point_at_the_callers_line(digits):
    X, _, y, _ = digits
    pipe = make_pipeline(StandardScaler(), SimpleMLPClassifier(5, max_iter=1))
    with pytest.warns(ConvergenceWarning) as record:
        pipe.fit(X, y)
    assert record[0].filename == __file__


# --- raw outputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_decision_function_gives_the_logits_that_predict_proba_transforms(kind, dtype):
    """The scores are the network's raw outputs: their output function is predict_proba
    (softmax, sigmoid of the positive class, sigmoid per label), their sign or argmax is
    predict, and their shape is LogisticRegression's for the same targets."""
    from scipy.special import expit, softmax
    from sklearn.datasets import make_multilabel_classification
    from sklearn.linear_model import LogisticRegression

    if kind == "multilabel":
        X, y = make_multilabel_classification(200, 8, n_classes=3, random_state=0)
    else:
        X, y = make_classification(
            200, 8, n_informative=5, n_classes=2 if kind == "binary" else 3, random_state=0
        )
        y = np.array(["no", "yes", "maybe"])[y]  # labels that are not 0..k-1
    X = X.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = SimpleMLPClassifier(10, max_iter=30, random_state=0).fit(X, y)
    scores = model.decision_function(X)
    proba = model.predict_proba(X)
    assert scores.dtype == dtype
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=0)
    if kind == "binary":
        assert scores.shape == LogisticRegression().fit(X, y).decision_function(X).shape
        np.testing.assert_allclose(expit(scores), proba[:, 1], **tolerance)
        np.testing.assert_array_equal(model.predict(X), model.classes_[(scores > 0).astype(int)])
    elif kind == "multiclass":
        assert scores.shape == LogisticRegression().fit(X, y).decision_function(X).shape
        np.testing.assert_allclose(softmax(scores, axis=1), proba, **tolerance)
        np.testing.assert_array_equal(model.predict(X), model.classes_[scores.argmax(axis=1)])
    else:
        assert scores.shape == y.shape
        np.testing.assert_allclose(expit(scores), proba, **tolerance)
        np.testing.assert_array_equal(model.predict(X), (scores > 0).astype(int))
    # raw outputs keep what the probabilities round away: no score is infinite
    confident = model.decision_function(X * 1e3)
    assert np.isfinite(confident).all()
