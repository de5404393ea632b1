"""The training loops: mini-batch epochs for the stochastic solvers, SciPy for the full-batch ones.

:func:`train` runs one call of ``fit`` or ``partial_fit`` on a :class:`TrainingState` and
returns an :class:`Outcome` saying why it stopped; it prints nothing and warns of nothing (the
estimator turns the outcome into warnings). Every solver stops the same way on Ctrl-C: the
weights go back to those of the last recorded epoch or iteration (or the best one, with early
stopping), whatever the loop was doing when the interrupt came.

Whatever the outcome, the weights a call returns are verified: their loss on every training
row must be finite (so is then every output: probabilities, predictions, counts). The end of an
epoch is never evaluated on the whole training set by the epoch itself (each batch's loss is
taken at the weights before its step), so weights that overflow can come out of a step that
did not. When they fail, training backs off to the weights of the last recorded epoch or
iteration; when those fail too, the outcome is ``"unusable"``, and the estimator says so.
"""

from dataclasses import dataclass, field

import numpy as np

from ..core.heads import Head, baseline_loss
from ..core.network import Buffers, forward
from .full_batch import FullBatchObjective
from .minibatch import MiniBatches, run_epoch
from .solvers import SOLVERS, step_function
from .threads import blas_threads, largest_product

#: Rows per chunk of the check that the returned weights' training loss is finite.
CHECK_ROWS = 4096


@dataclass
class Outcome:
    """Why training stopped, and what the estimator needs to report it."""

    #: "stopped" (converged, early stopping, a callback, one partial_fit epoch), "max_iter",
    #: "interrupted", "non_finite" (a loss or weight overflowed: the weights of the last
    #: recorded epoch or iteration were kept, and their training loss is finite), "unusable"
    #: (no weights of this call have a finite training loss), or for the full-batch solvers
    #: "limit" (max_iter / max_fun) and "not_converged".
    reason: str
    #: The solver's own words, for the full-batch solvers.
    message: str = ""
    #: The training losses of this call, and the loss of the best constant output, to tell a
    #: run that diverged or never learned.
    losses: list = field(default_factory=list)
    baseline: float = np.nan
    #: Loss evaluations of a full-batch solver.
    n_evaluations: int = 0
    gradient_norm: float = np.nan


def train(state, problem, params, monitor, incremental=False):
    """Train ``state.theta`` on ``problem`` with the solver ``params["solver"]``.

    Parameters
    ----------
    state : TrainingState
    problem : Problem
        The training data and the model (layout, activation, head, alpha).
    params : mapping
        The estimator's hyperparameters, with ``batch_size`` resolved to a number of rows.
    monitor : Monitor
    incremental : bool
        One epoch only (``partial_fit``).
    """
    solver = SOLVERS[params["solver"]]
    start = len(state.loss_curve)
    try:
        if solver.stochastic:
            outcome = _run_stochastic(state, problem, params, monitor, incremental)
        else:
            outcome = _run_full_batch(state, solver, problem, params, monitor)
    except KeyboardInterrupt:
        monitor.restore_committed(state.theta)
        outcome = Outcome("interrupted")
    monitor.finish(state.theta)
    outcome.losses = state.loss_curve[start:]
    if not problem.loss_is_finite(state.theta):  # back off, and verify again
        monitor.restore_committed(state.theta)
        if not problem.loss_is_finite(state.theta):
            return Outcome("unusable", losses=outcome.losses)
        outcome.reason = "non_finite"
    return outcome


@dataclass(frozen=True)
class Problem:
    """What one training call fits: data, targets, weights, and the model's fixed parts."""

    X: object  # ndarray or CSR matrix (n, d)
    Y: np.ndarray  # (n, k)
    sample_weight: np.ndarray | None
    layout: object
    activation: str | tuple  # one name, or one per hidden layer
    head: Head
    alpha: float

    @property
    def model(self):
        """The keyword arguments of ``loss_and_grad`` that stay fixed during training."""
        return {"activation": self.activation, "head": self.head, "alpha": self.alpha}

    @property
    def report_scale(self):
        """The reported loss's data term over the trained one's (see :meth:`report`)."""
        return self.head.report_scale(self.layout.n_outputs)

    def report(self, loss, theta, weight_sum):
        """``loss`` (the penalized loss trained on, of ``theta`` over rows of total weight
        ``weight_sum``) as scikit-learn reports it, in ``loss_curve_``, and compares it with
        ``tol``: MLPRegressor reports the squared error's mean over the outputs, not its sum,
        plus the penalty (``heads.Head.report_scale``). Otherwise ``loss`` itself."""
        scale = self.report_scale
        if scale == 1.0:
            return loss
        weights = theta[: self.layout.n_weights]
        penalty = 0.5 * self.alpha * float(weights @ weights) / weight_sum
        return (loss - penalty) * scale + penalty

    def loss_is_finite(self, theta, chunk_rows=CHECK_ROWS):
        """Whether the loss of every training row is finite at ``theta`` (then so are the
        network's outputs: probabilities, predictions, counts). A forward pass over the rows,
        ``chunk_rows`` at a time."""
        n = self.X.shape[0]
        buffers = Buffers(self.layout, min(n, chunk_rows), theta.dtype, backward=False)
        loss_and_delta = self.head.loss_and_delta
        for start in range(0, n, chunk_rows):
            rows = slice(start, min(start + chunk_rows, n))
            part = buffers.rows(rows.stop - rows.start)
            Z = forward(theta, self.layout, self.X[rows], self.activation, part)[0]
            if not np.isfinite(loss_and_delta(Z, self.Y[rows])).all():
                return False
        return True


def _run_stochastic(state, problem, params, monitor, incremental):
    theta = state.theta
    # The loss of the best constant output, to tell a run that never learned (computed before
    # the training buffers exist, so that its temporaries don't add to the peak memory)
    baseline = problem.report_scale * baseline_loss(problem.Y, problem.head, problem.sample_weight)
    dropout = None
    if params["dropout"] > 0:  # masks come from their own stream, seeded from the call's
        state.dropout_rng = np.random.default_rng(state.rng.randint(np.iinfo(np.int32).max))
        dropout = (params["dropout"], state.dropout_rng)
    batch_size = params["batch_size"]
    batches = MiniBatches(
        problem.X, problem.Y, problem.sample_weight, batch_size, problem.layout, dropout
    )
    step = step_function(state, params["solver"], params)
    grad = np.empty_like(theta)
    # Each epoch shuffles the previous epoch's order, from the rows' own order at the start of
    # each call, as MLPClassifier does. One batch holding every sample: its gradient does not
    # depend on the order.
    order = None
    if params["shuffle"] and len(batches.slices) > 1:
        order = np.arange(problem.X.shape[0])
    with blas_threads(largest_product(batch_size, problem.layout.sizes)):
        for _ in range(params["max_iter"]):
            if order is not None:
                state.rng.shuffle(order)
            monitor.begin_iteration()
            loss = run_epoch(
                theta, grad, problem.layout, batches, order, problem.model, step, problem.report
            )
            if not (np.isfinite(loss) and np.isfinite(theta).all()):
                monitor.restore_committed(theta)
                return Outcome("non_finite", baseline=baseline)
            if monitor.end_iteration(loss, theta) or incremental:
                return Outcome("stopped", baseline=baseline)
    return Outcome("max_iter", baseline=baseline)


def _run_full_batch(state, solver, problem, params, monitor):
    theta = state.theta
    baseline = problem.report_scale * baseline_loss(problem.Y, problem.head, problem.sample_weight)
    objective = FullBatchObjective(
        problem.layout, problem.X, problem.Y, problem.model, problem.sample_weight, theta.dtype
    )

    weight_sum = (
        problem.X.shape[0] if problem.sample_weight is None else problem.sample_weight.sum()
    )

    def on_iteration(x, loss):
        theta[:] = x
        reported = problem.report(loss, theta, weight_sum)
        stop = monitor.end_iteration(reported, theta, objective.grad_norm(x))
        if not stop:
            monitor.begin_iteration()
        return stop

    monitor.begin_iteration()
    with blas_threads(largest_product(problem.X.shape[0], problem.layout.sizes)):
        result = solver.run(objective, theta, params, on_iteration, state.rng)
    work = {"n_evaluations": objective.n_evaluations, "baseline": baseline}
    if result.theta is None:  # a value overflowed: keep the last completed iterate
        monitor.restore_committed(theta)
        return Outcome("non_finite", message=result.message, **work)
    theta[:] = result.theta
    if result.n_iter == 0 and result.converged:  # converged where it started: no iteration
        # recorded a loss, but loss_ is the loss of the weights the fit returns (as in sklearn)
        state.loss = problem.report(float(objective(result.theta)[0]), theta, weight_sum)
    if result.hit_limit:
        return Outcome("limit", message=result.message, **work)
    if not result.converged:
        # A failed line search ends many trial evaluations after the point it returns, which
        # the objective no longer remembers: measure its gradient again then.
        gradient_norm = objective.grad_norm(result.theta)
        if np.isnan(gradient_norm):
            gradient_norm = float(np.linalg.norm(objective(result.theta)[1]))
        return Outcome("not_converged", message=result.message, gradient_norm=gradient_norm, **work)
    return Outcome("stopped", message=result.message, **work)
