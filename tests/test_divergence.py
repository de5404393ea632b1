"""Overflow means "back off and verify", not "abort and keep" (issue 24, class 1).

* the weights a fit returns have a finite loss on every training row, so every prediction on
  the training data is finite; when no weights of the fit have one, ``fit`` raises
  :class:`~sknn_simple.DivergenceError` and leaves the estimator as it was;
* a trial step of a full-batch solver whose loss overflows is a failed trial: shortened, not
  the end of training;
* newton-cg stops when its loss has stalled, as L-BFGS-B does;
* the command line says in one line that training diverged, and what to try.
"""

import copy
import csv
import inspect
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor

from sknn_simple import DivergenceError, SimpleMLPClassifier, SimpleMLPRegressor
from sknn_simple.cli.main import main
from sknn_simple.training import newton
from sknn_simple.training.full_batch import NonFiniteError, _BackOff
from sknn_simple.training.state import TrainingState


def quietly(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call()


def sklearn_quietly(call):
    """scikit-learn's MLPs as oracles: their overflow warnings are theirs, not under test."""
    with np.errstate(all="ignore"):
        return quietly(call)


def large_targets(seed, n=200):
    """A regression target around 5,000 on standardized inputs: plain SGD diverges on it."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5))
    return X, 5000 + 1000 * X[:, 0] + 100 * rng.normal(size=n)


def counts(mean_log, seed=0, n=300, d=8):
    """Poisson counts of mean about ``exp(mean_log)`` on unscaled inputs in [0, 10)."""
    rng = np.random.RandomState(seed)
    X = 10 * rng.uniform(size=(n, d))
    return X, rng.poisson(np.exp(mean_log + 0.1 * X[:, 0])).astype(float)


def training_loss_is_finite(model, X, y):
    """Every output on the training data, and so the loss, is finite."""
    outputs = model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)
    return bool(np.isfinite(outputs).all())


# --- the weights a fit keeps are verified --------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_a_fit_whose_last_weights_overflow_everywhere_is_an_error(seed):
    """The issue's case: one batch per epoch, so the weights kept after the overflow (the end
    of the previous epoch) are exactly those whose loss overflowed. Before, fit returned them
    with a warning, and 76 (seed 1) or 148 (seed 2) of 200 predictions were infinite."""
    X, y = large_targets(seed)
    model = SimpleMLPRegressor(solver="sgd", random_state=seed)
    with pytest.raises(DivergenceError, match="no usable model") as caught:
        model.fit(X, y)
    assert "learning_rate_init" in str(caught.value)
    assert "TransformedTargetRegressor" in str(caught.value)
    assert not hasattr(model, "n_iter_")
    # a ValueError, as MLPRegressor raises for this fit
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        sklearn_quietly(lambda: MLPRegressor(solver="sgd", random_state=seed).fit(X, y))


def test_weights_kept_after_an_overflow_are_verified_and_usable():
    """Several batches per epoch: the overflow comes in a batch of a later epoch, the weights
    of the last complete epoch still have a finite loss everywhere: they are kept, with the
    warning, and predict finite values."""
    X, y = large_targets(0, n=1000)
    model = SimpleMLPRegressor(solver="sgd", random_state=0)
    with pytest.warns(ConvergenceWarning, match="became infinite or NaN") as caught:
        model.fit(X, y)
    assert "were kept" in str(caught[0].message)
    assert model.n_iter_ >= 1 and np.isfinite(model.predict(X)).all()


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["classifier", "squared_error", "poisson"]),
    solver=st.sampled_from(["sgd", "adam", "lbfgs", "newton-cg"]),
    learning_rate_init=st.sampled_from([1e-3, 0.1, 3.0, 100.0]),
    x_scale=st.sampled_from([1.0, 30.0, 1e4]),
    y_scale=st.sampled_from([1.0, 1e3, 1e7]),
    batch_size=st.sampled_from([16, "auto"]),
    hidden=st.sampled_from([(6,), (5, 4)]),
    seed=st.integers(0, 3),
)
def test_after_any_fit_that_returns_the_training_predictions_are_finite(
    kind, solver, learning_rate_init, x_scale, y_scale, batch_size, hidden, seed
):
    """Solvers, losses, learning rates and scales chosen to provoke divergence: a fit either
    returns a model whose outputs on its training data are all finite, or raises
    DivergenceError and stays unfitted."""
    rng = np.random.RandomState(seed)
    X = x_scale * rng.normal(size=(60, 3))
    signal = X[:, 0] / x_scale
    if kind == "classifier":
        y = (signal > 0).astype(int) + (signal > 1)
        model = SimpleMLPClassifier(hidden)
    elif kind == "squared_error":
        y = y_scale * (signal + rng.normal(size=60))
        model = SimpleMLPRegressor(hidden_layer_sizes=hidden)
    else:
        y = rng.poisson(np.log1p(y_scale) * np.exp(signal)).astype(float)
        model = SimpleMLPRegressor(hidden_layer_sizes=hidden, loss="poisson")
    model.set_params(
        solver=solver,
        learning_rate_init=learning_rate_init,
        batch_size=batch_size,
        max_iter=15,
        random_state=seed,
    )
    try:
        quietly(lambda: model.fit(X, y))
    except DivergenceError:
        assert not hasattr(model, "n_iter_")
        return
    assert training_loss_is_finite(model, X, y)
    assert all(np.isfinite(W).all() for W in model.coefs_)


# --- a call that leaves nothing usable leaves the model as it was --------------------------------


def state_values(model):
    return copy.deepcopy(model._state.to_dict())


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_a_diverging_continued_fit_puts_the_fitted_model_back(how):
    """Work is never lost: a warm-started fit or a partial_fit call on data that makes every
    weight overflow raises, and the model is exactly what it was (weights, curves, optimizer,
    random stream), so training goes on as if the call had never happened."""
    X, y = large_targets(0)
    y = (y - y.mean()) / y.std()
    model = SimpleMLPRegressor(solver="adam", max_iter=5, random_state=0)
    twin = copy.deepcopy(quietly(lambda: model.fit(X, y)))
    before = state_values(model)
    model.set_params(warm_start=True)
    with pytest.raises(DivergenceError, match="left as it was before this call"):
        if how == "warm_start":
            model.fit(X, 1e200 * y)
        else:
            model.partial_fit(X, 1e200 * y)
    np.testing.assert_equal(state_values(model), before)
    quietly(lambda: model.partial_fit(X, y))
    quietly(lambda: twin.partial_fit(X, y))
    np.testing.assert_array_equal(model.coefs_[0], twin.coefs_[0])
    assert model.loss_curve_ == twin.loss_curve_


def test_a_diverging_refit_keeps_the_previous_model():
    """A fresh fit (no warm start) that leaves no usable weights puts back the model fitted
    before it, as a failed input check does."""
    X, y = large_targets(0)
    y = (y - y.mean()) / y.std()
    model = quietly(lambda: SimpleMLPRegressor(max_iter=5, random_state=0).fit(X, y))
    weights = model.coefs_[0].copy()
    with pytest.raises(DivergenceError):
        model.fit(X, 1e200 * y)
    np.testing.assert_array_equal(model.coefs_[0], weights)
    assert isinstance(model._state, TrainingState) and model.n_iter_ == 5


# --- an overflowing trial step is a failed trial -------------------------------------------------


def test_newton_cg_shortens_a_step_whose_loss_overflows():
    """Counts of mean ~3,000 on unscaled inputs: newton-cg's first full step overflows exp.
    Before, that ended the fit after 0 iterations (R² -12.6); now the step is cut to a tenth."""
    X, y = counts(8)
    model = quietly(
        lambda: SimpleMLPRegressor(
            hidden_layer_sizes=(50, 50), loss="poisson", solver="newton-cg", random_state=0
        ).fit(X, y)
    )
    assert model.n_iter_ > 10
    assert r2_score(y, model.predict(X)) > 0.95


def test_a_small_newton_cg_fit_shortens_its_overflowing_steps(monkeypatch):
    """The same on one hidden layer of 10 units, in a tenth of a second (the test the mutation
    run of training/newton.py uses): some trial steps overflow, and are shortened, not fatal."""
    X, y = counts(8)
    trials = []
    cut = newton._backtrack

    def recording(step, loss, slope, new_loss):
        trials.append(new_loss)
        return cut(step, loss, slope, new_loss)

    monkeypatch.setattr(newton, "_backtrack", recording)
    model = quietly(
        lambda: SimpleMLPRegressor(
            hidden_layer_sizes=(10,), loss="poisson", solver="newton-cg", random_state=0
        ).fit(X, y)
    )
    assert np.isinf(trials).any()  # the case under test happened
    assert model.n_iter_ > 10
    assert r2_score(y, model.predict(X)) > 0.95


@pytest.mark.skipif(
    "loss" not in inspect.signature(MLPRegressor).parameters,
    reason="MLPRegressor has loss='poisson' from scikit-learn 1.7 on",
)
def test_lbfgs_shortens_a_trial_step_whose_loss_overflows():
    """Counts of mean ~9e6 on unscaled inputs: a trial step of L-BFGS-B overflows exp. SciPy
    gives up on such a value (MLPRegressor's fit ends after 1 iteration, R² -32, and so did
    ours); the stand-in loss makes its line search try a shorter step instead."""
    X, y = counts(16)
    settings = dict(hidden_layer_sizes=(20, 20, 20), loss="poisson", solver="lbfgs")
    theirs = sklearn_quietly(lambda: MLPRegressor(**settings, random_state=0).fit(X, y))
    assert theirs.n_iter_ == 1 and sklearn_quietly(lambda: r2_score(y, theirs.predict(X))) < 0
    ours = quietly(lambda: SimpleMLPRegressor(**settings, random_state=0).fit(X, y))
    assert ours.n_iter_ > 100
    assert r2_score(y, ours.predict(X)) > 0.95


def test_the_backtracking_cut_after_an_overflow_is_a_tenth():
    assert newton._backtrack(1.0, 2.0, -1.0, np.inf) == pytest.approx(0.1)
    assert newton._backtrack(0.5, 2.0, -1.0, np.inf) == pytest.approx(0.05)


# --- newton-cg stops on a stalled loss -----------------------------------------------------------


def badly_scaled(n=1500, seed=0):
    from sklearn.datasets import make_classification

    X, y = make_classification(n, 20, n_informative=10, n_classes=3, random_state=seed)
    scales = np.logspace(-2, 2, 20)
    np.random.RandomState(seed).shuffle(scales)
    return X * scales, y


def test_newton_cg_stops_when_its_loss_has_stalled():
    """tol=1e-10 asks a gradient norm newton-cg cannot reach: before, it ran all max_iter
    iterations while the loss changed in its ninth digit. Now it stops, converged (no
    warning), after the first iteration whose relative reduction is at most FTOL."""
    X, y = badly_scaled()
    model = SimpleMLPClassifier(
        (50,), solver="newton-cg", alpha=1e-2, tol=1e-10, max_iter=500, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    curve = np.array(model.loss_curve_)
    assert model.n_iter_ < 500
    reductions = -np.diff(curve) / np.maximum(np.maximum(curve[:-1], curve[1:]), 1.0)
    assert reductions[-1] <= newton.FTOL
    assert (reductions[:-1] > newton.FTOL).all()


def test_a_small_newton_cg_fit_stops_when_its_loss_has_stalled():
    """The same on 300 rows and 10 hidden units, in a fifth of a second (the test the mutation
    run of training/newton.py uses)."""
    X, y = badly_scaled(300)
    model = SimpleMLPClassifier(
        (10,), solver="newton-cg", alpha=1e-2, tol=1e-10, max_iter=500, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    curve = np.array(model.loss_curve_)
    assert model.n_iter_ < 500 and model.n_iter_ == curve.size
    reductions = -np.diff(curve) / np.maximum(np.maximum(curve[:-1], curve[1:]), 1.0)
    assert reductions[-1] <= newton.FTOL
    assert (reductions[:-1] > newton.FTOL).all()


class _Quartic:
    """``offset + sum(x^4) / 4`` with the interface of a FullBatchObjective that
    minimize_newton uses: Newton's method converges on it only linearly (each step shortens
    x by about a third), so the relative reductions of its loss fall steadily through FTOL."""

    def __init__(self, offset):
        self.offset, self.n_evaluations = offset, 0
        self.X, self.sample_weight = np.zeros((3, 1)), None  # 3 rows: every row's curvature

    def __call__(self, x):
        self.n_evaluations += 1
        return self.offset + np.sum(x**4) / 4, x**3

    def keep_row_curvature(self):
        pass

    def curvature(self, x, rows=None, gauss_newton=True, row_weights=None):
        return lambda v: 3 * x**2 * v

    def squared_gradients(self, x, rows=None, row_weights=None):
        return np.ones_like(x)  # no spread: no preconditioner


@pytest.mark.parametrize("offset", [0.0, 0.6, 1.5, 1e3])
def test_the_stall_is_a_reduction_relative_to_the_larger_loss_or_1(offset):
    """The run stops at the first iteration whose reduction of the loss, relative to
    max(|f_k|, |f_k+1|, 1), is at most FTOL, and not before: below 1 the reduction itself
    counts, above it the reduction relative to the loss. Starting points spread over a factor
    of 2 in x (16 in the loss) put some last reductions between FTOL and 2 FTOL, where the
    scale decides the stopping iteration."""
    params = dict(max_iter=500, max_fun=10_000, tol=0.0, curvature="gauss-newton",
                  curvature_fraction=1.0)  # fmt: skip
    close_calls = 0
    for start in np.linspace(1.0, 2.0, 12):
        objective = _Quartic(offset)
        theta = np.array([start, -0.5 * start])
        losses = [objective(theta)[0]]
        result = newton.minimize_newton(
            objective, theta, params, lambda x, loss, out=losses: out.append(loss), None
        )
        losses = np.array(losses)
        scale = np.maximum(np.maximum(np.abs(losses[:-1]), np.abs(losses[1:])), 1.0)
        reductions = (losses[:-1] - losses[1:]) / scale
        assert result.converged and not result.hit_limit
        assert result.n_iter == reductions.size < 500
        assert reductions[-1] <= newton.FTOL and (reductions[:-1] > newton.FTOL).all()
        assert result.message.startswith("the loss stopped falling")
        close_calls += (reductions[:-1] <= 2 * newton.FTOL).any()
    assert close_calls > 0


def test_the_stall_threshold_is_that_of_lbfgs():
    """SciPy's L-BFGS-B default: ftol = factr * eps with factr = 1e7."""
    assert newton.FTOL == pytest.approx(2.220446049250313e-09, rel=1e-15)


# --- the command line ----------------------------------------------------------------------------


def test_the_command_line_says_in_one_line_that_training_diverged(tmp_path, capsys):
    X, y = large_targets(0)
    data = tmp_path / "large.csv"
    with open(data, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["a", "b", "c", "d", "e", "price"])
        writer.writerows([[*row, value] for row, value in zip(X.tolist(), y, strict=True)])
    output = tmp_path / "model.npz"
    argv = ["fit", str(data), "--target", "price", "-o", str(output)]
    code = main([*argv, "--param", "solver=sgd", "--param", "learning_rate_init=10"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("sknn-simple fit: error: training diverged")
    assert "learning_rate_init=1" in err and "overflow encountered" not in err + out
    assert not output.exists()


class _Overflowing:
    """A loss ``|x|^2 / 2`` that overflows beyond ``|x| > 10``, as a FullBatchObjective would."""

    def __call__(self, x):
        if np.linalg.norm(x) > 10:
            raise NonFiniteError("the loss or its gradient overflowed")
        return 0.5 * float(x @ x), x.copy()


def test_the_stand_in_for_an_overflowing_loss_is_the_documented_parabola():
    """Where the loss overflows, L-BFGS-B sees the parabola ``q(s) = f0 + s a + 5 |a| s^2``
    along the segment from the last point that did not (``a`` the slope there), lifted above
    the last iterate's loss: its value ``f0 + lift + 4 |a|`` and slope ``9 |a|`` at the
    failed point send the line search to about a tenth of the step. Where the slope along the
    segment is 0, ``|g0| |D|`` stands in for ``|a|``, and 1 where that is 0 too."""
    fun = _BackOff(_Overflowing())
    x0 = np.array([3.0, 4.0])
    f0, g0 = fun(x0)
    with pytest.raises(NonFiniteError):  # the starting point itself: nothing to back off to
        _BackOff(_Overflowing())(np.array([30.0, 40.0]))
    for lift in [0.0, 2.5]:
        fun.iterate_loss = f0 + lift
        x = x0 - 10 * g0  # a step along -g0 that overshoots into overflow
        D = x - x0
        a = float(g0 @ D)
        value, grad = fun(x)
        assert a < 0
        assert value == pytest.approx(f0 + lift + 4 * abs(a), rel=1e-12)
        assert float(grad @ D) == pytest.approx(9 * abs(a), rel=1e-12)
        # the parabola's minimum along the segment: a tenth of the step
        assert -a / (2 * (value - f0 - lift - a)) == pytest.approx(0.1)
    fun.iterate_loss = -np.inf  # no lift below the point it backs off from
    x = x0 + 100 * np.array([4.0, -3.0])  # orthogonal to g0: a = 0
    value, grad = fun(x)
    drop = np.linalg.norm(g0) * np.linalg.norm(x - x0)
    assert value == pytest.approx(f0 + 5 * drop, rel=1e-12)
    np.testing.assert_allclose(grad, g0 + 10 * drop / float((x - x0) @ (x - x0)) * (x - x0))
    fresh = _BackOff(_Overflowing())  # before the first iterate (the first line search)
    fresh(x0)
    value, _ = fresh(x0 - 10 * g0)
    assert value == pytest.approx(f0 + 4 * abs(float(g0 @ (-10 * g0))), rel=1e-12)
    at_the_minimum = _BackOff(_Overflowing())  # g0 = 0: the drop is 1
    at_the_minimum(np.zeros(2))
    D = np.array([30.0, 40.0])
    value, grad = at_the_minimum(D)
    assert value == 5.0
    np.testing.assert_allclose(grad, 10 * D / float(D @ D))


def test_each_overflow_is_reported_by_what_overflowed():
    """A finite loss whose gradient's norm is beyond 1e150 (its square would overflow in the
    solvers) is an overflow too; so are a curvature product and squared gradients that
    overflow. Each raises NonFiniteError saying which of them overflowed."""
    from sknn_simple.core.network import Layout
    from sknn_simple.training.full_batch import FullBatchObjective

    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(50, 3)), rng.normal(size=(50, 1))
    layout = Layout((3, 4, 1))
    model = dict(activation="tanh", head="identity", alpha=0.0)
    objective = FullBatchObjective(layout, X, Y, model, None, np.float64)
    theta = rng.normal(scale=0.1, size=layout.size)
    far = theta.copy()
    far[-1] = 1e151  # outputs of 1e151: a loss of 5e301, a gradient of 1e151
    with np.errstate(over="ignore", invalid="ignore"):  # the overflows under test
        with pytest.raises(NonFiniteError) as error:
            objective(far)
        assert str(error.value) == "the loss or its gradient overflowed"
        with pytest.raises(NonFiniteError) as error:
            objective.curvature(theta, None, True)(np.full(theta.size, 1e200))
        assert str(error.value) == "the curvature (Hessian-vector product) overflowed"
        far[-1] = 1e160  # per-row gradients whose squares overflow
        with pytest.raises(NonFiniteError) as error:
            objective.squared_gradients(far)
        assert str(error.value) == "the squared gradients overflowed"
    assert np.isfinite(objective(theta)[0])
