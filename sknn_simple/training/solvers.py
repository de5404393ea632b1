"""The solvers: one registry entry each.

A *stochastic* solver (``"sgd"``, ``"adam"``) takes a step after every mini-batch; its entry
says how many state arrays its update rule keeps and binds the rule to its hyperparameters.
A *full-batch* solver (``"lbfgs"``, ``"newton-cg"``) minimizes the whole training loss: its
entry is the function that runs it (SciPy's L-BFGS-B; our Newton method in ``newton.py``). Adding a
solver is one entry in :data:`SOLVERS` (and the estimator's ``solver`` parameter accepts every
key).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .full_batch import minimize_lbfgs
from .newton import minimize_newton
from .optimizers import adam_step, sgd_step


@dataclass(frozen=True)
class StochasticSolver:
    """An update rule applied after each mini-batch."""

    #: Number of parameter-sized arrays the rule keeps between steps (in the training state).
    n_arrays: int
    #: ``(state, params) -> step(theta, grad)``: the rule bound to the state's arrays, its
    #: learning rate (read at every step, so the schedule can change it) and hyperparameters.
    bind: Callable
    #: Whether ``learning_rate``'s schedules apply. MLPClassifier applies them to ``"sgd"``
    #: only (Adam keeps its rate and stops on a plateau); ``"plateau"`` applies to both.
    follows_schedule: bool = True
    stochastic: bool = True
    #: ``early_stopping=True`` holds out ``validation_fraction`` of the data.
    holds_out: bool = True
    uses_curvature: bool = False


@dataclass(frozen=True)
class FullBatchSolver:
    """A method that minimizes the whole training loss, iteration by iteration."""

    #: ``(objective, theta, params, on_iteration, rng) -> SolverResult`` (see full_batch.py).
    run: Callable
    #: ``early_stopping=True`` holds out ``validation_fraction`` of the data (MLPClassifier's
    #: lbfgs ignores early stopping; a validation set given to ``fit`` is watched anyway).
    holds_out: bool = True
    stochastic: bool = False
    #: Whether it steps by the loss's curvature (a loss without any cannot be minimized by it).
    uses_curvature: bool = False


def _bind_sgd(state, params):
    arrays = state.optimizer
    momentum, nesterov = params["momentum"], params["nesterovs_momentum"]

    def step(theta, grad):
        sgd_step(theta, grad, arrays, state.learning_rate, momentum, nesterov)

    return step


def _bind_adam(state, params):
    arrays = state.optimizer
    beta_1, beta_2, epsilon = params["beta_1"], params["beta_2"], params["epsilon"]

    def step(theta, grad):
        state.n_updates += 1
        adam_step(
            theta, grad, arrays, state.n_updates, state.learning_rate, beta_1, beta_2, epsilon
        )

    return step


SOLVERS = {
    "sgd": StochasticSolver(n_arrays=1, bind=_bind_sgd),
    "adam": StochasticSolver(n_arrays=2, bind=_bind_adam, follows_schedule=False),
    "lbfgs": FullBatchSolver(run=minimize_lbfgs, holds_out=False),
    "newton-cg": FullBatchSolver(run=minimize_newton, uses_curvature=True),
}


def step_function(state, solver_name, params):
    """The update rule ``step(theta, grad)`` of a stochastic solver, with its state arrays.

    The arrays are kept from earlier calls (``warm_start``, ``partial_fit``) when they belong
    to the same solver and dtype, and start at zero otherwise.
    """
    solver = SOLVERS[solver_name]
    theta = state.theta
    arrays = state.optimizer
    if (
        arrays is None
        or state.optimizer_solver != solver_name
        or arrays.shape != (solver.n_arrays, theta.size)
        or arrays.dtype != theta.dtype
    ):
        state.optimizer = np.zeros((solver.n_arrays, theta.size), dtype=theta.dtype)
        state.optimizer_solver = solver_name
        state.n_updates = 0
    return solver.bind(state, params)
