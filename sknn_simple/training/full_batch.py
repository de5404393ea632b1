"""The whole training set as one objective, and L-BFGS on it.

:class:`FullBatchObjective` gives the full-batch solvers the loss and gradient of every row
(and, for Newton, curvature products on a subsample): the solver's vector ``x`` *is* ``theta``
(in float64, their working precision), and :func:`~sknn_simple.core.network.loss_and_grad`
reads the weights and biases as views of it, so nothing is packed or unpacked.

``"lbfgs"`` (:func:`minimize_lbfgs`) approximates the curvature from the last few gradients
(SciPy's L-BFGS-B). ``"newton-cg"`` measures it, by the R-operator: see ``newton.py``.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..core.curvature import hessian_product, squared_gradient_diagonal
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
        self.n_evaluations = 0  # max_fun's count, and the estimator's warning
        self._recent = []  # [(digest of x, grad_norm)], newest last
        self._buffers = None
        # Each row's output curvature at the last point evaluated, once row_curvature asked
        self._row_curvature, self._row_curvature_at = None, None

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
            row_curvature=self._row_curvature,
            **self.model,
        )
        self.n_evaluations += 1
        norm, digest = float(np.linalg.norm(grad)), _digest(x)
        self._recent = [*self._recent[-2:], (digest, norm)]
        self._row_curvature_at = digest
        if not np.isfinite(loss) or not norm < _LARGEST_NORM:
            raise NonFiniteError("the loss or its gradient overflowed")
        return loss, grad.astype(np.float64, copy=False)

    def keep_row_curvature(self):
        """From now on, each evaluation also records every row's output curvature."""
        if self._row_curvature is None:
            self._row_curvature = np.empty(self.X.shape[0], dtype=self.dtype)
            self._row_curvature_at = None

    def row_curvature(self, x):
        """Each row's output curvature at ``x`` (the head's ``curvature_trace``), shape (n,).

        Taken from the last evaluation when it was at ``x`` (the Newton solver's accepted point
        always is), else from a new evaluation at ``x``.
        """
        self.keep_row_curvature()
        if self._row_curvature_at != _digest(x):
            self(x)
        return self._row_curvature

    def curvature(self, x, rows=None, gauss_newton=True, row_weights=None):
        """``v -> C v``: the curvature of the loss at ``x``, measured on ``rows`` (all if None).

        The data term's curvature is the subsample's: its rows weighted by ``row_weights``
        (by default their sample weights) over their total, an estimate of the whole set's.
        The penalty's, ``alpha / W``, is the whole set's, as in the loss. ``gauss_newton``:
        the Gauss-Newton matrix, else the Hessian.
        """
        X, Y, w = self._subsample(rows, row_weights)
        model = dict(self.model)
        scale = model.pop("alpha") / self._weight_sum()
        product = hessian_product(
            self._theta(x),
            self.layout,
            X,
            Y,
            alpha=0.0,
            sample_weight=w,
            gauss_newton=gauss_newton,
            **model,
        )
        n_weights = self.layout.n_weights

        def curvature(v):
            Cv = product(self._theta(v)).astype(np.float64, copy=False)
            Cv[:n_weights] += scale * v[:n_weights]
            if not np.linalg.norm(Cv) < _LARGEST_NORM:
                raise NonFiniteError("the curvature (Hessian-vector product) overflowed")
            return Cv

        return curvature

    def squared_gradients(self, x, rows=None, row_weights=None):
        """Each parameter's mean squared per-row gradient at ``x``, measured on ``rows``.

        The diagonal of the empirical Fisher matrix
        (:func:`~sknn_simple.core.curvature.squared_gradient_diagonal`), of the rows and
        weights :meth:`curvature` would use, plus the whole set's penalty ``alpha / W``.
        """
        X, Y, w = self._subsample(rows, row_weights)
        model = dict(self.model)
        alpha = model.pop("alpha")
        diagonal = squared_gradient_diagonal(
            self._theta(x), self.layout, X, Y, alpha=0.0, sample_weight=w, **model
        )
        diagonal[: self.layout.n_weights] += alpha / self._weight_sum()
        if not np.isfinite(diagonal).all():
            raise NonFiniteError("the squared gradients overflowed")
        return diagonal

    def _subsample(self, rows, row_weights):
        """``(X, Y, weights)`` of ``rows`` (every row if None), weighted by ``row_weights``
        (by default their sample weights); a subsample without weight says nothing, so every
        row is used then."""
        w = self.sample_weight
        if rows is not None:
            w = (None if w is None else w[rows]) if row_weights is None else row_weights
        if rows is not None and (w is None or w.any()):
            return self.X[rows], self.Y[rows], w
        return self.X, self.Y, self.sample_weight

    def _weight_sum(self):
        return self.X.shape[0] if self.sample_weight is None else self.sample_weight.sum()

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
    converged: bool
    hit_limit: bool  # stopped on max_iter or max_fun
    message: str


class _BackOff:
    """The loss L-BFGS-B sees: the objective's, and where that overflows, a stand-in that makes
    its line search try a shorter step.

    Given an infinite or NaN value at a trial point, SciPy's line search gives up: it goes
    back to the last iterate and reports convergence (or "ABNORMAL"), so a single trial step
    that overshoots into overflow would end training. At such a point ``x`` this returns the
    parabola ``q(s) = f0 + s a + 5 |a| s^2`` along the segment from the last point ``x0`` that
    did not overflow (``s = 1`` at ``x``; ``f0``, ``g0`` its loss and gradient, ``a = g0 . (x -
    x0)``): its value ``f0 + 4 |a|`` and slope ``9 |a|`` at ``x``, lifted above the loss of the
    last iterate, make the line search interpolate a step near a tenth of the one that failed.
    The stand-in is only a guide to a shorter step: a point where it was used is never
    accepted as an iterate (it lies above the last one).
    """

    def __init__(self, objective):
        self.objective = objective
        self.last = None  # (x, loss, grad) of the last evaluation that did not overflow
        self.iterate_loss = -np.inf  # the loss of the last iterate
        self.stand_ins = set()  # digests of the points where the parabola stood in

    def __call__(self, x):
        try:
            loss, grad = self.objective(x)
        except NonFiniteError:
            if self.last is None:  # the starting point itself: nothing to back off to
                raise
            return self._stand_in(x)
        self.last = (x.copy(), loss, grad)
        return loss, grad

    def _stand_in(self, x):
        x0, f0, g0 = self.last
        D = x - x0
        a = float(g0 @ D)
        drop = abs(a) or float(np.linalg.norm(g0) * np.linalg.norm(D)) or 1.0
        curvature = 5 * drop / float(D @ D)
        lift = max(0.0, self.iterate_loss - f0)
        self.stand_ins.add(_digest(x))
        return f0 + lift + a + curvature * float(D @ D), g0 + 2 * curvature * D


def minimize_lbfgs(objective, theta, params, on_iteration, rng=None):
    """Run SciPy's L-BFGS-B from ``theta`` (``solver="lbfgs"``).

    ``on_iteration(x, loss)`` is called after each iteration; it returns True to stop (early
    stopping). ``params["max_iter"]`` and ``params["max_fun"]`` bound the iterations and loss
    evaluations, ``params["tol"]`` the largest projected gradient component at which L-BFGS-B
    stops. A trial step whose loss overflows is shortened (:class:`_BackOff`). ``rng`` is not
    used (the method draws nothing).
    """
    stopped = False
    fun = _BackOff(objective)

    def callback(intermediate_result):
        nonlocal stopped
        x, loss = intermediate_result.x, float(intermediate_result.fun)
        if _digest(x) in fun.stand_ins:  # (cannot happen: the stand-in lies above the iterate)
            raise NonFiniteError("the loss overflowed at the point L-BFGS-B accepted")
        fun.iterate_loss = loss
        if on_iteration(x, loss):
            stopped = True
            raise StopIteration

    options = {"maxiter": params["max_iter"], "maxfun": params["max_fun"], "gtol": params["tol"]}
    try:
        result = minimize(
            fun,
            theta.astype(np.float64),
            jac=True,
            callback=callback,
            method="L-BFGS-B",
            options=options,
        )
    except NonFiniteError as exc:  # the caller keeps the last completed iterate
        return SolverResult(None, -1, False, False, str(exc))
    return SolverResult(
        result.x,
        int(result.nit),
        result.status == 0 or stopped,
        result.status == 1,  # the iteration or evaluation limit was reached
        str(result.message),
    )
