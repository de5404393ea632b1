"""The training loops' outcome: why a call stopped, the work it did and the numbers the
estimator reports from it (``training/loop.py``)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor, _base
from sknn_simple.core.heads import HEADS
from sknn_simple.core.network import Layout
from sknn_simple.training import loop, newton
from sknn_simple.training.full_batch import NonFiniteError, SolverResult
from sknn_simple.training.solvers import FullBatchSolver

from .test_network import layout_buffer_bytes


def recorded_outcomes(monkeypatch):
    """The Outcome of every training call from now on."""
    seen, train = [], _base.train

    def recording(*args, **kwargs):
        seen.append(train(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(_base, "train", recording)
    return seen


def weighted_classes(n=120, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int) + (X[:, 1] > 0.5)
    return X, y, rng.uniform(0.2, 3.0, n)


def constant_output_loss(y, w):
    """The weighted cross-entropy of the best constant output, the weighted class shares."""
    classes = np.unique(y)
    shares = np.array([w[y == c].sum() for c in classes]) / w.sum()
    return float(-(w * np.log(shares[np.searchsorted(classes, y)])).sum() / w.sum())


def fit_quietly(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
def test_each_way_a_full_batch_fit_ends_is_reported_with_its_work(monkeypatch, solver):
    """A full-batch fit's outcome says why it stopped, in the solver's words, with the loss
    evaluations it made, this call's losses and the loss of the best constant output (of the
    weighted rows): on a limit, on convergence, and when the line search found nothing."""
    X, y, w = weighted_classes()
    outcomes = recorded_outcomes(monkeypatch)
    baseline = constant_output_loss(y, w)
    model = SimpleMLPClassifier((5,), solver=solver, max_iter=2, tol=0.0, random_state=0)
    fit_quietly(model, X, y, sample_weight=w)
    limit = outcomes[-1]
    assert limit.reason == "limit" and limit.losses == model.loss_curve_
    if solver == "newton-cg":
        assert limit.message == "max_iter reached"
    else:
        assert "ITERATIONS REACHED LIMIT" in limit.message
    assert limit.n_evaluations > 2 and limit.baseline == pytest.approx(baseline, rel=1e-12)

    model.set_params(max_iter=200, tol=1e-3)
    fit_quietly(model, X, y, sample_weight=w)
    stopped = outcomes[-1]
    assert stopped.reason == "stopped" and stopped.baseline == pytest.approx(baseline)
    if solver == "lbfgs":
        assert stopped.message.startswith("CONVERGENCE")

    if solver == "newton-cg":  # a direction that only claims to descend: no lower loss

        def uphill(curvature, grad, damping, start, scale):
            return grad.copy(), -1e20, 0.0  # (every cut step's margin above rounding)

        monkeypatch.setattr(newton, "_conjugate_gradients", uphill)
        with pytest.warns(ConvergenceWarning, match="gradient norm at") as caught:
            model.fit(X, y, sample_weight=w)
        failed = outcomes[-1]
        assert failed.reason == "not_converged" and model.n_iter_ == 0
        assert failed.message == "the line search found no lower loss along the Newton direction"
        assert np.isfinite(failed.gradient_norm) and failed.gradient_norm > 0
        assert f"gradient norm at {failed.gradient_norm:.3g}" in str(caught[0].message)
        assert failed.baseline == pytest.approx(baseline) and failed.n_evaluations > 1


def test_a_full_batch_overflow_keeps_the_last_iterate_and_says_what_overflowed(monkeypatch):
    """A curvature product that overflows at the third iteration ends the run: the weights of
    the second are kept, and the outcome says what overflowed, with the work done."""
    X, y, w = weighted_classes()
    outcomes = recorded_outcomes(monkeypatch)
    cg, calls = newton._conjugate_gradients, []

    def overflowing_cg(curvature, grad, damping, start, scale):
        calls.append(1)
        if len(calls) == 3:
            raise NonFiniteError("the curvature (Hessian-vector product) overflowed")
        return cg(curvature, grad, damping, start, scale)

    monkeypatch.setattr(newton, "_conjugate_gradients", overflowing_cg)
    model = SimpleMLPClassifier((5,), solver="newton-cg", max_iter=10, tol=0.0, random_state=0)
    with pytest.warns(ConvergenceWarning, match="stopped after 2 iterations: the curvature"):
        model.fit(X, y, sample_weight=w)
    outcome = outcomes[-1]
    assert outcome.reason == "non_finite" and model.n_iter_ == 2
    assert outcome.message == "the curvature (Hessian-vector product) overflowed"
    assert outcome.n_evaluations >= 3 and len(outcome.losses) == 2
    assert outcome.baseline == pytest.approx(constant_output_loss(y, w))


def test_weights_a_solver_returns_are_verified_and_backed_off_from(monkeypatch):
    """Whatever point a full-batch solver returns, its training loss is checked: a point that
    overflows is replaced by the last recorded iterate, and the outcome says it overflowed."""
    X, y, w = weighted_classes()
    outcomes = recorded_outcomes(monkeypatch)
    kept = []

    def solver(objective, theta, params, on_iteration, rng):
        x = theta.astype(np.float64) * 0.5
        kept.append(x.copy())
        on_iteration(x, objective(x)[0])
        return SolverResult(x * 1e300, 1, True, False, "")

    monkeypatch.setitem(loop.SOLVERS, "lbfgs", FullBatchSolver(run=solver, holds_out=False))
    model = SimpleMLPClassifier((5,), solver="lbfgs", random_state=0)
    with np.errstate(over="ignore"), pytest.warns(ConvergenceWarning, match="last finite"):
        model.fit(X, y, sample_weight=w)
    assert outcomes[-1].reason == "non_finite" and outcomes[-1].losses == model.loss_curve_
    np.testing.assert_array_equal(model._state.theta, kept[0])
    assert np.isfinite(model.predict_proba(X)).all()


def reported_loss(model, X, Y, w):
    """MLPRegressor's loss: the weighted mean over rows of the squared error's mean over the
    outputs, halved, plus alpha / 2 times the squared weights over the total weight."""
    residual = model.predict(X) - Y
    penalty = sum(float((W * W).sum()) for W in model.coefs_)
    return 0.5 * float(w @ (residual**2).mean(axis=1)) / w.sum() + 0.5 * model.alpha * penalty / (
        w.sum()
    )


def test_a_multi_output_full_batch_fit_reports_mlpregressors_loss():
    """With several outputs the loss reported (loss_curve_, loss_) is MLPRegressor's, over the
    weighted rows, also when a warm start finds the weights converged and makes no iteration."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3))
    Y = np.column_stack([X[:, 0], X[:, 1] - X[:, 2]]) + 0.1 * rng.normal(size=(80, 2))
    w = rng.uniform(0.2, 3.0, 80)
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(6,), solver="lbfgs", alpha=0.5, max_iter=30, random_state=0
    )
    fit_quietly(model, X, Y, sample_weight=w)
    assert model.loss_ == pytest.approx(reported_loss(model, X, Y, w), rel=1e-9)
    model.set_params(warm_start=True, tol=1e6)
    model.fit(X, Y, sample_weight=w)
    assert model.n_iter_ == 0
    assert model.loss_ == pytest.approx(reported_loss(model, X, Y, w), rel=1e-9)


def test_a_float32_full_batch_fit_evaluates_in_float32():
    """The objective runs in the model's dtype: the loss recorded at an iterate is the float32
    loss of the float32 weights the fit keeps."""
    from sknn_simple.core.network import loss_and_grad

    X, y, _ = weighted_classes()
    X = X.astype(np.float32)
    model = SimpleMLPClassifier((5,), solver="lbfgs", max_iter=1, alpha=0.0, random_state=0)
    fit_quietly(model, X, y)
    theta = model._state.theta
    assert theta.dtype == np.float32
    Y = np.eye(3, dtype=np.float32)[y]
    loss, _ = loss_and_grad(theta, model._layout, X, Y, "relu", "softmax", 0.0)
    assert model.loss_curve_[0] == float(loss)


def test_a_stochastic_fit_reports_the_constant_outputs_loss_however_it_stops(monkeypatch):
    """max_iter, a plateau and an overflow: each outcome of a stochastic fit carries the loss
    of the best constant output of the weighted rows, to tell a fit that never learned."""
    X, y, w = weighted_classes()
    outcomes = recorded_outcomes(monkeypatch)
    baseline = constant_output_loss(y, w)
    model = SimpleMLPClassifier((5,), solver="adam", max_iter=2, random_state=0)
    fit_quietly(model, X, y, sample_weight=w)
    assert outcomes[-1].reason == "max_iter"
    model.set_params(max_iter=50, tol=10.0, n_iter_no_change=2)
    fit_quietly(model, X, y, sample_weight=w)
    assert outcomes[-1].reason == "stopped" and model.n_iter_ < 50
    for outcome in outcomes:
        assert outcome.baseline == pytest.approx(baseline, rel=1e-12)
    from .test_divergence import large_targets

    X, y = large_targets(0, n=1000)
    with pytest.warns(ConvergenceWarning, match="became infinite or NaN"):
        SimpleMLPRegressor(solver="sgd", random_state=0).fit(X, y)
    assert outcomes[-1].reason == "non_finite"
    assert outcomes[-1].baseline == pytest.approx(0.5 * np.var(y), rel=1e-12)


def test_partial_fit_trains_one_epoch_and_reports_only_its_own(monkeypatch):
    """Each partial_fit call is one epoch, whatever max_iter, and its outcome holds that
    epoch's loss only; a multi-output regressor reports MLPRegressor's loss for it (here one
    batch: the loss of the weights before the call's step)."""
    outcomes = recorded_outcomes(monkeypatch)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    Y = np.column_stack([X[:, 0], X[:, 1]]) + 0.1 * rng.normal(size=(60, 2))
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(4,), solver="sgd", batch_size=60, max_iter=5, random_state=0
    )
    model.partial_fit(X, Y)
    expected = reported_loss(model, X, Y, np.ones(60))
    model.partial_fit(X, Y)
    assert model.n_iter_ == 1 and len(model.loss_curve_) == 2
    assert outcomes[-1].losses == model.loss_curve_[1:]
    assert model.loss_curve_[1] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("batch_size", [200, 100])
def test_one_batch_is_not_shuffled_and_several_are(batch_size):
    """The gradient of a batch holding every row does not depend on their order: shuffling
    it would only cost a copy of the data each epoch (and change the sums' rounding), so the
    fit is bit for bit that of shuffle=False. With two batches the epochs are shuffled."""
    X, y, _ = weighted_classes(200)
    fits = [
        fit_quietly(
            SimpleMLPClassifier((5,), solver="sgd", batch_size=batch_size, max_iter=3,
                                shuffle=shuffle, random_state=0),
            X, y,
        ).coefs_[0]
        for shuffle in (True, False)
    ]  # fmt: skip
    assert np.array_equal(*fits) == (batch_size == 200)


def make_problem(n, dtype=np.float64, chunk_head="identity"):
    rng = np.random.RandomState(0)
    layout = Layout((3, 7, 2))
    X = rng.normal(size=(n, 3)).astype(dtype)
    Y = rng.normal(size=(n, 2)).astype(dtype)
    theta = rng.normal(scale=0.3, size=layout.size).astype(dtype)
    return loop.Problem(X, Y, None, layout, "relu", HEADS[chunk_head], 0.0), theta


def test_the_check_of_the_returned_weights_reads_every_row_in_chunks():
    """loss_is_finite reads the rows a chunk at a time, every one of them: a single row whose
    loss overflows, wherever it is (the first, inside a chunk, at a chunk's end, the last),
    makes it false."""
    problem, theta = make_problem(10)
    assert problem.loss_is_finite(theta, chunk_rows=3)
    for row in [0, 1, 2, 3, 5, 9]:
        Y = problem.Y.copy()
        Y[row] = 1e200  # a squared error of 1e400
        bad = loop.Problem(problem.X, Y, None, problem.layout, "relu", HEADS["identity"], 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            assert not bad.loss_is_finite(theta, chunk_rows=3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_check_of_the_returned_weights_takes_a_forward_pass_of_memory(dtype):
    """Checking every row costs the memory of one forward pass over a chunk of rows in the
    model's dtype, whatever the number of rows: no backward arrays, no arrays per chunk."""
    import tracemalloc

    problem, theta = make_problem(20_000, dtype)
    chunk = 5000
    tracemalloc.start()
    try:
        assert problem.loss_is_finite(theta, chunk_rows=chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    forward_only = layout_buffer_bytes(problem.layout, chunk, dtype, backward=False)
    assert peak < 1.5 * forward_only + chunk * 2 * 8  # the chunk's losses (float64)


def test_the_blas_threads_follow_the_size_of_each_product(monkeypatch):
    """The rule that picks the BLAS threads (docs/training_control.rst) is given the rows of
    each product: the whole training set for a full-batch solver, a batch for the others."""
    X, y, _ = weighted_classes()
    asked, largest_product = [], loop.largest_product

    def recording(rows, sizes):
        asked.append((rows, tuple(sizes)))
        return largest_product(rows, sizes)

    monkeypatch.setattr(loop, "largest_product", recording)
    for solver, batch_size in [("lbfgs", "auto"), ("sgd", 32)]:
        fit_quietly(
            SimpleMLPClassifier((5,), solver=solver, batch_size=batch_size, max_iter=2), X, y
        )
    assert asked == [(120, (4, 5, 3)), (32, (4, 5, 3))]


def test_a_fit_without_usable_weights_says_how_many_epochs_it_recorded(monkeypatch):
    """When no weights of the call have a finite training loss, the outcome keeps the call's
    losses, and the error counts them."""
    from sknn_simple import DivergenceError

    from .test_divergence import large_targets

    outcomes = recorded_outcomes(monkeypatch)
    X, y = large_targets(1)
    with pytest.raises(DivergenceError) as caught:
        SimpleMLPRegressor(solver="sgd", random_state=1).fit(X, y)
    unusable = outcomes[-1]
    assert unusable.reason == "unusable" and len(unusable.losses) >= 1
    assert f"{len(unusable.losses)} epochs recorded" in str(caught.value)
