"""SimpleMLPRegressor: real-valued targets on the shared estimator base.

What is particular to regression lives here: numeric targets of one or more outputs, the loss
(``"squared_error"``: identity output and half the squared error; ``"poisson"``: exp output
and half the Poisson deviance), R² for early stopping, and the advice to scale ``y`` when a fit
diverges. The set-up and training machinery is in ``_base.py``, the heads in
``core/heads.py``.
"""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if

from ._base import BaseSimpleMLP
from ._docstrings import renamed_docstring
from ._params import partial_fit_available
from ._report import warn
from ._validation import check_sample_weight, regression_targets
from .core.heads import HEADS, huber_head, quantile_head

#: Each loss: its output function (scikit-learn's ``out_activation_``) and the head that trains
#: it, built from the estimator's parameters.
LOSSES = {
    "squared_error": ("identity", lambda net: HEADS["identity"]),
    "poisson": ("exp", lambda net: HEADS["exp"]),
    "huber": ("identity", lambda net: huber_head(net.huber_epsilon)),
    "quantile": ("identity", lambda net: quantile_head(net.quantile)),
}


class SimpleMLPRegressor(RegressorMixin, BaseSimpleMLP):
    """A neural network regressor (multilayer perceptron), trained on the squared error.

    With one hidden layer the network computes ``A1 = f(X @ W1 + b1)`` and predicts
    ``Z2 = A1 @ W2 + b2`` (one column per output); with more, each hidden layer feeds the next.
    Training minimizes half the (sample-weighted) squared error plus an L2 penalty, the objective
    of scikit-learn's :class:`~sklearn.neural_network.MLPRegressor`; parameters with the same
    meaning have the same names, order and defaults there, so replacing ``MLPRegressor`` by
    ``SimpleMLPRegressor`` is the only change code needs. Single- and multi-output targets.

    Scale the targets as well as the inputs: a network starts with outputs near 0 and learns
    slowly (or diverges) when ``y`` is in the thousands. ``TransformedTargetRegressor(
    regressor=make_pipeline(StandardScaler(), SimpleMLPRegressor()), transformer=
    StandardScaler())`` does both.

    Parameters
    ----------
    loss : {"squared_error", "poisson", "huber", "quantile"}, default="squared_error"
        ``"squared_error"``: the prediction is the last layer's output ``z`` and the loss half
        the squared error ``(z - y)^2 / 2``, summed over the outputs. ``"poisson"``: for counts
        and rates ``y >= 0``, the prediction is ``exp(z)`` and the loss half the Poisson
        deviance (scikit-learn's log link). Either way the derivative of the loss with respect
        to ``z`` is the prediction minus ``y``. This package adds two robust losses, each on the
        output ``z`` itself: ``"huber"``, the squared error for residuals up to
        ``huber_epsilon`` and the absolute error beyond (an outlier pulls no harder than a
        residual of ``huber_epsilon``), and ``"quantile"``, the pinball loss, whose minimizer is
        the ``quantile``-th conditional quantile of ``y`` (not with ``solver="newton-cg"``: the
        pinball loss has no curvature). See :ref:`robust-losses`.

    hidden_layer_sizes : int or sequence of int, default=(100,)
        The number of units of each hidden layer: ``(100,)`` is one hidden layer of 100 units,
        ``(64, 32)`` two layers; an int ``h`` means ``(h,)`` and ``()`` no hidden layer (a
        linear model: ridge regression with the squared error).

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

    dropout : float, default=0.0
        Probability of dropping each hidden unit during training ("inverted" dropout: kept
        units are scaled by ``1 / (1 - dropout)``, so nothing changes at prediction time).
        Applied to every hidden layer. Only for ``"sgd"`` and ``"adam"``. The validation score
        and ``predict`` use the whole network.

    scoring : str or callable, default="r2"
        What early stopping watches on the validation set: the coefficient of determination
        R² (MLPRegressor's choice) or the loss (``"loss"``, this package's). For one output
        the two pick the same epochs (R² is one minus the squared error over a constant); they
        differ in how ``tol`` applies, and across outputs of different scales. R² needs at
        least two validation samples. Any other scorer name of
        :func:`sklearn.metrics.get_scorer_names` (``"neg_mean_absolute_error"``, ...) or a
        callable ``scorer(estimator, X, y)`` is called on the validation set after each epoch,
        as ``HistGradientBoostingRegressor`` does: ``validation_scores_`` records it, and the
        best epoch is the one of its highest value. With ``"loss"``, ``validation_scores_``
        records the negative validation loss, as HistGradientBoosting's ``validation_score_``
        does.

    validation_split : {"random", "grouped"}, default="random"
        How early stopping holds out ``validation_fraction`` of the training data.
        ``"random"``: scikit-learn's MLPs' own split, ``train_test_split`` of the rows on the
        same random stream (not stratified, as MLPRegressor's), so the same rows are held out;
        it warns when they carry a share of the sample weight far from the fraction.
        ``"grouped"`` (this package's): identical rows (features and targets) always land on
        the same side (a duplicate never validates its twin), ``validation_fraction`` of the
        sample *weight* is held out (a sample of weight ``w`` exactly like ``w`` copies of
        it).

    curvature : {"gauss-newton", "hessian"}, default="gauss-newton"
        The curvature ``"newton-cg"`` steps with: the Gauss-Newton matrix (positive
        semi-definite; for the squared error ``J^T J`` over the total weight, ``J`` the
        Jacobian of the outputs) or the exact Hessian. Both come as exact matrix-vector
        products from the R-operator; neither matrix is ever formed.

    curvature_fraction : float, default=0.1
        Share of the rows ``"newton-cg"`` measures the curvature on, on average: at each step a
        new subsample of at least 500 rows (all of them for smaller data sets), drawn by the
        curvature each row carries (a row its output already fits carries little; weighted
        back so the estimate stays unbiased); ``1.0`` uses every row. The gradient always
        comes from every row.

    huber_epsilon : float, default=1.35
        With ``loss="huber"``: the residual ``|z - y|`` beyond which the loss grows linearly,
        in the units of ``y`` (``HuberRegressor``'s and ``SGDRegressor``'s ``epsilon``; named
        apart from Adam's ``epsilon``). 1.35 is ``HuberRegressor``'s default: on a target
        scaled to unit noise, 95 % as efficient as the squared error on Gaussian noise. Scale
        ``y`` (``TransformedTargetRegressor``) or set it to the size of a typical error.

    quantile : float, default=0.5
        With ``loss="quantile"``: the quantile of ``y`` given ``X`` to predict, in (0, 1)
        (``QuantileRegressor``'s and ``HistGradientBoostingRegressor``'s name); 0.5 is the
        median. Early stopping of a quantile model should watch ``scoring="loss"``.

    Attributes
    ----------
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
        Mean training loss (with the penalty) over the last epoch, as MLPRegressor reports it:
        with several outputs, half the squared error averaged over them (training follows the
        gradient of their sum, as MLPRegressor's does).

    loss_curve_ : list of float
        ``loss_`` after each epoch.

    best_loss_ : float or None
        Lowest ``loss_`` so far; None when ``early_stopping`` is True.

    validation_scores_ : list of float or None
        Validation score after each epoch (see ``scoring``: the R² by default, the negative
        loss with ``"loss"``); None without a validation set (no ``early_stopping``, or
        ``"lbfgs"``, and no ``X_val``).

    validation_loss_curve_ : list of float or None
        Validation loss (without the penalty) after each epoch; None without a validation set.

    best_validation_score_ : float or None
        Best validation score (see ``scoring``); NaN while every R² is undefined (a
        validation set of one sample), None without a validation set.

    history_ : sequence of dict
        One record per epoch or iteration, over all calls that trained these weights, with keys
        ``epoch``, ``loss``, ``validation_loss``, ``validation_score``, ``learning_rate``,
        ``gradient_norm`` (second-order solvers) and ``seconds`` (training time so far); NaN
        where a value does not apply. ``pandas.DataFrame(model.history_)`` makes it a table.
        It reads like a list and is stored as a table of numbers (56 bytes an epoch).

    n_layers_ : int
        Number of layers, input and output included: ``len(hidden_layer_sizes) + 2``.

    n_outputs_ : int
        Number of outputs (columns of ``y``).

    out_activation_ : {"identity", "exp"}
        Output function: ``"identity"`` for the squared error, ``"exp"`` for Poisson.

    See Also
    --------
    sklearn.neural_network.MLPRegressor : The same model in scikit-learn.
    SimpleMLPClassifier : The classifier on the same network.

    Examples
    --------
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn_simple import SimpleMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> net = SimpleMLPRegressor(
    ...     hidden_layer_sizes=(20,), solver="lbfgs", alpha=10.0, random_state=0
    ... )
    >>> model = TransformedTargetRegressor(
    ...     make_pipeline(StandardScaler(), net), transformer=StandardScaler()
    ... )
    >>> model.fit(X_train, y_train).score(X_test, y_test) > 0.3
    True
    >>> model.predict(X_test[:2]).shape
    (2,)
    """

    _parameter_constraints: dict = {
        "loss": [StrOptions(set(LOSSES))],
        **BaseSimpleMLP._parameter_constraints,
        "huber_epsilon": [Interval(Real, 0, None, closed="neither")],
        "quantile": [Interval(Real, 0, 1, closed="neither")],
        "scoring": [str, callable],
    }

    def __init__(
        self,
        loss="squared_error",
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
        dropout=0.0,
        scoring="r2",
        validation_split="random",
        curvature="gauss-newton",
        curvature_fraction=0.1,
        huber_epsilon=1.35,
        quantile=0.5,
    ):
        self.loss = loss
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
        self.dropout = dropout
        self.scoring = scoring
        self.validation_split = validation_split
        self.curvature = curvature
        self.curvature_fraction = curvature_fraction
        self.huber_epsilon = huber_epsilon
        self.quantile = quantile

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network on ``X``, ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data gives float32 weights and predictions.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values: any numbers (integers too: a regressor treats them as numbers).

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of ``w`` counts like ``w`` copies of the sample.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            A validation set, scored after every epoch (``validation_scores_``,
            ``validation_loss_curve_``, ``history_``) and, with ``early_stopping=True``, used
            for early stopping instead of a ``validation_fraction`` split. It must be
            preprocessed like ``X``: in a Pipeline, route it with
            ``Pipeline(..., transform_input=["X_val"])``.

        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``, with as many outputs as ``y``; required with it.

        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : SimpleMLPRegressor
            The fitted estimator.
        """
        validation_data = (X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, incremental=False, validation_data=validation_data)

    @available_if(partial_fit_available)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
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

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values; the same number of outputs at every call.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : SimpleMLPRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict the targets of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The network's output (``exp`` of it with ``loss="poisson"``); one column per
            output when the model was fitted on several, a 1-d array otherwise.
        """
        outputs = self._outputs(X)  # (n, k), column-major
        if self.n_outputs_ == 1:
            return outputs[:, 0]
        return np.ascontiguousarray(outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags

    # --- hooks of the shared base ----------------------------------------------------------------

    def _check_fitted_values(self, values, layout):
        # the head the model was fitted with, which may differ from the loss parameter set
        # since (set_params); continuing training checks that they agree
        heads = sorted({output for output, _ in LOSSES.values()})
        if values["out_activation_"] not in heads:
            raise ValueError(
                f"the output function {values['out_activation_']!r} is not a regressor's "
                f"(one of {heads})"
            )

    def _watched(self):
        """The loss, with its parameter, beside the scoring (see the base class)."""
        parameter = {"huber": self.huber_epsilon, "quantile": self.quantile}.get(self.loss)
        loss = self.loss if parameter is None else f"{self.loss}({float(parameter)!r})"
        return f"loss={loss!r}, {super()._watched()}"

    def _head(self):
        """The identity or exp output with the loss of ``loss`` (and its parameter)."""
        return LOSSES[self.loss][1](self)

    def _targets(self, y, dtype, name):
        """``y`` as floats (n, k), checked for the loss (Poisson: no negative target)."""
        Y = regression_targets(y, dtype, name)
        if self.loss == "poisson" and Y.size and Y.min() < 0:
            raise ValueError(
                f"loss='poisson' models counts and rates: {name} must be >= 0, and it has "
                f"{Y.min():g}. Use loss='squared_error' for targets that can be negative."
            )
        return Y

    def _prepare_targets(self, y, sample_weight, X, reset, incremental):
        """Targets as floats of ``X``'s dtype, (n, n_outputs); sets the head on a first fit."""
        Y = self._targets(y, X.dtype, "y")
        head = LOSSES[self.loss][0]
        if reset:
            self.n_outputs_ = Y.shape[1]
            self.out_activation_ = head
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs; the model was fitted with {self.n_outputs_}. "
                "Continuing training (warm_start / partial_fit) needs the same outputs; set "
                "warm_start=False to train a new model."
            )
        elif head != self.out_activation_:
            raise ValueError(
                f"loss={self.loss!r} differs from the loss the model was fitted with (output "
                f"{self.out_activation_!r}); continuing training (warm_start / partial_fit) "
                "needs the same loss. Set warm_start=False to train a new model."
            )
        return Y, check_sample_weight(sample_weight, X.shape[0], X.dtype)

    def _encode_validation_targets(self, y_val, sample_weight_val, n_val, dtype):
        Y_val = self._targets(y_val, dtype, "y_val")
        if Y_val.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y_val has {Y_val.shape[1]} outputs and y has {self.n_outputs_}; the "
                "validation targets must have the outputs of the training targets."
            )
        sample_weight_val = check_sample_weight(
            sample_weight_val, n_val, dtype, name="sample_weight_val"
        )
        return Y_val, sample_weight_val

    def _validator(self, X, Y, sample_weight):
        if self.loss == "quantile" and self.scoring == "r2":
            warn(
                f"scoring='r2' ranks the epochs of a quantile model (loss='quantile', "
                f"quantile={self.quantile}) by how well it predicts the mean, which it does "
                "not model: set scoring='loss' to watch the validation pinball loss.",
                UserWarning,
            )
        if self.scoring == "r2" and Y.shape[0] < 2:
            raise ValueError(
                "scoring='r2' needs a validation set of at least 2 samples (R² compares the "
                f"errors with the targets' variance); this one has {Y.shape[0]}. Increase "
                "validation_fraction, pass X_val and y_val, or use scoring='loss'."
            )
        return super()._validator(X, Y, sample_weight)

    #: The score early stopping computes from the outputs, without a scorer (MLPRegressor's).
    _builtin_score = "r2"

    def _decode_targets(self, Y):
        """The targets as ``y`` was given (one column for one output), for a scorer."""
        return Y[:, 0] if self.n_outputs_ == 1 else Y

    def _score_outputs(self, Z, Y, sample_weight):
        """R² of the predictions from the logits ``Z`` (overwritten), averaged over the outputs
        (what ``score`` computes); NaN for a single sample, where R² is undefined."""
        if Y.shape[0] < 2:  # only with scoring="loss" (see _validator)
            return np.nan
        head = HEADS[self.out_activation_]
        return float(r2_score(Y, head.output(Z), sample_weight=sample_weight))

    #: The early-stopping split holds out a share of all rows: there are no classes to stratify.
    def _hold_out_strata(self, Y, split):
        """No strata: regression targets are held out at random, as MLPRegressor does."""
        return None

    def _divergence_hint(self, scales):
        if self.loss == "huber":
            return (
                f" With loss='huber', a residual beyond huber_epsilon={self.huber_epsilon} pulls "
                "no harder than huber_epsilon: set it near the size of a typical error, or "
                "scale y (e.g. TransformedTargetRegressor with a StandardScaler) to errors "
                "near 1."
            )
        if self.loss == "poisson":
            return (
                " With loss='poisson' the prediction is exp of the network's output, which "
                "overflows when it grows past about 700: scale large counts down too (model a "
                "rate, with the exposure as sample_weight)."
            )
        if not scales.targets:  # already on a unit scale (standardized, say)
            return ""
        return (
            " Regression targets on a large scale make training diverge or crawl: scale y too, "
            "e.g. TransformedTargetRegressor(regressor=..., transformer=StandardScaler())."
        )


class MLPRegressor(SimpleMLPRegressor):
    # (the docstring: SimpleMLPRegressor's sections, see renamed_docstring)
    __doc__ = renamed_docstring(
        SimpleMLPRegressor,
        "MLPRegressor",
        "A neural network regressor (multilayer perceptron) under scikit-learn's name.",
        """    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn_simple import MLPRegressor  # was: from sklearn.neural_network import ...
    >>> X, y = load_diabetes(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), MLPRegressor(solver="lbfgs", random_state=0))
    >>> list(pipe.named_steps)
    ['standardscaler', 'mlpregressor']
    >>> pipe.set_params(mlpregressor__alpha=1.0).fit(X, (y - y.mean()) / y.std()).n_features_in_
    10
""",
    )
