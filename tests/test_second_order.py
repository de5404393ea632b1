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


def make_objective(digits, sample_weight=None, n=300):
    X, y = digits
    X, Y = X[:n], np.eye(10)[y[:n]]
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
    P = HEADS["softmax"].output(Z)
    np.testing.assert_allclose(trace, HEADS["softmax"].curvature_trace(P, P - objective.Y))
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


@pytest.mark.parametrize("weighted", [False, True])
def test_rows_given_without_weights_keep_their_sample_weights(digits, weighted):
    """Rows asked for without weights of their own are weighted by their sample weights (none
    for an unweighted fit); rows whose weights are all 0 say nothing, so the curvature and
    the squared gradients are then the whole set's."""
    sw = np.random.RandomState(3).uniform(0.5, 2, 300) if weighted else None
    objective, theta = make_objective(digits, sw)
    rows = np.arange(0, 300, 7)
    v = np.random.RandomState(4).normal(size=theta.size)
    X, Y, w = objective.X[rows], objective.Y[rows], None if sw is None else sw[rows]
    n_weights, total = objective.layout.n_weights, 300 if sw is None else sw.sum()
    expected = hessian_product(theta, objective.layout, X, Y, "tanh", "softmax",
                               sample_weight=w, gauss_newton=True)(v)  # fmt: skip
    expected[:n_weights] += 0.5 / total * v[:n_weights]
    np.testing.assert_allclose(objective.curvature(theta, rows, True)(v), expected, rtol=1e-12)
    expected = squared_gradient_diagonal(theta, objective.layout, X, Y, "tanh", "softmax",
                                         sample_weight=w)  # fmt: skip
    expected[:n_weights] += 0.5 / total
    np.testing.assert_allclose(objective.squared_gradients(theta, rows), expected, rtol=1e-12)
    zeros = np.zeros(rows.size)
    np.testing.assert_array_equal(
        objective.curvature(theta, rows, True, zeros)(v), objective.curvature(theta, None, True)(v)
    )
    np.testing.assert_array_equal(
        objective.squared_gradients(theta, rows, zeros), objective.squared_gradients(theta)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_objective_is_the_network_in_the_models_dtype(digits, dtype):
    """The solvers work in float64; the objective evaluates the network in the model's dtype:
    at a float64 point it gives exactly loss_and_grad's loss and gradient at that point cast
    to the dtype, with targets in the dtype, and returns the gradient in float64."""
    X, y = digits
    X, Y = X[:300].astype(dtype), np.eye(10)[y[:300]]
    layout = Layout((X.shape[1], 12, 10))
    model = dict(activation="tanh", head="softmax", alpha=0.5)
    objective = FullBatchObjective(layout, X, Y, model, None, dtype)
    for seed in range(2):  # the first evaluation, and one on the buffers it made
        x = np.random.RandomState(seed).normal(scale=0.1, size=layout.size)
        loss, grad = objective(x)
        expected_loss, expected_grad = loss_and_grad(
            x.astype(dtype), layout, X, Y.astype(dtype), **model
        )
        assert loss == expected_loss and grad.dtype == np.float64
        np.testing.assert_array_equal(grad, expected_grad.astype(np.float64))


def test_evaluations_reuse_their_buffers():
    """The objective keeps the forward and backward passes' arrays from one evaluation to the
    next: an evaluation after the first allocates less than one hidden layer's (n, h) array."""
    import tracemalloc

    n, hidden = 4000, 50
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(n, 20)), np.eye(3)[rng.randint(3, size=n)]
    layout = Layout((20, hidden, 3))
    objective = FullBatchObjective(
        layout, X, Y, dict(activation="relu", head="softmax", alpha=0.0), None, np.float64
    )
    x = rng.normal(scale=0.1, size=layout.size)
    objective(x)
    tracemalloc.start()
    try:
        objective(x + 0.01)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < n * hidden * 8


def test_the_gradient_norms_of_the_last_three_points_are_remembered(digits):
    """grad_norm reports, without evaluating anything, the gradient norm of any of the last
    three points evaluated, and NaN for a point before them or never evaluated."""
    objective, theta = make_objective(digits)
    points = [theta + 0.01 * i for i in range(4)]
    norms = [np.linalg.norm(objective(x)[1]) for x in points]
    assert np.isnan(objective.grad_norm(points[0]))
    for x, norm in zip(points[1:], norms[1:], strict=True):
        assert objective.grad_norm(x) == norm
    assert np.isnan(objective.grad_norm(theta + 1.0))
    assert objective.n_evaluations == 4


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


def spd_system(n, seed, spread=1.0):
    """A symmetric positive definite matrix whose diagonal spans ``spread`` orders of
    magnitude, and a gradient."""
    rng = np.random.RandomState(seed)
    Q = rng.normal(size=(n, n)) / np.sqrt(n)
    D = np.sqrt(np.logspace(-spread / 2, spread / 2, n))
    return D[:, None] * (np.eye(n) + 0.3 * Q @ Q.T) * D, rng.normal(size=n)


@pytest.mark.parametrize("damping", [0.1, 1.0, 10.0])
@pytest.mark.parametrize("preconditioned", [False, True])
def test_conjugate_gradients_from_a_previous_direction_solve_the_damped_system(
    damping, preconditioned
):
    """The direction is the damped Newton step ``-(C + damping I)^-1 g`` (the damping shortens
    it, as a trust region would), also when CG starts from the previous direction: a direct
    solve is the oracle. A small gradient makes the residual target tight (sqrt|g| |g|)."""
    n = 30
    C, grad = spd_system(n, 1)
    grad *= 1e-10 / np.linalg.norm(grad)
    exact = np.linalg.solve(C + damping * np.eye(n), -grad)
    undamped = np.linalg.solve(C, -grad)
    scale = (np.diag(C) + damping) ** newton.PRECONDITIONER if preconditioned else 1.0
    for start in [np.zeros(n), 0.5 * exact, 2.0 * exact, 0.5 * undamped]:
        d, slope, bend = newton._conjugate_gradients(lambda v: C @ v, grad, damping, start, scale)
        np.testing.assert_allclose(d, exact, rtol=1e-4, atol=1e-4 * np.linalg.norm(exact))
        assert slope == pytest.approx(grad @ exact, rel=1e-4)
        assert bend == pytest.approx(exact @ C @ exact, rel=1e-4)
    # the larger the damping, the shorter the step
    assert np.linalg.norm(exact) < np.linalg.norm(undamped)


def test_a_start_that_does_not_point_downhill_is_dropped_for_zero():
    """The previous direction starts CG only where the quadratic model falls along it
    (``g . start < 0``): from an uphill or flat start, CG runs as from zero, and ends on the
    same direction, bit for bit. CG is cut short here (few iterations on a badly conditioned
    system), so a start it kept would show in the result."""
    n = 40
    C, grad = spd_system(n, 2, spread=6.0)
    grad[0] = 0.0  # so that a start along the first axis is flat: g . start == 0 exactly
    damping = 1e-6
    from_zero = newton._conjugate_gradients(lambda v: C @ v, grad, damping, np.zeros(n), 1.0)
    downhill = -grad / np.linalg.norm(grad)
    flat = np.eye(n)[0]
    assert grad @ flat == 0.0
    for start in [-0.1 * downhill, 0.01 * (0.1 * flat - downhill), 10 * flat]:
        assert grad @ start >= 0
        got = newton._conjugate_gradients(lambda v: C @ v, grad, damping, start, 1.0)
        np.testing.assert_array_equal(got[0], from_zero[0])
        assert got[1:] == from_zero[1:]
    # a start that points downhill is kept, and CG ends elsewhere
    kept = newton._conjugate_gradients(lambda v: C @ v, grad, damping, 0.1 * downhill, 1.0)
    assert not np.array_equal(kept[0], from_zero[0])


def test_every_cut_step_stays_within_a_tenth_and_a_half_of_the_failed_one():
    """Whatever the losses, the next step is between 0.1 and 0.5 times the failed step, for
    a step of any length: a step that barely failed is halved, one far too long cut to a
    tenth, and one in between set to the parabola's minimum."""
    for step in [1e-3, 0.3, 0.5, 1.0, 4.0]:
        # barely failed: the parabola's minimum lies beyond half the step
        assert newton._backtrack(step, 1.0, -1.0, 1.0 - 0.9 * step) == pytest.approx(0.5 * step)
        assert newton._backtrack(step, 1.0, -1.0, 1.0 + 1e6 * step) == pytest.approx(0.1 * step)
        assert newton._backtrack(step, 1.0, -1.0, np.inf) == pytest.approx(0.1 * step)
        # the loss 1 - t + t^2 / (0.6 step) has its minimum at 0.3 step
        new_loss = 1.0 - step + step / 0.6
        assert newton._backtrack(step, 1.0, -1.0, new_loss) == pytest.approx(0.3 * step)


def test_rows_without_curvature_raise_no_floating_point_warning():
    """Rows of curvature 0 (weight 0, or saturated outputs) make some of the candidate
    normalizations 0/0 or x/0: they are discarded, and the user sees no RuntimeWarning."""
    cases = [
        (np.array([1.0, 0.0, 0.0]), 2),  # (2 - 2) / 0: invalid
        (np.array([3.0, 1.0, 0.0, 0.0]), 1),  # (1 - 2) / 0: divide
        (np.array([5.0, 2.0, 1.0, 0.0, 0.0, 0.0]), 4),
        (np.zeros(4), 2),
    ]
    with np.errstate(all="warn"), warnings.catch_warnings():
        warnings.simplefilter("error")
        for c, n_rows in cases:
            pi = inclusion_probabilities(c, n_rows)
            assert np.all(pi[c == 0] == 0) and np.all((pi >= 0) & (pi <= 1))
            assert pi.sum() == pytest.approx(min(n_rows, np.count_nonzero(c)))


# --- what each Newton iteration measures, and on which rows ----------------------------------


def spy_on_newton(monkeypatch):
    """Record, per call, what minimize_newton passes to and gets from the subsampling, the
    curvature, the squared gradients and conjugate gradients."""
    calls = {"sample": [], "curvature": [], "squared": [], "cg": []}
    sample, cg = newton.curvature_sample, newton._conjugate_gradients
    curvature, squared = FullBatchObjective.curvature, FullBatchObjective.squared_gradients

    def recording_sample(row_curvature, sample_weight, n_rows, rng):
        drawn = sample(row_curvature, sample_weight, n_rows, rng)
        calls["sample"].append((row_curvature.copy(), sample_weight, n_rows, drawn))
        return drawn

    def recording_curvature(self, x, rows=None, gauss_newton=True, row_weights=None):
        calls["curvature"].append((rows, gauss_newton, row_weights, self))
        return curvature(self, x, rows, gauss_newton, row_weights)

    def recording_squared(self, x, rows=None, row_weights=None):
        result = squared(self, x, rows, row_weights)
        calls["squared"].append((rows, row_weights, result.copy()))
        return result

    def recording_cg(curvature_, grad, damping, start, scale):
        calls["cg"].append((damping, scale))
        return cg(curvature_, grad, damping, start, scale)

    monkeypatch.setattr(newton, "curvature_sample", recording_sample)
    monkeypatch.setattr(newton, "_conjugate_gradients", recording_cg)
    monkeypatch.setattr(FullBatchObjective, "curvature", recording_curvature)
    monkeypatch.setattr(FullBatchObjective, "squared_gradients", recording_squared)
    return calls


@pytest.mark.parametrize(
    "n, fraction, rows_asked",
    [(1200, 0.1, newton.MIN_CURVATURE_ROWS), (1200, 0.5, 600), (400, 0.1, None)],
)
@pytest.mark.parametrize("curvature", ["gauss-newton", "hessian"])
def test_each_iteration_measures_the_curvature_and_preconditioner_on_the_drawn_rows(
    monkeypatch, n, fraction, rows_asked, curvature
):
    """Beyond MIN_CURVATURE_ROWS rows, each iteration draws about max(500, fraction * n) rows
    by the curvature each carries at the current point (and its sample weight), and measures
    both the curvature (the kind asked for) and the preconditioner's squared gradients on
    exactly those rows with their Horvitz-Thompson weights; the preconditioner is
    ``(F + damping) ** 0.75``. With fewer rows, every row is used."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:n] * np.logspace(-2, 2, 64), y[:n]  # scales far apart: the preconditioner is on
    sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, n)
    calls = spy_on_newton(monkeypatch)
    SimpleMLPClassifier(
        (10,), solver="newton-cg", curvature=curvature, curvature_fraction=fraction,
        max_iter=3, tol=0.0, random_state=0,
    ).fit(X, y, sample_weight=sample_weight)  # fmt: skip
    assert len(calls["cg"]) == len(calls["curvature"]) == len(calls["squared"]) == 3
    objective = calls["curvature"][0][3]
    if rows_asked is None:
        assert calls["sample"] == []
        assert all(rows is None and weights is None for rows, weights, _ in calls["squared"])
    else:
        assert len(calls["sample"]) == 3
    for i, (rows, gauss_newton, row_weights, _) in enumerate(calls["curvature"]):
        assert gauss_newton is (curvature == "gauss-newton")
        squared_rows, squared_weights, squared = calls["squared"][i]
        damping, scale = calls["cg"][i]
        np.testing.assert_allclose(scale, (squared + damping) ** newton.PRECONDITIONER)
        if rows_asked is None:
            assert rows is None and row_weights is None
            continue
        trace, weights_given, n_rows, (drawn, drawn_weights) = calls["sample"][i]
        assert n_rows == rows_asked and weights_given is objective.sample_weight
        assert abs(drawn.size - n_rows) < 5 * np.sqrt(n_rows)
        assert rows is drawn and row_weights is drawn_weights
        assert squared_rows is drawn and squared_weights is drawn_weights
        assert trace.shape == (n,) and trace.min() >= 0
    assert calls["cg"][0][0] == newton.INITIAL_DAMPING


def test_a_start_that_meets_tol_returns_at_once(digits):
    """A gradient norm at most tol (equal included, as in L-BFGS-B) is convergence before any
    step: 0 iterations, converged, no limit reached, no message, one evaluation."""
    objective, theta = make_objective(digits)
    norm = np.linalg.norm(objective(theta)[1])
    params = dict(max_iter=10, max_fun=100, tol=norm, curvature="gauss-newton",
                  curvature_fraction=0.1)  # fmt: skip
    for tol in [norm, 2 * norm]:
        objective, theta = make_objective(digits)
        result = newton.minimize_newton(
            objective, theta, {**params, "tol": tol}, lambda x, loss: False, None
        )
        assert (result.n_iter, result.converged, result.hit_limit) == (0, True, False)
        assert result.message == "" and objective.n_evaluations == 1
        np.testing.assert_array_equal(result.theta, theta)


@pytest.mark.parametrize("direction", ["zero", "uphill"])
def test_a_direction_that_does_not_descend_falls_back_on_the_gradient(monkeypatch, digits,
                                                                      direction):  # fmt: skip
    """Should CG return a direction along which the loss does not fall (rounding), the step is
    taken along the negative gradient instead: the loss still falls at every iteration."""

    solves = []  # (damping, gradient) of each iteration

    def failed_cg(curvature, grad, damping, start, scale):
        solves.append((damping, grad.copy()))
        d = np.zeros_like(grad) if direction == "zero" else 1e-3 * grad / np.linalg.norm(grad)
        return d, grad @ d, 0.0

    monkeypatch.setattr(newton, "_conjugate_gradients", failed_cg)
    objective, theta = make_objective(digits)
    points = [(theta, objective(theta)[0])]
    params = dict(max_iter=5, max_fun=1000, tol=0.0, curvature="gauss-newton",
                  curvature_fraction=1.0)  # fmt: skip
    result = newton.minimize_newton(
        objective, theta, params, lambda x, loss: points.append((x.copy(), loss)), None
    )
    losses = [loss for _, loss in points]
    assert result.n_iter == 5 and len(points) == 6 and np.all(np.diff(losses) < 0)
    # The gradient says nothing of the curvature: its model of the fall is linear (bend 0),
    # ``t g.(-g)`` for the step t taken, and the damping follows how well that predicted.
    damping = newton.INITIAL_DAMPING
    for i, (used, grad) in enumerate(solves):
        assert used == pytest.approx(damping, rel=1e-12)
        (x0, f0), (x1, f1) = points[i], points[i + 1]
        t = np.linalg.norm(x1 - x0) / np.linalg.norm(grad)
        np.testing.assert_allclose(x1, x0 - t * grad, rtol=1e-12, atol=1e-15)
        ratio = (f1 - f0) / (-t * (grad @ grad))
        if ratio < newton.POOR_MODEL[0]:
            damping *= newton.POOR_MODEL[1]
        elif ratio > newton.GOOD_MODEL[0]:
            damping *= newton.GOOD_MODEL[1]


def test_without_the_preconditioner_the_squared_gradients_are_measured_once(monkeypatch, digits):
    """On standardized features the spread of F is small: CG runs unpreconditioned, and the
    squared gradients (one more forward and backward pass on the curvature rows) are measured
    at the first iteration only, to decide. Before, NumPy's False (not False) made every
    iteration measure them for nothing."""
    X, y = digits
    calls = spy_on_newton(monkeypatch)
    SimpleMLPClassifier((10,), solver="newton-cg", max_iter=4, tol=0.0, random_state=0).fit(X, y)
    assert len(calls["cg"]) == 4 and len(calls["squared"]) == 1
    assert all(scale == 1.0 for _, scale in calls["cg"])


NEWTON_PARAMS = dict(max_iter=3, max_fun=1000, tol=0.0, curvature="gauss-newton",
                     curvature_fraction=1.0)  # fmt: skip


def test_what_minimize_newton_returns_on_each_limit(digits):
    """max_iter: the last iterate, max_iter iterations, not converged (the gradient is not
    within tol), the limit hit. max_fun: stops at the first iteration that reached it, limit
    hit. Stalled loss: converged, no limit, the relative reduction in the message. Every
    result counts the objective's evaluations."""
    objective, theta = make_objective(digits)
    iterates = []
    result = newton.minimize_newton(
        objective, theta, NEWTON_PARAMS, lambda x, loss: iterates.append(x.copy()), None
    )
    assert (result.n_iter, result.converged, result.hit_limit) == (3, False, True)
    assert result.message == "max_iter reached" and len(iterates) == 3
    assert objective.n_evaluations > 3
    np.testing.assert_array_equal(result.theta, iterates[-1])

    objective, theta = make_objective(digits)
    result = newton.minimize_newton(
        objective, theta, {**NEWTON_PARAMS, "max_iter": 100, "max_fun": 2},
        lambda x, loss: False, None,
    )  # fmt: skip
    assert (result.n_iter, result.converged, result.hit_limit) == (1, False, True)
    assert result.message == "max_fun reached" and objective.n_evaluations == 2

    objective, theta = make_objective(digits)
    result = newton.minimize_newton(
        objective, theta, {**NEWTON_PARAMS, "max_iter": 500}, lambda x, loss: False, None
    )
    assert result.converged and not result.hit_limit and result.n_iter < 500
    assert result.message.startswith("the loss stopped falling: relative reduction")

    objective, theta = make_objective(digits)
    stopped_at = []  # a callback that stops (early stopping): the run ends on its iterate
    result = newton.minimize_newton(
        objective,
        theta,
        {**NEWTON_PARAMS, "max_iter": 500},
        lambda x, loss: stopped_at.append(x.copy()) or True,
        None,
    )
    np.testing.assert_array_equal(result.theta, stopped_at[0])
    assert (result.n_iter, result.converged, result.hit_limit, result.message) == (
        1,
        True,
        False,
        "",
    )


def test_an_overflow_no_shorter_step_avoids_ends_the_run_without_weights(digits):
    """An overflow at the starting point (or of a curvature product) cannot be backed off
    from: the run returns no weights (the caller keeps the last completed iterate), -1
    iterations, not converged, no limit, and the reason."""
    objective, theta = make_objective(digits)
    with np.errstate(over="ignore"):  # the overflow under test
        result = newton.minimize_newton(
            objective, theta * 1e300, NEWTON_PARAMS, lambda x, loss: False, None
        )
    assert result.theta is None and result.n_iter == -1
    assert (result.converged, result.hit_limit) == (False, False)
    assert "overflowed" in result.message and objective.n_evaluations == 1


@pytest.mark.parametrize("damping", [1.0, 2.0])
def test_conjugate_gradients_stop_where_the_damped_curvature_is_not_positive(damping):
    """Along a direction where ``p (C + damping I) p <= 0`` (an exact Hessian can be that
    indefinite) the quadratic model has no minimum: CG keeps the point reached, here the
    zero direction from an uphill start (minimize_newton then steps along -g)."""
    n = 5
    grad = np.arange(1.0, n + 1)
    d, slope, bend = newton._conjugate_gradients(
        lambda v: -damping * v, grad, damping, grad.copy(), 1.0
    )  # (C + damping I) = 0 along every direction, exactly (damping is a power of two)
    np.testing.assert_array_equal(d, np.zeros(n))
    assert slope == 0.0 and bend == 0.0


class _SlowSystem:
    """A 200 x 200 system whose CG model falls early, then slows to a trickle: eigenvalues over
    six orders of magnitude, the gradient mostly along the large ones (``tail`` of them as
    heavily as the eigenvalue, plus the largest's own direction); tiny, so that the residual
    target is out of reach and Martens's rule alone stops CG."""

    n, damping = 200, 1e-9

    def __init__(self, tail):
        Q = np.linalg.qr(np.random.RandomState(3).normal(size=(self.n, self.n)))[0]
        eigenvalues = np.logspace(-6, 0, self.n)
        self.C = Q @ np.diag(eigenvalues) @ Q.T
        self.grad = 1e-12 * Q @ (eigenvalues * tail) + 1e-12 * Q[:, -1]
        self.solution = -np.linalg.solve(self.C + self.damping * np.eye(self.n), self.grad)

    def run(self, start):
        """CG's direction and its number of iterations (products after the start's)."""
        count = [0]

        def curvature(v):
            count[0] += 1
            return self.C @ v

        d = newton._conjugate_gradients(curvature, self.grad, self.damping, start.copy(), 1.0)[0]
        return d, count[0] - 1


def _edge_tail(low, high):
    """The tail of the gradient, between ``low`` and ``high`` (where CG from zero makes
    different numbers of iterations), at which Martens's rule goes from stopping CG at one
    iteration to the next: bisection, to a relative 1e-15."""
    stop_low = _SlowSystem(low).run(np.zeros(_SlowSystem.n))[1]
    while high - low > 1e-15 * high:
        middle = 0.5 * (low + high)
        if _SlowSystem(middle).run(np.zeros(_SlowSystem.n))[1] == stop_low:
            low = middle
        else:
            high = middle
    return low


@pytest.mark.parametrize(
    "case", ["from_zero", "along_the_largest", "warm_start", "long_warm_start", "near_the_bound"]
)
def test_conjugate_gradients_stop_when_the_model_stops_improving(monkeypatch, case):
    """Martens's rule: with ``q_i`` the quadratic model after iteration i, CG stops at the
    first i >= k = max(10, i // 10) where q_i < 0 and q_(i-k) - q_i < 5e-4 k |q_i|, unless the
    residual target stopped it first. The q_i come from runs cut after each number of
    iterations. The cases: from zero, with the gradient spread over the eigenvalues or nearly
    all along the largest (caught at once); from a warm start 20 times too long, whose model
    is positive for the first iterations (the sign test must read the latest q_i), and which
    falls fast in the last iteration of the window (the fall must be measured to q_i); and a
    gradient tuned (by bisection) to put the fall between 5e-4 k |q_(i-1)| and 5e-4 k |q_i|
    at the stop (the bound must use the latest q_i)."""
    tail = {"from_zero": 1.0, "along_the_largest": 1e-4, "warm_start": 0.01,
            "long_warm_start": 0.05}.get(case)  # fmt: skip
    if case == "near_the_bound":
        tail = _edge_tail(0.03, 0.04) * (1 - 1e-7)
    system = _SlowSystem(tail)
    start = 20 * system.solution if "warm" in case else np.zeros(system.n)
    _, iterations = system.run(start)
    cap = newton.MAX_CG_ITERATIONS
    models = []
    for cut in range(1, iterations + 1):
        monkeypatch.setattr(newton, "MAX_CG_ITERATIONS", cut)
        d, done = system.run(start)
        assert done == cut
        models.append(system.grad @ d + 0.5 * (d @ system.C @ d))
    models = np.array(models)

    def rule(i):
        k = max(newton.CG_WINDOW, i // 10)
        return i >= k and models[i] < 0 and models[i - k] - models[i] < 5e-4 * k * -models[i]

    stop = iterations - 1
    assert 10 <= stop < cap - 1  # stopped by the rule, not by the cap
    assert rule(stop) and not any(rule(i) for i in range(stop))
    assert np.all(np.diff(models) < 0)  # each CG iteration lowers the model
    k = max(newton.CG_WINDOW, stop // 10)
    if case == "long_warm_start":
        assert models[1] > 0  # a start too long: the model is still positive
    if case == "warm_start":  # most of the window's fall is in its last iteration
        assert models[stop - k] - models[stop - 1] < 5e-4 * k * -models[stop]
    if case == "near_the_bound":
        assert models[stop - k] - models[stop] >= 5e-4 * k * -models[stop - 1]


@pytest.mark.parametrize("length", [1.0, 1e-7])
def test_a_line_search_that_finds_no_lower_loss_ends_the_run_where_it_was(
    monkeypatch, digits, length
):
    """Should no step along the direction lower the loss (here a direction that only claims to
    descend), the run ends after MAX_BACKTRACKS cuts at the last iterate: not converged, no
    limit, and says why. A step whose loss rises is refused however little it rises (length
    1e-7: a rise far below Armijo's margin of 1e-4 of the claimed fall)."""

    def uphill(curvature, grad, damping, start, scale):
        return length * grad, -1.0, 0.0  # a false slope: the loss rises along +grad

    monkeypatch.setattr(newton, "_conjugate_gradients", uphill)
    objective, theta = make_objective(digits)
    result = newton.minimize_newton(objective, theta, NEWTON_PARAMS, lambda x, loss: False, None)
    np.testing.assert_array_equal(result.theta, theta)
    assert (result.n_iter, result.converged, result.hit_limit) == (0, False, False)
    assert result.message == "the line search found no lower loss along the Newton direction"
    assert objective.n_evaluations == 1 + newton.MAX_BACKTRACKS


def test_the_damping_follows_how_well_the_quadratic_model_predicted_the_fall(monkeypatch, digits):
    """Levenberg-Marquardt: with ``rho`` the loss's change over the quadratic model's
    prediction ``t slope + t^2 bend / 2`` for the step length ``t`` taken, the damping is
    multiplied by 1.5 when rho < 0.25 and by 0.5 when rho > 0.5 (within its bounds); after
    three poor models in a row the curvature rows double. Checked iteration by iteration
    against what CG and the sampling were given."""
    cg, sample = newton._conjugate_gradients, newton.curvature_sample
    solves, asked = [], []

    def recording_cg(curvature, grad, damping, start, scale):
        d, slope, bend = cg(curvature, grad, damping, start, scale)
        solves.append((damping, d.copy(), slope, bend))
        return d, slope, bend

    def recording_sample(row_curvature, sample_weight, n_rows, rng):
        asked.append(n_rows)
        return sample(row_curvature, sample_weight, n_rows, rng)

    monkeypatch.setattr(newton, "_conjugate_gradients", recording_cg)
    monkeypatch.setattr(newton, "curvature_sample", recording_sample)
    monkeypatch.setattr(newton, "MIN_CURVATURE_ROWS", 4)  # a noisy curvature: poor models
    objective, theta = make_objective(digits, n=1500)
    start_loss = objective(theta)[0]
    points = [(theta.astype(np.float64), start_loss)]
    params = {**NEWTON_PARAMS, "max_iter": 25, "curvature_fraction": 0.01}
    newton.minimize_newton(
        objective,
        theta,
        params,
        lambda x, loss: points.append((x.copy(), loss)),
        np.random.default_rng(0),
    )
    assert len(solves) == len(points) - 1 > 10
    ratios, damping, n_rows, poor = [], newton.INITIAL_DAMPING, 15, 0  # ceil(0.01 * 1500)
    for i, (used, d, slope, bend) in enumerate(solves):
        assert used == pytest.approx(damping, rel=1e-12) and asked[i] == n_rows
        (x0, f0), (x1, f1) = points[i], points[i + 1]
        t = np.linalg.norm(x1 - x0) / np.linalg.norm(d)
        predicted = t * slope + 0.5 * t * t * bend
        rho = (f1 - f0) / predicted if predicted < 0 else 0.0
        ratios.append(rho)
        if rho < newton.POOR_MODEL[0]:
            damping, poor = min(damping * newton.POOR_MODEL[1], newton.MAX_DAMPING), poor + 1
            if poor >= newton.POOR_MODELS_BEFORE_MORE_ROWS:
                n_rows, poor = min(1500, 2 * n_rows), 0
        else:
            poor = 0
            if rho > newton.GOOD_MODEL[0]:
                damping = max(damping * newton.GOOD_MODEL[1], newton.MIN_DAMPING)
    # every branch was taken: poor, middling and good models, and more rows
    ratios = np.array(ratios)
    assert (ratios < 0.25).any() and (ratios > 0.5).any()
    assert ((ratios > 0.25) & (ratios < 0.5)).any() and asked[-1] > asked[0]


@pytest.mark.parametrize("model", ["too_optimistic", "predicts_a_rise"])
def test_when_every_model_is_poor_the_rows_double_every_third_iteration(monkeypatch, digits,
                                                                        model):  # fmt: skip
    """A quadratic model that predicts a far larger fall than the loss makes, or that predicts
    no fall at all (its value at the step taken is >= 0: an indefinite Hessian, or a warm
    start CG did not undo), is a poor model: each one raises the damping by 1.5, and after
    every third in a row the curvature is measured on twice the rows, up to all of them."""
    cg, sample = newton._conjugate_gradients, newton.curvature_sample
    dampings, directions, asked = [], [], []
    factor = -1e3 if model == "too_optimistic" else 1e3

    def misjudging_cg(curvature, grad, damping, start, scale):
        d, slope, bend = cg(curvature, grad, damping, start, scale)
        dampings.append(damping)
        directions.append(d.copy())
        return d, slope, bend + factor * abs(slope)

    def recording_sample(row_curvature, sample_weight, n_rows, rng):
        asked.append(n_rows)
        return sample(row_curvature, sample_weight, n_rows, rng)

    monkeypatch.setattr(newton, "_conjugate_gradients", misjudging_cg)
    monkeypatch.setattr(newton, "curvature_sample", recording_sample)
    monkeypatch.setattr(newton, "MIN_CURVATURE_ROWS", 4)
    objective, theta = make_objective(digits, n=1000)
    points = [theta]
    newton.minimize_newton(
        objective,
        theta,
        {**NEWTON_PARAMS, "max_iter": 24, "curvature_fraction": 0.01},
        lambda x, loss: points.append(x.copy()),
        np.random.default_rng(0),
    )
    assert len(dampings) == len(points) - 1 == 24
    # the model's value at the step t taken, t slope + t^2 (bend +- 1e3 |slope|) / 2, with
    # bend >= 0 (Gauss-Newton): >= 0 for every t >= 2e-3 when it predicts a rise
    steps = [np.linalg.norm(b - a) / np.linalg.norm(d) for a, b, d in
             zip(points, points[1:], directions, strict=False)]  # fmt: skip
    assert min(steps) >= 2e-3
    np.testing.assert_allclose(dampings, 1.5 ** np.arange(24), rtol=1e-12)
    # 10 rows (1 % of 1000), doubled after iterations 3, 6, ...; all of them after 21
    assert asked == [10 * 2 ** (i // 3) for i in range(21)]


def test_what_minimize_lbfgs_returns(digits):
    """SciPy's iterations, its message and limit status, and the objective's evaluations; an
    overflow at the start (nothing to back off to) returns no weights, -1 iterations and the
    reason; a stopping callback ends the run converged on its iterate."""
    from sknn_simple.training.full_batch import minimize_lbfgs

    objective, theta = make_objective(digits)
    params = dict(max_iter=3, max_fun=1000, tol=0.0)
    iterates = []
    result = minimize_lbfgs(objective, theta, params, lambda x, f: iterates.append(x.copy()))
    assert (result.n_iter, result.converged, result.hit_limit) == (3, False, True)
    assert "ITERATIONS REACHED LIMIT" in result.message
    assert objective.n_evaluations >= 4
    np.testing.assert_array_equal(result.theta, iterates[-1])

    objective, theta = make_objective(digits)
    result = minimize_lbfgs(objective, theta, {**params, "max_iter": 100}, lambda x, f: True)
    assert (result.n_iter, result.converged, result.hit_limit) == (1, True, False)

    objective, theta = make_objective(digits)
    with np.errstate(over="ignore"):  # the overflow under test
        result = minimize_lbfgs(objective, theta * 1e300, params, lambda x, f: False)
    assert result.theta is None and result.n_iter == -1
    assert (result.converged, result.hit_limit) == (False, False)
    assert "overflowed" in result.message and objective.n_evaluations == 1
