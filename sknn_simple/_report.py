"""How the outcome of training reaches the user: the text of every warning and error about it.

``training/loop.py`` returns an :class:`~sknn_simple.training.loop.Outcome` and neither prints
nor warns; the estimator turns it into a ``ConvergenceWarning`` (stopped early, diverged, never
learned), a ``UserWarning`` (interrupted) or a
:class:`~sknn_simple.exceptions.DivergenceError` (no usable weights), with advice to scale the
data only where it is far from unit scale (:class:`Scales`). :func:`warn` shows each warning at
the user's line, as this package's.
"""

import os
import sys
import warnings
from functools import cached_property

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.exceptions import ConvergenceWarning


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
        module="sknn_simple._base",
        registry=frame.f_globals.setdefault("__warningregistry__", {}),
    )


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

    #: Rows per block when the moments of dense data are summed.
    BLOCK = 1000

    @classmethod
    def _moments(cls, values):
        """Each column's mean and standard deviation, as sqrt(E[x^2] - E[x]^2).

        Dense data is summed a block of rows at a time: ``values.std()`` would hold a
        temporary as large as the data (60 MB for 10,000 x 784), the largest allocation of a
        fit that ends with a warning. The cancellation of this form only matters where the
        mean is far beyond :attr:`LIMIT`, which decides the answer anyway.
        """
        if sp.issparse(values):
            total = np.asarray(values.sum(axis=0)).ravel()
            square = np.asarray(values.multiply(values).sum(axis=0)).ravel()
        else:
            total = np.zeros(values.shape[1])
            square = np.zeros(values.shape[1])
            for start in range(0, values.shape[0], cls.BLOCK):
                block = np.asarray(values[start : start + cls.BLOCK], dtype=np.float64)
                total += block.sum(axis=0)
                square += np.einsum("ij,ij->j", block, block)
        n = values.shape[0]
        mean = total / n
        return mean, np.sqrt(np.maximum(square / n - mean**2, 0))


class OutcomeReports:
    """The estimator's reports of a fit's outcome (a mixin of ``BaseSimpleMLP``).

    They read the estimator's hyperparameters and its fitted ``n_iter_``; a subclass adds
    advice through :meth:`_divergence_hint` (the regressor: scale the targets).
    """

    def _no_usable_model(self, outcome, stochastic, scales):
        """The error of a fit that diverged with no weights to keep (outcome "unusable")."""
        unit = "epochs" if stochastic else "iterations"
        if stochastic:
            advice = f" Lower learning_rate_init (it is {self.learning_rate_init})" + (
                ", or scale the inputs (e.g. with StandardScaler)." if scales.inputs else "."
            )
            advice += self._divergence_hint(scales)
        else:
            advice = self._scale_advice(scales)
        return (
            f"Training diverged (solver={self.solver!r}, {len(outcome.losses)} {unit} "
            "recorded): neither its last weights nor those of the last recorded one give a "
            "finite training loss, so there is no usable model; the estimator was left as it "
            f"was before this call.{advice}"
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
                + self._scale_advice(scales),
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
        """Warn when a full-batch solver stopped with its loss above that of a constant output,
        at once no better than it, or before any iteration trained the weights.

        The penalized optimum is never worse than the best constant output (all weights zero),
        so a solver that stopped there stalled: on targets of a large scale, L-BFGS-B's
        relative-reduction test ends the run after an iteration that barely moved; on a loss
        scaled down (a tiny ``huber_epsilon``), the gradient at the start is below ``tol``.
        """
        if not self._state.loss_curve:  # no iteration has ever trained these weights
            warn(
                f"solver={self.solver!r} stopped before its first iteration: the gradient at "
                f"the starting weights is already below tol={self.tol}, so the model is its "
                "random initialization. The loss is too flat on this scale: lower tol."
                + self._scale_advice(scales),
                ConvergenceWarning,
            )
            return
        baseline, lowest = outcome.baseline, min(outcome.losses, default=self._state.loss)
        if lowest is None or baseline <= 0:
            return
        if self._above_baseline(lowest, baseline):
            what = (
                f"above {baseline:.4g}, the loss of a model that ignores the inputs: "
                "training failed"
            )
        elif len(outcome.losses) <= 1 and lowest > baseline * (1 - self.BASELINE_TOLERANCE):
            # stopped at once (the first step barely moved) no better than a constant: a loss
            # too flat on the data's scale for the solver's tests, not an optimum
            what = (
                f"no lower than {baseline:.4g}, the loss of a model that ignores the inputs: "
                f"nothing was learned (the loss is too flat for tol={self.tol} on this scale)"
            )
        else:
            return
        warn(
            f"solver={self.solver!r} stopped after {self.n_iter_} iterations"
            + (f" ({outcome.message})" if outcome.message else "")
            + f" with the training loss at {lowest:.4g}, {what}."
            + self._scale_advice(scales),
            ConvergenceWarning,
        )

    def _scale_advice(self, scales):
        """The advice that ends a full-batch solver's warning: scale the inputs where they are
        far from unit scale, and the subclass's own hint (scale the targets, ...)."""
        inputs = " Scale the inputs (e.g. with StandardScaler)." if scales.inputs else ""
        return inputs + self._divergence_hint(scales)

    def _divergence_hint(self, scales):
        """More advice on a diverging fit, for a subclass to add (e.g. scale the targets)."""
        return ""
