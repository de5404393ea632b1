"""What trying to break the estimator found (issue 14), each as the class of bug it belongs to.

* weights that make a batch, or a whole stretch of batches, weigh nothing;
* fits running at the same time in several threads, and the process-wide BLAS limits;
* the random stream across partial_fit calls and warm-started fits;
* Ctrl-C at any point of any solver's loop;
* every weight a user passes (sample_weight, sample_weight_val, class_weight) checked by name;
* the "training failed" warning on data without signal.
"""

import threading
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import sknn_simple._base as base_module
import sknn_simple.training.full_batch as full_batch_module
import sknn_simple.training.minibatch as minibatch_module
import sknn_simple.training.monitor as monitor_module
from sknn_simple import SimpleMLPClassifier

SOLVERS = ["sgd", "adam", "lbfgs", "newton-cg"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X[:600]), y[:600]


def fit_quietly(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


# --- batches that weigh nothing ------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_batch_of_zero_weight_is_a_batch_that_is_not_there(digits, solver):
    """With the first batch weighing nothing (and no shuffling), training is exactly training
    on the other rows: no step, no loss, nothing."""
    X, y = digits
    settings = dict(solver=solver, batch_size=50, shuffle=False, max_iter=5, random_state=0)
    weights = np.ones(len(y))
    weights[:50] = 0.0
    weighted = fit_quietly(SimpleMLPClassifier(20, **settings), X, y, sample_weight=weights)
    without = fit_quietly(SimpleMLPClassifier(20, **settings), X[50:], y[50:])
    assert weighted.n_iter_ == 5
    np.testing.assert_allclose(weighted.coefs_[0], without.coefs_[0], rtol=1e-12)
    np.testing.assert_allclose(weighted.loss_curve_, without.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
def test_rows_of_zero_weight_are_rows_that_are_not_there(digits, solver):
    X, y = digits
    weights = np.ones(len(y))
    weights[::3] = 0.0
    # Newton's curvature on every row: a subsample of the rows (the default) is a random
    # estimate, drawn from different rows when zero-weight rows are there or not.
    settings = dict(solver=solver, max_iter=10, random_state=0, curvature_fraction=1.0)
    weighted = fit_quietly(SimpleMLPClassifier(20, **settings), X, y, sample_weight=weights)
    without = fit_quietly(SimpleMLPClassifier(20, **settings), X[weights > 0], y[weights > 0])
    np.testing.assert_allclose(weighted.loss_curve_, without.loss_curve_, rtol=1e-10)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    solver=st.sampled_from(["sgd", "adam"]),
    batch_size=st.integers(1, 40),
    shuffle=st.booleans(),
    zero_share=st.floats(0, 0.95),
    blocks=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_any_pattern_of_zero_weights_trains(solver, batch_size, shuffle, zero_share, blocks, seed):
    """Zeros anywhere, scattered or in blocks, in batches of any size: every epoch runs, every
    loss is finite, and nothing warns of an overflow."""
    X, y = make_classification(80, 5, random_state=seed % 7)
    rng = np.random.RandomState(seed)
    if blocks:  # one contiguous stretch of zeros
        n_zero = int(zero_share * len(y))
        start = rng.randint(0, len(y) - n_zero + 1)
        weights = np.ones(len(y))
        weights[start : start + n_zero] = 0.0
    else:
        weights = (rng.uniform(size=len(y)) >= zero_share).astype(float)
    weights[rng.randint(len(y))] = 1.0  # at least one sample counts
    if len(np.unique(y[weights > 0])) < 2:
        weights[np.flatnonzero(y != y[weights > 0][0])[0]] = 1.0
    model = SimpleMLPClassifier(
        8,
        solver=solver,
        batch_size=batch_size,
        shuffle=shuffle,
        max_iter=3,
        tol=0.0,
        random_state=seed,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y, sample_weight=weights)
    assert model.n_iter_ == 3
    assert np.isfinite(model.loss_curve_).all()
    assert not any("infinite or NaN" in str(w.message) for w in caught)


# --- fits at the same time -----------------------------------------------------------------------


def blas_threads():
    return sorted(
        (lib["filepath"], lib["num_threads"])
        for lib in threadpool_info()
        if lib["user_api"] == "blas"
    )


def run_in_threads(target, n_threads):
    """``target(i)`` for i = 0, ..., n_threads - 1, each in a thread of its own, all at once."""
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_concurrent_fits_leave_every_thread_limit_as_it_was(digits):
    """Two to four fits in threads, each narrowing the limits while it runs, and ending in
    every order: afterwards every BLAS library has the setting it had before."""
    X, y = digits
    with threadpool_limits(limits=3, user_api="blas"):  # a setting the fits would not choose
        before = blas_threads()
        for n_threads in (2, 4):
            errors = []

            def fit(i, errors=errors):
                try:
                    solver = ["adam", "lbfgs", "sgd", "newton-cg"][i % 4]
                    fit_quietly(
                        SimpleMLPClassifier(10 + 5 * i, solver=solver, max_iter=3 + i), X, y
                    )
                except Exception as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            run_in_threads(fit, n_threads)
            assert not errors
            assert blas_threads() == before
        assert any(n == 3 for _, n in before)


def test_grid_search_with_the_threading_backend_leaves_the_limits(digits):
    from joblib import parallel_backend

    X, y = digits
    before = blas_threads()
    search = GridSearchCV(
        SimpleMLPClassifier(max_iter=5),
        {"alpha": [1e-4, 1e-2], "solver": ["adam", "lbfgs"]},
        cv=2,
        n_jobs=2,
    )
    with parallel_backend("threading", n_jobs=2):
        fit_quietly(search, X, y)
    assert blas_threads() == before


# --- the random stream ---------------------------------------------------------------------------


def recorded_draws(monkeypatch):
    """Record the rows of every shuffled mini-batch and every dropout mask, in the order used."""
    rows, masks = [], []
    real_batch = minibatch_module.MiniBatches.batch
    real_masks = minibatch_module.MiniBatches.dropout_masks

    def batch(self, positions):
        if not isinstance(positions, slice):  # slices: unshuffled batches, the thread trial
            rows.append(np.array(positions))
        return real_batch(self, positions)

    def dropout_masks(self, m):
        result = real_masks(self, m)
        masks.append(None if result is None else [mask.copy() for mask in result])
        return result

    monkeypatch.setattr(minibatch_module.MiniBatches, "batch", batch)
    monkeypatch.setattr(minibatch_module.MiniBatches, "dropout_masks", dropout_masks)
    return rows, masks


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_each_call_takes_its_random_stream_from_random_state(digits, solver, monkeypatch):
    """As MLPClassifier does, each call of fit or partial_fit takes its stream afresh from
    random_state: with an int, every call after the first (which also drew the initial
    weights) draws the same (the same shuffles of the same rows, the same dropout masks); with
    a RandomState instance, the stream goes on, reproducibly from the instance's seed."""
    X, y = digits
    rows, masks = recorded_draws(monkeypatch)
    settings = dict(solver=solver, dropout=0.3, batch_size=100, max_iter=1, tol=0.0)
    n_batches = 6  # 600 rows in batches of 100

    def three_calls(how, random_state):
        rows.clear(), masks.clear()
        model = SimpleMLPClassifier(20, random_state=random_state, **settings)
        for call in range(3):
            if how == "warm_start":
                fit_quietly(model.set_params(warm_start=True), X, y)
            else:
                model.partial_fit(X, y, classes=np.unique(y) if call == 0 else None)
        assert len(rows) == len(masks) == 3 * n_batches
        calls = [slice(i * n_batches, (i + 1) * n_batches) for i in range(3)]
        return [rows[c] for c in calls], [masks[c] for c in calls], model

    def same(a, b):
        return all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))

    for how in ("warm_start", "partial_fit"):
        drawn_rows, drawn_masks, _ = three_calls(how, 7)
        assert same(drawn_rows[1], drawn_rows[2]) and not same(drawn_rows[0], drawn_rows[1])
        assert same(*(np.array([m[0] for m in call]) for call in drawn_masks[1:]))

        drawn_rows, drawn_masks, model = three_calls(how, np.random.RandomState(7))
        assert not same(drawn_rows[1], drawn_rows[2])
        assert not np.array_equal(drawn_masks[1][0][0], drawn_masks[2][0][0])
        again = three_calls(how, np.random.RandomState(7))[2]
        np.testing.assert_array_equal(model.coefs_[0], again.coefs_[0])


# --- Ctrl-C anywhere -----------------------------------------------------------------------------


class Interrupt:
    """A stand-in for a function that raises KeyboardInterrupt on its ``at``-th call."""

    def __init__(self, real, at):
        self.real, self.at, self.calls = real, at, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return self.real(*args, **kwargs)


# Where the interrupt comes: (module, function name, which call, early stopping)
POINTS = {
    "in a batch or loss evaluation": ("loss_and_grad", 9, False),
    "in the validation pass": ("_score_outputs", 3, True),
    "in the verbose output": ("print", 3, False),
    "in the learning-rate schedule": ("end_of_epoch", 3, False),
}


def patch_point(monkeypatch, point, solver):
    name, at, _ = POINTS[point]
    if name == "loss_and_grad":
        module = minibatch_module if solver in ("sgd", "adam") else full_batch_module
        monkeypatch.setattr(module, name, Interrupt(getattr(module, name), at))
    elif name == "_score_outputs":
        real = SimpleMLPClassifier._score_outputs
        interrupt = Interrupt(real, at)
        monkeypatch.setattr(
            SimpleMLPClassifier, "_score_outputs", lambda self, *a: interrupt(self, *a)
        )
    elif name == "print":
        monkeypatch.setattr(base_module, "print", Interrupt(print, at), raising=False)
    else:
        monkeypatch.setattr(monitor_module, name, Interrupt(getattr(monitor_module, name), at))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("point", list(POINTS))
def test_ctrl_c_anywhere_keeps_a_recorded_usable_model(digits, solver, point, monkeypatch):
    """Every solver, every point of the loop: a warning, a model that predicts, records that
    match its weights: exactly the weights of a fit of as many epochs as were recorded."""
    X, y = digits
    early_stopping = POINTS[point][2]
    settings = dict(
        solver=solver,
        max_iter=30,
        tol=0.0,
        random_state=0,
        early_stopping=early_stopping,
        n_iter_no_change=100,
        verbose=point == "in the verbose output",
    )
    if point == "in the learning-rate schedule" and solver in ("lbfgs", "newton-cg"):
        settings["early_stopping"] = True  # their only use of the schedule's plateau rule
    # lbfgs ignores early_stopping, as MLPClassifier's, unless fit is given a validation set
    given = {"X_val": X[:100], "y_val": y[:100]} if solver == "lbfgs" else {}
    patch_point(monkeypatch, point, solver)
    model = SimpleMLPClassifier(15, **settings)
    with pytest.warns(UserWarning, match="interrupted by the user after"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y, **given)
    monkeypatch.undo()
    n = model.n_iter_
    assert n >= 1
    assert len(model.loss_curve_) == len(model.history_) == n
    if model.validation_scores_ is not None:
        assert len(model.validation_scores_) == n
    assert model.predict(X).shape == y.shape
    settings["verbose"] = False
    reference = fit_quietly(SimpleMLPClassifier(15, **{**settings, "max_iter": n}), X, y, **given)
    np.testing.assert_array_equal(model.coefs_[0], reference.coefs_[0])
    assert model.loss_curve_ == reference.loss_curve_


# --- every weight is checked, by name ------------------------------------------------------------

BAD_WEIGHTS = {
    "NaN": np.nan,
    "infinity": np.inf,
    "negative": -1.0,
    "text": "heavy",
    "complex": 1 + 1j,
    "None": None,
    "boolean": True,
}


@pytest.mark.parametrize("argument", ["sample_weight", "sample_weight_val", "class_weight"])
@pytest.mark.parametrize("bad", list(BAD_WEIGHTS))
def test_every_bad_weight_is_refused_naming_its_argument(argument, bad):
    X, y = make_classification(40, 4, random_state=0)
    value = BAD_WEIGHTS[bad]
    model = SimpleMLPClassifier(5, max_iter=2)
    if argument == "class_weight":
        model.set_params(class_weight={0: value})
        fit = lambda: model.fit(X, y)  # noqa: E731
    else:
        weights = np.ones(len(y), dtype=object)
        weights[3] = value
        if bad in ("None", "boolean"):  # of the whole argument, not one entry
            if bad == "None":
                return  # sample_weight=None means unweighted: not an error
            weights = True
        kwargs = {argument: weights}
        if argument == "sample_weight_val":
            kwargs.update(X_val=X, y_val=y)
        fit = lambda: model.fit(X, y, **kwargs)  # noqa: E731
    with pytest.raises(ValueError, match=argument):
        fit()


# --- the "training failed" warning ---------------------------------------------------------------


@pytest.mark.parametrize("alpha", [1.0, 10.0])
def test_no_false_alarm_on_data_without_signal(alpha):
    """Random labels and a large alpha: the best model is the class frequencies. Converged
    (alpha=1), the lowest loss ends a hair (0.8 %) above their loss; cut short by max_iter
    (alpha=10), the loss is still falling. Neither is a failed fit."""
    from sknn_simple.core.heads import baseline_loss

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(400, 5)), rng.randint(2, size=400)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = SimpleMLPClassifier(10, alpha=alpha, random_state=0).fit(X, y)
    baseline = baseline_loss(y[:, None].astype(float), "logistic")
    assert min(model.loss_curve_) > baseline  # the situation the warning used to misread
    assert not any("training failed" in str(w.message) for w in caught)


def test_a_fit_that_never_learns_is_still_reported():
    """A learning rate far too large: the loss stays well above the class-frequency loss."""
    X, y = make_classification(400, 5, random_state=0)
    with pytest.warns(ConvergenceWarning, match="training failed"):
        SimpleMLPClassifier(
            10, solver="sgd", momentum=0.0, learning_rate_init=50.0, max_iter=10, random_state=0
        ).fit(X, y)


# --- predictions choose threads as fits do, and leave the limits as they were --------------------


def numpy_blas_threads():
    from sknn_simple.training.threads import _blas_libraries

    return [lib.num_threads for lib in _blas_libraries()[1]]


@pytest.mark.parametrize(
    "rows, one_thread_inside",
    [(5, False), (360, True), (40_000, False)],  # tiny: OpenBLAS's own single thread; large
)
def test_a_prediction_runs_small_products_on_one_thread(
    digits, rows, one_thread_inside, monkeypatch
):
    X, y = digits
    model = fit_quietly(SimpleMLPClassifier(100, max_iter=3, random_state=0), X, y)
    X_new = np.resize(X, (rows, X.shape[1]))
    seen = []
    real_forward = base_module.forward

    def recording_forward(*args, **kwargs):
        seen.append(numpy_blas_threads())
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(base_module, "forward", recording_forward)
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        model.predict_proba(X_new)
        assert blas_threads() == before
    assert (seen[0] == [1] * len(seen[0])) == one_thread_inside


def test_predictions_and_fits_in_threads_leave_every_limit_as_it_was(digits):
    X, y = digits
    model = fit_quietly(SimpleMLPClassifier(100, max_iter=3, random_state=0), X, y)
    with threadpool_limits(limits=3, user_api="blas"):
        before = blas_threads()
        errors = []

        def work(i, errors=errors):
            try:
                for _ in range(20):
                    model.predict_proba(X[: 300 + i])
                if i % 2:
                    fit_quietly(SimpleMLPClassifier(10, max_iter=2), X, y)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        run_in_threads(work, 4)
        assert not errors
        assert blas_threads() == before
