"""The estimator: validates input, encodes labels, runs the training loop, exposes the API."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from . import _optimizers
from ._network import (
    Layout,
    forward,
    init_params,
    log_proba_from_logits,
    proba_from_logits,
)
from ._split import validation_mask
from ._training import MiniBatches, plateau_update, run_epoch

_STOCHASTIC_SOLVERS = ("sgd", "adam")


class SimpleMLPClassifier(ClassifierMixin, BaseEstimator):
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

    solver : {"adam", "sgd"}, default="adam"
        ``"sgd"``: mini-batch gradient descent with (Nesterov) momentum; with ``momentum=0`` and
        ``batch_size="full"`` it is plain full-batch gradient descent. ``"adam"``: Adam.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha / 2 * (||W1||^2 + ||W2||^2)`` (biases are not
        penalized), divided, like the data term, by the total sample weight of the batch.

    batch_size : int, "auto" or "full", default="auto"
        Rows per mini-batch. ``"auto"`` is ``min(200, n_samples)``; ``"full"`` uses every
        training sample in each step. Larger than the number of samples: clipped, with a warning.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule of the step size, for both solvers (MLPClassifier applies it to "sgd" only).
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
        Maximum number of epochs (passes over the training data).

    shuffle : bool, default=True
        Whether to shuffle the samples at the start of each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the early-stopping split. With the same
        integer, the initial weights are those of MLPClassifier.

    tol : float, default=1e-4
        Minimum improvement of the training loss (or validation score) that resets the
        ``n_iter_no_change`` counter.

    verbose : bool, default=False
        Print one line per epoch with the training loss (and validation score).

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
        In ``fit``, hold out ``validation_fraction`` of each class, stop when the validation
        accuracy has not improved by ``tol`` for ``n_iter_no_change`` epochs, and keep the weights
        of the best epoch. Identical rows always land on the same side of the split and a sample
        of weight ``w`` is held out exactly like ``w`` copies of it (see the user guide).
        ``partial_fit`` ignores it: it trains one epoch on the data it is given, and the caller
        decides when to stop.

    validation_fraction : float, default=0.1
        Share of the (weighted) training data held out when ``early_stopping`` is True.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without an improvement of ``tol`` tolerated before stopping (or, with
        ``learning_rate="adaptive"``, before dividing the learning rate by 5).

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

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit``, when ``X`` has string column names.

    n_iter_ : int
        Epochs run by the last call to ``fit`` (1 for each ``partial_fit``).

    t_ : int
        Number of training samples processed since the weights were initialized.

    loss_ : float
        Mean training loss (with the penalty) over the last epoch.

    loss_curve_ : list of float
        ``loss_`` after each epoch.

    best_loss_ : float or None
        Lowest ``loss_`` so far; None when ``early_stopping`` is True.

    validation_scores_ : list of float or None
        Validation accuracy after each epoch; None when ``early_stopping`` is False.

    best_validation_score_ : float or None
        Best validation accuracy; None when ``early_stopping`` is False.

    n_layers_ : int
        Number of layers, input and output included: always 3.

    n_outputs_ : int
        Number of output units: 1 for binary, ``n_classes`` for multiclass, ``n_labels`` for
        multilabel targets.

    out_activation_ : {"softmax", "logistic"}
        Output function.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : Any number of hidden layers, and the L-BFGS solver.

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
        "solver": [StrOptions(set(_STOCHASTIC_SOLVERS))],
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

    # --- public API ------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
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

        Returns
        -------
        self : SimpleMLPClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

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
        proba = self.predict_proba(X)
        if self._is_multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[proba.argmax(axis=1)]

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
            label for a multilabel model.
        """
        Z2 = self._logits(X)
        if self.n_outputs_ == 1:
            # binary: P(classes_[1]) = sigmoid(z), P(classes_[0]) = sigmoid(-z)
            return proba_from_logits(np.hstack([-Z2, Z2]), "logistic")
        return proba_from_logits(Z2, self.out_activation_)

    def predict_log_proba(self, X):
        """Predict log-probabilities, computed from the logits without rounding to zero.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``, finite even where a probability rounds to 0.
        """
        Z2 = self._logits(X)
        if self.n_outputs_ == 1:
            return log_proba_from_logits(np.hstack([-Z2, Z2]), "logistic")
        return log_proba_from_logits(Z2, self.out_activation_)

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

    def _logits(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], reset=False, dtype=(np.float64, np.float32)
        )
        Z2, _ = forward(self._theta, self._layout, X, self.activation)
        return Z2

    # --- training --------------------------------------------------------------------------------

    def _fit(self, X, y, sample_weight, incremental, classes=None):
        first_call = not hasattr(self, "classes_") or not (incremental or self.warm_start)
        if (
            first_call
            and incremental
            and classes is None
            and not type_of_target(y).startswith("multilabel")
        ):
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the list "
                "of every class that will ever appear, e.g. np.unique(y_all)."
            )
        if (
            incremental
            and not first_call
            and classes is not None
            and not np.array_equal(unique_labels(classes), self.classes_)
        ):
            raise ValueError(
                f"classes={list(classes)} differs from the classes of the first "
                f"partial_fit call, {self.classes_.tolist()}; the set of classes "
                "cannot change. Refit from scratch to use new classes."
            )
        X, Y, sample_weight = self._validate_training_data(
            X, y, sample_weight, first_call, classes, incremental
        )
        rng = check_random_state(self.random_state)
        early_stopping = self.early_stopping and not incremental
        if first_call:
            self._initialize(X, rng, early_stopping)
        else:
            self._check_warm_start_compatible(early_stopping)
        # CSC slices rows slowly: train on CSR.
        X = X.tocsr() if sp.issparse(X) else X
        theta = self._theta
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._fit_stochastic(theta, X, Y, sample_weight, rng, incremental, early_stopping)
        return self

    def _validate_training_data(self, X, y, sample_weight, reset, classes, incremental):
        dtype = (np.float64, np.float32) if reset else self._theta.dtype
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            reset=reset,
            ensure_min_samples=1 if incremental else 2,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(
                f"Unsupported target type {target_type!r}: y must hold class labels "
                "(one column) or a 0/1 multilabel indicator matrix."
            )
        if reset:
            self._set_classes(y, classes, target_type)
        Y = self._encode_targets(y, target_type)
        sample_weight = _check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if not incremental:
            _check_enough_classes(Y, sample_weight, self._is_multilabel)
        return X, Y.astype(X.dtype, copy=False), sample_weight

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
                f"y has 1 class ({self.classes_[0]!r}); a classifier needs samples "
                "of at least 2 classes."
            )
        self.n_outputs_ = 1 if n_classes == 2 else n_classes
        self.out_activation_ = "logistic" if n_classes == 2 else "softmax"

    def _encode_targets(self, y, target_type):
        if self._is_multilabel != (target_type == "multilabel-indicator"):
            kind = "a multilabel indicator matrix" if self._is_multilabel else "class labels"
            raise ValueError(f"This model was fitted on {kind}; y must be of the same kind.")
        if self._is_multilabel:
            if y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {y.shape[1]} labels; the model was fitted with {self.n_outputs_}."
                )
            return np.asarray(y.toarray() if sp.issparse(y) else y)
        unseen = np.setdiff1d(unique_labels(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains classes not seen at the first fit: {unseen.tolist()}; "
                f"known classes: {self.classes_.tolist()}. Pass every class to the "
                "first partial_fit call (classes=...), or refit."
            )
        return label_binarize(y, classes=self.classes_)

    def _initialize(self, X, rng, early_stopping):
        self._n_hidden = self.hidden_layer_size
        self.n_layers_ = 3
        self._theta = init_params(self._layout, self.activation, rng, X.dtype)
        self._optimizer_state = None
        self._n_updates = 0
        self._learning_rate = float(self.learning_rate_init)
        self.t_ = 0
        self.loss_curve_ = []
        self._initialize_monitor(early_stopping)

    def _check_warm_start_compatible(self, early_stopping):
        if self.hidden_layer_size != self._n_hidden:
            raise ValueError(
                f"hidden_layer_size changed from {self._n_hidden} to "
                f"{self.hidden_layer_size} since the model was fitted; continuing "
                "training (warm_start / partial_fit) needs the same network. Set "
                "warm_start=False to start afresh."
            )
        if early_stopping != (self.validation_scores_ is not None):
            # Early stopping was switched on or off: monitor the new quantity from scratch.
            self._initialize_monitor(early_stopping)

    def _initialize_monitor(self, early_stopping):
        self._no_improvement_count = 0
        self._plateau_reference = -np.inf
        if early_stopping:
            self.validation_scores_, self.best_validation_score_ = [], -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _step_function(self, n_params, dtype):
        """The update rule ``step(theta, grad)`` of ``self.solver``, with its state arrays."""
        state = self._optimizer_state
        if state is None or self._optimizer_solver != self.solver or state.dtype != dtype:
            state = self._optimizer_state = _optimizers.new_state(self.solver, n_params, dtype)
            self._optimizer_solver = self.solver
            self._n_updates = 0
        scratch = np.empty(n_params, dtype=dtype)

        if self.solver == "sgd":

            def step(theta, grad):
                _optimizers.sgd_step(
                    theta,
                    grad,
                    state,
                    scratch,
                    self._learning_rate,
                    self.momentum,
                    self.nesterovs_momentum,
                )
        else:

            def step(theta, grad):
                self._n_updates += 1
                _optimizers.adam_step(
                    theta,
                    grad,
                    state,
                    scratch,
                    self._n_updates,
                    self._learning_rate,
                    self.beta_1,
                    self.beta_2,
                    self.epsilon,
                )

        return step

    def _fit_stochastic(self, theta, X, Y, sample_weight, rng, incremental, early_stopping):
        layout = self._layout
        if early_stopping:
            X, Y, sample_weight, validation = self._hold_out(X, Y, sample_weight, rng)
        n_samples = X.shape[0]
        batches = MiniBatches(X, Y, sample_weight, self._batch_size(n_samples), layout.n_hidden)
        step = self._step_function(layout.size, theta.dtype)
        model = dict(
            activation=self.activation, out_activation=self.out_activation_, alpha=self.alpha
        )
        grad = np.empty_like(theta)
        # One batch holding every sample: its gradient does not depend on the order.
        shuffle = self.shuffle and len(batches.slices) > 1
        order = np.arange(n_samples) if shuffle else None
        best_theta = theta.copy()
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            if order is not None:
                rng.shuffle(order)
            start_theta = theta.copy()
            try:
                loss = run_epoch(theta, grad, layout, batches, order, model, step)
            except KeyboardInterrupt:
                theta[:] = start_theta
                warnings.warn(
                    f"Training interrupted by the user during epoch {self.n_iter_ + 1}; "
                    "the weights from the end of the previous epoch were kept.",
                    UserWarning,
                    stacklevel=4,
                )
                break
            if not (np.isfinite(loss) and np.isfinite(theta).all()):
                theta[:] = start_theta
                self._warn_non_finite()
                break
            self.n_iter_ += 1
            self.t_ += n_samples
            self.loss_ = loss
            self.loss_curve_.append(loss)
            if early_stopping:
                score = self._validation_score(theta, *validation)
                if score > self.best_validation_score_:
                    best_theta[:] = theta
                stop = self._end_epoch(score, self._record_validation(score))
            else:
                stop = self._end_epoch(-loss, self._record_loss(loss))
            if stop or incremental:
                break
        else:
            warnings.warn(
                f"Stopped after max_iter={self.max_iter} epochs and the optimization "
                "has not converged yet; increase max_iter or learning_rate_init.",
                ConvergenceWarning,
                stacklevel=4,
            )
        if early_stopping and self.n_iter_ > 0:
            theta[:] = best_theta

    def _record_loss(self, loss):
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {loss:.8f}")
        self.best_loss_ = min(self.best_loss_, loss)
        return "Training loss"

    def _record_validation(self, score):
        self.validation_scores_.append(score)
        self.best_validation_score_ = max(self.best_validation_score_, score)
        if self.verbose:
            print(
                f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}, validation score = {score:.6f}"
            )
        return "Validation score"

    def _end_epoch(self, value, monitored):
        """Plateau bookkeeping and the learning-rate schedule; returns True to stop training."""
        self._plateau_reference, self._no_improvement_count = plateau_update(
            value, self._plateau_reference, self._no_improvement_count, self.tol
        )
        if self.learning_rate == "invscaling":
            self._learning_rate = _optimizers.invscaling_rate(
                self.learning_rate_init, self.t_, self.power_t
            )
        if self._no_improvement_count <= self.n_iter_no_change:
            return False
        message = (
            f"{monitored} did not improve more than tol={self.tol} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        if self.learning_rate == "adaptive" and self._learning_rate / 5 >= 1e-6:
            self._learning_rate /= 5
            # Judge the next plateau from where we are now, not from the best epoch ever seen.
            self._plateau_reference, self._no_improvement_count = value, 0
            if self.verbose:
                print(f"{message} Learning rate set to {self._learning_rate:g}.")
            return False
        if self.verbose:
            print(f"{message} Stopping.")
        return True

    def _warn_non_finite(self):
        epoch = self.n_iter_ + 1
        warnings.warn(
            f"Training stopped in epoch {epoch}: the loss or the weights became infinite or NaN "
            f"(learning_rate_init={self.learning_rate_init} is probably too large for this data). "
            f"The weights from the end of epoch {epoch - 1} were kept. Lower "
            "learning_rate_init, or scale the inputs (e.g. with StandardScaler).",
            ConvergenceWarning,
            stacklevel=5,
        )

    def _hold_out(self, X, Y, sample_weight, rng):
        seed = rng.randint(np.iinfo(np.int32).max)
        held_out = validation_mask(
            X, Y, sample_weight, self.validation_fraction, seed, stratify=not self._is_multilabel
        )
        w_val = None if sample_weight is None else sample_weight[held_out]
        if not held_out.any() or (w_val is not None and not w_val.any()):
            raise ValueError(
                "The validation set for early stopping is empty: the data set is "
                "too small. Increase validation_fraction, add samples, or set "
                "early_stopping=False."
            )
        train = ~held_out
        w_train = None if sample_weight is None else sample_weight[train]
        validation = (X[held_out], Y[held_out], w_val)
        return X[train], Y[train], w_train, validation

    def _validation_score(self, theta, X, Y, sample_weight):
        """Accuracy (subset accuracy for multilabel) of the current weights on the held-out set."""
        Z2, _ = forward(theta, self._layout, X, self.activation)
        if self._is_multilabel:
            correct = ((Z2 > 0) == (Y > 0.5)).all(axis=1)
        elif self.n_outputs_ == 1:
            correct = (Z2[:, 0] > 0) == (Y[:, 0] > 0.5)
        else:
            correct = Z2.argmax(axis=1) == Y.argmax(axis=1)
        return float(np.average(correct, weights=sample_weight))

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size == "full":
            return n_samples
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} training "
                f"samples; using batch_size={n_samples}.",
                UserWarning,
                stacklevel=5,
            )
        return min(self.batch_size, n_samples)


def _check_sample_weight(sample_weight, n_samples, dtype):
    """Validated ``sample_weight`` as a 1-D array of ``dtype``, or None."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Real):
        sample_weight = np.full(n_samples, sample_weight)
    sample_weight = check_array(
        sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight"
    )
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight has shape {sample_weight.shape}; it must have one "
            f"weight per sample, shape ({n_samples},)."
        )
    if (sample_weight < 0).any():
        raise ValueError(
            f"sample_weight has negative values (min {sample_weight.min()}); "
            "weights must be non-negative."
        )
    if not sample_weight.any():
        raise ValueError(
            "sample_weight is zero for every sample; give at least one sample a positive weight."
        )
    return sample_weight


def _check_enough_classes(Y, sample_weight, multilabel):
    """A single-output classifier needs positive weight on at least two classes."""
    if multilabel:
        return
    weight = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    if Y.shape[1] == 1:
        per_class = np.array([weight @ (1 - Y[:, 0]), weight @ Y[:, 0]])
    else:
        per_class = weight @ Y
    if np.count_nonzero(per_class > 0) < 2:
        raise ValueError(
            "Only 1 class has samples with positive weight; a classifier needs "
            "samples of at least 2 classes."
        )
