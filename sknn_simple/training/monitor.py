"""What happens after each epoch (or solver iteration): records, validation, stopping, callbacks.

One :class:`Monitor` lives for one call of ``fit`` or ``partial_fit``. The training loops call
:meth:`Monitor.end_iteration` after each pass; it scores the validation set, appends the
epoch's record to the training state, keeps the best weights for early stopping, sends one line
to ``log`` (the estimator prints it when ``verbose``), calls the callbacks, applies the
learning-rate schedule (``schedule.py``), and answers whether training should stop.

It also remembers the weights of the last recorded epoch, so that training interrupted at any
point (Ctrl-C in a batch, in the validation pass or in a callback) or stopped by an overflow
leaves weights that match the records.
"""

import time

import numpy as np

from .schedule import end_of_epoch
from .state import HISTORY_KEYS


class Monitor:
    """Bookkeeping after each epoch or iteration of one ``fit`` call.

    Parameters
    ----------
    state : TrainingState
        Updated in place.
    params : mapping
        The estimator's hyperparameters (``tol``, ``n_iter_no_change``, ``learning_rate``, ...).
    n_samples : int
        Training samples per epoch (for ``t_``).
    stochastic : bool
        The solver has a learning rate (plateau on the training loss).
    schedule : str
        The learning-rate schedule in force (``learning_rate``, or ``"constant"`` for a
        solver that does not follow it; see ``schedule.py``).
    validate : callable or None
        ``validate(theta) -> (score, loss)`` on the validation set, or None without one.
    early_stopping : bool
        Stop when the validation score stops improving, and keep the best weights. Needs
        ``validate``.
    log : callable
        Receives one line of text per epoch and for each change of the learning rate.
    callbacks : object or None
        With methods ``begin_iteration()``, ``end_iteration(state) -> stop`` and ``close()``
        (the estimator's adapter to scikit-learn's callbacks), or None.
    """

    def __init__(
        self,
        state,
        params,
        n_samples,
        *,
        stochastic,
        schedule="constant",
        validate=None,
        early_stopping=False,
        log=None,
        callbacks=None,
    ):
        if early_stopping and validate is None:
            raise ValueError("early stopping needs a validation set to watch")
        self.state, self.params = state, params
        self.n_samples = n_samples
        self.stochastic = stochastic
        self.schedule = schedule
        self.validate = validate
        self.early_stopping = early_stopping
        self.log = log if log is not None else (lambda line: None)
        self.callbacks = callbacks
        self.committed = state.theta.copy()  # the weights of the last recorded iteration
        self.best_theta = state.theta.copy() if early_stopping else None
        self._best_monitored = -np.inf
        self._start = time.perf_counter() - state.seconds

    def begin_iteration(self):
        """Before each epoch or iteration (opens the callbacks' task)."""
        if self.callbacks is not None:
            self.callbacks.begin_iteration()

    def end_iteration(self, loss, theta, gradient_norm=np.nan):
        """Record one epoch or iteration; returns True when training should stop."""
        state, params = self.state, self.params
        record = dict.fromkeys(HISTORY_KEYS, np.nan)
        record.update(
            epoch=len(state.loss_curve) + 1,
            loss=loss,
            gradient_norm=gradient_norm,
            learning_rate=state.learning_rate if self.stochastic else np.nan,
        )
        # MLPClassifier's lines (the second-order solvers add the gradient's norm)
        lines = [f"Iteration {state.n_iter + 1}, loss = {loss:.8f}"]
        if not np.isnan(gradient_norm):
            lines[0] += f", gradient norm = {gradient_norm:.3e}"
        validation = None
        if self.validate is not None:
            validation = score, validation_loss = self.validate(theta)
            record.update(validation_loss=validation_loss, validation_score=score)
            lines.append(f"Validation score: {score:f}")
            if params["scoring"] == "loss":
                lines.append(f"Validation loss: {validation_loss:f}")
            monitored = -validation_loss if params["scoring"] == "loss" else score
        record["seconds"] = time.perf_counter() - self._start

        # Everything is computed: commit the iteration (weights and records together).
        self.committed[:] = theta
        state.record(loss, self.n_samples, record, validation)
        state.seconds = record["seconds"]
        if self.early_stopping and monitored > self._best_monitored:
            self._best_monitored = monitored
            self.best_theta[:] = theta
            state.best_epoch = record["epoch"]
        for line in lines:
            self.log(line)

        stop = self.callbacks is not None and bool(self.callbacks.end_iteration(state))
        if self.early_stopping:
            stop_plateau, message = end_of_epoch(state, monitored, params, self.schedule)
            what = "Validation loss" if params["scoring"] == "loss" else "Validation score"
        elif self.stochastic:
            stop_plateau, message = end_of_epoch(state, -loss, params, self.schedule)
            what = "Training loss"
        else:
            stop_plateau, message = False, None
        if message is not None:
            self.log(f"{what} {message}")
        return stop or stop_plateau

    def restore_committed(self, theta):
        """Back to the weights of the last recorded iteration (after an interruption)."""
        theta[:] = self.committed

    def finish(self, theta):
        """After training: keep the best weights when early stopping chose them."""
        if self.callbacks is not None:
            self.callbacks.close()
        if self.early_stopping and self.state.best_epoch is not None:
            theta[:] = self.best_theta
