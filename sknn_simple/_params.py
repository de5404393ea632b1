"""The hyperparameters both estimators share: their constraints and the checks across them.

scikit-learn's ``_parameter_constraints`` checks each parameter alone; :func:`hidden_sizes`
and :func:`check_solver_options` check what it cannot express (a sequence of layer sizes, a
parameter that needs a given solver), with errors that say how to fix the call.
"""

import difflib
import reprlib
from collections.abc import Mapping, Set
from numbers import Integral, Real

import numpy as np
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._report import warn
from .core.activations import ACTIVATIONS
from .training.solvers import SOLVERS

STOCHASTIC_SOLVERS = tuple(name for name, solver in SOLVERS.items() if solver.stochastic)

#: Each parameter's constraint, as scikit-learn's ``_parameter_constraints`` checks it.
PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions(set(ACTIVATIONS)), "array-like"],
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


def hidden_activations(activation, n_hidden):
    """``activation`` as the core takes it (a name, or a tuple of one name per hidden layer),
    or a ValueError that says what is wrong."""
    names = sorted(ACTIVATIONS)
    shown = reprlib.repr(activation)  # a long sequence is not printed whole
    if isinstance(activation, str):
        sequence = [activation]
    elif isinstance(activation, np.ndarray) and activation.ndim == 1:
        sequence = activation.tolist()
    elif isinstance(activation, (list, tuple)):
        sequence = list(activation)
    else:
        sequence = None
    if sequence is None or not all(isinstance(name, str) for name in sequence):
        raise ValueError(
            f"activation={shown}: give one name for every hidden layer (one of {names}) or "
            "a sequence of names, one per hidden layer, e.g. ('relu', 'tanh')."
        )
    unknown = [name for name in sequence if name not in ACTIVATIONS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], names, n=1)
        raise ValueError(
            f"activation={shown}: {unknown[0]!r} is not an activation; the names are "
            f"{names}" + (f" (did you mean {close[0]!r}?)" if close else "") + "."
        )
    if isinstance(activation, str):
        return activation
    if len(sequence) != n_hidden:
        raise ValueError(
            f"activation={shown} names {len(sequence)} activations and "
            f"hidden_layer_sizes has {n_hidden} hidden layers: give one name per hidden layer, "
            "or one name for all."
        )
    return tuple(str(name) for name in sequence)


def check_solver_options(solver, dropout, head=None):
    """A ValueError for a parameter the solver cannot use (dropout without a stochastic solver,
    with the fit's ``head``, a loss without curvature with Newton's method)."""
    if dropout > 0 and solver not in STOCHASTIC_SOLVERS:
        raise ValueError(
            f"dropout={dropout} needs a stochastic solver ('sgd' or 'adam'): "
            f"solver={solver!r} minimizes one fixed loss, which random masks would "
            "change at every step. Set dropout=0 or choose solver='adam'."
        )
    if head is not None and SOLVERS[solver].uses_curvature and not head.has_curvature:
        raise ValueError(
            f"solver={solver!r} steps by the loss's curvature, and the pinball loss of "
            "loss='quantile' has none (it is piecewise linear: its second derivative is 0 "
            "wherever it exists). Use solver='adam', 'sgd' or 'lbfgs'."
        )


def schedule_in_force(solver, learning_rate):
    """The learning-rate schedule a fit follows: ``learning_rate`` for a solver that follows
    it (MLPClassifier: ``"sgd"`` only), ``"plateau"`` for every stochastic solver, else
    ``"constant"``."""
    entry = SOLVERS[solver]
    if entry.stochastic and (entry.follows_schedule or learning_rate == "plateau"):
        return learning_rate
    return "constant"


def batch_rows(batch_size, n_samples, incremental):
    """Rows per mini-batch for ``batch_size`` on ``n_samples`` rows; warns when a fit's
    batch_size exceeds its data (a partial_fit chunk smaller than a batch is simply one batch:
    streams end with one)."""
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size == "full":
        return n_samples
    if batch_size > n_samples and not incremental:
        warn(
            f"batch_size={batch_size} is larger than the {n_samples} training "
            f"samples; using batch_size={n_samples}.",
            UserWarning,
        )
    return min(int(batch_size), n_samples)


def partial_fit_available(estimator):
    """``partial_fit`` trains one epoch: the stochastic solvers only (for ``available_if``)."""
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for the stochastic solvers 'sgd' and 'adam'; "
            f"solver={estimator.solver!r} trains on the whole data set at once."
        )
    return True


def validation_scorer(estimator, builtin):
    """The scikit-learn scorer early stopping calls, or None for ``"loss"`` and ``builtin``
    (the accuracy or R², computed from the logits without a scorer, as MLPClassifier and
    MLPRegressor compute them). A ValueError names an unknown scorer."""
    scoring = estimator.scoring
    if isinstance(scoring, str) and scoring in ("loss", builtin):
        return None
    if isinstance(scoring, str) and scoring not in get_scorer_names():
        close = difflib.get_close_matches(scoring, [*get_scorer_names(), "loss"], n=1)
        raise ValueError(
            f"scoring={scoring!r} is not a scorer: use 'loss', a name from "
            "sklearn.metrics.get_scorer_names() (e.g. 'roc_auc', 'f1', "
            "'neg_mean_absolute_error') or a callable scorer(estimator, X, y)"
            + (f"; did you mean {close[0]!r}?" if close else ".")
        )
    return check_scoring(estimator, scoring=scoring)
