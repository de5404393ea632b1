"""Training control: class weights, validation sets, dropout, schedules, history, callbacks."""

import warnings

import numpy as np
import pytest
import sklearn
from scipy.special import softmax
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from sknn_simple import SimpleMLPClassifier
from sknn_simple.core.network import Layout, loss_and_grad

from .test_network import make_problem

SKLEARN_VERSION = parse_version(sklearn.__version__)
HAS_CALLBACKS = SKLEARN_VERSION >= parse_version("1.9")
# The callback tests run only on scikit-learn >= 1.9 (sklearn.callback); CI runs them in its
# 1.9 environment. What holds on 1.6 to 1.8 is tested below without the mark.
needs_callbacks = pytest.mark.skipif(
    not HAS_CALLBACKS,
    reason=f"callback tests run only on scikit-learn >= 1.9 (sklearn.callback), not on the "
    f"installed {sklearn.__version__}; CI runs them with 1.9",
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val), y_train, y_val


# --- class_weight ------------------------------------------------------------------------------


def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(
        4000, 10, n_informative=4, weights=[0.95], flip_y=0.02, class_sep=0.6, random_state=0
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    settings = dict(hidden_layer_sizes=20, max_iter=100, random_state=0)
    plain = SimpleMLPClassifier(**settings).fit(X_train, y_train)
    balanced = SimpleMLPClassifier(class_weight="balanced", **settings).fit(X_train, y_train)
    plain_recall = recall_score(y_test, plain.predict(X_test))
    balanced_recall = recall_score(y_test, balanced.predict(X_test))
    assert balanced_recall > plain_recall + 0.1, (plain_recall, balanced_recall)


def test_class_weight_multiplies_sample_weight(digits):
    """A class weight is the same as multiplying the weights of that class's samples."""
    X, _, y, _ = digits
    settings = dict(hidden_layer_sizes=10, max_iter=5, random_state=0, shuffle=False)
    weights = {c: 1.0 + c for c in range(10)}
    sw = np.random.RandomState(0).uniform(0.5, 2, size=len(y))
    by_class = SimpleMLPClassifier(class_weight=weights, **settings).fit(X, y, sample_weight=sw)
    by_sample = SimpleMLPClassifier(**settings).fit(X, y, sample_weight=sw * (1.0 + y))
    np.testing.assert_allclose(by_class._state.theta, by_sample._state.theta, rtol=1e-10)


def test_class_weight_errors(digits):
    X, _, y, _ = digits
    with pytest.raises(ValueError, match=r"not in the data: \[12\]"):
        SimpleMLPClassifier(class_weight={12: 3.0}, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="For multilabel targets class_weight must be"):
        SimpleMLPClassifier(class_weight={0: 2.0}, max_iter=1).fit(X, np.c_[y > 4, y % 2])
    balanced = SimpleMLPClassifier(class_weight="balanced")
    assert not hasattr(balanced, "partial_fit")
    with pytest.raises(AttributeError) as excinfo:
        balanced.partial_fit(X, y, classes=range(10))
    assert "needs the class frequencies of the whole data set" in str(excinfo.value.__cause__)


# --- an explicit validation set --------------------------------------------------------------


def test_validation_scores_are_those_of_the_given_set(digits):
    """After every epoch, the recorded score and loss are the model's on exactly X_val."""
    X, X_val, y, y_val = digits
    model = SimpleMLPClassifier(20, max_iter=1, warm_start=True, random_state=0)
    for epoch in range(4):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y, X_val=X_val, y_val=y_val)
        assert len(model.validation_scores_) == len(model.validation_loss_curve_) == epoch + 1
        assert model.validation_scores_[-1] == pytest.approx(model.score(X_val, y_val), rel=1e-12)
        assert model.validation_loss_curve_[-1] == pytest.approx(
            log_loss(y_val, model.predict_proba(X_val)), rel=1e-9
        )


def test_early_stopping_on_a_given_validation_set_keeps_its_best_epoch(digits):
    X, X_val, y, y_val = digits
    sw_val = np.random.RandomState(0).uniform(0.5, 2, size=len(y_val))
    model = SimpleMLPClassifier(
        20,
        early_stopping=True,
        scoring="loss",
        n_iter_no_change=3,
        learning_rate_init=0.05,
        max_iter=300,
        random_state=0,
    )
    model.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    assert model.n_iter_ < 300
    best = int(np.argmin(model.validation_loss_curve_))
    kept_loss = log_loss(y_val, model.predict_proba(X_val), sample_weight=sw_val)
    assert kept_loss == pytest.approx(model.validation_loss_curve_[best], rel=1e-9)
    # with scoring="loss" the score recorded is the negative loss (HistGradientBoosting's
    # convention): the value early stopping ranks the epochs by
    assert model.validation_scores_ == [-loss for loss in model.validation_loss_curve_]
    assert model.best_validation_score_ == -model.validation_loss_curve_[best]
    # The whole training set was used: nothing was held out of it.
    assert model.t_ == model.n_iter_ * len(X)


def test_accuracy_scoring_picks_the_most_accurate_epoch(digits):
    X, X_val, y, y_val = digits
    model = SimpleMLPClassifier(
        20,
        early_stopping=True,
        scoring="accuracy",
        n_iter_no_change=3,
        learning_rate_init=0.05,
        random_state=0,
    )
    model.fit(X, y, X_val=X_val, y_val=y_val)
    assert model.score(X_val, y_val) == pytest.approx(max(model.validation_scores_))
    assert model.best_validation_score_ == max(model.validation_scores_)


def test_validation_set_errors(digits):
    X, X_val, y, y_val = digits
    with pytest.raises(ValueError, match="must be given together"):
        SimpleMLPClassifier(max_iter=1).fit(X, y, X_val=X_val)
    with pytest.raises(ValueError, match="X has 3 features"):
        SimpleMLPClassifier(max_iter=1).fit(X, y, X_val=X_val[:, :3], y_val=y_val)
    with pytest.raises(ValueError, match=r"does not know: \[11\]"):
        SimpleMLPClassifier(max_iter=1).fit(X, y, X_val=X_val, y_val=np.full(len(y_val), 11))


def test_validation_set_routed_through_a_pipeline(digits):
    """Pipeline(transform_input=["X_val"]) scales X_val with the scaler fitted on X."""
    X, X_val, y, y_val = digits
    raw_X, raw_X_val = X * 7 + 3, X_val * 7 + 3  # undo-able "unscaled" data
    with sklearn.config_context(enable_metadata_routing=True):
        net = SimpleMLPClassifier(20, early_stopping=True, scoring="loss", random_state=0)
        net.set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline([("scale", StandardScaler()), ("net", net)], transform_input=["X_val"])
        pipe.fit(raw_X, y, X_val=raw_X_val, y_val=y_val)
    # The kept (best) epoch's recorded validation loss is the pipeline's loss on raw X_val:
    # X_val was scaled by the fitted scaler before it reached the network.
    best = int(np.argmin(pipe[-1].validation_loss_curve_))
    assert log_loss(y_val, pipe.predict_proba(raw_X_val)) == pytest.approx(
        pipe[-1].validation_loss_curve_[best], rel=1e-9
    )


# --- dropout -----------------------------------------------------------------------------------


# The gradient and curvature with fixed dropout masks: test_network.py, at every depth.


def test_dropout_with_all_units_kept_changes_nothing():
    layout, X, Y, theta, sw, _ = make_problem("multiclass", hidden=(6, 5))
    ones = [np.ones((X.shape[0], h)) for h in layout.hidden]
    a = loss_and_grad(theta, layout, X, Y, "relu", "softmax", 0.1, sw)
    b = loss_and_grad(theta, layout, X, Y, "relu", "softmax", 0.1, sw, dropout_masks=ones)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])


def test_dropout_trains_stochastically_and_predicts_deterministically(digits):
    X, X_val, y, y_val = digits
    plain = SimpleMLPClassifier(50, max_iter=30, random_state=0).fit(X, y)
    dropped = SimpleMLPClassifier(50, dropout=0.3, max_iter=30, random_state=0).fit(X, y)
    assert not np.allclose(plain._state.theta, dropped._state.theta)
    # Prediction uses every hidden unit, unscaled: the plain forward pass of the fitted weights,
    # computed here independently (no mask, no 1 / (1 - p) factor), and the same every call.
    (W1, W2), (b1, b2) = dropped.coefs_, dropped.intercepts_
    expected = softmax(np.maximum(X_val @ W1 + b1, 0) @ W2 + b2, axis=1)
    proba = dropped.predict_proba(X_val)
    np.testing.assert_allclose(proba, expected, rtol=1e-10, atol=1e-15)
    np.testing.assert_array_equal(dropped.predict_proba(X_val), proba)
    assert dropped.score(X_val, y_val) > 0.9
    again = SimpleMLPClassifier(50, dropout=0.3, max_iter=30, random_state=0).fit(X, y)
    # the masks follow random_state
    np.testing.assert_array_equal(again._state.theta, dropped._state.theta)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
def test_dropout_needs_a_stochastic_solver(digits, solver):
    X, _, y, _ = digits
    with pytest.raises(ValueError, match="dropout=0.2 needs a stochastic solver"):
        SimpleMLPClassifier(solver=solver, dropout=0.2).fit(X, y)


# --- schedules and history ---------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_invscaling_applies_to_sgd_and_adam_keeps_its_rate_as_in_mlpclassifier(digits, solver):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(
        10,
        solver=solver,
        learning_rate="invscaling",
        power_t=0.25,
        learning_rate_init=0.01,
        max_iter=4,
        tol=0.0,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    rates = [record["learning_rate"] for record in model.history_]
    expected = [0.01] + [0.01 / (epoch * len(X) + 1) ** 0.25 for epoch in (1, 2, 3)]
    np.testing.assert_allclose(rates, expected if solver == "sgd" else [0.01] * 4)


def test_history_records_each_epoch(digits):
    X, X_val, y, y_val = digits
    model = SimpleMLPClassifier(10, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, X_val=X_val, y_val=y_val)
    assert [r["epoch"] for r in model.history_] == [1, 2, 3, 4, 5]
    assert [r["loss"] for r in model.history_] == model.loss_curve_
    assert [r["validation_score"] for r in model.history_] == model.validation_scores_
    seconds = [r["seconds"] for r in model.history_]
    assert seconds == sorted(seconds) and seconds[0] > 0
    assert all(np.isnan(r["gradient_norm"]) for r in model.history_)
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(model.history_)
    assert list(frame.columns) == [
        "epoch",
        "loss",
        "validation_loss",
        "validation_score",
        "learning_rate",
        "gradient_norm",
        "seconds",
    ]
    assert len(frame) == 5


def test_history_of_a_second_order_solver(digits):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(10, solver="lbfgs", max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert len(model.history_) == 3
    assert all(r["gradient_norm"] > 0 for r in model.history_)
    assert all(np.isnan(r["validation_loss"]) for r in model.history_)


def test_history_records_the_validation_loss_and_no_rate_for_full_batch_solvers(digits):
    """With a validation set each record holds its validation loss (that of the curve); a
    full-batch solver has no learning rate, so its records hold NaN there."""
    X, X_val, y, y_val = digits
    for solver in ("sgd", "lbfgs"):
        model = SimpleMLPClassifier(10, solver=solver, max_iter=3, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y, X_val=X_val, y_val=y_val)
        losses = [r["validation_loss"] for r in model.history_]
        assert losses == model.validation_loss_curve_ and len(losses) == 3
        assert losses[-1] == pytest.approx(log_loss(y_val, model.predict_proba(X_val)), rel=1e-9)
        rates = [r["learning_rate"] for r in model.history_]
        if solver == "sgd":
            assert rates == [model.learning_rate_init] * 3
        else:
            assert np.isnan(rates).all()


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_history_seconds_grow_across_continued_calls(digits, how):
    """``seconds`` is the training time since the first call: a continued call (partial_fit,
    or fit with warm_start) adds to it and does not start again from 0."""
    X, _, y, _ = digits
    model = SimpleMLPClassifier(10, max_iter=2, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(3):
            if how == "partial_fit":
                model.partial_fit(X, y, classes=np.arange(10))
            else:
                model.fit(X, y)
    seconds = [r["seconds"] for r in model.history_]
    assert len(seconds) == (3 if how == "partial_fit" else 6)
    assert (np.diff(seconds) > 0).all(), seconds


def test_early_stopping_keeps_the_first_of_tied_best_epochs(digits):
    """Accuracy on a small validation set ties often: the kept weights are those of the first
    epoch that reached the best score, as MLPClassifier keeps them (a tie is no improvement)."""
    X, X_val, y, y_val = digits
    settings = dict(hidden_layer_sizes=20, learning_rate_init=0.01, random_state=0)
    validation = dict(X_val=X_val[:20], y_val=y_val[:20])
    model = SimpleMLPClassifier(early_stopping=True, n_iter_no_change=6, **settings)
    model.fit(X, y, **validation)
    scores = np.array(model.validation_scores_)
    first_best = int(np.argmax(scores)) + 1
    assert np.count_nonzero(scores == scores.max()) > 1  # the case this test is about
    assert first_best < model.n_iter_
    replay = SimpleMLPClassifier(max_iter=first_best, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        replay.fit(X, y)
    for kept, expected in zip(model.coefs_, replay.coefs_, strict=True):
        np.testing.assert_array_equal(kept, expected)


VERBOSE_SETTINGS = {
    "adaptive, early stopping": dict(
        solver="sgd", learning_rate="adaptive", early_stopping=True, n_iter_no_change=2, tol=0.05
    ),
    "adaptive, training loss": dict(
        solver="sgd", learning_rate="adaptive", n_iter_no_change=1, tol=0.05
    ),
    "invscaling, early stopping": dict(
        solver="sgd", learning_rate="invscaling", early_stopping=True, n_iter_no_change=2, tol=0.01
    ),
    "adam, early stopping": dict(solver="adam", early_stopping=True, n_iter_no_change=2, tol=0.01),
}


@pytest.mark.parametrize("name", VERBOSE_SETTINGS)
def test_verbose_output_is_mlpclassifiers(digits, name, capsys):
    """verbose=True prints what MLPClassifier prints, line for line: each epoch's loss, the
    validation score, and the sentences of the plateau rule (a cut of the rate, the stop),
    which also show that the schedule is applied with early stopping as without it."""
    from sklearn.neural_network import MLPClassifier

    X, _, y, _ = digits
    settings = dict(
        hidden_layer_sizes=10, max_iter=40, random_state=0, verbose=True, **VERBOSE_SETTINGS[name]
    )
    printed = []
    for estimator in (MLPClassifier, SimpleMLPClassifier):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            estimator(**settings).fit(X[:300], y[:300])
        printed.append(capsys.readouterr().out.splitlines())
    theirs, ours = printed
    assert any(line.endswith(("Stopping.", "Setting learning rate to 0.000200")) for line in ours)
    assert ours == theirs


def test_verbose_prints_the_validation_loss_when_it_is_the_score(digits, capsys):
    """With scoring="loss" (ours only) each epoch also prints its validation loss, and the
    plateau rule names the validation loss as what stopped improving."""
    X, X_val, y, y_val = digits
    model = SimpleMLPClassifier(
        10, scoring="loss", early_stopping=True, n_iter_no_change=1, tol=1.0, verbose=True
    )
    model.fit(X, y, X_val=X_val, y_val=y_val)
    lines = capsys.readouterr().out.splitlines()
    assert model.n_iter_ == 3 and len(lines) == 10
    assert lines[2::3] == [f"Validation loss: {loss:f}" for loss in model.validation_loss_curve_]
    assert lines[-1] == (
        "Validation loss did not improve more than tol=1.000000 for 1 consecutive epochs. Stopping."
    )


# --- interrupting ------------------------------------------------------------------------------


def test_ctrl_c_keeps_the_weights_so_far(digits, monkeypatch):
    import sknn_simple.training.loop as fitting_module

    X, X_val, y, y_val = digits
    real_run_epoch, calls = fitting_module.run_epoch, []

    def interrupted_on_epoch_4(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real_run_epoch(*args, **kwargs)

    monkeypatch.setattr(fitting_module, "run_epoch", interrupted_on_epoch_4)
    model = SimpleMLPClassifier(20, max_iter=50, random_state=0)
    with pytest.warns(UserWarning, match="interrupted by the user after 3 complete epochs"):
        model.fit(X, y)
    assert model.n_iter_ == 3 and len(model.loss_curve_) == 3
    # The model is usable, with exactly the weights of three complete epochs.
    monkeypatch.setattr(fitting_module, "run_epoch", real_run_epoch)
    three = SimpleMLPClassifier(20, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        three.fit(X, y)
    np.testing.assert_array_equal(model._state.theta, three._state.theta)
    np.testing.assert_array_equal(model.predict(X_val), three.predict(X_val))


# --- scikit-learn's callbacks --------------------------------------------------------------------


@needs_callbacks
def test_progress_bar_and_scoring_monitor_see_every_epoch(digits):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar, ScoringMonitor

    X, _, y, _ = digits
    monitor = ScoringMonitor(scoring="accuracy")
    model = SimpleMLPClassifier(10, max_iter=6, random_state=0)
    model.set_callbacks(ProgressBar(), monitor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    log = monitor.get_logs()
    epochs = [row for row in log.data if row["task_name"] == "epoch"]
    assert [row["task_id"] for row in epochs] == list(range(6))
    # Each entry scores the weights at the end of that epoch.
    assert epochs[-1]["accuracy"] == pytest.approx(model.score(X, y))
    assert all(0 < row["accuracy"] <= 1 for row in epochs)


class OnEachEpoch:
    """A scikit-learn callback that calls ``act(n)`` at the end of the n-th epoch (or solver
    iteration: a subtask of the fit) and returns what it returns (True stops training)."""

    def __init__(self, act):
        self.act = act

    def setup(self, estimator, context):
        self.ends = 0

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.parent is not None:
            self.ends += 1
            return self.act(self.ends)


@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_callback_can_stop_training(digits, solver):
    X, _, y, _ = digits
    model = SimpleMLPClassifier(10, solver=solver, max_iter=50, random_state=0)
    model.set_callbacks(OnEachEpoch(lambda n: n >= 2)).fit(X, y)
    assert model.n_iter_ == 2


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs", "newton-cg"])
def test_ctrl_c_in_a_callback_keeps_a_recorded_usable_model(digits, solver):
    """Ctrl-C while a callback runs is handled as anywhere else in the loop (the other points
    are in test_reliability.py): a warning, the epochs so far recorded, a model that predicts."""
    X, _, y, _ = digits

    def interrupt_on_third(n):
        if n == 3:
            raise KeyboardInterrupt

    model = SimpleMLPClassifier(10, solver=solver, max_iter=50, random_state=0)
    with pytest.warns(UserWarning, match="interrupted by the user after"):
        model.set_callbacks(OnEachEpoch(interrupt_on_third)).fit(X, y)
    assert model.n_iter_ == 3  # the third epoch is recorded before its callbacks run
    assert len(model.loss_curve_) == len(model.history_) == model.n_iter_
    assert model.predict(X).shape == y.shape


def test_layout_sizes():
    assert Layout((3, 4, 2)).size == 3 * 4 + 4 + 4 * 2 + 2


def test_balanced_weights_match_scikit_learn_and_count_sample_weight():
    from sklearn.utils.class_weight import compute_class_weight

    from sknn_simple._validation import class_weight_table

    y = np.array([0, 0, 0, 1, 2, 2, 0, 1, 0, 0])
    classes = np.unique(y)
    Y = np.eye(3)[y]
    expected = compute_class_weight("balanced", classes=classes, y=y)
    np.testing.assert_allclose(class_weight_table("balanced", classes, Y, None, False), expected)
    # integer weights count like repeated rows
    counts = np.array([1, 2, 0, 3, 1, 1, 2, 1, 1, 1])
    repeated = np.repeat(y, counts)
    np.testing.assert_allclose(
        class_weight_table("balanced", classes, Y, counts.astype(float), False),
        compute_class_weight("balanced", classes=classes, y=repeated),
    )


@needs_callbacks
def test_scoring_monitor_with_early_stopping_and_sample_weight(digits):
    """Callbacks score on the caller's data and weights, not on the training part of a split."""
    from sklearn.callback import ScoringMonitor

    X, _, y, _ = digits
    sw = np.random.RandomState(0).uniform(0.5, 2, size=len(y))

    class Recorder:
        """What each epoch's callback receives, and the weighted accuracy of its model."""

        def __init__(self):
            self.seen = []

        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(
            self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None
        ):
            if context.parent is not None:  # an epoch, not the whole fit
                score = fitted_estimator.score(X, y, sample_weight=metadata["sample_weight"])
                self.seen.append((X, y, metadata["sample_weight"], score))

    monitor, recorder = ScoringMonitor(scoring="accuracy"), Recorder()
    model = SimpleMLPClassifier(10, max_iter=4, early_stopping=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_callbacks(monitor, recorder).fit(X, y, sample_weight=sw)
    assert len(recorder.seen) == model.n_iter_ == 4
    for seen_X, seen_y, seen_sw, _ in recorder.seen:  # the caller's arrays, whole
        assert seen_X is X and seen_y is y and seen_sw is sw
    epochs = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    # ScoringMonitor's accuracy of each epoch is the weighted accuracy on all of X.
    assert [row["accuracy"] for row in epochs] == pytest.approx(
        [score for *_, score in recorder.seen], rel=1e-12
    )


# --- without scikit-learn's callbacks (1.6 to 1.8) ------------------------------------------


def test_set_callbacks_exists_exactly_from_scikit_learn_1_9():
    """The callback API is there with scikit-learn 1.9 and later, and absent before, where the
    estimator has no public callback method at all (nothing half-working)."""
    model = SimpleMLPClassifier()
    assert hasattr(model, "set_callbacks") == HAS_CALLBACKS
    callback_names = {n for n in dir(model) if "callback" in n.lower() and not n.startswith("_")}
    assert bool(callback_names) == HAS_CALLBACKS, callback_names


def test_fits_without_callbacks(digits):
    """Without callbacks (none set, an empty list, or scikit-learn < 1.9, which has none) a fit
    trains and records every epoch as usual; an empty callback list changes nothing."""
    X, X_val, y, y_val = digits
    settings = dict(
        hidden_layer_sizes=10,
        max_iter=3,
        early_stopping=True,
        learning_rate_init=0.01,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = SimpleMLPClassifier(**settings).fit(X, y)
    assert plain.n_iter_ == len(plain.history_) == len(plain.validation_loss_curve_) == 3
    assert plain.loss_curve_[-1] < plain.loss_curve_[0]
    assert plain.score(X_val, y_val) > 0.6  # 10 classes: chance is 0.1
    if HAS_CALLBACKS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            empty = SimpleMLPClassifier(**settings).set_callbacks().fit(X, y)
        for a, b in zip(plain.coefs_, empty.coefs_, strict=True):
            np.testing.assert_array_equal(a, b)
        assert plain.validation_loss_curve_ == empty.validation_loss_curve_


# --- early stopping on any scorer ----------------------------------------------------------------


@pytest.fixture(scope="module")
def imbalanced():
    """3 % positives: the accuracy hardly moves, and the loss and the ranking disagree."""
    X, y = make_classification(
        3000, 20, n_informative=5, weights=[0.97], flip_y=0.02, random_state=0
    )
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


def fit_watching(scoring, data):
    X_train, X_val, y_train, y_val = data
    model = SimpleMLPClassifier(
        (50,),
        early_stopping=True,
        scoring=scoring,
        n_iter_no_change=15,
        learning_rate_init=0.01,
        random_state=0,
    )
    return model.fit(X_train, y_train, X_val=X_val, y_val=y_val)


def test_roc_auc_picks_its_own_best_epoch_and_keeps_its_weights(imbalanced):
    """scoring="roc_auc": validation_scores_ records the AUC of each epoch, the kept weights
    are those of its best epoch (their AUC on the validation set is best_validation_score_),
    and that epoch is not the one the loss picks."""
    from sklearn.metrics import roc_auc_score

    _, X_val, _, y_val = imbalanced
    by_auc, by_loss = fit_watching("roc_auc", imbalanced), fit_watching("loss", imbalanced)
    best = by_auc.best_validation_score_
    assert (
        by_auc.validation_scores_[by_auc._state.best_epoch - 1]
        == best
        == max(by_auc.validation_scores_)
    )
    assert roc_auc_score(y_val, by_auc.predict_proba(X_val)[:, 1]) == pytest.approx(best, 1e-12)
    assert by_auc._state.best_epoch != by_loss._state.best_epoch
    # the same training run (scoring changes when it stops, not how it trains): the epoch the
    # loss kept is one the AUC saw, so the AUC's own choice scores at least as well
    assert best >= roc_auc_score(y_val, by_loss.predict_proba(X_val)[:, 1]) - 1e-12


def test_a_callable_scorer_and_its_name_record_the_same_scores(imbalanced):
    from sklearn.metrics import f1_score, make_scorer

    by_name = fit_watching("f1", imbalanced)
    by_callable = fit_watching(make_scorer(f1_score), imbalanced)
    np.testing.assert_array_equal(by_name.validation_scores_, by_callable.validation_scores_)


def test_a_regressor_stops_on_the_mean_absolute_error():
    from sklearn.datasets import load_diabetes
    from sklearn.metrics import mean_absolute_error

    from sknn_simple import SimpleMLPRegressor

    X, y = load_diabetes(return_X_y=True)
    X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(20,),
        early_stopping=True,
        scoring="neg_mean_absolute_error",
        random_state=0,
    ).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    kept = -mean_absolute_error(y_val, model.predict(X_val))
    assert kept == pytest.approx(model.best_validation_score_, rel=1e-12)
    assert max(model.validation_scores_) == model.best_validation_score_


def test_an_unknown_scorer_is_refused_before_any_training():
    X, y = make_classification(100, 5, random_state=0)
    model = SimpleMLPClassifier(scoring="accuracyy", early_stopping=True)
    with pytest.raises(ValueError, match="scoring='accuracyy' is not a scorer.*mean 'accuracy'"):
        model.fit(X, y)
    assert not model.__sklearn_is_fitted__()


def test_a_scorer_that_cannot_score_the_targets_fails_before_training():
    """f1 on a regression target: the scorer is tried once on the starting weights, so the
    error comes before any epoch and the estimator is left unfitted."""
    from sknn_simple import SimpleMLPRegressor

    X, y = make_classification(100, 5, random_state=0)
    model = SimpleMLPRegressor(early_stopping=True, scoring="f1")
    with pytest.raises(ValueError, match="scoring='f1' cannot score this validation set"):
        model.fit(X, y + 0.5)
    assert not model.__sklearn_is_fitted__()


@pytest.mark.parametrize("scoring", ["r2", "neg_mean_absolute_error", "loss"])
def test_validating_outputs_that_overflowed_fails_cleanly_with_any_score(scoring):
    """A Poisson regressor whose outputs exp(z) overflow on the held-out rows: the validation
    score is the worst one (-inf) whatever scores it, never scikit-learn's "Input contains
    infinity" from inside the fit; this fit then ends in DivergenceError, which says what to do."""
    from sknn_simple import DivergenceError, SimpleMLPRegressor

    from .test_porting import X_SMALL, Y_REAL

    model = SimpleMLPRegressor(
        loss="poisson",
        solver="sgd",
        learning_rate_init=0.0625,
        activation="identity",
        hidden_layer_sizes=1,
        validation_fraction=0.5,
        early_stopping=True,
        shuffle=False,
        momentum=0.0,
        alpha=0.0,
        tol=0.0,
        n_iter_no_change=1,
        random_state=3769,
        scoring=scoring,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(DivergenceError, match="Training diverged"):
            model.fit(X_SMALL, Y_REAL[:, 0])
