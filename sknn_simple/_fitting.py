"""How each solver runs a fit: the mini-batch loop of "sgd" and "adam", the full-batch loop of
"lbfgs" and "newton-cg", and the warnings they give.

:class:`SolverLoops` is a private base class of :class:`~sknn_simple.SimpleMLPClassifier`: its
methods read the estimator's hyperparameters and update its fitted state; the math they call
lives in ``_network``, ``_optimizers``, ``_training`` and ``_solvers``.
"""

import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning

from . import _optimizers
from ._network import baseline_loss, loss_and_grad
from ._solvers import FullBatchObjective, minimize_full_batch
from ._threads import blas_threads
from ._training import MiniBatches, run_epoch

STOCHASTIC_SOLVERS = ("sgd", "adam")


def warn(message, category):
    """``warnings.warn`` pointing at the user's line that called into the estimator.

    The call may pass through scikit-learn's ``fit`` wrappers and meta-estimators (Pipeline,
    ...), so instead of a fixed ``stacklevel`` this skips the frames inside this package and
    inside scikit-learn.
    """
    skipped = (os.path.dirname(__file__), os.path.dirname(sklearn.__file__))
    frame, level = sys._getframe(1), 2  # stacklevel 2 is the caller of warn
    while frame is not None and frame.f_code.co_filename.startswith(skipped):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


class SolverLoops:
    """The training loops of SimpleMLPClassifier (a private base class)."""

    # --- training: the solvers -------------------------------------------------------------------

    def _model(self):
        """The keyword arguments of the loss that come from the hyperparameters."""
        return {
            "activation": self.activation,
            "out_activation": self.out_activation_,
            "alpha": self.alpha,
        }

    def _step_function(self, n_params, dtype):
        """The update rule ``step(theta, grad)`` of ``self.solver``, with its state arrays."""
        state = self._optimizer_state
        if state is None or self._optimizer_solver != self.solver or state.dtype != dtype:
            state = self._optimizer_state = _optimizers.new_state(self.solver, n_params, dtype)
            self._optimizer_solver = self.solver
            self._n_updates = 0

        if self.solver == "sgd":

            def step(theta, grad):
                _optimizers.sgd_step(
                    theta, grad, state, self._learning_rate, self.momentum, self.nesterovs_momentum
                )
        else:

            def step(theta, grad):
                self._n_updates += 1
                _optimizers.adam_step(
                    theta,
                    grad,
                    state,
                    self._n_updates,
                    self._learning_rate,
                    self.beta_1,
                    self.beta_2,
                    self.epsilon,
                )

        return step

    def _blas_threads(self, X, Y, sample_weight, work=None):
        """``blas_threads`` for steps on ``X``; the trial is the loss and gradient on it."""
        grad = np.empty_like(self._theta)
        layout, model = self._layout, self._model()

        def trial():
            loss_and_grad(
                self._theta,
                layout,
                X,
                Y,
                sample_weight=sample_weight,
                grad=grad,
                buffers=work,
                **model,
            )

        return blas_threads(X.shape[0] * X.shape[1] * layout.n_hidden, trial)

    def _fit_stochastic(self, X, Y, sample_weight, rng, incremental, monitor):
        batch_size = self._batch_size(X.shape[0])
        dropout = None
        if self.dropout > 0:  # masks come from their own generator, seeded by random_state
            dropout = (self.dropout, np.random.default_rng(rng.randint(np.iinfo(np.int32).max)))
        # The loss of the best constant prediction, to tell a divergent run (computed before
        # the training buffers exist, so that its temporaries don't add to the peak memory)
        baseline = baseline_loss(Y, self.out_activation_, sample_weight)
        batches = MiniBatches(X, Y, sample_weight, batch_size, self._n_hidden, dropout)
        with self._blas_threads(*batches.batch(slice(0, batch_size))):  # a batch as in training
            self._run_epochs(batches, rng, incremental, monitor, baseline)

    def _run_epochs(self, batches, rng, incremental, monitor, baseline):
        theta, layout = self._theta, self._layout
        step = self._step_function(layout.size, theta.dtype)
        model = self._model()
        grad = np.empty_like(theta)
        # One batch holding every sample: its gradient does not depend on the order.
        n_samples = batches.X.shape[0]
        order = np.arange(n_samples) if self.shuffle and len(batches.slices) > 1 else None
        start_theta = np.empty_like(theta)
        for _ in range(self.max_iter):
            if order is not None:
                rng.shuffle(order)
            start_theta[:] = theta  # to restore on an interrupt or an overflow
            monitor.begin_iteration()
            try:
                loss = run_epoch(theta, grad, layout, batches, order, model, step)
            except KeyboardInterrupt:
                theta[:] = start_theta
                self._warn_interrupted()
                break
            if not (np.isfinite(loss) and np.isfinite(theta).all()):
                theta[:] = start_theta
                self._warn_non_finite()
                break
            if monitor.end_iteration(loss, theta) or incremental:
                break
        else:
            warn(
                f"Stopped after max_iter={self.max_iter} epochs and the optimization has not "
                "converged yet. Increase max_iter; if the loss falls slowly, scale the inputs "
                "(e.g. with StandardScaler) or raise learning_rate_init.",
                ConvergenceWarning,
            )
        losses = self.loss_curve_[len(self.loss_curve_) - self.n_iter_ :]  # this call's epochs
        if len(losses) >= 2 and (losses[-1] > losses[0] or min(losses) > baseline):
            self._warn_diverged(losses[0], losses[-1], min(losses), baseline)

    def _fit_second_order(self, X, Y, sample_weight, monitor):
        theta = self._theta
        objective = FullBatchObjective(
            self._layout, X, Y, self._model(), sample_weight, theta.dtype
        )

        def on_iteration(x, loss):
            theta[:] = x
            stop = monitor.end_iteration(loss, theta, objective.grad_norm(x))
            if not stop:
                monitor.begin_iteration()
            return stop

        monitor.begin_iteration()
        try:
            # The trial uses up to 4,096 rows: enough to show how the products scale.
            rows = slice(0, 4096)
            w = None if sample_weight is None else sample_weight[rows]
            with self._blas_threads(X[rows], objective.Y[rows], w):
                result = minimize_full_batch(
                    self.solver,
                    objective,
                    theta,
                    self.max_iter,
                    self.max_fun,
                    self.tol,
                    on_iteration,
                )
        except KeyboardInterrupt:  # theta holds the last completed iteration
            self._warn_interrupted()
        else:
            self._finish_second_order(result, objective, theta)
        # Work done, for benchmarks: loss-and-gradient evaluations and Hessian-vector products.
        self._n_loss_evaluations = objective.n_evaluations
        self._n_hessian_products = objective.n_hessian_products

    def _finish_second_order(self, result, objective, theta):
        """Keep the solver's weights (unless a value overflowed) and say why it stopped."""
        if result.theta is None:  # theta holds the last completed iteration
            warn(
                f"solver={self.solver!r} stopped after {self.n_iter_} iterations: "
                f"{result.message}. The weights of the last finite iteration were kept. Scale "
                "the inputs (e.g. with StandardScaler).",
                ConvergenceWarning,
            )
            return
        theta[:] = result.theta
        if result.hit_limit:
            warn(
                f"solver={self.solver!r} stopped after {result.n_iter} iterations and "
                f"{result.n_evaluations} loss evaluations (max_iter={self.max_iter}, "
                f"max_fun={self.max_fun}) and has not converged yet; increase max_iter or "
                "max_fun.",
                ConvergenceWarning,
            )
        elif not result.converged:
            warn(
                f"solver={self.solver!r} stopped after {result.n_iter} iterations with the "
                f"gradient norm at {objective.grad_norm(result.theta):.3g}, above tol="
                f"{self.tol}: {result.message} (A tol near machine precision cannot be "
                "reached; otherwise try another solver or scale the inputs.)",
                ConvergenceWarning,
            )

    # --- messages ----------------------------------------------------------------------------

    def _print(self, line):
        if self.verbose:
            print(line)

    def _warn_interrupted(self):
        kept = "best" if self.early_stopping else "last complete"
        warn(
            f"Training interrupted by the user after {self.n_iter_} complete "
            f"{'epochs' if self.solver in STOCHASTIC_SOLVERS else 'iterations'}; the weights "
            f"of the {kept} one were kept and the model can be used.",
            UserWarning,
        )

    def _warn_diverged(self, first, last, lowest, baseline):
        if last > first:
            what = f"The training loss rose from {first:.4g} after the first epoch to {last:.4g}"
        else:
            what = (
                f"The training loss never fell below {baseline:.4g}, the loss of always "
                f"predicting the class frequencies (lowest: {lowest:.4g})"
            )
        warn(
            f"{what}: training failed. If the loss rose or jumped, learning_rate_init="
            f"{self.learning_rate_init} is probably too large for this data; if it fell slowly, "
            "train longer or scale the inputs (e.g. with StandardScaler).",
            ConvergenceWarning,
        )

    def _warn_non_finite(self):
        epoch = self.n_iter_ + 1
        warn(
            f"Training stopped in epoch {epoch}: the loss or the weights became infinite or NaN "
            f"(learning_rate_init={self.learning_rate_init} is probably too large for this data). "
            f"The weights from the end of epoch {epoch - 1} were kept. Lower "
            "learning_rate_init, or scale the inputs (e.g. with StandardScaler).",
            ConvergenceWarning,
        )

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size == "full":
            return n_samples
        if self.batch_size > n_samples:
            warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} training "
                f"samples; using batch_size={n_samples}.",
                UserWarning,
            )
        return min(self.batch_size, n_samples)
