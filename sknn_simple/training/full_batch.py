"""Full-batch second-order solvers: L-BFGS and a Hessian-free trust-region Newton method.

Both hand the flat parameter vector to :func:`scipy.optimize.minimize` as it is: ``x`` *is*
``theta`` (in float64, SciPy's working precision), and
:func:`~sknn_simple.core.network.loss_and_grad` reads the weights and biases as views of it, so
nothing is packed or unpacked. The solvers' settings are their entries in ``solvers.SOLVERS``.

``"lbfgs"`` approximates the curvature from the last few gradients (L-BFGS-B).
``"newton-cg"`` uses the exact curvature: each Newton step solves ``H p = -g`` approximately by
conjugate gradients, where every product ``H v`` is computed analytically by the R-operator
(:mod:`~sknn_simple.core.curvature`). The Hessian of a neural network is indefinite away from a
minimum, so the step is taken inside a trust region (SciPy's ``trust-ncg``, Steihaug's CG): when CG
meets a direction of negative curvature it follows it to the trust-region boundary instead of
jumping to a saddle point or a maximum, and the region shrinks whenever the quadratic model
predicts the loss badly.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..core.curvature import hessian_product
from ..core.network import Buffers, loss_and_grad

#: The solvers square norms and take dot products of gradients: beyond this they overflow.
_LARGEST_NORM = 1e150


def _digest(x):
    """A fingerprint of the bytes of ``x``: recognizes a point without keeping a copy of it."""
    return hashlib.blake2b(np.ascontiguousarray(x), digest_size=16).digest()


class NonFiniteError(ArithmeticError):
    """A loss, gradient or curvature product overflowed: the solver cannot go on."""


class FullBatchObjective:
    """Loss, gradient and Hessian products of the whole training set, as SciPy calls them.

    Recognizes recent points by a digest of their bytes: the per-iteration callback reports
    the gradient norm of a point SciPy already evaluated without evaluating it again, and the
    Hessian products at one point share its forward pass. Counts the work done.
    """

    def __init__(self, layout, X, Y, model, sample_weight, dtype):
        # Targets (as floats) and logits column-major, as in a mini-batch (see MiniBatches)
        self.layout, self.X, self.model = layout, X, model
        self.Y = np.asfortranarray(Y, dtype=dtype)
        self.sample_weight, self.dtype = sample_weight, dtype
        self.n_evaluations = 0
        self.n_hessian_products = 0
        self._recent = []  # [(digest of x, grad_norm)], newest last
        self._hvp_at = (None, None)  # (digest of x, hvp) for the point of the current Newton step
        self._buffers = None

    def _theta(self, x):
        return x if self.dtype == np.float64 else x.astype(self.dtype)

    def __call__(self, x):
        if self._buffers is None:  # scratch arrays for the forward and backward passes
            self._buffers = Buffers(self.layout, self.X.shape[0], self.dtype)
        # A fresh gradient array each time: SciPy may keep the previous one.
        loss, grad = loss_and_grad(
            self._theta(x),
            self.layout,
            self.X,
            self.Y,
            sample_weight=self.sample_weight,
            buffers=self._buffers,
            **self.model,
        )
        self.n_evaluations += 1
        norm = float(np.linalg.norm(grad))
        self._recent = [*self._recent[-2:], (_digest(x), norm)]
        if not np.isfinite(loss) or not norm < _LARGEST_NORM:
            raise NonFiniteError("the loss or its gradient overflowed")
        return loss, grad.astype(np.float64, copy=False)

    def hessp(self, x, v):
        """``H(x) v``; the forward pass at ``x`` is shared by all products at the same point."""
        digest = _digest(x)
        if self._hvp_at[0] != digest:
            hvp = hessian_product(
                self._theta(x),
                self.layout,
                self.X,
                self.Y,
                sample_weight=self.sample_weight,
                **self.model,
            )
            self._hvp_at = (digest, hvp)
        self.n_hessian_products += 1
        product = self._hvp_at[1](self._theta(v))
        if not np.linalg.norm(product) < _LARGEST_NORM:
            raise NonFiniteError("the curvature (Hessian-vector product) overflowed")
        return product.astype(np.float64, copy=False)

    def grad_norm(self, x):
        """Norm of the gradient at ``x`` if it was evaluated recently, else NaN."""
        digest = _digest(x)
        for seen, norm in reversed(self._recent):
            if seen == digest:
                return norm
        return np.nan


@dataclass
class SolverResult:
    """What a second-order solver returns."""

    theta: np.ndarray | None  # float64; None when a value overflowed
    n_iter: int
    n_evaluations: int
    converged: bool
    hit_limit: bool  # stopped on max_iter or max_fun
    message: str


def minimize_full_batch(solver, objective, theta, params, on_iteration):
    """Run the full-batch ``solver`` (an entry of ``SOLVERS``) from ``theta``.

    ``on_iteration(x, loss)`` is called after each iteration; it returns True to stop (early
    stopping). ``params["max_fun"]`` bounds the number of loss evaluations, ``params["tol"]``
    the gradient norm (for L-BFGS-B, the largest projected gradient component) at which the
    solver stops.
    """
    max_fun = params["max_fun"]
    stopped = out_of_budget = False

    def callback(intermediate_result):
        nonlocal stopped, out_of_budget
        if on_iteration(intermediate_result.x, float(intermediate_result.fun)):
            stopped = True
            raise StopIteration
        if not solver.limits_evaluations and objective.n_evaluations >= max_fun:
            out_of_budget = True
            raise StopIteration

    settings = {"method": solver.method, "options": solver.options(params)}
    if solver.uses_hessian:
        settings["hessp"] = objective.hessp
    try:
        result = minimize(
            objective, theta.astype(np.float64), jac=True, callback=callback, **settings
        )
    except NonFiniteError as exc:  # the caller keeps the last completed iterate
        return SolverResult(None, -1, objective.n_evaluations, False, False, str(exc))
    # status 1: the iteration (or, for L-BFGS-B, evaluation) limit was reached
    hit_limit = result.status == 1 or out_of_budget
    converged = result.status == 0 or stopped
    return SolverResult(
        result.x,
        int(result.nit),
        objective.n_evaluations,
        converged,
        hit_limit,
        str(result.message),
    )
