"""SimpleMLPRegressor, with scikit-learn's MLPRegressor, Ridge and least squares as oracles."""

import inspect
import io
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import is_regressor
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.ensemble import StackingRegressor
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, train_test_split
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import has_fit_parameter

from sknn_simple import SimpleMLPClassifier, SimpleMLPRegressor
from sknn_simple._regressor import LOSSES
from sknn_simple.core.heads import baseline_loss
from sknn_simple.core.network import Layout, loss_and_grad

from .helpers import assert_same_parameters

HAS_POISSON = "loss" in inspect.signature(MLPRegressor).parameters  # scikit-learn >= 1.7


@pytest.fixture(scope="module")
def diabetes():
    """scikit-learn's diabetes data (442 x 10), features and target standardized."""
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def targets(y, n_outputs):
    """One target, or two: the second a smooth function of the first."""
    return y if n_outputs == 1 else np.c_[y, np.sin(2 * y)]


def objective(model, X, Y, sample_weight=None):
    """Our training objective (squared error, summed over outputs, plus the penalty) at the
    weights of any fitted MLP with identity output: ours, MLPRegressor, Ridge's coefficients."""
    layout = Layout((X.shape[1], *(W.shape[1] for W in model.coefs_)))
    theta = np.concatenate([W.ravel() for W in model.coefs_] + list(model.intercepts_))
    Y = Y.reshape(len(X), -1)
    return loss_and_grad(
        theta, layout, X, Y, model.activation, "identity", model.alpha, sample_weight
    )[0]


def reported(model, X, Y, sample_weight=None):
    """MLPRegressor's reported loss (its ``squared_loss``: half the weighted mean squared error
    averaged over the outputs, plus the penalty over the total weight) at the weights of any
    fitted MLP with identity output; with one output, :func:`objective`."""
    Y = Y.reshape(len(X), -1)
    total = len(X) if sample_weight is None else np.sum(sample_weight)
    penalty = 0.5 * model.alpha * sum(float((W**2).sum()) for W in model.coefs_) / total
    data = objective(model, X, Y, sample_weight) - penalty  # summed over the outputs
    return data / Y.shape[1] + penalty


# --- the same network and the same optimizer as MLPRegressor ---------------------------------


@pytest.mark.parametrize("hidden", [(20,), (16, 8)])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_training_reproduces_mlpregressor(diabetes, hidden, solver, activation, n_outputs):
    """Same random_state, same settings: the same weights after 15 epochs, up to rounding,
    and the same loss curve: with several outputs MLPRegressor reports the squared error's
    mean over them (while it trains on their sum's gradient, as ours does), and so does ours.
    """
    X, y = diabetes
    Y = targets(y, n_outputs)
    settings = dict(
        hidden_layer_sizes=hidden,
        solver=solver,
        activation=activation,
        random_state=0,
        max_iter=15,
        batch_size=64,
        learning_rate_init=0.01,
        tol=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = SimpleMLPRegressor(**settings).fit(X, Y)
        theirs = MLPRegressor(**settings).fit(X, Y)
    assert_same_parameters(ours, theirs, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-9)
    assert ours.predict(X).shape == theirs.predict(X).shape == Y.shape
    assert ours.t_ == theirs.t_ and ours.n_iter_ == theirs.n_iter_ == 15
    assert (ours.n_layers_, ours.n_outputs_, ours.out_activation_) == (
        theirs.n_layers_,
        theirs.n_outputs_,
        theirs.out_activation_,
    )


@pytest.mark.skipif(not HAS_POISSON, reason="MLPRegressor has loss='poisson' from 1.7 on")
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("hidden", [(20,), (16, 8)])
def test_poisson_training_reproduces_mlpregressor(diabetes, solver, hidden):
    """loss='poisson' (exp output, half the Poisson deviance): the same weights and losses."""
    X, y = diabetes
    counts = np.random.RandomState(0).poisson(np.exp(0.5 * y))
    settings = dict(
        loss="poisson",
        hidden_layer_sizes=hidden,
        solver=solver,
        random_state=0,
        max_iter=15,
        batch_size=64,
        learning_rate_init=0.01,
        tol=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = SimpleMLPRegressor(**settings).fit(X, counts)
        theirs = MLPRegressor(**settings).fit(X, counts)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    assert_same_parameters(ours, theirs, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)


@pytest.mark.parametrize("hidden", [(32,), (32, 16)])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_lbfgs_follows_mlpregressor_lbfgs(diabetes, hidden, n_outputs, summed_squared_loss):
    """Both hand the same loss and gradient to SciPy's L-BFGS-B: 50 iterations end at the same
    loss (later, rounding differences grow apart on a non-convex loss). Without the fixture,
    MLPRegressor's L-BFGS would see a two-output loss that does not match its gradient (its
    mean over the outputs, and the sum's gradient); with it, its loss_ is the sum, and ours
    reports the mean, as MLPRegressor does without the fixture."""
    X, y = diabetes
    Y = targets(y, n_outputs)
    settings = dict(hidden_layer_sizes=hidden, solver="lbfgs", random_state=0, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = SimpleMLPRegressor(**settings).fit(X, Y)
        theirs = MLPRegressor(**settings).fit(X, Y)
    assert ours.n_iter_ == theirs.n_iter_ == 50
    assert objective(ours, X, Y) == pytest.approx(theirs.loss_, rel=1e-8)
    assert ours.loss_ == pytest.approx(reported(theirs, X, Y), rel=1e-8)


@pytest.mark.skipif(
    not has_fit_parameter(MLPRegressor(), "sample_weight"),
    reason="MLPRegressor accepts sample_weight from scikit-learn 1.7 on",
)
def test_sample_weight_matches_mlpregressor(diabetes):
    """The same weights. (The loss curves differ: MLPRegressor averages the batches' weighted
    losses by their numbers of rows, ours by their weights, which makes an epoch's loss the
    weighted mean over the samples.)"""
    X, y = diabetes
    sw = np.random.RandomState(0).uniform(0.2, 3, size=len(y))
    settings = dict(hidden_layer_sizes=(30,), random_state=0, max_iter=10, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = SimpleMLPRegressor(**settings).fit(X, y, sample_weight=sw)
        theirs = MLPRegressor(**settings).fit(X, y, sample_weight=sw)
    assert_same_parameters(ours, theirs, rtol=1e-9, atol=1e-12)


def test_parameter_names_and_defaults_follow_mlpregressor():
    """MLPRegressor's parameters, in its order, with its defaults; then the classifier's
    extras but class_weight, then the parameters of the added losses. (scikit-learn 1.6 has no
    loss parameter: squared_error there.)"""
    ours = inspect.signature(SimpleMLPRegressor).parameters
    theirs = dict(inspect.signature(MLPRegressor).parameters)
    if "loss" not in theirs:
        theirs = {"loss": ours["loss"], **theirs}
    extras = ["dropout", "scoring", "validation_split", "curvature", "curvature_fraction"]
    losses = ["huber_epsilon", "quantile"]  # the regressor's own: its added losses' parameters
    assert list(ours) == [*theirs, *extras, *losses]
    assert ours["huber_epsilon"].default == 1.35 and ours["quantile"].default == 0.5
    classifier = inspect.signature(SimpleMLPClassifier).parameters
    for name in extras:
        if name != "scoring":  # MLPRegressor's R², MLPClassifier's accuracy
            assert ours[name].default == classifier[name].default, name
    assert ours["scoring"].default == "r2"
    for name, parameter in theirs.items():
        assert ours[name].default == parameter.default, name
        assert ours[name].kind == parameter.kind, name
    assert ours["loss"].default == "squared_error"


# --- convex reference problems: Ridge and least squares --------------------------------------


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_linear_network_reaches_the_ridge_optimum(diabetes, solver, n_outputs):
    """Without a hidden layer the network is X W + b, and its objective times 2 S (S the total
    sample weight) is sum_i w_i ||y_i - x_i W - b||^2 + alpha ||W||^2: Ridge's, with the same
    alpha and an unpenalized intercept. Both solvers reach Ridge's optimum."""
    X, y = diabetes
    Y = targets(y, n_outputs)
    sw = np.random.RandomState(0).uniform(0.2, 3, size=len(y))
    alpha = 30.0
    ridge = Ridge(alpha=alpha, solver="cholesky").fit(X, Y, sample_weight=sw)
    ridge.coefs_, ridge.intercepts_ = [ridge.coef_.T.reshape(10, -1)], [np.ravel(ridge.intercept_)]
    ridge.activation, ridge.alpha = "identity", alpha
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(), solver=solver, alpha=alpha, tol=1e-10, max_iter=1000
    ).fit(X, Y, sample_weight=sw)
    assert model.loss_ == pytest.approx(reported(ridge, X, Y, sw), rel=1e-6)
    np.testing.assert_allclose(model.predict(X), ridge.predict(X), atol=1e-3)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_identity_network_reaches_least_squares(diabetes, solver, n_outputs):
    """With f(z) = z and a hidden layer at least as wide as the outputs, the network computes
    every linear model X (W1 W2) + (b1 W2 + b2); unpenalized, its minimum is least squares'.
    (With a penalty it is not Ridge: the penalty of W1 and W2 is not that of their product.)"""
    X, y = diabetes
    Y = targets(y, n_outputs)
    reference = LinearRegression().fit(X, Y)
    reference_loss = 0.5 * np.mean((reference.predict(X) - Y) ** 2)  # MLPRegressor's scale
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(8,),
        activation="identity",
        solver=solver,
        alpha=0.0,
        tol=1e-10,
        max_iter=2000,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol at rounding level
        model.fit(X, Y)
    assert model.loss_ == pytest.approx(reference_loss, rel=1e-6)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-3)


def test_newton_cg_and_lbfgs_reach_the_same_penalized_minimum(diabetes):
    """Exact curvature of the squared loss: Newton's steps end where L-BFGS ends (a small,
    well-conditioned network from the same start)."""
    X, y = diabetes
    losses = [
        SimpleMLPRegressor(
            hidden_layer_sizes=(4,),
            activation="tanh",
            solver=solver,
            alpha=10.0,
            tol=1e-10,
            max_iter=3000,
            random_state=0,
        )
        .fit(X, y)
        .loss_
        for solver in ("lbfgs", "newton-cg")
    ]
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)


# --- scikit-learn's tools --------------------------------------------------------------------

FAST = dict(hidden_layer_sizes=(16,), solver="lbfgs", alpha=1.0, max_iter=200, random_state=0)


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


def test_cross_val_score_uses_r2_and_unshuffled_k_fold(diabetes):
    X, y = diabetes
    assert is_regressor(SimpleMLPRegressor())
    scores = quiet(cross_val_score, SimpleMLPRegressor(**FAST), X, y, cv=3)
    assert scores == pytest.approx(
        quiet(cross_val_score, SimpleMLPRegressor(**FAST), X, y, cv=KFold(3)), rel=1e-12
    )
    assert np.all(scores > 0.3)  # diabetes: Ridge gets about 0.48


def test_grid_search_in_a_pipeline(diabetes):
    X, y = diabetes
    pipe = make_pipeline(StandardScaler(), SimpleMLPRegressor(**FAST))
    grid = {
        "simplemlpregressor__hidden_layer_sizes": [(8,), (8, 8)],
        "simplemlpregressor__alpha": [1.0, 10.0],
    }
    search = quiet(GridSearchCV(pipe, grid, cv=3).fit, X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_score_ > 0.35
    assert search.best_estimator_[-1].n_layers_ == len(search.best_params_[next(iter(grid))]) + 2


def test_transformed_target_regressor_rescues_a_large_scale_target():
    """The diabetes target as it is (25 to 346): a few hundred Adam epochs barely move a
    network that starts near 0, and the fit warns, saying to scale y. Scaled by
    TransformedTargetRegressor, the same network fits, without a warning."""
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    net = make_pipeline(
        StandardScaler(), SimpleMLPRegressor(hidden_layer_sizes=(16,), max_iter=100, alpha=1.0)
    )
    with pytest.warns(ConvergenceWarning, match="scale y too, e.g. TransformedTargetRegressor"):
        net.set_params(simplemlpregressor__random_state=0).fit(X_train, y_train)
    assert net.score(X_test, y_test) < 0
    wrapped = TransformedTargetRegressor(
        net.set_params(
            simplemlpregressor__solver="lbfgs",
            simplemlpregressor__alpha=30.0,
            simplemlpregressor__max_iter=1000,
        ),
        transformer=StandardScaler(),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wrapped.fit(X_train, y_train)
    assert wrapped.score(X_test, y_test) > 0.3


def test_multi_output_regressor_fits_one_network_per_output(diabetes):
    X, y = diabetes
    Y = targets(y, 2)
    joint = quiet(SimpleMLPRegressor(**FAST).fit, X, Y)
    separate = quiet(MultiOutputRegressor(SimpleMLPRegressor(**FAST)).fit, X, Y)
    assert [net.n_outputs_ for net in separate.estimators_] == [1, 1]
    assert joint.n_outputs_ == 2
    assert separate.predict(X).shape == joint.predict(X).shape == Y.shape
    first = quiet(SimpleMLPRegressor(**FAST).fit, X, Y[:, 0])
    np.testing.assert_array_equal(separate.estimators_[0].predict(X), first.predict(X))


def test_stacking_regressor(diabetes):
    X, y = diabetes
    stack = StackingRegressor(
        [("net", SimpleMLPRegressor(**FAST)), ("ridge", Ridge())], final_estimator=Ridge(), cv=3
    )
    quiet(stack.fit, X, y)
    assert stack.score(X, y) > 0.45


def test_pipeline_with_a_column_transformer():
    pd = pytest.importorskip("pandas")
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X["sex"] = np.where(X["sex"] > 0, "m", "f")  # a text column
    model = Pipeline(
        [
            (
                "columns",
                ColumnTransformer([("sex", OneHotEncoder(), ["sex"])], remainder=StandardScaler()),
            ),
            ("net", SimpleMLPRegressor(**FAST)),
        ]
    )
    wrapped = TransformedTargetRegressor(model, transformer=StandardScaler())
    quiet(wrapped.fit, X, y)
    assert isinstance(X, pd.DataFrame) and wrapped.regressor_[-1].n_features_in_ == 11
    assert wrapped.score(X, y) > 0.5


# --- behaviour -------------------------------------------------------------------------------


def test_float32_sparse_and_multi_output(diabetes):
    X, y = diabetes
    Y = targets(y, 2)
    settings = dict(hidden_layer_sizes=(10,), max_iter=10, random_state=0)
    dense = quiet(SimpleMLPRegressor(**settings).fit, X, Y)
    X32 = X.astype(np.float32)
    single = quiet(SimpleMLPRegressor(**settings).fit, X32, Y)
    assert single.coefs_[0].dtype == single.predict(X32).dtype == np.float32
    np.testing.assert_allclose(single.predict(X32), dense.predict(X), atol=1e-4)
    sparse = quiet(SimpleMLPRegressor(**settings).fit, sp.csr_matrix(X), Y)
    np.testing.assert_allclose(sparse.predict(sp.csc_matrix(X)), dense.predict(X), atol=1e-12)
    assert dense.predict(X).flags.c_contiguous


def test_class_labels_are_numbers_to_a_regressor(diabetes):
    """Integer (or boolean) targets are regression targets: predictions are real numbers."""
    X, y = diabetes
    labels = (y > 0).astype(int) + 2 * (y > 1)  # 0, 1, 3
    model = SimpleMLPRegressor(**FAST).fit(X, labels)
    predicted = model.predict(X)
    assert predicted.dtype == np.float64 and not hasattr(model, "classes_")
    assert len(np.unique(predicted)) > 3
    assert model.score(X, labels) > 0.3
    assert SimpleMLPRegressor(**FAST).fit(X, y > 0).predict(X).dtype == np.float64


def test_a_column_vector_target_is_one_output(diabetes):
    X, y = diabetes
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = SimpleMLPRegressor(**FAST).fit(X, y[:, None])
    assert column.n_outputs_ == 1 and column.predict(X).shape == (len(y),)
    np.testing.assert_array_equal(
        column.predict(X), SimpleMLPRegressor(**FAST).fit(X, y).predict(X)
    )


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues_the_weights_with_a_new_optimizer_as_mlpregressor(diabetes, solver):
    X, y = diabetes
    settings = dict(hidden_layer_sizes=(20,), solver=solver, max_iter=5, warm_start=True)
    ours = SimpleMLPRegressor(**settings, random_state=0)
    theirs = MLPRegressor(**settings, random_state=0)
    for model in (ours, theirs):
        quiet(model.fit, X, y)
        quiet(model.fit, X, y)
    assert_same_parameters(ours, theirs)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    with pytest.raises(ValueError, match="y has 2 outputs; the model was fitted with 1"):
        ours.fit(X, targets(y, 2))
    with pytest.raises(ValueError, match="needs the same loss"):
        ours.set_params(loss="poisson").fit(X, y**2)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_epochs_equal_fit_epochs(diabetes, solver):
    X, y = diabetes
    settings = dict(hidden_layer_sizes=(20,), solver=solver, shuffle=False, tol=0.0)
    fitted = quiet(SimpleMLPRegressor(max_iter=4, random_state=0, **settings).fit, X, y)
    streamed = SimpleMLPRegressor(random_state=0, **settings)
    for _ in range(4):
        streamed.partial_fit(X, y)
    np.testing.assert_allclose(streamed._state.theta, fitted._state.theta, rtol=1e-12)
    assert streamed.loss_curve_ == pytest.approx(fitted.loss_curve_, rel=1e-12)
    # MLPRegressor's arguments, in its order (scikit-learn 1.6 has no sample_weight there)
    theirs = list(inspect.signature(MLPRegressor.partial_fit).parameters)
    assert list(inspect.signature(SimpleMLPRegressor.partial_fit).parameters) in (
        theirs,
        [*theirs, "sample_weight"],
    )
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as caught:
        SimpleMLPRegressor(solver="lbfgs").partial_fit(X, y)
    assert "only available for the stochastic solvers" in str(caught.value.__cause__)


def test_early_stopping_holds_out_a_share_and_keeps_the_best_epoch(diabetes):
    """MLPRegressor's split: scikit-learn's train_test_split, not stratified, on the random
    stream after the initial weights; the kept weights are those of the epoch of the best
    validation R², which is the validation score of the kept model on those rows."""
    from sklearn.model_selection import train_test_split

    from sknn_simple.core.network import init_params

    X, y = diabetes
    settings = dict(
        hidden_layer_sizes=(32,),
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=5,
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
    )
    model = SimpleMLPRegressor(**settings).fit(X, y)
    assert 5 < model.n_iter_ < 300 and model.best_loss_ is None
    scores = model.validation_scores_
    assert len(scores) == len(model.validation_loss_curve_) == model.n_iter_
    best = int(np.argmax(scores))
    assert model.n_iter_ - 1 - best >= 5  # stopped after 5 epochs without improvement
    assert model.best_validation_score_ == max(scores)
    replay = SimpleMLPRegressor(**{**settings, "n_iter_no_change": 1000, "max_iter": best + 1})
    replay.fit(X, y)
    np.testing.assert_array_equal(replay._state.theta, model._state.theta)
    rng = np.random.RandomState(0)
    init_params(Layout((10, 32, 1)), "relu", rng)  # the draws before the split
    _, held_out = train_test_split(np.arange(len(y)), test_size=0.2, random_state=rng)
    assert held_out.size == np.ceil(0.2 * len(y))
    assert model.score(X[held_out], y[held_out]) == pytest.approx(scores[best], rel=1e-12)


def test_r2_scoring_picks_the_epochs_the_loss_picks(diabetes):
    """With one output R^2 = 1 - 2 loss / var(y_val): the same best epoch, the same weights."""
    X, y = diabetes
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    settings = dict(
        hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=60, tol=0.0, random_state=0
    )
    by_loss = SimpleMLPRegressor(early_stopping=True, **settings)
    by_r2 = SimpleMLPRegressor(early_stopping=True, scoring="r2", **settings)
    for model in (by_loss, by_r2):
        quiet(model.fit, X_train, y_train, X_val=X_val, y_val=y_val)
    np.testing.assert_array_equal(by_loss._state.theta, by_r2._state.theta)
    r2 = 1 - 2 * np.array(by_loss.validation_loss_curve_) / np.var(y_val)
    np.testing.assert_allclose(by_loss.validation_scores_, r2, rtol=1e-10)
    assert by_loss.score(X_val, y_val) == pytest.approx(by_loss.best_validation_score_)


def test_history_and_the_validation_set(diabetes):
    X, y = diabetes
    Y = targets(y, 2)
    X_val, Y_val = X[:50], Y[:50]
    model = quiet(
        SimpleMLPRegressor(hidden_layer_sizes=(8,), max_iter=4, random_state=0).fit,
        X,
        Y,
        X_val=X_val,
        y_val=Y_val,
    )
    assert [record["epoch"] for record in model.history_] == [1, 2, 3, 4]
    assert [record["loss"] for record in model.history_] == model.loss_curve_
    # the last validation loss: half the mean squared error of the final model, averaged over
    # the outputs as loss_curve_ (and MLPRegressor's) is
    expected = 0.5 * ((model.predict(X_val) - Y_val) ** 2).mean()
    assert model.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-12)
    assert model.history_[-1]["validation_score"] == pytest.approx(model.score(X_val, Y_val))


@pytest.mark.parametrize("solver", ["adam", "newton-cg"])
def test_best_validation_score_is_the_best_of_the_scores(diabetes, solver):
    """best_validation_score_ is the largest number among validation_scores_, or NaN while R²
    is undefined (a validation set of one sample), never a -inf that no epoch scored; and it
    survives pickle and model files."""
    import pickle

    from sknn_simple.io import model_files

    X, y = diabetes
    for X_val, y_val in [(X[:1], y[:1]), (X[:40], y[:40])]:
        model = quiet(
            SimpleMLPRegressor(
                hidden_layer_sizes=(8,), max_iter=3, solver=solver, scoring="loss"
            ).fit,
            X[:100],
            y[:100],
            X_val=X_val,
            y_val=y_val,
        )
        scores = np.array(model.validation_scores_)
        expected = np.nan if np.isnan(scores).all() else np.nanmax(scores)
        np.testing.assert_equal(model.best_validation_score_, expected)
        np.testing.assert_equal(pickle.loads(pickle.dumps(model)).best_validation_score_, expected)
        buffer = io.BytesIO()
        model_files.save(model, buffer)
        buffer.seek(0)
        np.testing.assert_equal(model_files.load(buffer).best_validation_score_, expected)


def test_validation_set_routed_through_a_pipeline(diabetes):
    sklearn = pytest.importorskip("sklearn")
    if not hasattr(Pipeline(steps=[("a", "passthrough")]), "transform_input"):
        pytest.skip("Pipeline(transform_input=...) needs scikit-learn 1.6")
    X, y = diabetes
    X_big = X * 100 + 7
    with sklearn.config_context(enable_metadata_routing=True):
        net = SimpleMLPRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
        net.set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline([("scale", StandardScaler()), ("net", net)], transform_input=["X_val"])
        quiet(pipe.fit, X_big[100:], y[100:], X_val=X_big[:100], y_val=y[:100])
    assert pipe[-1].history_[-1]["validation_score"] == pytest.approx(
        pipe.score(X_big[:100], y[:100]), rel=1e-12
    )


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs", "newton-cg"])
def test_divergence_without_usable_weights_is_an_error_that_suggests_scaling_y(diabetes, solver):
    """Squares of targets of 1e200 overflow at once: no weights of the fit have a finite
    training loss (the starting ones included), so no model can be kept (issue 24, item 1)."""
    X, y = diabetes
    huge = y * 1e200
    model = SimpleMLPRegressor(hidden_layer_sizes=(8,), solver=solver, random_state=0)
    with pytest.raises(ValueError, match="no usable model") as caught:
        model.fit(X, huge)
    assert "TransformedTargetRegressor" in str(caught.value)
    assert not hasattr(model, "n_iter_")  # left unfitted, as it was before the call


@pytest.mark.parametrize("activation", ["identity", "tanh"])
def test_a_full_batch_fit_that_stalls_above_a_constant_warns_to_scale_y(diabetes, activation):
    """On targets of scale 1e10, L-BFGS-B ends after one iteration that barely moved (its
    relative-reduction test): 'converged' with a loss no better than a constant's must warn."""
    X, y = diabetes
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(10,), activation=activation, solver="lbfgs", random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="ignores the inputs: training failed") as caught:
        model.fit(X, 1e10 * (y + 3))
    assert "TransformedTargetRegressor" in str(caught[0].message)
    assert model.score(X, 1e10 * (y + 3)) < 0  # it really learned nothing
    with warnings.catch_warnings(record=True) as caught:  # on a sensible scale: it learns
        warnings.simplefilter("always")
        model.fit(X, y + 3)
    assert not any("training failed" in str(w.message) for w in caught)
    assert model.score(X, y + 3) > 0.3


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs", "newton-cg"])
def test_a_constant_target_is_no_failed_fit(diabetes, solver, loss):
    """Constant targets (0.1: their computed mean is off by a rounding; the rows of weight 0
    differ) have a baseline of exactly 0, which no penalized loss beats: no 'training failed'
    warning, whichever solver; the full-batch ones predict the constant."""
    X, _ = diabetes
    y = np.full(len(X), 0.1)
    y[:5] = 7.0
    weights = np.r_[np.zeros(5), np.ones(len(X) - 5)]
    assert baseline_loss(y[5:, None], LOSSES[loss][0]) == 0.0
    model = SimpleMLPRegressor(loss, (8,), solver=solver, random_state=0, max_iter=300)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y, sample_weight=weights)
    assert not [w for w in caught if "ignores the inputs" in str(w.message)]
    if solver in ("lbfgs", "newton-cg"):  # (the stochastic ones stop on tol before it)
        assert np.allclose(model.predict(X), 0.1, atol=0.05)


def test_poisson_predicts_positive_means(diabetes):
    X, y = diabetes
    rate = np.exp(0.5 * X[:, 2] - 0.3 * X[:, 8] ** 2)  # a function of the features
    counts = np.random.RandomState(0).poisson(rate)
    model = SimpleMLPRegressor(
        "poisson", (16,), solver="lbfgs", alpha=30.0, random_state=0, max_iter=300
    )
    quiet(model.fit, X, counts)
    predicted = model.predict(X)
    assert model.out_activation_ == "exp" and (predicted > 0).all()
    assert np.corrcoef(predicted, rate)[0, 1] > 0.9
    assert model.loss_ < 0.9 * baseline_loss(counts[:, None].astype(float), "exp")
    with pytest.raises(ValueError, match="loss='poisson' models counts and rates: y must be >= 0"):
        SimpleMLPRegressor("poisson").fit(X, y)
