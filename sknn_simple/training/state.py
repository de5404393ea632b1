"""Everything a fit changes, in one object.

A :class:`TrainingState` is created when a network is initialized and lives as long as its
weights: ``fit`` with ``warm_start=True`` and ``partial_fit`` continue it, a fresh ``fit``
replaces it. The training loops, the optimizers' steps, the learning-rate schedule and the
monitor receive it and update it; the estimator owns it and reads its fitted attributes from
it (``coefs_``, ``loss_curve_``, ``n_iter_``, ...). :meth:`TrainingState.to_dict` turns it
into plain values (arrays, numbers, text) for pickle, skops and model files, and
:meth:`TrainingState.from_dict` checks such values field by field before it trusts them.
"""

import copy
import math
from dataclasses import dataclass, field, fields
from numbers import Integral, Real

import numpy as np

from .history import HISTORY_KEYS, History
from .solvers import SOLVERS


@dataclass
class TrainingState:
    """The weights and every other quantity that training updates.

    Attributes
    ----------
    theta : ndarray of shape (layout.size,)
        The flat parameter vector (see ``core/network.py``).
    learning_rate : float
        The current step size of the stochastic solvers (changed by the schedule).
    rng : numpy.random.RandomState
        The source of randomness of the latest call: the initial weights, the early-stopping
        split, the shuffles, the seed of the dropout masks and of Newton's subsamples. Each
        call of ``fit`` or ``partial_fit`` takes it afresh from ``random_state``, as
        MLPClassifier does: an int starts the same stream again, a ``RandomState`` instance
        goes on with its own.
    dropout_rng : numpy.random.Generator or None
        Draws the dropout masks of the latest call (seeded from ``rng``).
    optimizer_solver : str or None
        The solver whose arrays ``optimizer`` holds.
    optimizer : ndarray of shape (n_arrays, layout.size) or None
        The optimizer's state (momentum; Adam's moments).
    n_updates : int
        Adam's step count.
    t : int
        Training samples processed since initialization (``t_``).
    n_iter : int
        Epochs or solver iterations of the latest call (``n_iter_``).
    loss : float or None
        The training loss of the latest epoch (``loss_``).
    loss_curve : list
        One entry per epoch over every call (``loss_curve_``).
    history : History
        One record per epoch over every call (``history_``), stored as a table.
    seconds : float
        Training time so far, over every call.
    monitor_mode : tuple (has_validation, early_stopping) or None
        What the latest call monitored; the records below restart when it changes.
    watched : str or None
        What the monitored values measure (the loss and the validation score, as the estimator
        describes them); the records below restart when a call watches something else.
    no_improvement_count : int
        Consecutive epochs without an improvement of ``tol``.
    plateau_reference : float
        The best monitored value (higher is better) since the plateau was last judged afresh.
    best_loss : float or None
        Lowest training loss (``best_loss_``); None with early stopping.
    validation_scores, validation_loss_curve : list or None
        One entry per epoch with a validation set (``validation_scores_``, ...).
    best_validation_score : float or None
        (``best_validation_score_``)
    best_epoch : int or None
        The epoch (1-based, counted over ``loss_curve``) whose weights early stopping keeps.
    split_rng : numpy.random.RandomState or None
        The random stream as it stood when the first early-stopping split of these weights was
        drawn: a warm-started fit draws its split from a copy of it, so it holds out the same
        rows of the same data, and nothing validated was trained on before.
    """

    theta: np.ndarray
    learning_rate: float
    rng: np.random.RandomState
    dropout_rng: np.random.Generator | None = None
    optimizer_solver: str | None = None
    optimizer: np.ndarray | None = None
    n_updates: int = 0
    t: int = 0
    n_iter: int = 0
    loss: float | None = None
    loss_curve: list = field(default_factory=list)
    history: History = field(default_factory=History)
    seconds: float = 0.0
    monitor_mode: tuple | None = None
    watched: str | None = None
    no_improvement_count: int = 0
    plateau_reference: float = -np.inf
    best_loss: float | None = None
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_validation_score: float | None = None
    best_epoch: int | None = None
    split_rng: np.random.RandomState | None = None

    def restart_optimizer(self, learning_rate):
        """A new optimizer at ``learning_rate``: what a warm-started ``fit`` starts with, as
        MLPClassifier's does (``partial_fit`` continues the optimizer instead)."""
        self.optimizer_solver = self.optimizer = None
        self.n_updates = 0
        self.learning_rate = learning_rate

    def monitor(self, has_validation, early_stopping, watched=None):
        """Start the records of what is monitored afresh, if it is not what was monitored:
        another mode, or values that measure something else (``watched``: a changed loss or
        validation score under ``warm_start``; None, unknown as in states of earlier versions,
        keeps the records)."""
        mode = (bool(has_validation), bool(early_stopping))
        other = None not in (watched, self.watched) and watched != self.watched
        self.watched = watched
        if mode == self.monitor_mode and not other:
            return
        self.monitor_mode = mode
        self.no_improvement_count = 0
        self.plateau_reference = -np.inf
        self.best_epoch = None
        if has_validation:
            self.validation_scores, self.validation_loss_curve = [], []
            self.best_validation_score = -np.inf
        else:
            self.validation_scores = self.validation_loss_curve = None
            self.best_validation_score = None
        self.best_loss = None if early_stopping else np.inf

    def record(self, loss, n_samples, history_record, validation=None):
        """Append one epoch or iteration: the only place the curves grow.

        ``validation`` is ``(score, loss)`` on the validation set, or None.
        """
        self.n_iter += 1
        self.t += n_samples
        self.loss = loss
        self.loss_curve.append(loss)
        if validation is not None:
            score, validation_loss = validation
            self.validation_scores.append(score)
            self.validation_loss_curve.append(validation_loss)
            best = self.best_validation_score
            # NaN (R² of a one-sample validation set) until a score is a number; never -inf
            if best == -np.inf or math.isnan(best) or score > best:
                self.best_validation_score = score
        if self.best_loss is not None:
            self.best_loss = min(self.best_loss, loss)
        self.history.append(history_record)

    def checkpoint(self):
        """What :meth:`restore` needs to undo what a call of ``fit`` or ``partial_fit`` did.

        Every field as it is now: the arrays and random streams that training changes in place
        are copied, the records (which only grow, or are replaced by new lists) are kept with
        their lengths. Cheaper than :meth:`snapshot` by the length of the records.
        """
        saved = copy.copy(self)
        for name in ("theta", "optimizer", "rng", "dropout_rng", "split_rng"):
            setattr(saved, name, copy.deepcopy(getattr(self, name)))
        lengths = {name: len(getattr(self, name) or ()) for name in _RECORDS}
        return saved, lengths

    def restore(self, checkpoint):
        """Back to the state :meth:`checkpoint` saved."""
        saved, lengths = checkpoint
        for f in fields(self):
            setattr(self, f.name, getattr(saved, f.name))
        for name, length in lengths.items():
            records = getattr(self, name)
            if records is not None:
                del records[length:]

    def snapshot(self):
        """A copy that shares nothing with this state (for callbacks): training either one
        changes neither the other's weights nor its curves, optimizer arrays or random stream."""
        return copy.deepcopy(self)

    # --- as plain values -------------------------------------------------------------------------

    def to_dict(self):
        """Every field as plain values: arrays, numbers, text, lists and dicts of them."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["rng"] = self.rng.get_state(legacy=False)
        if self.split_rng is not None:
            values["split_rng"] = self.split_rng.get_state(legacy=False)
        values["dropout_rng"] = (
            None if self.dropout_rng is None else self.dropout_rng.bit_generator.state
        )
        values["loss_curve"] = np.asarray(self.loss_curve, dtype=np.float64)
        values["history"] = self.history.to_array()
        for name in ("validation_scores", "validation_loss_curve"):
            if values[name] is not None:
                values[name] = np.asarray(values[name], dtype=np.float64)
        if self.monitor_mode is not None:
            values["monitor_mode"] = list(self.monitor_mode)
        return values

    @classmethod
    def from_dict(cls, values):
        """The state that :meth:`to_dict` described; a ValueError says which field is wrong."""
        if isinstance(values, dict):  # written by an earlier version of the package
            values = {**_ADDED_SINCE, **values}
            for name in _RETIRED:
                values.pop(name, None)
        if not isinstance(values, dict) or set(values) != {f.name for f in fields(cls)}:
            known = sorted(f.name for f in fields(cls))
            got = sorted(values) if isinstance(values, dict) else type(values).__name__
            raise ValueError(f"the training state must have the fields {known}; got {got}")
        checked = {}
        for name, check in _CHECKS.items():
            value = values[name]
            try:
                checked[name] = None if value is None and name in _OPTIONAL else check(value)
            except (TypeError, ValueError, KeyError, IndexError, OverflowError) as exc:
                raise ValueError(f"the training state's {name!r} is invalid ({exc})") from None
        theta, optimizer = checked["theta"], checked["optimizer"]
        if optimizer is not None:
            solver = SOLVERS.get(checked["optimizer_solver"])
            if solver is None or not solver.stochastic:
                raise ValueError("the training state's optimizer arrays belong to no solver")
            if optimizer.shape != (solver.n_arrays, theta.size) or optimizer.dtype != theta.dtype:
                raise ValueError("the training state's optimizer arrays do not match the weights")
        scores, losses = checked["validation_scores"], checked["validation_loss_curve"]
        if (scores is None) != (losses is None) or (
            scores is not None and len(scores) != len(losses)
        ):
            raise ValueError("the training state's validation curves do not match")
        if len(checked["history"]) != len(checked["loss_curve"]):
            raise ValueError("the training state's history does not match its loss curve")
        return cls(**checked)


#: Fields that states written by earlier versions lack (with the value that means "none"), and
#: fields they have that are gone (the shuffled order of the rows: each call now starts it
#: afresh, as MLPClassifier does).
_ADDED_SINCE = {"split_rng": None, "watched": None}
_RETIRED = ("order",)

#: The fields that grow by one entry per epoch or iteration.
_RECORDS = ("loss_curve", "history", "validation_scores", "validation_loss_curve")


# --- checks of each field, for from_dict ----------------------------------------------------------


def _integer(value):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"expected an integer >= 0, got {value!r}")
    return int(value)


def _number(value):
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _number_or_nan(value):
    """A number, or NaN (a score that is undefined, as R² of a single sample)."""
    if isinstance(value, Real) and not isinstance(value, bool) and math.isnan(value):
        return float(value)
    return _number(value)


def _finite(value):
    value = _number(value)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


def _rate(value):
    """A learning rate: finite and >= 0 (a negative one would climb the loss)."""
    value = _finite(value)
    if value < 0:
        raise ValueError(f"expected a learning rate >= 0, got {value!r}")
    return value


def _array(value, ndim, kinds="f", finite=True):
    if not isinstance(value, np.ndarray) or value.ndim != ndim or value.dtype.kind not in kinds:
        raise ValueError(f"expected a {ndim}-d array of floats, got {type(value).__name__}")
    if value.dtype not in (np.float32, np.float64):
        raise ValueError(f"unsupported dtype {value.dtype}")
    if finite and not np.isfinite(value).all():
        raise ValueError("it holds infinite or NaN values")
    return value


def _curve(value):
    """A list of floats (NaN and infinities allowed: a diverged epoch is recorded as it was)."""
    return _array(value, 1, finite=False).astype(np.float64).tolist()


def _history(value):
    array = _array(value, 2, finite=False)
    if array.shape[1] != len(HISTORY_KEYS):
        raise ValueError(f"expected {len(HISTORY_KEYS)} columns ({', '.join(HISTORY_KEYS)})")
    return History(array)


def _random_state(value):
    if not isinstance(value, dict) or value.get("bit_generator") != "MT19937":
        raise ValueError("expected the state of a numpy RandomState (MT19937)")
    rng = np.random.RandomState()
    rng.set_state(value)
    return rng


def _generator(value):
    if not isinstance(value, dict) or value.get("bit_generator") != "PCG64":
        raise ValueError("expected the state of a numpy Generator (PCG64)")
    bit_generator = np.random.PCG64()
    bit_generator.state = value
    return np.random.Generator(bit_generator)


def _monitor_mode(value):
    if not (isinstance(value, list | tuple) and len(value) == 2):
        raise ValueError(f"expected two booleans, got {value!r}")
    if not all(isinstance(flag, bool | np.bool_) for flag in value):
        raise ValueError(f"expected two booleans, got {value!r}")
    return tuple(bool(flag) for flag in value)


def _description(value):
    if not isinstance(value, str) or len(value) > 1000:
        raise ValueError("expected a text of at most 1000 characters")
    return value


def _solver_name(value):
    if value not in SOLVERS:
        raise ValueError(f"unknown solver {value!r}")
    return value


def _positive_integer(value):
    value = _integer(value)
    if value < 1:
        raise ValueError("expected an integer >= 1")
    return value


_CHECKS = {
    "theta": lambda value: np.ascontiguousarray(_array(value, 1)),
    "learning_rate": _rate,
    "rng": _random_state,
    "dropout_rng": _generator,
    "optimizer_solver": _solver_name,
    "optimizer": lambda value: np.ascontiguousarray(_array(value, 2)),
    "n_updates": _integer,
    "t": _integer,
    "n_iter": _integer,
    "loss": _number,
    "loss_curve": _curve,
    "history": _history,
    "seconds": _number,
    "monitor_mode": _monitor_mode,
    "watched": _description,
    "no_improvement_count": _integer,
    "plateau_reference": _number,
    "best_loss": _number,
    "validation_scores": _curve,
    "validation_loss_curve": _curve,
    "best_validation_score": _number_or_nan,
    "best_epoch": _positive_integer,
    "split_rng": _random_state,
}
# The fields that may be None: what a fit does not use (no dropout, no validation set, a
# full-batch solver's optimizer arrays, a never monitored state) or has not reached yet.
_OPTIONAL = frozenset(
    {
        "dropout_rng",
        "optimizer_solver",
        "optimizer",
        "loss",
        "monitor_mode",
        "watched",
        "best_loss",
        "validation_scores",
        "validation_loss_curve",
        "best_validation_score",
        "best_epoch",
        "split_rng",
    }
)
