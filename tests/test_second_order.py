"""The second-order solvers: exact curvature products, convex reference problems, behaviour."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier
from sknn_simple.core.curvature import hessian_product, squared_gradient_diagonal
from sknn_simple.core.heads import HEADS
from sknn_simple.core.network import Layout, forward, loss_and_grad
from sknn_simple.training import newton
from sknn_simple.training.full_batch import FullBatchObjective
from sknn_simple.training.newton import curvature_sample, inclusion_probabilities

from .helpers import assert_same_parameters

SOLVERS = ["lbfgs", "newton-cg"]
CURVATURES = ["gauss-newton", "hessian"]


@pytest.fixture(scope="module")
def noisy_problems():
    """Two non-separable problems, so that unpenalized logistic regression has a minimum."""
    problems = {}
    for n_classes in (2, 3):
        X, y = make_classification(
            300,
            5,
            n_informative=3,
            n_redundant=0,
            n_classes=n_classes,
            flip_y=0.2,
            class_sep=0.5,
            random_state=0,
        )
        problems[n_classes] = (X, y)
    return problems


@pytest.mark.parametrize("n_classes", [2, 3])
def test_identity_network_reaches_the_logistic_regression_minimum(noisy_problems, n_classes):
    """With f(z) = z the network computes X (W1 W2) + (b1 W2 + b2): a linear model, and with
    h >= n_classes every linear model. Without a penalty its minimum loss is that of
    (unpenalized) logistic regression, which both solvers must reach."""
    X, y = noisy_problems[n_classes]
    with warnings.catch_warnings():  # scikit-learn 1.8 warns about its own reading of C=inf
        warnings.filterwarnings("ignore", "Setting penalty=None", UserWarning)
        reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    reference_loss = log_loss(y, reference.predict_proba(X))
    # newton-cg with each curvature: Gauss-Newton (the default) and the exact Hessian
    for solver, curvature in [("lbfgs", "gauss-newton"), *(("newton-cg", c) for c in CURVATURES)]:
        model = SimpleMLPClassifier(
            8,
            activation="identity",
            solver=solver,
            curvature=curvature,
            alpha=0.0,
            tol=1e-9,
            max_iter=2000,
            random_state=0,
        )
        with warnings.catch_warnings():
            # At tol=1e-9 the trust region may shrink to rounding level first; the loss
            # comparison below is what matters.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        assert model.loss_ == pytest.approx(reference_loss, rel=1e-6), (solver, curvature)
        np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_both_solvers_reach_the_same_penalized_minimum(noisy_problems, n_classes):
    X, y = noisy_problems[n_classes]
    losses = []
    for solver in SOLVERS:
        model = SimpleMLPClassifier(
            8,
            activation="identity",
            solver=solver,
            alpha=1.0,
            tol=1e-9,
            max_iter=2000,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            losses.append(model.fit(X, y).loss_)
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("solver", SOLVERS)
def test_loss_curve_iterations_and_verbose(digits, solver, capsys):
    X, y = digits
    model = SimpleMLPClassifier(20, solver=solver, max_iter=5, verbose=True, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):
        model.fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == 5
    assert model.loss_ == model.loss_curve_[-1]
    assert model.best_loss_ == min(model.loss_curve_)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5
    assert all(
        line.startswith(f"Iteration {i + 1}, loss = ") and "gradient norm = " in line
        for i, line in enumerate(lines)
    )
    # the printed loss is the recorded one
    assert float(lines[-1].split("loss = ")[1].split(",")[0]) == pytest.approx(model.loss_)


@pytest.mark.parametrize("solver", SOLVERS)
def test_loss_curve_records_the_objective_at_each_iterate(digits, solver):
    X, y = digits
    model = SimpleMLPClassifier(10, solver=solver, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    Y = np.eye(10)[y]
    loss, _ = loss_and_grad(model._state.theta, model._layout, X, Y, "relu", "softmax", model.alpha)
    assert model.loss_ == pytest.approx(loss, rel=1e-12)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_loss_is_set_when_the_starting_weights_have_converged(digits, solver, estimator):
    """A tol the starting gradient already meets: no iteration runs (n_iter_ == 0, as
    MLPClassifier's lbfgs), and loss_ is the loss of the returned weights, not missing."""
    from sknn_simple import SimpleMLPRegressor

    X, y = digits
    X, y = X[:200], y[:200]
    if estimator == "classifier":
        model = SimpleMLPClassifier(10, solver=solver, tol=1e6, random_state=0).fit(X, y)
        Y, head = np.eye(10)[y], "softmax"
    else:
        model = SimpleMLPRegressor(
            hidden_layer_sizes=10, solver=solver, tol=1e6, random_state=0
        ).fit(X, y)
        Y, head = y[:, None].astype(float), "identity"
    assert model.n_iter_ == 0 and model.loss_curve_ == []
    loss, _ = loss_and_grad(model._state.theta, model._layout, X, Y, "relu", head, model.alpha)
    assert model.loss_ == pytest.approx(loss, rel=1e-12)


def test_lbfgs_max_fun_bounds_loss_evaluations(digits):
    X, y = digits
    with pytest.warns(ConvergenceWarning, match="max_fun=7"):
        SimpleMLPClassifier(20, solver="lbfgs", max_fun=7, random_state=0).fit(X, y)


def test_newton_max_fun_bounds_loss_evaluations(digits):
    X, y = digits
    model = SimpleMLPClassifier(20, solver="newton-cg", max_fun=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_fun=3"):
        model.fit(X, y)
    assert model.n_iter_ <= 3


@pytest.mark.parametrize("solver", SOLVERS)
def test_partial_fit_is_absent_with_a_clear_message(solver):
    model = SimpleMLPClassifier(solver=solver)
    assert not hasattr(model, "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as excinfo:
        model.partial_fit([[0.0]], [0], classes=[0, 1])
    # scikit-learn's available_if chains the reason, which the traceback shows.
    assert "only available for the stochastic solvers 'sgd' and 'adam'" in str(
        excinfo.value.__cause__
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_sample_weight_alpha_sparse_float32_multilabel(digits, solver):
    X, y = digits
    X, y = X[:400], y[:400]
    sw = np.random.RandomState(0).uniform(0.5, 2, size=len(y))
    # (newton-cg converges in about 20 iterations here; that close to the minimum, a rounding
    # difference between the sparse and dense products can flip a discrete choice -- where CG
    # stops -- and the fits then differ by 1e-5: compared after 10 iterations, they are equal.)
    max_iter = 20 if solver == "lbfgs" else 10
    settings = dict(solver=solver, max_iter=max_iter, alpha=0.01, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = SimpleMLPClassifier(10, **settings).fit(X, y, sample_weight=sw)
        sparse = SimpleMLPClassifier(10, **settings).fit(sp.csr_matrix(X), y, sample_weight=sw)
        single = SimpleMLPClassifier(10, **settings).fit(X.astype(np.float32), y, sample_weight=sw)
        labels = np.c_[y > 4, y % 2 == 0]
        multilabel = SimpleMLPClassifier(10, **settings).fit(X, labels)
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X), atol=1e-8)
    assert single.coefs_[0].dtype == np.float32
    assert single.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert (single.predict(X) == dense.predict(X)).mean() > 0.95
    assert multilabel.predict(X).shape == labels.shape
    assert (multilabel.predict(X) == labels).mean() > 0.9
    # Full batch: an integer weight k is exactly k copies of the row.
    counts = np.random.RandomState(1).randint(0, 3, size=len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = SimpleMLPClassifier(10, **settings).fit(X, y, sample_weight=counts)
        repeated = SimpleMLPClassifier(10, **settings).fit(
            X.repeat(counts, axis=0), y.repeat(counts)
        )
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("solver", SOLVERS)
def test_warm_start_continues_from_the_fitted_weights(digits, solver):
    X, y = digits
    model = SimpleMLPClassifier(10, solver=solver, max_iter=3, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
        first = model.loss_
        model.fit(X, y)
    assert len(model.loss_curve_) == 6 and model.n_iter_ == 3
    assert model.loss_ < first


@pytest.mark.parametrize("solver", SOLVERS)
def test_early_stopping_keeps_the_best_iterate(digits, solver):
    X, y = digits
    settings = dict(solver=solver, early_stopping=True, scoring="loss", random_state=0)
    # lbfgs ignores early_stopping, as MLPClassifier's, unless fit is given a validation set
    given = {}
    if solver == "lbfgs":
        X, y, given = X[150:], y[150:], dict(X_val=X[:150], y_val=y[:150])
    model = SimpleMLPClassifier(20, n_iter_no_change=2, max_iter=500, **settings)
    model.fit(X, y, **given)
    assert len(model.validation_scores_) == len(model.validation_loss_curve_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    # The kept weights are those of the iterate of lowest validation loss, not of the last
    # iterate: the same fit stopped right after the best iterate ends on the same weights.
    best = int(np.argmin(model.validation_loss_curve_))
    assert best < model.n_iter_ - 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        replay = SimpleMLPClassifier(
            20, n_iter_no_change=10_000, max_iter=best + 1, **settings
        ).fit(X, y, **given)
    assert replay.validation_loss_curve_ == model.validation_loss_curve_[: best + 1]
    assert_same_parameters(model, replay, rtol=0, atol=0)


def test_newton_cg_reaches_97_percent_on_digits():
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    scaler = StandardScaler().fit(X_train)
    model = SimpleMLPClassifier(solver="newton-cg", random_state=0)
    model.fit(scaler.transform(X_train), y_train)
    assert model.score(scaler.transform(X_test), y_test) >= 0.97


@pytest.mark.parametrize("hidden", [(32, 16), (32, 16, 8)])
def test_lbfgs_reaches_the_loss_of_mlpclassifier_lbfgs(digits, hidden, exact_mlp_loss):
    """Deeper networks: our L-BFGS reaches the final training loss of MLPClassifier's."""
    from sklearn.neural_network import MLPClassifier

    X, y = digits
    settings = dict(solver="lbfgs", random_state=0, max_iter=150)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = MLPClassifier(hidden, **settings).fit(X, y)
        ours = SimpleMLPClassifier(hidden, **settings).fit(X, y)
    assert len(ours.coefs_) == len(hidden) + 1
    assert min(ours.loss_curve_) <= theirs.loss_ * (1 + 1e-6)


# --- where newton-cg measures the curvature -------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1e6)), min_size=2, max_size=60).filter(
        lambda c: sum(x > 0 for x in c) >= 2
    ),
    st.floats(0.01, 1.5),
)
def test_inclusion_probabilities_follow_the_curvature_and_sum_to_the_rows_asked(c, share):
    """pi_i = min(1, tau c_i) summing to n_rows: capped rows carry the most curvature, the
    others are proportional to it, and rows without curvature are never drawn. Asked for at
    least as many rows as carry curvature, every such row is drawn."""
    c = np.array(c)
    positive = np.count_nonzero(c)
    n_rows = max(1, int(share * positive))
    pi = inclusion_probabilities(c, n_rows)
    assert np.all((pi >= 0) & (pi <= 1)) and np.all(pi[c == 0] == 0)
    if n_rows >= positive:
        np.testing.assert_allclose(pi, c > 0, atol=1e-12)
        return
    assert pi.sum() == pytest.approx(n_rows, rel=1e-9)
    free = (pi < 1) & (c > 0)
    np.testing.assert_allclose(pi[free] / c[free], (pi[free] / c[free])[0], rtol=1e-9)
    if free.any() and (pi == 1).any():
        assert c[pi == 1].min() >= c[free].max()


def test_curvature_rows_are_drawn_with_their_probability_and_weighted_by_its_inverse():
    """Each row is drawn with probability pi_i and weighted w_i / pi_i: a sum over the drawn
    rows estimates the sum over every row without bias (Horvitz-Thompson). A row of weight 0
    is never drawn; every row of positive weight can be."""
    rng = np.random.default_rng(0)
    n = 200
    trace = np.r_[np.zeros(50), rng.uniform(0, 1e-3, 100), rng.uniform(0.2, 0.9, 50)]
    weight = rng.uniform(0.5, 2.0, n)
    weight[::20] = 0.0
    c = weight * (trace + newton.FLOOR * np.average(trace, weights=weight))
    pi = inclusion_probabilities(c, 40)
    counts = np.zeros(n)
    draws = 4000
    for _ in range(draws):
        rows, row_weights = curvature_sample(trace, weight, 40, rng)
        np.testing.assert_allclose(row_weights, weight[rows] / pi[rows])
        counts[rows] += 1
    assert counts[weight == 0].sum() == 0 and np.all(pi[weight > 0] > 0)
    spread = np.sqrt(draws * pi * (1 - pi))
    assert np.all(np.abs(counts - draws * pi) <= 5 * spread + 1e-9)
    # the rows that carry curvature are drawn far more often than those without it
    carry, positive = np.arange(n) >= 150, weight > 0
    assert counts[carry & positive].mean() > 10 * counts[~carry & positive].mean()


def test_without_sample_weights_rows_are_drawn_by_curvature_alone():
    rng = np.random.default_rng(1)
    trace = np.r_[np.full(10, 0.5), np.full(90, 1e-4)]
    pi = inclusion_probabilities(trace + newton.FLOOR * trace.mean(), 20)
    counts = np.zeros(100)
    for _ in range(2000):
        rows, row_weights = curvature_sample(trace, None, 20, rng)
        np.testing.assert_allclose(row_weights, 1 / pi[rows])
        counts[rows] += 1
    assert np.all(counts[:10] == 2000) and counts[10:].sum() > 0


def test_no_curvature_anywhere_draws_rows_by_weight():
    rows, row_weights = curvature_sample(np.zeros(100), None, 10, np.random.default_rng(0))
    assert 0 < rows.size < 40
    np.testing.assert_allclose(row_weights, 10.0)  # 1 / (10 / 100)


def make_objective(digits, sample_weight=None):
    X, y = digits
    X, Y = X[:300], np.eye(10)[y[:300]]
    layout = Layout((X.shape[1], 12, 10))
    theta = np.random.RandomState(0).normal(scale=0.1, size=layout.size)
    model = dict(activation="tanh", head="softmax", alpha=0.5)
    return FullBatchObjective(layout, X, Y, model, sample_weight, np.float64), theta


def test_the_row_curvature_of_the_last_evaluation_is_reused(digits):
    """Newton's sampling weights come from the evaluation at the accepted point, free; at a
    point not evaluated last they cost one evaluation."""
    objective, theta = make_objective(digits)
    objective.keep_row_curvature()
    objective(theta)
    trace = objective.row_curvature(theta).copy()
    assert objective.n_evaluations == 1
    Z, _, _ = forward(theta, objective.layout, objective.X, "tanh")
    np.testing.assert_allclose(trace, HEADS["softmax"].curvature_trace(HEADS["softmax"].output(Z)))
    other = theta + 0.1
    objective.row_curvature(other)
    assert objective.n_evaluations == 2
    assert not np.allclose(objective.row_curvature(other), trace)
    assert objective.n_evaluations == 2


@pytest.mark.parametrize("weighted", [False, True])
def test_the_subsample_curvature_is_the_weighted_rows_curvature(digits, weighted):
    """The curvature on drawn rows is the product on those rows with their weights (over their
    total), plus the whole set's penalty; drawing every row with its own weight gives the
    whole set's curvature."""
    sw = np.random.RandomState(3).uniform(0.5, 2, 300) if weighted else None
    objective, theta = make_objective(digits, sw)
    v = np.random.RandomState(4).normal(size=theta.size)
    rows = np.arange(0, 300, 7)
    row_weights = np.random.RandomState(5).uniform(1, 3, rows.size)
    total = 300 if sw is None else sw.sum()
    expected = hessian_product(
        theta, objective.layout, objective.X[rows], objective.Y[rows], "tanh", "softmax",
        sample_weight=row_weights, gauss_newton=True,
    )(v)  # fmt: skip
    expected[: objective.layout.n_weights] += 0.5 / total * v[: objective.layout.n_weights]
    np.testing.assert_allclose(
        objective.curvature(theta, rows, True, row_weights)(v), expected, rtol=1e-12
    )
    every = np.arange(300)
    whole = objective.curvature(theta, None, True)(v)
    np.testing.assert_allclose(
        objective.curvature(theta, every, True, np.ones(300) if sw is None else sw)(v),
        whole,
        rtol=1e-10,
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_the_subsample_squared_gradients_are_the_weighted_rows_ones(digits, weighted):
    """The preconditioner's diagonal on drawn rows is that of those rows with their weights
    (over their total), plus the whole set's penalty, as for the curvature."""
    sw = np.random.RandomState(3).uniform(0.5, 2, 300) if weighted else None
    objective, theta = make_objective(digits, sw)
    rows = np.arange(0, 300, 7)
    row_weights = np.random.RandomState(5).uniform(1, 3, rows.size)
    total = 300 if sw is None else sw.sum()
    X, Y = objective.X[rows], objective.Y[rows]
    expected = squared_gradient_diagonal(theta, objective.layout, X, Y, "tanh", "softmax",
                                         sample_weight=row_weights)  # fmt: skip
    expected[: objective.layout.n_weights] += 0.5 / total
    got = objective.squared_gradients(theta, rows, row_weights)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    whole = squared_gradient_diagonal(
        theta, objective.layout, objective.X, objective.Y, "tanh", "softmax", 0.5, sw
    )
    np.testing.assert_allclose(objective.squared_gradients(theta), whole, rtol=1e-12)


def test_preconditioned_conjugate_gradients_solve_a_badly_scaled_system():
    """CG with the diagonal preconditioner solves ``(C + damping I) d = -g`` to its residual
    target (here 1e-4 of |g|) on curvatures spread over eight orders of magnitude, in a few
    products; plain CG, under the same stopping rules, ends far from the solution."""
    rng = np.random.RandomState(0)
    n = 40
    Q = rng.normal(size=(n, n)) / np.sqrt(n)
    D = np.sqrt(np.logspace(-4, 4, n))
    C = D[:, None] * (np.eye(n) + 0.3 * Q @ Q.T) * D  # SPD, the diagonal spans 1e-4 .. 1e4
    grad = 1e-8 * rng.normal(size=n)  # residual target min(0.5, sqrt|g|) |g| ~ 1e-4 |g|
    damping = 1e-6
    residuals, products = {}, {}
    for name, scale in [("plain", np.ones(n)), ("diagonal", np.diag(C) + damping)]:
        count = [0]

        def curvature(v, count=count):
            count[0] += 1
            return C @ v

        d, slope, bend = newton._conjugate_gradients(curvature, grad, damping, np.zeros(n), scale)
        assert slope == pytest.approx(grad @ d) and bend == pytest.approx(d @ C @ d)
        residuals[name] = np.linalg.norm(C @ d + damping * d + grad) / np.linalg.norm(grad)
        products[name] = count[0]
    assert residuals["diagonal"] <= 1.01e-4 and products["diagonal"] <= 20, (residuals, products)
    assert residuals["plain"] > 100 * residuals["diagonal"], residuals


def test_spread_is_the_99th_percentile_of_the_positive_entries_over_their_median():
    squared = np.concatenate([np.zeros(50), np.arange(1.0, 101.0)])
    assert newton.spread(squared) == pytest.approx(99.01 / 50.5)
    assert newton.spread(np.zeros(10)) == 0.0


@pytest.mark.parametrize("scaled", [False, True])
def test_the_preconditioner_is_on_for_features_on_very_different_scales_only(monkeypatch, scaled):
    """Decided at the first iteration by the spread of the squared gradients: columns on
    scales from 1e-2 to 1e2 turn it on (a diagonal, recomputed every iteration), standardized
    ones leave plain CG (the scale 1.0)."""
    X, y = make_classification(2000, 20, n_informative=10, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X)
    if not scaled:
        X = X * np.logspace(-2, 2, 20)
    scales = []
    solve = newton._conjugate_gradients

    def recording(curvature, grad, damping, start, scale):
        scales.append(scale)
        return solve(curvature, grad, damping, start, scale)

    monkeypatch.setattr(newton, "_conjugate_gradients", recording)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        SimpleMLPClassifier(solver="newton-cg", max_iter=3, random_state=0).fit(X, y)
    assert len(scales) == 3
    if scaled:
        assert all(isinstance(scale, float) and scale == 1.0 for scale in scales)
    else:
        assert all(isinstance(scale, np.ndarray) for scale in scales)
        assert not np.array_equal(scales[0], scales[1])  # measured afresh at each iteration
        assert scales[0].max() / scales[0].min() > 10  # (F + damping) ** 0.75, damping 1 at first


def test_newton_cg_on_fitted_data_needs_few_iterations():
    """Once most rows are fitted, few carry curvature: drawn by it, the subsample keeps them
    and the steps stay Newton steps. newton-cg reaches the loss of 100 L-BFGS iterations on
    digits / 16 in 20 iterations; drawn uniformly (before) it took 79."""
    X, y = load_digits(return_X_y=True)
    X = X / 16
    settings = dict(hidden_layer_sizes=100, max_iter=100, tol=0.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        target = SimpleMLPClassifier(solver="lbfgs", **settings).fit(X, y).loss_
        newton_cg = SimpleMLPClassifier(solver="newton-cg", **settings).fit(X, y)
    reached = np.flatnonzero(np.array(newton_cg.loss_curve_) <= target)
    assert reached.size and reached[0] < 40


def test_a_failed_step_is_cut_to_the_minimum_of_the_parabola_within_bounds():
    """After a step fails Armijo's test, the next is the minimizer of the parabola through the
    loss and slope at 0 and the loss at the step, kept within [0.1, 0.5] of the step."""

    def loss(t):  # a parabola with its minimum at t = 0.125
        return 1 - t + 4 * t * t

    assert newton._backtrack(1.0, loss(0), -1.0, loss(1.0)) == pytest.approx(0.125)
    assert newton._backtrack(0.5, loss(0), -1.0, loss(0.5)) == pytest.approx(0.125)
    assert newton._backtrack(1.0, 1.0, -1.0, 0.5) == 0.5  # barely failed: halve
    assert newton._backtrack(2.0, 1.0, -1.0, 1e6) == pytest.approx(0.2)  # far too long
