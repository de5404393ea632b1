"""The estimators' shared machinery: a fit from set-up to outcome, and the forward pass.

:class:`BaseSimpleMLP` sets up a fit (the network's layout and the training state, first or
continued), hands it to the training loop (``training/loop.py``), and serves the fitted
attributes and the forward pass for prediction. It knows nothing of classes or targets: the
subclass fills a few hooks (encode the targets and choose the output head, score the validation
set, say whether the early-stopping split is stratified, add advice to a warning about
divergence). It is the only code that writes the estimator's attributes; the training code
updates the :class:`~sknn_simple.training.state.TrainingState` it owns.

Its other concerns have rooms of their own: the hyperparameters' constraints and cross-checks
(``_params.py``), the data of a fit and early stopping's hold-out (``_fit_data.py``), the
warnings and errors about the outcome (``_report.py``), scikit-learn's callbacks
(``_callbacks.py``) and the ``coefs_`` / ``intercepts_`` lists (``_layer_arrays.py``).
"""

from numbers import Integral
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._callbacks import CallbackSupportMixin, start_callbacks
from ._fit_data import FitData
from ._layer_arrays import LayerArrays
from ._params import (
    PARAMETER_CONSTRAINTS,
    batch_rows,
    check_solver_options,
    hidden_activations,
    hidden_sizes,
    schedule_in_force,
    validation_scorer,
)
from ._report import OutcomeReports, Scales
from .core.heads import HEADS
from .core.network import Buffers, Layout, forward, init_params
from .exceptions import DivergenceError
from .training.loop import Problem, train
from .training.monitor import Monitor
from .training.solvers import SOLVERS
from .training.state import TrainingState
from .training.threads import largest_product, prediction_threads


class BaseSimpleMLP(FitData, OutcomeReports, CallbackSupportMixin, BaseEstimator):
    """Base class of the estimators (private): set-up, training, fitted state, forward pass.

    Subclasses define ``__init__`` (every parameter of ``_parameter_constraints``) and the hooks
    ``_prepare_targets`` (which also sets ``n_outputs_`` and ``out_activation_``, the output
    function), ``_head`` (the output function with the loss it trains),
    ``_encode_validation_targets``, ``_score_outputs`` and ``_hold_out_strata``, and may
    extend ``_fitted_attributes``, ``_check_fitted_values`` and ``_divergence_hint``.
    """

    _parameter_constraints: dict = dict(PARAMETER_CONSTRAINTS)

    # --- fitted attributes, read from the training state ----------------------------------------

    @property
    def coefs_(self):
        """``[W_1, ..., W_{L+1}]``: views into the fitted parameter vector.

        As in MLPClassifier, ``model.coefs_[l] = W`` and ``model.coefs_ = [...]`` set the
        weights (of the same shapes): both write into the parameter vector.
        """
        return LayerArrays("coefs_", self._layout.unpack(self._state.theta)[0])

    @coefs_.setter
    def coefs_(self, arrays):
        check_is_fitted(self)  # no network to write into before a fit
        self.coefs_.replace_all(arrays)

    @property
    def intercepts_(self):
        """``[b_1, ..., b_{L+1}]``: views into the fitted parameter vector.

        Settable, as ``coefs_``.
        """
        return LayerArrays("intercepts_", self._layout.unpack(self._state.theta)[1])

    @intercepts_.setter
    def intercepts_(self, arrays):
        check_is_fitted(self)
        self.intercepts_.replace_all(arrays)

    @property
    def n_layers_(self):
        """Number of layers, input and output included: ``len(hidden_layer_sizes) + 2``."""
        return len(self._layout.sizes)

    @property
    def n_iter_(self):
        """Epochs (or solver iterations) run by the last call to ``fit`` or ``partial_fit``."""
        return self._state.n_iter

    @property
    def t_(self):
        """Number of training samples processed since the weights were initialized.

        Counted by the stochastic solvers; 0 for ``"lbfgs"`` and ``"newton-cg"``, as for
        MLPClassifier's lbfgs.
        """
        return self._state.t

    @property
    def loss_(self):
        """Training loss (with the penalty) of the last epoch or iteration.

        That of the starting weights when a full-batch solver found them converged and ran no
        iteration.
        """
        if self._state.loss is None:
            raise AttributeError("loss_ is set once an epoch has been completed")
        return self._state.loss

    @property
    def loss_curve_(self):
        """``loss_`` after each epoch or iteration, over every call that trained these weights."""
        return self._state.loss_curve

    @property
    def best_loss_(self):
        """Lowest ``loss_`` so far; None when early stopping watches the validation set."""
        return self._state.best_loss

    @property
    def validation_scores_(self):
        """Validation score after each epoch; None without a validation set."""
        return self._state.validation_scores

    @property
    def validation_loss_curve_(self):
        """Validation loss (no penalty) after each epoch; None without a validation set."""
        return self._state.validation_loss_curve

    @property
    def best_validation_score_(self):
        """Best validation score; None without a validation set."""
        return self._state.best_validation_score

    @property
    def history_(self):
        """One record per epoch or iteration (see the class docstring)."""
        return self._state.history

    def __sklearn_is_fitted__(self):
        """True once ``fit`` or ``partial_fit`` has set the weights (for ``check_is_fitted``)."""
        return hasattr(self, "_state")

    # --- the fitted state as plain values (pickle, skops, model files) ---------------------------

    #: The fitted attributes besides the layout and the training state; subclasses add theirs.
    _fitted_attributes = ("n_features_in_", "feature_names_in_", "n_outputs_", "out_activation_")

    def _fitted_values(self):
        """Every fitted attribute as plain values: arrays, numbers, text, lists and dicts."""
        values = {
            name: getattr(self, name) for name in self._fitted_attributes if hasattr(self, name)
        }
        values["_layout"] = list(self._layout.sizes)
        values["_state"] = self._state.to_dict()
        return values

    def _restore_fitted(self, values):
        """Set the fitted attributes from :meth:`_fitted_values`, checking each one first.

        Raises a ValueError that says which value is wrong: this is how a model file's content
        becomes an estimator, so nothing is trusted before it is checked.
        """
        required = {"n_features_in_", "n_outputs_", "out_activation_", "_layout", "_state"}
        allowed = {*self._fitted_attributes, "_layout", "_state"}
        if not isinstance(values, dict) or not required <= set(values) <= allowed:
            raise ValueError(
                f"the fitted attributes must be {sorted(required)}, optionally with "
                f"{sorted(allowed - required)}"
            )
        d, k = values["n_features_in_"], values["n_outputs_"]
        sizes = values["_layout"]
        if not (
            isinstance(sizes, list)
            and len(sizes) >= 2
            and all(isinstance(n, Integral) and not isinstance(n, bool) and n >= 1 for n in sizes)
            and sizes[0] == d
            and sizes[-1] == k
        ):
            raise ValueError("the layers' sizes are invalid or do not match the inputs and outputs")
        layout = Layout(tuple(int(n) for n in sizes))
        if values["out_activation_"] not in HEADS:
            raise ValueError(f"unknown output function {values['out_activation_']!r}")
        names = values.get("feature_names_in_")
        if names is not None and not (
            isinstance(names, np.ndarray)
            and names.shape == (d,)
            and names.dtype.kind in "UO"
            and all(isinstance(name, str) for name in names.tolist())
        ):
            raise ValueError("the feature names do not match the number of features")
        state = TrainingState.from_dict(values["_state"])
        if state.theta.shape != (layout.size,):
            raise ValueError("the weights do not match the layers' sizes")
        hidden_activations(self.activation, len(layout.hidden))  # one per hidden layer
        self._check_fitted_values(values, layout)
        for name in self._fitted_attributes:
            if name in values:
                setattr(self, name, values[name])
        if names is not None:
            self.feature_names_in_ = names.astype(object)
        self.n_features_in_, self.n_outputs_ = int(d), int(k)
        self._layout, self._state = layout, state

    def _check_fitted_values(self, values, layout):
        """A subclass's checks of its own fitted attributes (ValueError when one is wrong)."""

    def _watched(self):
        """What the monitored values measure, as text: a warm-started fit that watches
        something else (another ``scoring``, another loss) restarts the records of the best
        values and of the epochs without improvement, which belong to the old measure."""
        scoring = self.scoring if isinstance(self.scoring, str) else type(self.scoring).__name__
        return f"scoring={scoring!r}"

    def _head(self):
        """The output function with the loss trained (and validated) on: by default the head
        ``out_activation_`` names, whose loss is its canonical pair."""
        return HEADS[self.out_activation_]

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: it may be the instance's own __dict__
        if "_state" in state:  # plain values only: pickle, joblib and skops need no class of ours
            state["_state"] = self._state.to_dict()
            state["_layout"] = list(self._layout.sizes)
        return state

    def __setstate__(self, state):
        if isinstance(state.get("_state"), dict):
            state = dict(state)
            state["_state"] = TrainingState.from_dict(state["_state"])
            state["_layout"] = Layout(tuple(state["_layout"]))
        super().__setstate__(state)

    # --- training --------------------------------------------------------------------------------

    def _fit(self, X, y, sample_weight, incremental, validation_data=None, **target_options):
        """One call of ``fit`` or ``partial_fit``; ``target_options`` go to ``_prepare_targets``
        (the arguments of a subclass's ``partial_fit`` about its targets)."""
        given = (X, y, sample_weight)  # what callbacks see: the caller's data
        first_call = not self.__sklearn_is_fitted__() or not (incremental or self.warm_start)
        # Checking the input sets fitted attributes (n_features_in_, classes_, ...) as it goes,
        # and a continued training state changes in place: if the set-up fails, or training
        # leaves no usable weights, put back the fitted model found here.
        fitted = dict(vars(self))
        checkpoint = None if first_call else self._state.checkpoint()

        def put_back():
            vars(self).clear()
            vars(self).update(fitted)
            if checkpoint is not None:
                self._state.restore(checkpoint)

        try:
            setup = self._set_up_fit(
                X, y, sample_weight, first_call, incremental, validation_data, target_options
            )
            validation = setup[3]
            validate = None if validation is None else self._validator(*validation)
        except BaseException:
            put_back()
            raise
        X, Y, sample_weight, validation, early_stopping = setup
        state = self._state
        stochastic = SOLVERS[self.solver].stochastic
        params = dict(self.get_params())
        n_rows = X.shape[0]
        params["batch_size"] = (
            batch_rows(self.batch_size, n_rows, incremental) if stochastic else n_rows
        )
        callbacks = start_callbacks(self, given, incremental, stochastic)
        monitor = Monitor(
            state,
            MappingProxyType(params),
            X.shape[0] if stochastic else 0,  # t_ counts samples of stochastic steps only
            stochastic=stochastic,
            schedule=schedule_in_force(self.solver, self.learning_rate),
            validate=validate,
            early_stopping=early_stopping,
            log=print if self.verbose else None,
            callbacks=callbacks,
        )
        activation = hidden_activations(self.activation, len(self._layout.hidden))
        problem = Problem(X, Y, sample_weight, self._layout, activation, self._head(), self.alpha)
        state.n_iter = 0
        # Overflow during training shows up as a non-finite loss, which stops training with a
        # clear ConvergenceWarning; NumPy's own warnings would only add noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            outcome = train(state, problem, params, monitor, incremental)
        if callbacks is not None:
            callbacks.end_fit()
        if outcome.reason == "unusable":
            put_back()
            raise DivergenceError(self._no_usable_model(outcome, stochastic, Scales(X, Y)))
        self._report(outcome, stochastic, Scales(X, Y))
        return self

    def _set_up_fit(
        self, X, y, sample_weight, first_call, incremental, validation_data, target_options
    ):
        """Check the input of a fit and set up its network and training state.

        Returns ``(X, Y, sample_weight, validation, early_stopping)``: the training data
        (encoded targets, the early-stopping hold-out removed), the encoded validation set or
        None, and whether early stopping watches it. Nothing of the training state changes
        before every check has passed.
        """
        hidden = hidden_sizes(self.hidden_layer_sizes)
        activation = hidden_activations(self.activation, len(hidden))
        validation_scorer(self, self._builtin_score)  # an unknown scorer: before any work
        X, Y, sample_weight = self._validate_training_data(
            X, y, sample_weight, first_call, incremental, target_options
        )
        check_solver_options(self.solver, self.dropout, self._head())
        validation = None
        # (X_val, y_val, sample_weight_val) from fit: any of them given asks for a validation set
        if validation_data is not None and any(v is not None for v in validation_data):
            validation = self._validate_validation_data(*validation_data, dtype=X.dtype)
        # Each call takes its random stream afresh, as MLPClassifier does: an int random_state
        # starts the same stream again, a RandomState instance goes on with its own.
        rng = check_random_state(self.random_state)
        if first_call:
            self._layout = Layout.of(X.shape[1], hidden, Y.shape[1])
            try:
                theta = init_params(self._layout, activation, rng, X.dtype)
            except MemoryError:  # NumPy's message gives only an array's shape
                size = self._layout.size
                raise MemoryError(
                    f"hidden_layer_sizes={hidden}: a network of {size:,} weights "
                    f"({size * X.dtype.itemsize / 2**30:.1f} GiB in {X.dtype}) does not fit "
                    "in memory, and training needs several times that; use smaller hidden "
                    "layers."
                ) from None
            self._state = TrainingState(theta, float(self.learning_rate_init), rng)
        elif self._layout.hidden != hidden:
            raise ValueError(
                f"hidden_layer_sizes changed from {self._layout.hidden} to {hidden} since the "
                "model was fitted; continuing training (warm_start / partial_fit) needs the same "
                "network. Set warm_start=False to start afresh."
            )
        else:
            self._state.rng = rng
            if not incremental:  # a warm-started fit: a new optimizer, as MLPClassifier's
                self._state.restart_optimizer(float(self.learning_rate_init))
        # As MLPClassifier, lbfgs ignores early_stopping (it holds nothing out), unless fit is
        # given a validation set, which MLPClassifier's fit has no way to take.
        early_stopping = (
            self.early_stopping
            and not incremental
            and (validation is not None or SOLVERS[self.solver].holds_out)
        )
        X = X.tocsr() if sp.issparse(X) else X  # CSC slices rows slowly: train on CSR
        if early_stopping and validation is None:
            X, Y, sample_weight, validation = self._hold_out(X, Y, sample_weight, self._state)
        self._state.monitor(
            early_stopping or validation is not None, early_stopping, self._watched()
        )
        return X, Y, sample_weight, validation, early_stopping

    # --- prediction ------------------------------------------------------------------------------

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

    def _forward(self, X, theta=None):
        """Logits (n, k) of checked inputs, column-major (which makes the softmax faster).

        Called with the fitted weights (a prediction), small products run on one BLAS thread,
        as in ``fit``; with ``theta`` (the validation pass) the fit has chosen the threads.
        """
        layout = self._layout
        if theta is None:
            with prediction_threads(largest_product(X.shape[0], layout.sizes)):
                return self._forward(X, self._state.theta)
        dtype = np.result_type(X.dtype, theta.dtype)
        buffers = Buffers(layout, X.shape[0], dtype, backward=False)
        activation = hidden_activations(self.activation, len(layout.hidden))
        Z, _, _ = forward(theta, layout, X, activation, buffers)
        return Z

    def _hidden_activations(self, X, layer):
        """``A_l = f(Z_l)`` of hidden layer ``layer`` (0-based; negative from the last) for
        the rows of ``X`` (checked), C-ordered: :class:`~sknn_simple.HiddenFeatures`."""
        X = self._checked_input(X)
        activation = hidden_activations(self.activation, len(self._layout.hidden))
        _, _, A = forward(self._state.theta, self._layout, X, activation)  # new arrays
        return np.ascontiguousarray(A[layer])

    def _outputs(self, X):
        """The output function of the head on the logits of ``X`` (checked)."""
        Z = self._forward(self._checked_input(X))  # checks first that the model is fitted
        return HEADS[self.out_activation_].output(Z)
