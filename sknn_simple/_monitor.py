"""What happens after each epoch (or solver iteration): records, validation, stopping, callbacks.

One :class:`TrainingMonitor` lives for one call of ``fit`` or ``partial_fit``. The solvers call
:meth:`TrainingMonitor.end_iteration` after each pass; it updates the estimator's fitted
attributes (``loss_curve_``, ``validation_scores_``, ``history_``, ...), prints the ``verbose``
line, keeps the best weights for early stopping, applies the learning-rate schedule, calls
scikit-learn's callbacks (1.9+), and answers whether training should stop.
"""

import time

import numpy as np

from ._network import OUTPUT_LOSSES, forward
from ._optimizers import invscaling_rate
from ._training import plateau_update
from ._validation import class_codes

#: Keys of each record of ``history_``.
HISTORY_KEYS = (
    "epoch",
    "loss",
    "validation_loss",
    "validation_score",
    "learning_rate",
    "gradient_norm",
    "seconds",
)


class TrainingMonitor:
    """Bookkeeping after each epoch or iteration of one ``fit`` call.

    Parameters
    ----------
    estimator : SimpleMLPClassifier
        The estimator being fitted; its fitted attributes are updated in place.
    n_samples : int
        Training samples per epoch (for ``t_``).
    validation : tuple (X_val, Y_val, sample_weight_val) or None
        Encoded validation data, scored after each iteration when given.
    early_stopping : bool
        Stop when the validation score stops improving, and keep the best weights.
    stochastic : bool
        The solver has a learning rate (schedules, plateau on the training loss).
    callback_context : sklearn.callback.CallbackContext or None
        Root context of scikit-learn's callbacks, or None without callbacks.
    callback_data : dict
        ``X``, ``y`` and ``metadata`` passed to the callbacks.
    """

    def __init__(
        self,
        estimator,
        n_samples,
        validation,
        early_stopping,
        stochastic,
        callback_context=None,
        callback_data=None,
    ):
        self.est = estimator
        self.n_samples = n_samples
        self.validation = validation
        self.early_stopping = early_stopping
        self.stochastic = stochastic
        self.callback_context = callback_context
        self.callback_data = callback_data or {}
        self.best_theta = estimator._theta.copy() if early_stopping else None
        self._best_monitored = -np.inf
        self._task = None
        self._start = time.perf_counter() - estimator._training_seconds

    # --- callbacks ---------------------------------------------------------------------------

    def begin_iteration(self):
        """Open the callbacks' task for the next epoch or iteration."""
        if self.callback_context is not None:
            self._task = self.callback_context.subcontext(
                task_name="epoch" if self.stochastic else "iteration"
            )
            self._task.call_on_fit_task_begin(estimator=self.est, **self.callback_data)

    def _end_task(self, theta):
        if self._task is None:
            return False
        task, self._task = self._task, None
        return task.call_on_fit_task_end(
            estimator=self.est,
            reconstruction_attributes=lambda: {"_theta": theta.copy()},
            **self.callback_data,
        )

    def close(self):
        """Close a task opened for an iteration that did not run (solver stopped first)."""
        if self._task is not None:
            self._task.call_on_fit_task_end(estimator=self.est)
            self._task = None

    # --- after each epoch or iteration ----------------------------------------------------------

    def end_iteration(self, loss, theta, gradient_norm=np.nan):
        """Record one epoch or iteration; returns True when training should stop."""
        est = self.est
        est.n_iter_ += 1
        est.t_ += self.n_samples
        est.loss_ = loss
        est.loss_curve_.append(loss)
        record = dict.fromkeys(HISTORY_KEYS, np.nan)
        record.update(
            epoch=len(est.loss_curve_),
            loss=loss,
            gradient_norm=gradient_norm,
            learning_rate=est._learning_rate if self.stochastic else np.nan,
        )
        line = f"Iteration {est.n_iter_}, loss = {loss:.8f}"
        if not np.isnan(gradient_norm):
            line += f", gradient norm = {gradient_norm:.3e}"
        if self.validation is not None:
            score, validation_loss = self._validate(theta)
            monitored = -validation_loss if est.scoring == "loss" else score
            if self.early_stopping and monitored > self._best_monitored:
                self._best_monitored = monitored
                self.best_theta[:] = theta
            est.validation_scores_.append(score)
            est.validation_loss_curve_.append(validation_loss)
            est.best_validation_score_ = max(est.best_validation_score_, score)
            record.update(validation_loss=validation_loss, validation_score=score)
            line += f", validation loss = {validation_loss:.6f}, score = {score:.6f}"
        if not self.early_stopping:
            est.best_loss_ = min(est.best_loss_, loss)
        est._training_seconds = record["seconds"] = time.perf_counter() - self._start
        est.history_.append(record)
        est._print(line)

        stop = self._end_task(theta)
        if self.early_stopping:
            stop |= self._plateau(monitored, f"Validation {est.scoring}")
        elif self.stochastic:
            stop |= self._plateau(-loss, "Training loss")
        return stop

    def _validate(self, theta):
        """Accuracy (subset accuracy for multilabel) and mean cross-entropy on the held-out set."""
        est = self.est
        X, Y, sample_weight = self.validation
        Z2, _ = forward(theta, est._layout, X, est.activation)
        logits = Z2.copy()
        proba = est._proba(Z2)  # decided as predict decides
        if est._is_multilabel:
            correct = ((proba > 0.5) == (Y > 0.5)).all(axis=1)
        else:
            correct = proba.argmax(axis=1) == class_codes(Y)
        score = float(np.average(correct, weights=sample_weight))
        return score, _cross_entropy(logits, Y, est.out_activation_, sample_weight)

    def _plateau(self, value, monitored):
        """Plateau bookkeeping and the learning-rate schedule; returns True to stop training."""
        est = self.est
        est._plateau_reference, est._no_improvement_count = plateau_update(
            value, est._plateau_reference, est._no_improvement_count, est.tol
        )
        if self.stochastic and est.learning_rate == "invscaling":
            est._learning_rate = invscaling_rate(est.learning_rate_init, est.t_, est.power_t)
        if est._no_improvement_count <= est.n_iter_no_change:
            return False
        message = (
            f"{monitored} did not improve more than tol={est.tol} for "
            f"{est.n_iter_no_change} consecutive epochs."
        )
        adaptive = self.stochastic and est.learning_rate == "adaptive"
        if adaptive and est._learning_rate / 5 >= 1e-6:
            est._learning_rate /= 5
            # Judge the next plateau from where we are now, not from the best epoch ever seen.
            est._plateau_reference, est._no_improvement_count = value, 0
            est._print(f"{message} Learning rate set to {est._learning_rate:g}.")
            return False
        est._print(f"{message} Stopping.")
        return True

    def finish(self, theta):
        """After training: keep the best weights when early stopping chose them."""
        self.close()
        if self.early_stopping and self.est.n_iter_ > 0:
            theta[:] = self.best_theta


def _cross_entropy(Z2, Y, out_activation, sample_weight):
    """Weighted mean cross-entropy of logits ``Z2`` (no penalty): scikit-learn's log_loss."""
    row_loss = OUTPUT_LOSSES[out_activation](Z2, Y)
    return float(np.average(row_loss, weights=sample_weight))
