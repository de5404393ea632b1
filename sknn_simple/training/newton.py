"""Newton's method without the Hessian matrix: Gauss-Newton curvature on a subsample of the rows,
damped conjugate gradients, and a line search (``solver="newton-cg"``).

Each iteration, at the current weights ``theta`` with gradient ``g`` (of the whole training set):

1. draws a subsample of the rows (``curvature_fraction`` of them, at least
   :data:`MIN_CURVATURE_ROWS`) and takes the curvature of the loss on it: the Gauss-Newton
   matrix ``G`` (positive semi-definite), or with ``curvature="hessian"`` the exact Hessian
   ``H`` (indefinite away from a minimum). Curvature is a smooth average over the rows, so a
   subsample estimates it well at a fraction of the cost (Byrd, Chin, Neveitt & Nocedal 2011);
   the gradient, which decides where the minimum is, always comes from every row;
2. solves ``(G + lambda I) d = -g`` by conjugate gradients, each product ``G v`` computed by the
   R-operator (:func:`~sknn_simple.core.curvature.hessian_product`), starting from the previous
   direction (Martens 2010), and stops when the quadratic model stops improving; a direction of
   negative curvature (exact Hessian only) ends CG at the point reached so far;
3. backtracks along ``d`` until the loss falls enough (Armijo), and adapts the damping
   ``lambda`` to how well the quadratic model predicted the fall (Levenberg-Marquardt): the
   damping plays the role of a trust region's radius. When the model predicted badly three
   times in a row, the next curvature is also measured on twice as many rows (a dynamic
   sample size, as in Byrd, Chin, Nocedal & Wu 2012), up to all of them: a noisy estimate is
   the likelier culprit then.
"""

import math

import numpy as np

from .full_batch import NonFiniteError, SolverResult

#: Fewest rows the curvature is measured on (all of them for smaller data sets).
MIN_CURVATURE_ROWS = 500
#: Starting damping, and its bounds.
INITIAL_DAMPING, MIN_DAMPING, MAX_DAMPING = 1.0, 1e-8, 1e8
#: Conjugate-gradient iterations per Newton iteration, at most.
MAX_CG_ITERATIONS = 100
#: CG stops when the quadratic model improved by less than a relative 5e-4 per iteration over
#: the last max(CG_WINDOW, i / 10) of its i iterations (Martens 2010).
CG_WINDOW = 10
#: CG stops when its residual is below min(FORCING, sqrt(|g|)) |g| (Eisenstat-Walker style).
FORCING = 0.5
#: The previous direction, scaled by this, starts the next CG run.
WARM_START_DECAY = 0.95
#: After this many poor quadratic models in a row, the curvature is measured on twice the rows.
POOR_MODELS_BEFORE_MORE_ROWS = 3
#: Armijo's constant, and the largest number of halvings of the step.
ARMIJO, MAX_BACKTRACKS = 1e-4, 30


def minimize_newton(objective, theta, params, on_iteration, rng):
    """Minimize ``objective`` (a :class:`FullBatchObjective`) from ``theta``.

    ``params`` are the estimator's hyperparameters (``max_iter``, ``max_fun``, ``tol``,
    ``curvature``, ``curvature_fraction``); ``on_iteration(x, loss)`` is called after each
    iteration and returns True to stop; ``rng`` draws the subsamples.
    """
    x = theta.astype(np.float64)
    n = objective.X.shape[0]
    n_rows = (
        n
        if n <= MIN_CURVATURE_ROWS
        else max(MIN_CURVATURE_ROWS, math.ceil(params["curvature_fraction"] * n))
    )
    gauss_newton = params["curvature"] == "gauss-newton"
    damping, direction, poor_models = INITIAL_DAMPING, np.zeros_like(x), 0
    try:
        loss, grad = objective(x)
        for iteration in range(1, params["max_iter"] + 1):
            if np.linalg.norm(grad) <= params["tol"]:
                return SolverResult(x, iteration - 1, objective.n_evaluations, True, False, "")
            rows = None if n_rows == n else np.sort(rng.choice(n, n_rows, replace=False))
            curvature = objective.curvature(x, rows, gauss_newton)
            direction, slope, bend = _conjugate_gradients(
                curvature, grad, damping, WARM_START_DECAY * direction
            )
            if not slope < 0:  # not a descent direction (rounding): fall back on the gradient
                direction = -grad
                slope, bend = grad @ direction, 0.0
            step, new_loss, new_grad = 1.0, None, None
            for _ in range(MAX_BACKTRACKS):
                new_loss, new_grad = objective(x + step * direction)
                if new_loss <= loss + ARMIJO * step * slope:
                    break
                step /= 2
            else:
                return SolverResult(
                    x,
                    iteration - 1,
                    objective.n_evaluations,
                    False,
                    False,
                    "the line search found no lower loss along the Newton direction",
                )
            # how well the quadratic model predicted the change of the loss along the step
            predicted = step * slope + 0.5 * step * step * bend
            ratio = (new_loss - loss) / predicted if predicted < 0 else 0.0
            poor_models = poor_models + 1 if ratio < 0.25 else 0
            if ratio < 0.25:  # the model was too optimistic: trust it less
                damping = min(damping * 1.5, MAX_DAMPING)
                if poor_models >= POOR_MODELS_BEFORE_MORE_ROWS:  # and measure it better
                    n_rows, poor_models = min(n, 2 * n_rows), 0
            elif ratio > 0.75:  # it predicted well: trust it more
                damping = max(damping * 2 / 3, MIN_DAMPING)
            x = x + step * direction
            direction *= step
            loss, grad = new_loss, new_grad
            if on_iteration(x, loss):
                return SolverResult(x, iteration, objective.n_evaluations, True, False, "")
            if objective.n_evaluations >= params["max_fun"]:
                return SolverResult(
                    x, iteration, objective.n_evaluations, False, True, "max_fun reached"
                )
    except NonFiniteError as exc:  # the caller keeps the last completed iterate
        return SolverResult(None, -1, objective.n_evaluations, False, False, str(exc))
    converged = np.linalg.norm(grad) <= params["tol"]
    return SolverResult(
        x, params["max_iter"], objective.n_evaluations, converged, not converged, "max_iter reached"
    )


def _conjugate_gradients(curvature, grad, damping, start):
    """Approximately solve ``(C + damping I) d = -grad`` from ``start``; C is ``curvature(v)``.

    Returns ``d``, the slope ``grad . d`` and the bend ``d . C d`` (without the damping) of the
    quadratic model along it. Stops when the model improves by less
    than a relative 5e-4 per iteration over the last tenth of the iterations (Martens 2010),
    when the residual is small, or on negative curvature (the exact Hessian), where the
    direction reached so far is kept.
    """

    def product(v):
        return curvature(v) + damping * v

    d = start
    Cd = curvature(d)
    r = -grad - Cd - damping * d  # residual of (C + damping I) d = -grad
    if not grad @ d < 0:  # a stale start that points uphill: start from zero
        d, Cd, r = np.zeros_like(grad), np.zeros_like(grad), -grad
    p = r.copy()
    rr = r @ r
    target = min(FORCING, math.sqrt(np.linalg.norm(grad))) * np.linalg.norm(grad)
    models = []
    for i in range(MAX_CG_ITERATIONS):
        Cp = curvature(p)
        pAp = p @ Cp + damping * (p @ p)
        if not pAp > 0:  # negative curvature: keep what we have
            break
        step = rr / pAp
        d = d + step * p
        Cd = Cd + step * Cp
        r = r - step * (Cp + damping * p)
        models.append(grad @ d + 0.5 * (d @ Cd))
        k = max(CG_WINDOW, i // 10)
        if i >= k and models[-1] < 0 and (models[-1 - k] - models[-1]) < 5e-4 * k * -models[-1]:
            break
        new_rr = r @ r
        if math.sqrt(new_rr) <= target:
            break
        p = r + (new_rr / rr) * p
        rr = new_rr
    return d, grad @ d, d @ Cd
