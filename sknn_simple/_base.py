"""What the classifier and the regressor share: the estimator's machinery.

:class:`BaseSimpleMLP` validates the hyperparameters, sets up a fit (the network's layout, the
training state, the validation set, the callbacks), hands it to the training loop
(``training/loop.py``), turns its outcome into warnings, and serves the fitted attributes and
the forward pass for prediction. It knows nothing of classes or targets: the subclass fills a
few hooks (encode the targets and choose the output head, score the validation set, say whether
the early-stopping split is stratified, add advice to a warning about divergence). It is the
only code that writes the estimator's attributes; the training code updates the
:class:`~sknn_simple.training.state.TrainingState` it owns.
"""

import copy
import inspect
import os
import sys
import textwrap
import warnings
from collections.abc import Mapping, Set
from functools import cached_property
from numbers import Integral, Real
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    validate_data,
)

from .core.activations import ACTIVATIONS
from .core.heads import HEADS, mean_loss
from .core.network import Buffers, Layout, forward, init_params
from .exceptions import DivergenceError
from .training.loop import Problem, train
from .training.monitor import Monitor
from .training.solvers import SOLVERS
from .training.split import random_split, validation_mask, weight_share
from .training.state import TrainingState
from .training.threads import largest_product, prediction_threads

try:  # scikit-learn >= 1.9: experimental callbacks (ProgressBar, ScoringMonitor, ...)
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # older versions: no callbacks, nothing else changes

    class CallbackSupportMixin:
        """Stand-in without callbacks for scikit-learn < 1.9."""


STOCHASTIC_SOLVERS = tuple(name for name, solver in SOLVERS.items() if solver.stochastic)


def warn(message, category):
    """Warn of ``message`` at the user's line that called into the estimator, as this package.

    The call may pass through scikit-learn's ``fit`` wrappers and meta-estimators (Pipeline,
    ...), so instead of a fixed ``stacklevel`` this skips the frames inside this package and
    inside scikit-learn. The warning is shown at that line, but it belongs to this package's
    module: ``warnings.filterwarnings("ignore", module="sknn_simple")`` silences every warning
    of the package, as ``module="sklearn"`` does scikit-learn's.
    """
    skipped = (os.path.dirname(__file__), os.path.dirname(sklearn.__file__))
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(skipped):
        frame = frame.f_back
    if frame is None:  # called from this package alone (a thread of its own, say)
        warnings.warn(message, category, stacklevel=2)
        return
    warnings.warn_explicit(
        message,
        category,
        frame.f_code.co_filename,
        frame.f_lineno,
        module=__name__,
        registry=frame.f_globals.setdefault("__warningregistry__", {}),
    )


def hidden_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a tuple of ints, or a ValueError that says what is wrong."""
    if isinstance(hidden_layer_sizes, Integral):
        sizes = [hidden_layer_sizes]
    elif isinstance(hidden_layer_sizes, (Mapping, Set, str, bytes)):
        sizes = None  # iterable, but not a sequence of sizes
    else:
        sizes = list(np.asarray(hidden_layer_sizes, dtype=object).reshape(-1))
        if np.ndim(hidden_layer_sizes) != 1:
            sizes = None
    if sizes is None or not all(
        isinstance(h, Integral) and not isinstance(h, (bool, np.bool_)) and h >= 1 for h in sizes
    ):
        raise ValueError(
            f"hidden_layer_sizes={hidden_layer_sizes!r}: the sizes of the hidden layers must be "
            "integers >= 1, e.g. (100,) for one hidden layer of 100 units or (64, 32) for two."
        )
    return tuple(int(h) for h in sizes)


def renamed_docstring(cls, name, summary, examples):
    """The docstring of ``cls`` under scikit-learn's ``name``: ``summary`` (one paragraph),
    then ``cls``'s sections from Parameters to See Also, then ``examples`` (the Examples
    section's lines). The sections are shared, so the two docstrings cannot drift apart."""
    # Python 3.13 strips a docstring's indentation when it compiles it, older versions keep it:
    # the cleaned text, indented as the summary and examples are, is the same on every version.
    doc = textwrap.indent(inspect.cleandoc(cls.__doc__), "    ")
    sections = doc[doc.index("    Parameters\n") : doc.index("    Examples\n")]
    intro = textwrap.fill(
        f"It is :class:`{cls.__name__}` under the name {name}: a subclass that changes "
        f"nothing but the name, so ``from sknn_simple import {name}`` in place of ``from "
        f"sklearn.neural_network import {name}`` is the only change code needs. Pipeline step "
        f"names and the ``repr`` are scikit-learn's (``make_pipeline(StandardScaler(), "
        f"{name}())`` names its step ``{name.lower()}``, so grids keyed "
        f"``{name.lower()}__alpha`` work).",
        width=96,
        initial_indent="    ",
        subsequent_indent="    ",
    )
    return f"{summary}\n\n{intro}\n\n{sections}    Examples\n    --------\n{examples}    "


class Scales:
    """Whether the training inputs and targets are far from unit scale, looked at (on at most
    :attr:`ROWS` rows) only when a warning would advise scaling them: the advice is not given
    for data already standardized (as the command line's are), where it could only mislead.
    """

    #: Rows looked at, and how far from 0 a column's mean and from 1 its spread may be.
    ROWS, LIMIT = 10_000, 5.0

    def __init__(self, X, Y):
        self._X, self._Y = X, Y

    @cached_property
    def inputs(self):
        return self._far_from_unit_scale(self._X)

    @cached_property
    def targets(self):
        return self._far_from_unit_scale(self._Y)

    @classmethod
    def _far_from_unit_scale(cls, values):
        """Whether a column's mean is beyond ``LIMIT`` or its standard deviation above it."""
        values = values[: cls.ROWS]
        with np.errstate(over="ignore", invalid="ignore"):  # inf or NaN: not a unit scale
            mean, spread = cls._moments(values)
        return not (np.abs(mean) <= cls.LIMIT).all() or not (spread <= cls.LIMIT).all()

    @staticmethod
    def _moments(values):
        """Each column's mean and standard deviation."""
        if sp.issparse(values):
            mean = np.asarray(values.mean(axis=0)).ravel()
            square = np.asarray(values.multiply(values).mean(axis=0)).ravel()
            spread = np.sqrt(np.maximum(square - mean**2, 0))
        else:
            values = np.asarray(values, dtype=np.float64)
            mean, spread = values.mean(axis=0), values.std(axis=0)
        return mean, spread


class LayerArrays(list):
    """``coefs_`` or ``intercepts_``: one view per layer into the parameter vector ``theta``.

    Assigning an entry (``model.coefs_[1] = W``, ``model.coefs_[0] *= 0.5``) copies the new
    values into the view, so the model changes, as a stored list of MLPClassifier's would. The
    number of layers and their shapes are the network's: a change of either is refused with a
    ValueError rather than lost.
    """

    def __init__(self, name, views):
        super().__init__(views)
        self.name = name

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            views = list.__getitem__(self, index)
            values = list(value)
            if len(values) != len(views):
                raise ValueError(
                    f"{self.name}[{index.start}:{index.stop}] holds {len(views)} arrays, not "
                    f"{len(values)}: the number of layers is fixed by hidden_layer_sizes."
                )
            for i, view, new in zip(range(len(self))[index], views, values, strict=True):
                self._write(i, view, new)
        else:
            i = range(len(self))[index]  # an IndexError for an index out of range
            self._write(i, list.__getitem__(self, i), value)

    def replace_all(self, arrays):
        """Write every layer's array (``model.coefs_ = arrays``)."""
        arrays = list(arrays)
        if len(arrays) != len(self):
            raise ValueError(
                f"{self.name} must hold {len(self)} arrays, one per layer, not {len(arrays)}: "
                "the number of layers is fixed by hidden_layer_sizes (refit to change it)."
            )
        self[:] = arrays

    def _write(self, i, view, value):
        try:
            value = np.asarray(value, dtype=view.dtype)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{self.name}[{i}] must be an array of numbers ({exc})") from None
        if value.shape != view.shape:
            raise ValueError(
                f"{self.name}[{i}] has shape {view.shape} in this network, not {value.shape}; "
                "to change a layer's size, set hidden_layer_sizes and fit again."
            )
        view[...] = value

    def _structure_is_fixed(self, *args, **kwargs):
        raise ValueError(
            f"{self.name} holds one array per layer; its length is fixed by hidden_layer_sizes "
            "(set hidden_layer_sizes and fit again to change the layers)."
        )

    append = extend = insert = pop = remove = clear = sort = reverse = _structure_is_fixed
    __delitem__ = __iadd__ = __imul__ = _structure_is_fixed

    def __reduce_ex__(self, protocol):
        # copy, deepcopy and pickle make a plain list (of independent arrays, when deep)
        return list, (list(self),)


class _Callbacks:
    """scikit-learn's callbacks (1.9+) for one fit: a task per epoch or iteration."""

    def __init__(self, estimator, data, max_subtasks, task_name):
        self.estimator, self.data, self.task_name = estimator, data, task_name
        self.root = estimator._init_callback_context(max_subtasks=max_subtasks)
        self.root.call_on_fit_task_begin(estimator=estimator, **data)
        self.task = None

    def begin_iteration(self):
        self.task = self.root.subcontext(task_name=self.task_name)
        self.task.call_on_fit_task_begin(estimator=self.estimator, **self.data)

    def end_iteration(self, state):
        task, self.task = self.task, None
        return task.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=lambda: {"_state": state.snapshot()},
            **self.data,
        )

    def close(self):
        """Close the task of an iteration that did not run (the solver stopped first)."""
        if self.task is not None:
            self.task.call_on_fit_task_end(estimator=self.estimator)
            self.task = None

    def end_fit(self):
        self.root.call_on_fit_task_end(
            estimator=self.estimator, reconstruction_attributes={}, **self.data
        )


def partial_fit_available(estimator):
    """``partial_fit`` trains one epoch: the stochastic solvers only (for ``available_if``)."""
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for the stochastic solvers 'sgd' and 'adam'; "
            f"solver={estimator.solver!r} trains on the whole data set at once."
        )
    return True


class BaseSimpleMLP(CallbackSupportMixin, BaseEstimator):
    """Base class of the estimators (private): set-up, training, fitted state, forward pass.

    Subclasses define ``__init__`` (every parameter of ``_parameter_constraints``) and the hooks
    ``_prepare_targets`` (which also sets ``n_outputs_`` and ``out_activation_``, the head),
    ``_encode_validation_targets``, ``_score_outputs`` and ``_hold_out_strata``, and may
    extend ``_fitted_attributes``, ``_check_fitted_values`` and ``_divergence_hint``.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "solver": [StrOptions(set(SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto", "full"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "plateau"})],
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
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "curvature": [StrOptions({"gauss-newton", "hessian"})],
        "curvature_fraction": [Interval(Real, 0, 1, closed="right")],
        "validation_split": [StrOptions({"random", "grouped"})],
    }

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
        except BaseException:
            put_back()
            raise
        X, Y, sample_weight, validation, early_stopping = setup
        state = self._state
        stochastic = SOLVERS[self.solver].stochastic
        params = dict(self.get_params())
        n_rows = X.shape[0]
        params["batch_size"] = self._batch_size(n_rows, incremental) if stochastic else n_rows
        callbacks = self._start_callbacks(given, incremental, stochastic)
        monitor = Monitor(
            state,
            MappingProxyType(params),
            X.shape[0] if stochastic else 0,  # t_ counts samples of stochastic steps only
            stochastic=stochastic,
            schedule=self._schedule(),
            validate=None if validation is None else self._validator(*validation),
            early_stopping=early_stopping,
            log=print if self.verbose else None,
            callbacks=callbacks,
        )
        problem = Problem(
            X, Y, sample_weight, self._layout, self.activation, self.out_activation_, self.alpha
        )
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
        self._check_solver_options()
        X, Y, sample_weight = self._validate_training_data(
            X, y, sample_weight, first_call, incremental, target_options
        )
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
                theta = init_params(self._layout, self.activation, rng, X.dtype)
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
        self._state.monitor(early_stopping or validation is not None, early_stopping)
        return X, Y, sample_weight, validation, early_stopping

    def _schedule(self):
        """The learning-rate schedule in force: ``learning_rate`` for a solver that follows
        it (MLPClassifier: ``"sgd"`` only), ``"plateau"`` for every stochastic solver."""
        solver = SOLVERS[self.solver]
        if solver.stochastic and (solver.follows_schedule or self.learning_rate == "plateau"):
            return self.learning_rate
        return "constant"

    def _check_solver_options(self):
        if self.dropout > 0 and self.solver not in STOCHASTIC_SOLVERS:
            raise ValueError(
                f"dropout={self.dropout} needs a stochastic solver ('sgd' or 'adam'): "
                f"solver={self.solver!r} minimizes one fixed loss, which random masks would "
                "change at every step. Set dropout=0 or choose solver='adam'."
            )

    def _validate_training_data(self, X, y, sample_weight, reset, incremental, target_options):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32) if reset else self._state.theta.dtype,
            reset=reset,
            ensure_min_samples=1 if incremental else 2,
        )
        Y, sample_weight = self._prepare_targets(
            y, sample_weight, X, reset, incremental, **target_options
        )
        return X, Y, sample_weight

    def _validate_validation_data(self, X_val, y_val, sample_weight_val, dtype):
        if X_val is None or y_val is None:
            alone = X_val is None and y_val is None  # only sample_weight_val was given
            raise ValueError(
                "X_val and y_val must be given together"
                + (" (sample_weight_val weighs their samples)." if alone else ".")
            )
        try:  # scikit-learn's messages call it X: say which argument was refused
            X_val = validate_data(
                self, X_val, accept_sparse=["csr", "csc"], dtype=dtype, reset=False
            )
        except ValueError as exc:
            raise ValueError(f"X_val was refused (it is checked as X is): {exc}") from None
        # y_val as validate_data checks a multi-output y, under its own name in any message
        y_val = check_array(
            y_val, accept_sparse="csr", ensure_2d=False, dtype=None, input_name="y_val"
        )
        if X_val.shape[0] != y_val.shape[0]:
            raise ValueError(
                f"X_val has {X_val.shape[0]} samples and y_val has {y_val.shape[0]}; y_val "
                "must hold one target per row of X_val."
            )
        Y_val, sample_weight_val = self._encode_validation_targets(
            y_val, sample_weight_val, X_val.shape[0], dtype
        )
        return X_val, Y_val, sample_weight_val

    def _hold_out(self, X, Y, sample_weight, state):
        """Split off early stopping's validation set: ``(X, Y, sample_weight, validation)``.

        The first split of these weights draws from the call's random stream, as
        MLPClassifier's does (``validation_split="random"``: its very rows); a warm-started
        fit draws again from the stream as it stood then, so it holds out the same rows of the
        same data instead of validating on rows it trained on.
        """
        if state.split_rng is None:
            state.split_rng, split_rng = copy.deepcopy(state.rng), state.rng
        else:
            split_rng = copy.deepcopy(state.split_rng)
        fraction = self.validation_fraction
        strata = self._hold_out_strata(Y, self.validation_split)
        if self.validation_split == "random":
            train_rows, held_out = random_split(X.shape[0], fraction, split_rng, strata)
            if sample_weight is not None:
                self._warn_if_weighted_far_off(weight_share(sample_weight, held_out), fraction)
        else:
            seed = split_rng.randint(np.iinfo(np.int32).max)
            held_out = validation_mask(X, Y, sample_weight, fraction, seed, strata)
            train_rows = ~held_out
        w_val = None if sample_weight is None else sample_weight[held_out]
        if not np.any(held_out) or (w_val is not None and not w_val.any()):
            raise ValueError(
                "The validation set for early stopping is empty: the data set is too small "
                f"for validation_fraction={fraction}. Increase validation_fraction, add "
                "samples, pass X_val and y_val, or set early_stopping=False."
            )
        w_train = None if sample_weight is None else sample_weight[train_rows]
        return X[train_rows], Y[train_rows], w_train, (X[held_out], Y[held_out], w_val)

    #: How far (a factor) the sample weight of MLPClassifier's hold-out may be from
    #: ``validation_fraction``, on either side of the split, before a warning says so.
    WEIGHT_SHARE_FACTOR = 3.0

    def _warn_if_weighted_far_off(self, share, fraction):
        """MLPClassifier's split draws rows, not weight: say so when the held-out rows carry
        a share of the weight far from ``validation_fraction`` (heavy-tailed weights)."""
        factor = self.WEIGHT_SHARE_FACTOR
        if 1 / factor <= share / fraction <= factor and (
            1 / factor <= (1 - share) / (1 - fraction) <= factor
        ):
            return
        warn(
            f"Early stopping held out validation_fraction={fraction} of the rows, as "
            f"MLPClassifier does, but they carry {share:.1%} of the sample weight, so the "
            "validation score weighs far from what was asked. To hold out that share of the "
            "weight, set validation_split='grouped'; or pass X_val and y_val.",
            UserWarning,
        )

    def _validator(self, X, Y, sample_weight):
        """``validate(theta) -> (score, loss)`` on an encoded validation set, for the monitor."""

        def validate(theta):
            Z = self._forward(X, theta)
            scale = HEADS[self.out_activation_].report_scale(Y.shape[1])  # as loss_curve_
            loss = scale * mean_loss(Z.copy(), Y, self.out_activation_, sample_weight)
            return self._score_outputs(Z, Y, sample_weight), loss

        return validate

    def _start_callbacks(self, given, incremental, stochastic):
        """scikit-learn's callbacks (1.9+), or None when none are set."""
        if not getattr(self, "_skl_callbacks", None):
            return None
        X, y, sample_weight = given
        data = {
            "X": X,
            "y": y,
            "metadata": {} if sample_weight is None else {"sample_weight": sample_weight},
        }
        # A second-order solver's loop opens the task of the next iteration before knowing
        # whether it will run: one more than max_iter (as in LogisticRegression).
        max_subtasks = 1 if incremental else self.max_iter + (not stochastic)
        return _Callbacks(self, data, max_subtasks, "epoch" if stochastic else "iteration")

    def _batch_size(self, n_samples, incremental):
        """Rows per batch; warns when batch_size exceeds the data of a fit (a partial_fit
        chunk smaller than a batch is simply one batch: streams end with one)."""
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size == "full":
            return n_samples
        if self.batch_size > n_samples and not incremental:
            warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} training "
                f"samples; using batch_size={n_samples}.",
                UserWarning,
            )
        return min(int(self.batch_size), n_samples)

    # --- reporting the outcome of training -------------------------------------------------------

    def _no_usable_model(self, outcome, stochastic, scales):
        """The error of a fit that diverged with no weights to keep (outcome "unusable")."""
        unit = "epochs" if stochastic else "iterations"
        if stochastic:
            advice = f" Lower learning_rate_init (it is {self.learning_rate_init})" + (
                ", or scale the inputs (e.g. with StandardScaler)." if scales.inputs else "."
            )
        else:
            advice = " Scale the inputs (e.g. with StandardScaler)." if scales.inputs else ""
        return (
            f"Training diverged (solver={self.solver!r}, {len(outcome.losses)} {unit} "
            "recorded): neither its last weights nor those of the last recorded one give a "
            "finite training loss, so there is no usable model; the estimator was left as it "
            f"was before this call.{advice}" + self._divergence_hint(scales)
        )

    def _report(self, outcome, stochastic, scales):
        """Turn why training stopped into warnings; their advice to scale the data only where
        it is far from unit scale (``scales``)."""
        or_scale = ", or scale the inputs (e.g. with StandardScaler)" if scales.inputs else ""
        unit = "epochs" if stochastic else "iterations"
        if outcome.reason == "interrupted":
            kept = "best" if self.early_stopping and self._state.best_epoch else "last complete"
            warn(
                f"Training interrupted by the user after {self.n_iter_} complete {unit}; the "
                f"weights of the {kept} one were kept and the model can be used.",
                UserWarning,
            )
        elif outcome.reason == "non_finite" and stochastic:
            epoch = self.n_iter_ + 1
            warn(
                f"Training stopped in epoch {epoch}: the loss or the weights became infinite or "
                f"NaN (learning_rate_init={self.learning_rate_init} is probably too large for "
                f"this data). The weights from the end of epoch {epoch - 1} were kept. Lower "
                f"learning_rate_init{or_scale}." + self._divergence_hint(scales),
                ConvergenceWarning,
            )
        elif outcome.reason == "non_finite":
            warn(
                f"solver={self.solver!r} stopped after {self.n_iter_} iterations: "
                f"{outcome.message}. The weights of the last finite iteration were kept."
                + (" Scale the inputs (e.g. with StandardScaler)." if scales.inputs else "")
                + self._divergence_hint(scales),
                ConvergenceWarning,
            )
        elif outcome.reason == "max_iter":
            still_high = ""
            if self._above_baseline(outcome.losses[-1], outcome.baseline):
                still_high = (
                    f" The training loss ({outcome.losses[-1]:.4g}) is still above that of a "
                    f"model that ignores the inputs ({outcome.baseline:.4g})."
                    + self._divergence_hint(scales)
                )
            scale = "scale the inputs (e.g. with StandardScaler) or " if scales.inputs else ""
            warn(
                f"Stopped after max_iter={self.max_iter} epochs and the optimization has not "
                f"converged yet. Increase max_iter; if the loss falls slowly, {scale}raise "
                "learning_rate_init." + still_high,
                ConvergenceWarning,
            )
        elif outcome.reason == "limit":
            warn(
                f"solver={self.solver!r} stopped after {self.n_iter_} iterations and "
                f"{outcome.n_evaluations} loss evaluations (max_iter={self.max_iter}, "
                f"max_fun={self.max_fun}) and has not converged yet; increase max_iter or "
                "max_fun.",
                ConvergenceWarning,
            )
        elif outcome.reason == "not_converged":
            warn(
                f"solver={self.solver!r} stopped after {self.n_iter_} iterations with the "
                f"gradient norm at {outcome.gradient_norm:.3g}, above tol={self.tol}: "
                f"{outcome.message} (A tol near machine precision cannot be reached; otherwise "
                f"try another solver{' or scale the inputs' if scales.inputs else ''}.)",
                ConvergenceWarning,
            )
        if stochastic and outcome.reason in ("stopped", "max_iter"):
            still_falling = outcome.reason == "max_iter" and outcome.losses[-1] == min(
                outcome.losses
            )
            self._warn_if_diverged(outcome.losses, outcome.baseline, still_falling, scales)
        elif not stochastic and outcome.reason in ("stopped", "not_converged"):
            self._warn_if_never_learned(outcome, scales)

    #: How far above the loss of the best constant output the lowest loss may stay before a
    #: fit counts as failed: a noisy epoch average or a large alpha can end a hair above it.
    BASELINE_TOLERANCE = 0.01

    def _above_baseline(self, loss, baseline):
        """Whether ``loss`` is clearly above the loss of the best constant output.

        A baseline of 0 means constant targets: the constant is all there is to learn, and the
        penalty alone keeps any loss above 0, so no loss counts as above it.
        """
        return baseline > 0 and loss > baseline * (1 + self.BASELINE_TOLERANCE)

    def _warn_if_diverged(self, losses, baseline, still_falling, scales):
        """Warn when the loss rose, or never came near what a model ignoring the inputs gets.

        A run that max_iter cut short while its loss was still at its lowest (a large alpha
        makes it fall slowly) is not a failed one: the max_iter warning already says so.
        """
        if len(losses) < 2:
            return
        first, last, lowest = losses[0], losses[-1], min(losses)
        if last > first:
            what = f"The training loss rose from {first:.4g} after the first epoch to {last:.4g}"
        elif not still_falling and self._above_baseline(lowest, baseline):
            what = (
                f"The training loss never fell below {baseline:.4g}, the loss of a model that "
                f"ignores the inputs (lowest: {lowest:.4g})"
            )
        else:
            return
        warn(
            f"{what}: training failed. If the loss rose or jumped, learning_rate_init="
            f"{self.learning_rate_init} is probably too large for this data; if it fell slowly, "
            "train longer"
            + (" or scale the inputs (e.g. with StandardScaler)." if scales.inputs else ".")
            + self._divergence_hint(scales),
            ConvergenceWarning,
        )

    def _warn_if_never_learned(self, outcome, scales):
        """Warn when a full-batch solver stopped with its loss above that of a constant output.

        The penalized optimum is never worse than the best constant output (all weights zero),
        so a solver that stopped there stalled: on targets of a large scale, L-BFGS-B's
        relative-reduction test ends the run after an iteration that barely moved.
        """
        if not outcome.losses:
            return
        lowest = min(outcome.losses)
        if not self._above_baseline(lowest, outcome.baseline):
            return
        warn(
            f"solver={self.solver!r} stopped after {self.n_iter_} iterations"
            + (f" ({outcome.message})" if outcome.message else "")
            + f" with the training loss at {lowest:.4g}, above {outcome.baseline:.4g}, the loss "
            "of a model that ignores the inputs: training failed."
            + (" Scale the inputs (e.g. with StandardScaler)." if scales.inputs else "")
            + self._divergence_hint(scales),
            ConvergenceWarning,
        )

    def _divergence_hint(self, scales):
        """More advice on a diverging fit, for a subclass to add (e.g. scale the targets)."""
        return ""

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
        Z, _, _ = forward(theta, layout, X, self.activation, buffers)
        return Z

    def _outputs(self, X):
        """The output function of the head on the logits of ``X`` (checked)."""
        Z = self._forward(self._checked_input(X))  # checks first that the model is fitted
        return HEADS[self.out_activation_].output(Z)
