"""SimpleMLPClassifier: labels, class weights and probabilities on the shared estimator base.

Everything that concerns classes lives here (encoding the labels, class weights, the stratified
early-stopping split, accuracy, probabilities and decisions); the set-up and training machinery
is in ``_base.py``.
"""

import numpy as np
from scipy.special import expit
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels

from ._base import BaseSimpleMLP
from ._docstrings import renamed_docstring
from ._params import partial_fit_available
from ._validation import (
    check_enough_classes,
    check_sample_weight,
    check_targets,
    class_codes,
    class_weight_table,
    encode_targets,
    weigh_by_class,
)


def _partial_fit_available(estimator):
    partial_fit_available(estimator)
    if isinstance(estimator.class_weight, str) and estimator.class_weight == "balanced":
        raise AttributeError(
            "partial_fit is not available with class_weight='balanced', which needs the class "
            "frequencies of the whole data set. Pass them as a dict instead, e.g. dict(zip("
            "classes, compute_class_weight('balanced', classes=classes, y=y_all)))."
        )
    return True


def _scores_available(estimator):
    """``decision_function`` is this package's addition: not on the ``MLPClassifier`` alias,
    which keeps scikit-learn's methods exactly (for ``available_if``)."""
    if isinstance(estimator, MLPClassifier):
        raise AttributeError(
            "MLPClassifier has no decision_function, as scikit-learn's has none; "
            "SimpleMLPClassifier, the same estimator, has it."
        )
    return True


class SimpleMLPClassifier(ClassifierMixin, BaseSimpleMLP):
    """A neural network classifier (multilayer perceptron), trained on the cross-entropy.

    With one hidden layer the network computes ``A1 = f(X @ W1 + b1)`` and the logits
    ``Z2 = A1 @ W2 + b2``; with more, each hidden layer feeds the next. Class probabilities come
    from a softmax (multiclass), one logistic unit (binary) or one logistic unit per label
    (multilabel). Training minimizes the (sample-weighted) cross-entropy plus an L2 penalty, the
    objective of scikit-learn's :class:`~sklearn.neural_network.MLPClassifier`; parameters with
    the same meaning have the same names and defaults there, so replacing ``MLPClassifier`` by
    ``SimpleMLPClassifier`` is the only change code needs.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        The number of units of each hidden layer: ``(100,)`` is one hidden layer of 100 units,
        ``(64, 32)`` two layers; an int ``h`` means ``(h,)`` and ``()`` no hidden layer (a
        linear model: logistic regression with an L2 penalty).

    activation : str or sequence of str, default="relu"
        Hidden activation ``f``: scikit-learn's ``"relu"`` (``max(z, 0)``), ``"logistic"``
        (``1 / (1 + exp(-z))``; ``"sigmoid"`` is the same function), ``"tanh"`` or
        ``"identity"`` (``z``), or this package's ``"leaky_relu"`` (slope 0.01 below 0),
        ``"elu"``, ``"softplus"``, ``"gelu"`` or ``"silu"``. A sequence gives one name per
        hidden layer, as many as ``hidden_layer_sizes`` has. See :ref:`activations`.

    solver : {"adam", "sgd", "lbfgs", "newton-cg"}, default="adam"
        ``"sgd"``: mini-batch gradient descent with (Nesterov) momentum; with ``momentum=0`` and
        ``batch_size="full"`` it is plain full-batch gradient descent. ``"adam"``: Adam.
        ``"lbfgs"``: full-batch L-BFGS (SciPy's L-BFGS-B). ``"newton-cg"``: a full-batch
        Newton method: each step solves for the curvature measured on a subsample of the rows
        (see ``curvature`` and ``curvature_fraction``) by damped conjugate gradients with
        exact curvature-vector products, then searches along it. The second-order solvers
        suit small and medium data sets; they ignore the parameters of the stochastic ones
        (batch size, learning rate, momentum, Adam's) and have no ``partial_fit``.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha / 2 * sum_l ||W_l||^2`` (biases are not
        penalized), divided, like the data term, by the total sample weight of the batch.

    batch_size : int, "auto" or "full", default="auto"
        Rows per mini-batch. ``"auto"`` is ``min(200, n_samples)``; ``"full"`` uses every
        training sample in each step. Larger than the number of samples: clipped, with a warning.

    learning_rate : {"constant", "invscaling", "adaptive", "plateau"}, default="constant"
        Schedule of the step size, as scikit-learn's MLPs apply it: to ``"sgd"`` (Adam keeps
        its rate, and stops on a plateau). ``"invscaling"``: ``learning_rate_init / (t + 1) **
        power_t`` after each epoch, ``t`` the number of samples seen. ``"adaptive"``: divided
        by 5 whenever the monitored value (training loss, or validation score with
        ``early_stopping``) fails to improve by ``tol`` for more than ``n_iter_no_change``
        consecutive epochs, until it is at most 1e-6; the next plateau is judged against the
        best value ever seen. ``"plateau"`` (this package's, for ``"sgd"`` and ``"adam"``):
        the same cut, but each new plateau is judged afresh from the current value, so one
        lucky epoch cannot shrink the rate forever (scikit-learn#15596); training stops when
        the rate would fall below 1e-6.

    learning_rate_init : float, default=1e-3
        Initial step size of ``"sgd"`` and ``"adam"``: the step size of each new optimizer
        (each ``fit``, and the first ``partial_fit``).

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (passes over the training data), or of iterations of a
        second-order solver.

    shuffle : bool, default=True
        Whether to shuffle the samples at the start of each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the early-stopping split, the shuffling, the dropout masks
        and Newton's subsamples. Each call of ``fit`` or ``partial_fit`` takes its random
        stream afresh from it, as scikit-learn's MLPs do: an int starts the same stream again
        (the same initial weights as scikit-learn's with the same int), a ``RandomState``
        instance goes on with its own, so successive calls draw anew.

    tol : float, default=1e-4
        Minimum improvement of the training loss (or validation score) that resets the
        ``n_iter_no_change`` counter. For ``"lbfgs"`` and ``"newton-cg"``, also the gradient
        tolerance: they stop when the largest gradient component (L-BFGS) or the gradient's norm
        (Newton) falls below it, or when an iteration reduces the loss by a relative 2.2e-9 or
        less (the loss has stalled: L-BFGS-B's rule, which Newton follows).

    verbose : bool, default=False
        Print, after each epoch (or solver iteration), scikit-learn's lines: the training loss
        (and for the second-order solvers the gradient's norm), the validation score with a
        validation set (and the validation loss with ``scoring="loss"``), and why the rate
        changed or training stopped.

    warm_start : bool, default=False
        If True, ``fit`` starts from the fitted weights instead of new ones, with a new
        optimizer (momentum, Adam's moments, the learning rate), as scikit-learn's MLPs do; to
        go on with the optimizer's state, call ``partial_fit``. The number of features and
        outputs (classes), ``hidden_layer_sizes`` and the loss must not change. With
        ``early_stopping``, every warm-started fit holds out the rows the first fit held out
        (of the same data), so it never validates on rows it trained on.

    momentum : float, default=0.9
        Momentum of ``"sgd"``, in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``"sgd"``.

    early_stopping : bool, default=False
        In ``fit``, stop when the validation score (see ``scoring``) has not improved by
        ``tol`` for more than ``n_iter_no_change`` epochs, and keep the weights of the best
        epoch. The validation set is ``X_val, y_val`` if given to ``fit``, else
        ``validation_fraction`` of the training data, held out as ``validation_split`` says.
        ``"lbfgs"`` ignores it (as scikit-learn's MLPs do: it holds nothing out) unless ``fit``
        is given ``X_val, y_val``; ``"sgd"``, ``"adam"`` and ``"newton-cg"`` apply it.
        ``partial_fit`` ignores it: it trains one epoch on the data it is given, and the
        caller decides when to stop.

    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping`` is True and no ``X_val``
        is given: of the rows (``validation_split="random"``) or of the sample weight
        (``"grouped"``).

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs (or iterations) without an improvement of ``tol`` tolerated before stopping, or,
        with ``learning_rate="adaptive"`` or ``"plateau"``, before dividing the learning rate
        by 5. With a second-order solver it applies to the validation score of
        ``early_stopping`` only.

    max_fun : int, default=15000
        Maximum number of loss evaluations of ``"lbfgs"`` and ``"newton-cg"`` (checked after
        each iteration for the latter).

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``: ``{label: weight}``, or
        ``"balanced"`` for ``n_samples / (n_classes * count(label))``. Not for multilabel
        targets; with ``partial_fit`` only a dict (the counts of the whole data set are
        unknown there).

    dropout : float, default=0.0
        Probability of dropping each hidden unit during training ("inverted" dropout: kept
        units are scaled by ``1 / (1 - dropout)``, so nothing changes at prediction time).
        Applied to every hidden layer. Only for ``"sgd"`` and ``"adam"``. The validation score
        and ``predict`` use the whole network.

    scoring : str or callable, default="accuracy"
        What early stopping watches on the validation set: the accuracy (MLPClassifier's
        choice) or the cross-entropy (``"loss"``, this package's: smooth, as
        HistGradientBoostingClassifier's default, where the accuracy of a small validation set
        moves in steps and can stop early on a plateau of ties). Any other scorer name of
        :func:`sklearn.metrics.get_scorer_names` (``"roc_auc"``, ``"f1"``, ...) or a callable
        ``scorer(estimator, X, y)`` is called on the validation set after each epoch, as
        ``HistGradientBoostingClassifier`` does: ``validation_scores_`` records it, and the
        best epoch is the one of its highest value. With ``"loss"``, ``validation_scores_``
        records the negative validation loss, as HistGradientBoosting's ``validation_score_``
        does.

    validation_split : {"random", "grouped"}, default="random"
        How early stopping holds out ``validation_fraction`` of the training data.
        ``"random"``: scikit-learn's MLPs' own split, ``train_test_split`` of the rows on the
        same random stream (stratified for a binary target), so the same rows are held out;
        it warns when they carry a share of the sample weight far from the fraction.
        ``"grouped"`` (this package's): identical rows always land on the same side (a
        duplicate never validates its twin), ``validation_fraction`` of the sample *weight* is
        held out (a sample of weight ``w`` exactly like ``w`` copies of it), stratified by
        class for single-label targets.

    curvature : {"gauss-newton", "hessian"}, default="gauss-newton"
        The curvature ``"newton-cg"`` steps with: the Gauss-Newton matrix (positive
        semi-definite and cheaper to multiply by) or the exact Hessian. Both come as exact
        matrix-vector products from the R-operator; neither matrix is ever formed. With relu,
        or on unscaled data, keep ``"gauss-newton"``. With ``"tanh"`` on well-scaled data (or
        ``"logistic"``, trained long), try ``"hessian"``: late in training, as the outputs
        saturate, the Gauss-Newton matrix misses most of the curvature (measured on the
        documentation's "Solvers" page).

    curvature_fraction : float, default=0.1
        Share of the rows ``"newton-cg"`` measures the curvature on, on average: at each step a
        new subsample of at least 500 rows (all of them for smaller data sets), drawn by the
        curvature each row carries (a row its output already fits carries little; weighted
        back so the estimate stays unbiased); ``1.0`` uses every row. The gradient always
        comes from every row.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (``arange(n_labels)`` for a multilabel target).

    coefs_ : list of ndarrays
        ``[W_1, ..., W_{L+1}]`` for ``L`` hidden layers, ``W_l`` of shape (units of layer
        ``l - 1``, units of layer ``l``): with one hidden layer ``[W1, W2]`` of shapes
        ``(n_features, h)`` and ``(h, n_outputs_)``. Views into one flat parameter vector.

    intercepts_ : list of ndarrays
        ``[b_1, ..., b_{L+1}]``, ``b_l`` of shape (units of layer ``l``,).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Names of the features seen during ``fit``, when ``X`` has string column names.

    n_iter_ : int
        Epochs (or solver iterations) run by the last call to ``fit`` (1 for ``partial_fit``).

    t_ : int
        Number of training samples the stochastic solvers processed since the weights were
        initialized (0 for ``"lbfgs"`` and ``"newton-cg"``, as for scikit-learn's lbfgs).

    loss_ : float
        Mean training loss (with the penalty) over the last epoch.

    loss_curve_ : list of float
        ``loss_`` after each epoch.

    best_loss_ : float or None
        Lowest ``loss_`` so far; None when ``early_stopping`` is True.

    validation_scores_ : list of float or None
        Validation score after each epoch (see ``scoring``: the accuracy by default, the negative
        loss with ``"loss"``); None without a validation set (no ``early_stopping``, or
        ``"lbfgs"``, and no ``X_val``).

    validation_loss_curve_ : list of float or None
        Validation cross-entropy (without the penalty: scikit-learn's ``log_loss``) after each
        epoch; None without a validation set.

    best_validation_score_ : float or None
        Best validation score (see ``scoring``); None without a validation set.

    history_ : sequence of dict
        One record per epoch or iteration, over all calls that trained these weights, with keys
        ``epoch``, ``loss``, ``validation_loss``, ``validation_score``, ``learning_rate``,
        ``gradient_norm`` (second-order solvers) and ``seconds`` (training time so far); NaN
        where a value does not apply. ``pandas.DataFrame(model.history_)`` makes it a table.
        It reads like a list and is stored as a table of numbers (56 bytes an epoch).

    n_layers_ : int
        Number of layers, input and output included: ``len(hidden_layer_sizes) + 2``.

    n_outputs_ : int
        Number of output units: 1 for binary, ``n_classes`` for multiclass, ``n_labels`` for
        multilabel targets.

    out_activation_ : {"softmax", "logistic"}
        Output function.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The same model in scikit-learn.

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
        **BaseSimpleMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "scoring": [str, callable],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
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
        scoring="accuracy",
        validation_split="random",
        curvature="gauss-newton",
        curvature_fraction=0.1,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
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
        self.validation_split = validation_split
        self.curvature = curvature
        self.curvature_fraction = curvature_fraction

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
        validation_data = (X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, incremental=False, validation_data=validation_data)

    @available_if(_partial_fit_available)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch over ``X``, ``y``, continuing from the current weights.

        The optimizer's state (momentum, Adam's moments, the learning rate) carries over from
        one call to the next; the random stream (shuffles, dropout masks) is taken afresh from
        ``random_state`` at each call, as scikit-learn's MLPs do (pass a ``RandomState``
        instance for one stream over the calls). Without shuffling, successive calls on the
        same data are exactly epochs of ``fit``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator matrix for multilabel classification.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        classes : array-like of shape (n_classes,), default=None
            Every class that will ever appear; required on the first call (for a multilabel
            indicator ``y`` it may be omitted) and ignored afterwards.

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
            return self._decision_codes(proba)
        return self.classes_[self._decision_codes(proba)]

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
            label for a multilabel model; computed as MLPClassifier computes them, so a
            probability too small for the dtype is 0.
        """
        return self._proba(self._forward(self._checked_input(X)))

    def predict_log_proba(self, X):
        """Predict log-probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``, as MLPClassifier's (and what scikit-learn's checks
            ask): ``-inf`` where a probability is too small for the dtype and rounds to 0.
        """
        with np.errstate(divide="ignore"):  # log(0) is -inf: no warning for an exact answer
            return np.log(self.predict_proba(X))

    @available_if(_scores_available)
    def decision_function(self, X):
        """The network's raw outputs (logits), shaped as a linear classifier's scores.

        ``predict_proba`` is the output function of these: a softmax of the rows (several
        classes), a sigmoid (binary, of the positive class ``classes_[1]``), a sigmoid per label
        (multilabel). Unlike the probabilities they never round to 0 or 1, so they are what
        temperature scaling, margins and ranking need. scikit-learn's MLPClassifier has no such
        method, and neither has this package's ``MLPClassifier`` alias: meta-estimators that
        prefer it to ``predict_proba`` (``CalibratedClassifierCV``) would otherwise calibrate
        differently after a swap of the class name.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, one score per sample, positive where ``classes_[1]`` is
            predicted (as ``LogisticRegression.decision_function``); otherwise one column per
            class (or label), in the order of ``classes_``.
        """
        Z = np.ascontiguousarray(self._forward(self._checked_input(X)))  # (n, k)
        return Z[:, 0].copy() if self.n_outputs_ == 1 else Z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    # --- probabilities and decisions -------------------------------------------------------------

    @property
    def _is_multilabel(self):
        return self.out_activation_ == "logistic" and self.n_outputs_ > 1

    def _proba(self, Z):
        """Probabilities from logits (overwritten), computed as MLPClassifier computes them:
        a softmax, a sigmoid per label, or ``[1 - p, p]`` with ``p = sigmoid(z)`` (binary).
        A probability that rounds to 1 is the largest number below 1 instead (scikit-learn's
        checks ask that of a label's probability); one that rounds to 0 stays 0."""
        if self.n_outputs_ == 1:
            p = expit(Z)
            proba = np.hstack([1 - p, p])
        elif self.out_activation_ == "logistic":  # multilabel
            proba = np.ascontiguousarray(expit(Z, out=Z))
        else:
            Z -= Z.max(axis=1, keepdims=True)
            np.exp(Z, out=Z)
            Z /= Z.sum(axis=1, keepdims=True)
            proba = np.ascontiguousarray(Z)
        return np.minimum(proba, 1 - np.finfo(proba.dtype).epsneg, out=proba)

    def _decision_codes(self, proba):
        """What ``predict`` decides, as class indices (or a 0/1 matrix for multilabel)."""
        if self._is_multilabel:
            return (proba > 0.5).astype(int)
        return proba.argmax(axis=1)

    # --- hooks of the shared base ----------------------------------------------------------------

    _fitted_attributes = (*BaseSimpleMLP._fitted_attributes, "classes_", "_class_weights")

    def _check_fitted_values(self, values, layout):
        classes, k, head = values.get("classes_"), layout.n_outputs, values["out_activation_"]
        multilabel = head == "logistic" and k > 1
        n_classes = k if multilabel or head == "softmax" else 2
        if head not in ("softmax", "logistic") or (head == "softmax" and k < 3):
            raise ValueError("the output function does not fit a classifier of this many outputs")
        if not (
            isinstance(classes, np.ndarray)
            and classes.shape == (n_classes,)
            and classes.dtype.kind in "biufUO"
            and (classes.dtype.kind != "O" or all(isinstance(c, str) for c in classes.tolist()))
            and len(set(classes.tolist())) == n_classes
        ):
            raise ValueError(f"the classes must be {n_classes} distinct labels")
        if multilabel and not np.array_equal(classes, np.arange(k)):
            raise ValueError("a multilabel model's classes must be 0, ..., n_labels - 1")
        weights = values.get("_class_weights")
        expected = (k, 2) if multilabel else (n_classes,)
        if weights is not None and not (
            isinstance(weights, np.ndarray)
            and weights.shape == expected
            and weights.dtype.kind == "f"
            and np.isfinite(weights).all()
            and (weights >= 0).all()
        ):
            raise ValueError("the class weights do not match the classes")

    def _prepare_targets(self, y, sample_weight, X, reset, incremental, classes=None):
        """Encoded targets (0/1 bytes) and the sample weights with the class weights in them."""
        if incremental:
            self._check_partial_fit_classes(y, classes, reset)
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
        return Y, sample_weight

    def _encode_validation_targets(self, y_val, sample_weight_val, n_val, dtype):
        y_val, target_type = check_targets(y_val, name="y_val")
        if self._is_multilabel != (target_type == "multilabel-indicator"):
            raise ValueError("y_val must be of the same kind as y (class labels or multilabel).")
        Y_val = encode_targets(y_val, self.classes_, self._is_multilabel, name="y_val")
        sample_weight_val = check_sample_weight(
            sample_weight_val, n_val, dtype, name="sample_weight_val"
        )
        if self._class_weights is not None:
            sample_weight_val = weigh_by_class(self._class_weights, Y_val, sample_weight_val, dtype)
        return Y_val, sample_weight_val

    #: The score early stopping computes from the logits, without a scorer (MLPClassifier's).
    _builtin_score = "accuracy"

    def _decode_targets(self, Y):
        """Encoded targets back to labels (or the 0/1 matrix of a multilabel model), for a
        scorer."""
        if self._is_multilabel:
            return Y.astype(int)
        codes = Y[:, 0].astype(int) if self.n_outputs_ == 1 else Y.argmax(axis=1)
        return self.classes_[codes]

    def _score_outputs(self, Z, Y, sample_weight):
        """Accuracy (subset accuracy for multilabel) of the logits ``Z`` against ``Y``."""
        decided = self._decision_codes(self._proba(Z))  # decided as predict decides
        if self._is_multilabel:
            correct = (decided == (Y > 0.5)).all(axis=1)
        else:
            correct = decided == class_codes(Y)
        return float(np.average(correct, weights=sample_weight))

    def _hold_out_strata(self, Y, split):
        """Each row's class, to stratify early stopping's split by; None for no strata.

        MLPClassifier stratifies its split of a binary target only (one output: its
        ``n_outputs_ == 1`` test), so ``"random"`` does the same; ``"grouped"`` stratifies
        every single-label target.
        """
        if self._is_multilabel or (split == "random" and self.n_outputs_ > 1):
            return None
        return class_codes(Y)

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


class MLPClassifier(SimpleMLPClassifier):
    # (the docstring: SimpleMLPClassifier's sections, see renamed_docstring)
    __doc__ = renamed_docstring(
        SimpleMLPClassifier,
        "MLPClassifier",
        "A neural network classifier (multilayer perceptron) under scikit-learn's name.",
        """    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn_simple import MLPClassifier  # was: from sklearn.neural_network import ...
    >>> X, y = load_digits(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=20, random_state=0))
    >>> search = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-2]}, cv=2)
    >>> sorted(search.fit(X[:300], y[:300]).best_params_)
    ['mlpclassifier__alpha']
""",
    )
