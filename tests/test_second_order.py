"""The second-order solvers: exact curvature products, convex reference problems, behaviour."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier
from sknn_simple.core.network import loss_and_grad

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
    settings = dict(solver=solver, max_iter=20, alpha=0.01, random_state=0)
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
    settings = dict(solver=solver, early_stopping=True, random_state=0)
    model = SimpleMLPClassifier(20, n_iter_no_change=2, max_iter=500, **settings).fit(X, y)
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
        ).fit(X, y)
    assert replay.validation_loss_curve_ == model.validation_loss_curve_[: best + 1]
    for kept, at_best in zip(
        model.coefs_ + model.intercepts_, replay.coefs_ + replay.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(kept, at_best)


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
