"""Full-batch second-order solvers: L-BFGS and a Hessian-free trust-region Newton method.

Both hand the flat parameter vector to :func:`scipy.optimize.minimize` as it is: ``x`` *is*
``theta`` (in float64, SciPy's working precision), and :func:`~sknn_simple._network.loss_and_grad`
reads ``W1, b1, W2, b2`` as views of it, so nothing is packed or unpacked.

``"lbfgs"`` approximates the curvature from the last few gradients (L-BFGS-B).
``"newton-cg"`` uses the exact curvature: each Newton step solves ``H p = -g`` approximately by
conjugate gradients, where every product ``H v`` is computed analytically by the R-operator
(:mod:`~sknn_simple._curvature`). The Hessian of a neural network is indefinite away from a
minimum, so the step is taken inside a trust region (SciPy's ``trust-ncg``, Steihaug's CG): when CG
meets a direction of negative curvature it follows it to the trust-region boundary instead of
jumping to a saddle point or a maximum, and the region shrinks whenever the quadratic model
predicts the loss badly.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ._curvature import hessian_product
from ._network import loss_and_grad

#: The solvers square norms and take dot products of gradients: beyond this they overflow.
_LARGEST_NORM = 1e150


def _digest(x):
    """A fingerprint of the bytes of ``x``: recognizes a point without keeping a copy of it."""
    return hashlib.blake2b(np.ascontiguousarray(x), digest_size=16).digest()


class NonFiniteError(ArithmeticError):
    """A loss, gradient or curvature product overflowed: the solver cannot go on."""


class FullBatchObjective:
    """Loss, gradient and Hessian products of the whole training set, as SciPy calls them.

    Remembers the gradient norm at recent points, so the per-iteration callback can report it
    without evaluating the loss again, and counts loss evaluations.
    """

    def __init__(self, layout, X, Y, model, sample_weight, dtype):
        # Targets (as floats) and logits column-major, as in a mini-batch (see MiniBatches)
        self.layout, self.X, self.model = layout, X, model
        self.Y = np.asfortranarray(Y, dtype=dtype)
        self.sample_weight, self.dtype = sample_weight, dtype
        self.n_evaluations = 0
        self.n_hessian_products = 0
        self._recent = []  # [(digest of x, grad_norm)], newest last
        self._hvp_at = None  # (x, hvp) for the point of the current Newton step
        self._buffers = None

    def _theta(self, x):
        return x if self.dtype == np.float64 else x.astype(self.dtype)

    def __call__(self, x):
        if self._buffers is None:  # scratch arrays for the forward and backward passes
            n, h, k = self.X.shape[0], self.layout.n_hidden, self.layout.n_outputs
            self._buffers = (
                np.empty((n, h), self.dtype),
                np.empty((k, n), self.dtype).T,
                np.empty((n, h), self.dtype),
            )
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
        self._recent = [*self._recent[-2:], (_digest(x), float(np.linalg.norm(grad)))]
        if not np.isfinite(loss) or not np.linalg.norm(grad) < _LARGEST_NORM:
            raise NonFiniteError("the loss or its gradient overflowed")
        return loss, grad.astype(np.float64, copy=False)

    def hessp(self, x, v):
        """``H(x) v``; the forward pass at ``x`` is shared by all products at the same point."""
        if self._hvp_at is None or not np.array_equal(self._hvp_at[0], x):
            hvp = hessian_product(
                self._theta(x),
                self.layout,
                self.X,
                self.Y,
                sample_weight=self.sample_weight,
                **self.model,
            )
            self._hvp_at = (x.copy(), hvp)
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
    """What a second-order solver returns to the estimator."""

    theta: np.ndarray | None  # float64; None when a value overflowed
    n_iter: int
    n_evaluations: int
    converged: bool
    hit_limit: bool  # stopped on max_iter or max_fun
    message: str


def minimize_full_batch(method, objective, theta, max_iter, max_fun, tol, on_iteration):
    """Run ``"lbfgs"`` or ``"newton-cg"`` from ``theta``.

    ``on_iteration(x, loss)`` is called after each iteration; it returns True to stop (early
    stopping). ``max_fun`` bounds the number of loss evaluations, ``tol`` the gradient norm
    (for L-BFGS-B, the largest projected gradient component) at which the solver stops.
    """
    state = {"stopped": False, "out_of_budget": False}

    def callback(intermediate_result):
        if on_iteration(intermediate_result.x, float(intermediate_result.fun)):
            state["stopped"] = True
            raise StopIteration
        if method != "lbfgs" and objective.n_evaluations >= max_fun:
            state["out_of_budget"] = True
            raise StopIteration

    if method == "lbfgs":  # L-BFGS-B enforces max_fun itself
        settings = {
            "method": "L-BFGS-B",
            "options": {"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
        }
    else:
        settings = {
            "method": "trust-ncg",
            "hessp": objective.hessp,
            "options": {"maxiter": max_iter, "gtol": tol},
        }
    try:
        result = minimize(
            objective, theta.astype(np.float64), jac=True, callback=callback, **settings
        )
    except NonFiniteError as exc:  # the caller keeps the last completed iterate
        return SolverResult(None, -1, objective.n_evaluations, False, False, str(exc))
    # status 1: the iteration (or, for L-BFGS-B, evaluation) limit was reached
    hit_limit = result.status == 1 or state["out_of_budget"]
    converged = result.status == 0 or state["stopped"]
    return SolverResult(
        result.x,
        int(result.nit),
        objective.n_evaluations,
        converged,
        hit_limit,
        str(result.message),
    )
