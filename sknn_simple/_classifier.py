"""The estimator: validates input, encodes labels, sets up training, exposes the API.

The training loops themselves (one per kind of solver) are in ``_fitting.py``.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

try:  # scikit-learn >= 1.9: experimental callbacks (ProgressBar, ScoringMonitor, ...)
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # older versions: no callbacks, nothing else changes

    class CallbackSupportMixin:
        """Stand-in without callbacks for scikit-learn < 1.9."""


from ._fitting import STOCHASTIC_SOLVERS, SolverLoops
from ._monitor import TrainingMonitor
from ._network import (
    Layout,
    forward,
    init_params,
    proba_from_logits,
)
from ._split import validation_mask
from ._validation import (
    check_enough_classes,
    check_sample_weight,
    check_targets,
    class_weight_table,
    encode_targets,
    weigh_by_class,
)

_SECOND_ORDER_SOLVERS = ("lbfgs", "newton-cg")


def _probability_bounds(dtype):
    """The open interval (0, 1) in floating point: its smallest normal and largest values.

    Softmax and sigmoid probabilities are never exactly 0 or 1; extreme logits only make them
    round there. Reported probabilities are kept inside, so ``log(predict_proba)`` is finite and
    equals ``predict_log_proba`` up to rounding, and multilabel probabilities stay in (0, 1).
    """
    info = np.finfo(dtype)
    return info.smallest_normal, 1 - info.epsneg


def _partial_fit_available(estimator):
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for the stochastic solvers 'sgd' and 'adam'; "
            f"solver={estimator.solver!r} trains on the whole data set at once."
        )
    if isinstance(estimator.class_weight, str) and estimator.class_weight == "balanced":
        raise AttributeError(
            "partial_fit is not available with class_weight='balanced', which needs the class "
            "frequencies of the whole data set. Pass them as a dict instead, e.g. dict(zip("
            "classes, compute_class_weight('balanced', classes=classes, y=y_all)))."
        )
    return True


class SimpleMLPClassifier(CallbackSupportMixin, ClassifierMixin, SolverLoops, BaseEstimator):
    """A neural network with one hidden layer, trained on the cross-entropy.

    The network computes ``A1 = f(X @ W1 + b1)`` and the logits ``Z2 = A1 @ W2 + b2``, then class
    probabilities with a softmax (multiclass), one logistic unit (binary) or one logistic unit per
    label (multilabel). Training minimizes the (sample-weighted) cross-entropy plus an L2 penalty,
    the objective of scikit-learn's :class:`~sklearn.neural_network.MLPClassifier`; parameters
    with the same meaning have the same names and defaults there.

    Parameters
    ----------
    hidden_layer_size : int, default=100
        Number of units in the hidden layer (``MLPClassifier(hidden_layer_sizes=(h,))``).

    activation : {"relu", "sigmoid", "logistic", "tanh", "identity"}, default="relu"
        Hidden activation ``f``: ``max(z, 0)``, ``1 / (1 + exp(-z))`` (``"logistic"`` is
        scikit-learn's name for the same function), ``tanh(z)`` or ``z``.

    solver : {"adam", "sgd", "lbfgs", "newton-cg"}, default="adam"
        ``"sgd"``: mini-batch gradient descent with (Nesterov) momentum; with ``momentum=0`` and
        ``batch_size="full"`` it is plain full-batch gradient descent. ``"adam"``: Adam.
        ``"lbfgs"``: full-batch L-BFGS (SciPy's L-BFGS-B). ``"newton-cg"``: a full-batch
        trust-region Newton method whose conjugate-gradient steps use exact Hessian-vector
        products (SciPy's ``trust-ncg``). The second-order solvers suit small and medium data
        sets; they ignore the parameters of the stochastic ones (batch size, learning rate,
        momentum, Adam's) and have no ``partial_fit``.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha / 2 * (||W1||^2 + ||W2||^2)`` (biases are not
        penalized), divided, like the data term, by the total sample weight of the batch.

    batch_size : int, "auto" or "full", default="auto"
        Rows per mini-batch. ``"auto"`` is ``min(200, n_samples)``; ``"full"`` uses every
        training sample in each step. Larger than the number of samples: clipped, with a warning.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule of the step size of ``"sgd"`` and ``"adam"`` (MLPClassifier applies it to
        "sgd" only).
        ``"invscaling"``: ``learning_rate_init / (t + 1) ** power_t`` after each epoch, ``t``
        the number of samples seen. ``"adaptive"``: divided by 5 whenever the monitored value
        (training loss, or validation score with ``early_stopping``) fails to improve by ``tol``
        for ``n_iter_no_change`` consecutive epochs; the plateau is then judged afresh from the
        current value, so one lucky epoch cannot shrink the rate forever. Training stops when it
        would fall below 1e-6.

    learning_rate_init : float, default=1e-3
        Initial step size.

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (passes over the training data), or of iterations of a
        second-order solver.

    shuffle : bool, default=True
        Whether to shuffle the samples at the start of each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the early-stopping split. With the same
        integer, the initial weights are those of MLPClassifier.

    tol : float, default=1e-4
        Minimum improvement of the training loss (or validation score) that resets the
        ``n_iter_no_change`` counter. For ``"lbfgs"`` and ``"newton-cg"``, also the gradient
        tolerance: they stop when the largest gradient component (L-BFGS) or the gradient's norm
        (Newton) falls below it.

    verbose : bool, default=False
        Print one line per epoch (or solver iteration) with the training loss, and the
        validation score or, for the second-order solvers, the gradient norm.

    warm_start : bool, default=False
        If True, ``fit`` continues from the fitted weights **and the optimizer's state**
        (momentum, Adam's moments and step count, current learning rate), so two fits of 10
        epochs equal one fit of 20 when nothing is shuffled. (MLPClassifier keeps the weights
        but restarts its optimizer.) The classes and the number of features must not change.

    momentum : float, default=0.9
        Momentum of ``"sgd"``, in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``"sgd"``.

    early_stopping : bool, default=False
        In ``fit``, stop when the validation loss (or accuracy, see ``scoring``) has not
        improved by ``tol`` for ``n_iter_no_change`` epochs, and keep the weights of the best
        epoch. The validation set
        is ``X_val, y_val`` if given to ``fit``, else ``validation_fraction`` of each class held
        out from the training data: identical rows always land on the same side of that split,
        and a sample of weight ``w`` is held out exactly like ``w`` copies of it. Works with
        every solver. ``partial_fit`` ignores it: it trains one epoch on the data it is given,
        and the caller decides when to stop.

    validation_fraction : float, default=0.1
        Share of the (weighted) training data held out when ``early_stopping`` is True and no
        ``X_val`` is given.

    scoring : {"loss", "accuracy"}, default="loss"
        What early stopping watches on the validation set: the cross-entropy (smooth, the
        default, as in HistGradientBoostingClassifier) or the accuracy (MLPClassifier's choice;
        coarse on small validation sets, where it can stop early on a plateau of ties).

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``: ``{label: weight}``, or
        ``"balanced"`` for ``n_samples / (n_classes * count(label))``. Not for multilabel
        targets; with ``partial_fit`` only a dict (the counts of the whole data set are
        unknown there).

    dropout : float, default=0.0
        Probability of dropping each hidden unit during training ("inverted" dropout: kept
        units are scaled by ``1 / (1 - dropout)``, so nothing changes at prediction time).
        Only for ``"sgd"`` and ``"adam"``. The validation score and ``predict`` use the whole
        network.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without an improvement of ``tol`` tolerated before stopping (or, with
        ``learning_rate="adaptive"``, before dividing the learning rate by 5). With a
        second-order solver it applies to the validation score of ``early_stopping`` only.

    max_fun : int, default=15000
        Maximum number of loss evaluations of ``"lbfgs"`` and ``"newton-cg"`` (checked after
        each iteration for the latter).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (``arange(n_labels)`` for a multilabel target).

    coefs_ : list of two ndarrays
        ``[W1, W2]`` with shapes ``(n_features, hidden_layer_size)`` and
        ``(hidden_layer_size, n_outputs_)``: views into one flat parameter vector.

    intercepts_ : list of two ndarrays
        ``[b1, b2]`` with shapes ``(hidden_layer_size,)`` and ``(n_outputs_,)``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Names of the features seen during ``fit``, when ``X`` has string column names.

    n_iter_ : int
        Epochs (or solver iterations) run by the last call to ``fit`` (1 for ``partial_fit``).

    t_ : int
        Number of training samples processed since the weights were initialized.

    loss_ : float
        Mean training loss (with the penalty) over the last epoch.

    loss_curve_ : list of float
        ``loss_`` after each epoch.

    best_loss_ : float or None
        Lowest ``loss_`` so far; None when ``early_stopping`` is True.

    validation_scores_ : list of float or None
        Validation accuracy after each epoch; None without a validation set (no
        ``early_stopping`` and no ``X_val``).

    validation_loss_curve_ : list of float or None
        Validation cross-entropy (without the penalty: scikit-learn's ``log_loss``) after each
        epoch; None without a validation set.

    best_validation_score_ : float or None
        Best validation accuracy; None without a validation set.

    history_ : list of dict
        One record per epoch or iteration, over all calls that trained these weights, with keys
        ``epoch``, ``loss``, ``validation_loss``, ``validation_score``, ``learning_rate``,
        ``gradient_norm`` (second-order solvers) and ``seconds`` (training time so far); NaN
        where a value does not apply. ``pandas.DataFrame(model.history_)`` makes it a table.

    n_layers_ : int
        Number of layers, input and output included: always 3.

    n_outputs_ : int
        Number of output units: 1 for binary, ``n_classes`` for multiclass, ``n_labels`` for
        multilabel targets.

    out_activation_ : {"softmax", "logistic"}
        Output function.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : Any number of hidden layers.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn_simple import SimpleMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = make_pipeline(StandardScaler(), SimpleMLPClassifier(random_state=0))
    >>> model.fit(X_train, y_train).score(X_test, y_test) > 0.95
    True
    >>> model.predict_proba(X_test[:2]).shape
    (2, 10)
    """

    _parameter_constraints: dict = {
        "hidden_layer_size": [Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"relu", "sigmoid", "logistic", "tanh", "identity"})],
        "solver": [StrOptions({*STOCHASTIC_SOLVERS, *_SECOND_ORDER_SOLVERS})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto", "full"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "scoring": [StrOptions({"loss", "accuracy"})],
    }

    def __init__(
        self,
        hidden_layer_size=100,
        *,
        activation="relu",
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        class_weight=None,
        dropout=0.0,
        scoring="loss",
    ):
        self.hidden_layer_size = hidden_layer_size
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.class_weight = class_weight
        self.dropout = dropout
        self.scoring = scoring

    # --- public API ------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network on ``X``, ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data gives float32 weights and probabilities.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (any sortable type), or a 0/1 indicator matrix for multilabel
            classification.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of ``w`` counts like ``w`` copies of the sample.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            A validation set, scored after every epoch (``validation_scores_``,
            ``validation_loss_curve_``, ``history_``) and, with ``early_stopping=True``, used
            for early stopping instead of a ``validation_fraction`` split. It must be
            preprocessed like ``X``: in a Pipeline, route it with
            ``Pipeline(..., transform_input=["X_val"])`` (see the user guide).

        y_val : array-like of shape (n_val,) or (n_val, n_labels), default=None
            Labels of ``X_val``; required with it.

        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : SimpleMLPClassifier
            The fitted estimator.
        """
        validation_data = None
        if X_val is not None or y_val is not None:
            validation_data = (X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, incremental=False, validation_data=validation_data)

    @available_if(_partial_fit_available)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch over ``X``, ``y``, continuing from the current weights.

        The optimizer's state (momentum, Adam's moments, the learning rate) carries over from
        one call to the next, so successive calls over the batches of a data set behave like
        epochs of ``fit``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator matrix for multilabel classification.

        classes : array-like of shape (n_classes,), default=None
            Every class that will ever appear; required on the first call (for a multilabel
            indicator ``y`` it may be omitted) and ignored afterwards.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : SimpleMLPClassifier
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """Predict class labels (or a label indicator matrix for a multilabel model).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            ``classes_[argmax(predict_proba(X))]``; for a multilabel model, 1 where the
            label's probability exceeds 0.5.
        """
        return self._decide(self.predict_proba(X))

    def predict_proba(self, X):
        """Predict probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_`` (rows sum to 1), or of each
            label for a multilabel model. Values stay strictly between 0 and 1: none is below
            ``tiny / eps`` (1e-292 in float64, 1e-31 in float32; smaller ones would only slow
            training down, see the Performance page) and none above ``1 - eps``.
        """
        return self._proba(self._logits(X))

    def predict_log_proba(self, X):
        """Predict log-probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``: always finite, since the probabilities stay inside
            (0, 1), and ordered exactly like them (no smaller than about -672 in float64).
        """
        return np.log(self.predict_proba(X))

    @property
    def coefs_(self):
        """``[W1, W2]``: views into the fitted parameter vector."""
        W1, _, W2, _ = self._layout.unpack(self._theta)
        return [W1, W2]

    @property
    def intercepts_(self):
        """``[b1, b2]``: views into the fitted parameter vector."""
        _, b1, _, b2 = self._layout.unpack(self._theta)
        return [b1, b2]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    # --- fitted state ----------------------------------------------------------------------------

    @property
    def _layout(self):
        return Layout(self.n_features_in_, self._n_hidden, self.n_outputs_)

    @property
    def _is_multilabel(self):
        return self.out_activation_ == "logistic" and self.n_outputs_ > 1

    def __sklearn_is_fitted__(self):
        """True once ``fit`` or ``partial_fit`` has set the weights (for ``check_is_fitted``)."""
        return hasattr(self, "_theta")

    def _checked_input(self, X):
        """The input of a prediction, checked as ``validate_data(self, X, reset=False)`` does.

        A float NumPy array is checked here directly (on a few hundred rows ``validate_data``
        takes as long as the prediction itself); anything else goes through ``validate_data``.
        """
        check_is_fitted(self)
        if (
            type(X) is np.ndarray
            and X.dtype in (np.float64, np.float32)
            and X.ndim == 2
            and X.shape[0] > 0
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")  # it warns about missing names
            and np.isfinite(X.sum())  # scikit-learn's own first test; the full one if it fails
        ):
            return X
        return validate_data(
            self, X, accept_sparse=["csr", "csc"], reset=False, dtype=(np.float64, np.float32)
        )

    def _logits(self, X):
        X = self._checked_input(X)
        dtype = np.result_type(X.dtype, self._theta.dtype)
        by_class = np.empty((self.n_outputs_, X.shape[0]), dtype)
        Z2, _ = forward(self._theta, self._layout, X, self.activation, Z2=by_class.T)
        return Z2  # column-major, which makes the softmax faster (see MiniBatches)

    def _proba(self, Z2):
        if self.n_outputs_ == 1:
            # binary: P(classes_[1]) = sigmoid(z), P(classes_[0]) = sigmoid(-z)
            proba = proba_from_logits(np.hstack([-Z2, Z2]), "logistic")
        else:
            proba = np.ascontiguousarray(proba_from_logits(Z2, self.out_activation_))
        return np.clip(proba, *_probability_bounds(proba.dtype), out=proba)

    def _decide(self, proba):
        if self._is_multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[proba.argmax(axis=1)]

    # --- training: validation and set-up ---------------------------------------------------------

    def _fit(self, X, y, sample_weight, incremental, classes=None, validation_data=None):
        given = (X, y, sample_weight)  # what callbacks see: the caller's data
        first_call = not hasattr(self, "classes_") or not (incremental or self.warm_start)
        if incremental:
            self._check_partial_fit_classes(y, classes, first_call)
        self._check_solver_options()
        X, Y, sample_weight = self._validate_training_data(
            X, y, sample_weight, first_call, classes, incremental
        )
        validation = None
        if validation_data is not None:
            validation = self._validate_validation_data(*validation_data, dtype=X.dtype)
        rng = check_random_state(self.random_state)
        early_stopping = self.early_stopping and not incremental
        if first_call:
            self._initialize(X, rng)
        else:
            self._check_warm_start_compatible()
        self._reset_monitor_if_needed(early_stopping or validation is not None, early_stopping)
        X = X.tocsr() if sp.issparse(X) else X  # CSC slices rows slowly: train on CSR
        if early_stopping and validation is None:
            X, Y, sample_weight, validation = self._hold_out(X, Y, sample_weight, rng)

        stochastic = self.solver in STOCHASTIC_SOLVERS
        # A second-order solver's loop opens the task of the next iteration before knowing
        # whether it will run: one more than max_iter (as in LogisticRegression).
        max_subtasks = 1 if incremental else self.max_iter + (not stochastic)
        callback_context, callback_data = self._start_callbacks(*given, max_subtasks)
        monitor = TrainingMonitor(
            self,
            X.shape[0],
            validation,
            early_stopping,
            stochastic,
            callback_context,
            callback_data,
        )
        self.n_iter_ = 0
        # Overflow during training shows up as a non-finite loss, which stops training with a
        # clear ConvergenceWarning; NumPy's own warnings would only add noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if stochastic:
                self._fit_stochastic(X, Y, sample_weight, rng, incremental, monitor)
            else:
                self._fit_second_order(X, Y, sample_weight, monitor)
        monitor.finish(self._theta)
        if callback_context is not None:
            callback_context.call_on_fit_task_end(
                estimator=self, reconstruction_attributes={}, **callback_data
            )
        return self

    def _check_partial_fit_classes(self, y, classes, first_call):
        if first_call and classes is None and not type_of_target(y).startswith("multilabel"):
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the list of every "
                "class that will ever appear, e.g. np.unique(y_all)."
            )
        if (
            not first_call
            and classes is not None
            and not np.array_equal(unique_labels(classes), self.classes_)
        ):
            raise ValueError(
                f"classes={list(classes)} differs from the classes of the first partial_fit "
                f"call, {self.classes_.tolist()}; the set of classes cannot change. Refit from "
                "scratch to use new classes."
            )

    def _check_solver_options(self):
        if self.dropout > 0 and self.solver not in STOCHASTIC_SOLVERS:
            raise ValueError(
                f"dropout={self.dropout} needs a stochastic solver ('sgd' or 'adam'): "
                f"solver={self.solver!r} minimizes one fixed loss, which random masks would "
                "change at every step. Set dropout=0 or choose solver='adam'."
            )

    def _validate_training_data(self, X, y, sample_weight, reset, classes, incremental):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32) if reset else self._theta.dtype,
            reset=reset,
            ensure_min_samples=1 if incremental else 2,
        )
        y, target_type = check_targets(y)
        if reset:
            self._set_classes(y, classes, target_type)
        elif self._is_multilabel != (target_type == "multilabel-indicator"):
            kind = "a multilabel indicator matrix" if self._is_multilabel else "class labels"
            raise ValueError(f"This model was fitted on {kind}; y must be of the same kind.")
        elif not incremental and not self._is_multilabel:
            present = unique_labels(y)
            if not np.array_equal(present, self.classes_):
                raise ValueError(
                    "warm_start=True continues training the fitted model, so y must have the "
                    f"same classes: the model has {self.classes_.tolist()}, y has "
                    f"{present.tolist()}. Set warm_start=False to train a new model."
                )
        # 0/1 targets as bytes: 8 times less memory than floats
        Y = encode_targets(y, self.classes_, self._is_multilabel)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        self._class_weights = None  # per class, from the training data; for X_val too
        if self.class_weight is not None:
            self._class_weights = class_weight_table(
                self.class_weight, self.classes_, Y, sample_weight, self._is_multilabel
            )
            sample_weight = weigh_by_class(self._class_weights, Y, sample_weight, X.dtype)
        if not incremental:
            check_enough_classes(Y, sample_weight, self._is_multilabel)
        return X, Y, sample_weight

    def _validate_validation_data(self, X_val, y_val, sample_weight_val, dtype):
        if X_val is None or y_val is None:
            raise ValueError("X_val and y_val must be given together.")
        X_val, y_val = validate_data(
            self,
            X_val,
            y_val,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            reset=False,
        )
        y_val, target_type = check_targets(y_val)
        if self._is_multilabel != (target_type == "multilabel-indicator"):
            raise ValueError("y_val must be of the same kind as y (class labels or multilabel).")
        Y_val = encode_targets(y_val, self.classes_, self._is_multilabel)
        sample_weight_val = check_sample_weight(sample_weight_val, X_val.shape[0], dtype)
        if self._class_weights is not None:
            sample_weight_val = weigh_by_class(self._class_weights, Y_val, sample_weight_val, dtype)
        return X_val, Y_val, sample_weight_val

    def _set_classes(self, y, classes, target_type):
        if target_type == "multilabel-indicator":
            self.classes_ = np.arange(y.shape[1])
            self.n_outputs_ = y.shape[1]
            self.out_activation_ = "logistic"
            return
        self.classes_ = unique_labels(y if classes is None else classes)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(
                f"y has 1 class ({self.classes_.tolist()[0]!r}); a classifier needs samples of "
                "at least 2 classes."
            )
        self.n_outputs_ = 1 if n_classes == 2 else n_classes
        self.out_activation_ = "logistic" if n_classes == 2 else "softmax"

    def _initialize(self, X, rng):
        self._n_hidden = self.hidden_layer_size
        self.n_layers_ = 3
        self._theta = init_params(self._layout, self.activation, rng, X.dtype)
        self._optimizer_state = None
        self._optimizer_solver = None
        self._n_updates = 0
        self._learning_rate = float(self.learning_rate_init)
        self._training_seconds = 0.0
        self.t_ = 0
        self.loss_curve_ = []
        self.history_ = []
        self._monitor_mode = None

    def _check_warm_start_compatible(self):
        if self.hidden_layer_size != self._n_hidden:
            raise ValueError(
                f"hidden_layer_size changed from {self._n_hidden} to {self.hidden_layer_size} "
                "since the model was fitted; continuing training (warm_start / partial_fit) "
                "needs the same network. Set warm_start=False to start afresh."
            )

    def _reset_monitor_if_needed(self, has_validation, early_stopping):
        """(Re)initialize what is monitored when this fit monitors something new."""
        mode = (has_validation, early_stopping)
        if mode == self._monitor_mode:
            return
        self._monitor_mode = mode
        self._no_improvement_count = 0
        self._plateau_reference = -np.inf
        if has_validation:
            self.validation_scores_, self.validation_loss_curve_ = [], []
            self.best_validation_score_ = -np.inf
        else:
            self.validation_scores_ = self.validation_loss_curve_ = None
            self.best_validation_score_ = None
        self.best_loss_ = None if early_stopping else np.inf

    def _hold_out(self, X, Y, sample_weight, rng):
        seed = rng.randint(np.iinfo(np.int32).max)
        held_out = validation_mask(
            X, Y, sample_weight, self.validation_fraction, seed, stratify=not self._is_multilabel
        )
        w_val = None if sample_weight is None else sample_weight[held_out]
        if not held_out.any() or (w_val is not None and not w_val.any()):
            raise ValueError(
                "The validation set for early stopping is empty: the data set is too small. "
                "Increase validation_fraction, add samples, or set early_stopping=False."
            )
        train = ~held_out
        w_train = None if sample_weight is None else sample_weight[train]
        return X[train], Y[train], w_train, (X[held_out], Y[held_out], w_val)

    def _start_callbacks(self, X, y, sample_weight, max_subtasks):
        """Root context of scikit-learn's callbacks (1.9+) and the data they receive."""
        if not getattr(self, "_skl_callbacks", None):
            return None, None
        data = {
            "X": X,
            "y": y,
            "metadata": {} if sample_weight is None else {"sample_weight": sample_weight},
        }
        context = self._init_callback_context(max_subtasks=max_subtasks)
        context.call_on_fit_task_begin(estimator=self, **data)
        return context, data
