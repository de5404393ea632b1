"""Newton's method without the Hessian matrix: Gauss-Newton curvature on a subsample of the rows,
damped conjugate gradients, and a line search (``solver="newton-cg"``).

Each iteration, at the current weights ``theta`` with gradient ``g`` (of the whole training set):

1. draws a subsample of the rows (``curvature_fraction`` of them on average, at least
   :data:`MIN_CURVATURE_ROWS`) and takes the curvature of the loss on it: the Gauss-Newton
   matrix ``G`` (positive semi-definite), or with ``curvature="hessian"`` the exact Hessian
   ``H`` (indefinite away from a minimum). Curvature is an average over the rows, so a
   subsample estimates it at a fraction of the cost (Byrd, Chin, Neveitt & Nocedal 2011);
   the gradient, which decides where the minimum is, always comes from every row. The rows
   are not drawn uniformly: row ``i`` is drawn with probability ``pi_i`` proportional to the
   curvature it carries, ``c_i = w_i (t_i + FLOOR * mean t)`` with ``t_i`` the trace of its
   output's Jacobian (softmax: ``1 - sum_j p_ij^2``; the head's ``curvature_trace``, known
   from the last loss evaluation), capped at 1, and weighted ``w_i / pi_i`` (Poisson
   sampling and the Horvitz-Thompson estimate; non-uniform sampling as in Xu, Yang,
   Roosta-Khorasani, Re & Mahoney 2016). Once most rows are fitted, few carry any curvature:
   a uniform subsample then misses most of them, this one keeps them all;
2. solves ``(G + lambda I) d = -g`` by conjugate gradients, each product ``G v`` computed by the
   R-operator (:func:`~sknn_simple.core.curvature.hessian_product`), starting from the previous
   direction (Martens 2010), and stops when the quadratic model stops improving; a direction of
   negative curvature (exact Hessian only) ends CG at the point reached so far. Where the
   features' scales differ by orders of magnitude, so do the curvatures of the first layer's
   weights, and plain CG crawls: there CG is preconditioned by the diagonal
   ``(F + lambda) ** 0.75``, ``F`` each parameter's mean squared per-row gradient on the same
   rows (the empirical Fisher matrix's diagonal, one more forward and backward pass on them;
   Martens 2010). Whether to precondition is decided at the first iteration, by how widely
   ``F`` spreads (:data:`PRECONDITION_SPREAD`);
3. backtracks along ``d`` until the loss falls enough (Armijo; each shorter step the minimum
   of a parabola fitted to the loss along ``d``, or a tenth of a step whose loss overflowed),
   and adapts the damping
   ``lambda`` to how well the quadratic model predicted the fall (Levenberg-Marquardt), with
   the thresholds and factors of :data:`POOR_MODEL` and :data:`GOOD_MODEL`: the damping plays
   the role of a trust region's radius. When the model predicted badly three
   times in a row, the next curvature is also measured on twice as many rows (a dynamic
   sample size, as in Byrd, Chin, Nocedal & Wu 2012), up to all of them: a noisy estimate is
   the likelier culprit then.

It stops when the gradient's norm is at most ``tol``, or, as L-BFGS-B does, when an iteration
reduced the loss by a relative :data:`FTOL` or less (the loss has stalled).
"""

import math

import numpy as np

from .full_batch import NonFiniteError, SolverResult

#: Fewest rows the curvature is measured on (all of them for smaller data sets).
MIN_CURVATURE_ROWS = 500
#: Share of the mean output curvature every row of positive weight carries in the sampling
#: probabilities (the rest follows each row's own): no row is ever left out for good.
FLOOR = 0.1
#: Starting damping, and its bounds.
INITIAL_DAMPING, MIN_DAMPING, MAX_DAMPING = 1.0, 1e-8, 1e8
#: When the loss fell by less than this share of the quadratic model's prediction, the
#: damping is multiplied by the factor (the model is trusted less) ...
POOR_MODEL = (0.25, 1.5)
#: ... and when it fell by more than this share, by this factor (trusted more). Measured on
#: ``benchmarks/bench_second_order.py`` (two draws): (0.5, 0.5) took 25-40 % less time than
#: Martens's (0.75, 2/3) on the well-conditioned problems, the same on unscaled relu, and
#: reached the target on unscaled tanh where (0.75, 2/3) stalled or took 4 times L-BFGS's time.
GOOD_MODEL = (0.5, 0.5)
#: Conjugate-gradient iterations per Newton iteration, at most.
MAX_CG_ITERATIONS = 100
#: CG stops when the quadratic model improved by less than a relative 5e-4 per iteration over
#: the last max(CG_WINDOW, i / 10) of its i iterations (Martens 2010).
CG_WINDOW = 10
#: CG stops when its residual is below min(FORCING, sqrt(|g|)) |g| (Eisenstat-Walker style).
FORCING = 0.5
#: CG is preconditioned by ``(F + lambda) ** PRECONDITIONER``, elementwise, with ``F`` the
#: diagonal of the empirical Fisher matrix on the curvature rows and ``lambda`` the damping
#: (Martens 2010, who also took 0.75) ...
PRECONDITIONER = 0.75
#: ... when, at the first iteration, the spread of ``F`` (its 99th percentile over its median)
#: exceeds this: features on scales that differ by orders of magnitude. On the problems of
#: ``benchmarks/bench_second_order.py`` (docs/solvers.rst, "The preconditioner") the spread is
#: 3,400 to 24,000 on unscaled data, where the preconditioner halves the products, and 8 to 72
#: on scaled data (digits / 16 included), where it changed little on small problems and took
#: nearly five times the products on 60,000 x 784; 500 lies between them.
PRECONDITION_SPREAD = 500.0
#: The previous direction, scaled by this, starts the next CG run.
WARM_START_DECAY = 0.95
#: After this many poor quadratic models in a row, the curvature is measured on twice the rows.
POOR_MODELS_BEFORE_MORE_ROWS = 3
#: Armijo's constant, and the largest number of cuts of the step.
ARMIJO, MAX_BACKTRACKS = 1e-4, 30
#: The run stops, converged, after an iteration whose relative reduction of the loss,
#: ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1)``, is at most this: L-BFGS-B's rule and its
#: default (SciPy's ``ftol``, ``factr * eps`` with ``factr = 1e7``), so both solvers stop on a
#: stalled loss alike, whatever ``tol`` asks of the gradient.
FTOL = 1e7 * np.finfo(np.float64).eps


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
    precondition = None
    objective.keep_row_curvature()
    try:
        loss, grad = objective(x)
        for iteration in range(1, params["max_iter"] + 1):
            if np.linalg.norm(grad) <= params["tol"]:
                return SolverResult(x, iteration - 1, True, False, "")
            rows, row_weights = None, None
            if n_rows < n:
                rows, row_weights = curvature_sample(
                    objective.row_curvature(x), objective.sample_weight, n_rows, rng
                )
            curvature = objective.curvature(x, rows, gauss_newton, row_weights)
            scale = 1.0  # no preconditioner
            if precondition is not False:
                squared = objective.squared_gradients(x, rows, row_weights)
                if precondition is None:  # decided once, at the first iteration
                    # a bool, not NumPy's: ``is not False`` above must skip the pass after
                    precondition = bool(spread(squared) > PRECONDITION_SPREAD)
                if precondition:
                    scale = (squared + damping) ** PRECONDITIONER
            direction, slope, bend = _conjugate_gradients(
                curvature, grad, damping, WARM_START_DECAY * direction, scale
            )
            if not slope < 0:  # not a descent direction (rounding): fall back on the gradient
                direction = -grad
                slope, bend = grad @ direction, 0.0
            step, new_loss, new_grad = 1.0, None, None
            for _ in range(MAX_BACKTRACKS):
                try:
                    new_loss, new_grad = objective(x + step * direction)
                except NonFiniteError:  # a step into overflow failed: a far shorter one
                    new_loss = np.inf
                if new_loss <= loss + ARMIJO * step * slope:
                    break
                step = _backtrack(step, loss, slope, new_loss)
            else:
                return SolverResult(
                    x,
                    iteration - 1,
                    False,
                    False,
                    "the line search found no lower loss along the Newton direction",
                )
            # how well the quadratic model predicted the change of the loss along the step
            predicted = step * slope + 0.5 * step * step * bend
            ratio = (new_loss - loss) / predicted if predicted < 0 else 0.0
            poor_models = poor_models + 1 if ratio < POOR_MODEL[0] else 0
            if ratio < POOR_MODEL[0]:  # the model was too optimistic: trust it less
                damping = min(damping * POOR_MODEL[1], MAX_DAMPING)
                if poor_models >= POOR_MODELS_BEFORE_MORE_ROWS:  # and measure it better
                    n_rows, poor_models = min(n, 2 * n_rows), 0
            elif ratio > GOOD_MODEL[0]:  # it predicted well: trust it more
                damping = max(damping * GOOD_MODEL[1], MIN_DAMPING)
            x = x + step * direction
            direction *= step
            reduction = (loss - new_loss) / max(abs(loss), abs(new_loss), 1.0)
            loss, grad = new_loss, new_grad
            if on_iteration(x, loss):
                return SolverResult(x, iteration, True, False, "")
            if reduction <= FTOL:
                message = (
                    f"the loss stopped falling: relative reduction {reduction:.2g} <= {FTOL:.2g}"
                )
                return SolverResult(x, iteration, True, False, message)
            if objective.n_evaluations >= params["max_fun"]:
                return SolverResult(x, iteration, False, True, "max_fun reached")
    except NonFiniteError as exc:  # the caller keeps the last completed iterate
        return SolverResult(None, -1, False, False, str(exc))
    converged = np.linalg.norm(grad) <= params["tol"]
    return SolverResult(x, params["max_iter"], converged, not converged, "max_iter reached")


def _backtrack(step, loss, slope, new_loss):
    """The next, shorter step after ``step`` failed Armijo's test: the minimizer of the
    parabola through the loss and slope at 0 and ``new_loss`` at ``step``, kept within
    ``[0.1, 0.5] * step`` (Nocedal & Wright 2006, section 3.5). It cuts a step that was far
    too long in one evaluation where halving takes several.
    """
    bend = new_loss - loss - slope * step  # > 0: Armijo failed and the slope is negative
    trial = -slope * step * step / (2 * bend)  # 0 when the loss overflowed (bend infinite)
    return min(max(trial, 0.1 * step), 0.5 * step)


def curvature_sample(row_curvature, sample_weight, n_rows, rng):
    """Draw about ``n_rows`` rows by the curvature they carry; return them and their weights.

    Row ``i`` is drawn, independently of the others, with probability
    ``pi_i = min(1, tau c_i)``, where ``c_i = w_i (t_i + FLOOR * mean t)`` (``t``:
    ``row_curvature``, ``w``: ``sample_weight``, ones when None) and ``tau`` makes the
    ``pi_i`` sum to ``n_rows``. A drawn row is weighted ``w_i / pi_i``: any sum over the rows,
    such as the curvature, is then estimated without bias (Horvitz-Thompson). Rows of weight 0
    are never drawn.
    """
    w = np.ones(row_curvature.shape[0]) if sample_weight is None else sample_weight
    t = np.maximum(row_curvature, 0.0)  # a rounding below 0 carries nothing
    c = w * (t + FLOOR * np.average(t, weights=w))
    if not c.any():  # no curvature anywhere (all outputs saturated): draw by weight alone
        c = w.astype(np.float64)
    pi = inclusion_probabilities(c, n_rows)
    rows = np.flatnonzero(rng.random(c.shape[0]) < pi)
    return rows, w[rows] / pi[rows]


def inclusion_probabilities(c, n_rows):
    """``pi_i = min(1, tau c_i)`` for ``c_i >= 0``, with ``tau`` such that ``sum pi = n_rows``.

    With the ``m`` largest ``c_i`` capped at 1, the others share ``n_rows - m``:
    ``tau_m = (n_rows - m) / (sum of the others)``; ``m`` is the smallest count for which the
    largest uncapped ``tau_m c_i`` is at most 1 (the rows are sorted by ``c`` once, every
    ``tau_m`` computed at once). When ``n_rows`` is at least the number of rows with
    ``c_i > 0``, every such row has probability 1.
    """
    ordered = np.sort(c)[::-1]
    rest = np.cumsum(ordered[::-1])[::-1]  # rest[m]: sum of all but the m largest
    m = np.arange(ordered.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = (n_rows - m) / rest
        fits = (tau * ordered <= 1) & (m < np.count_nonzero(c))
    if not fits.any():
        return (c > 0).astype(np.float64)
    return np.minimum(1.0, tau[np.argmax(fits)] * c)


def spread(squared):
    """How widely the positive entries of ``squared`` spread: their 99th percentile over their
    median (0 when none is positive)."""
    positive = squared[squared > 0]
    if positive.size == 0:
        return 0.0
    high, middle = np.quantile(positive, [0.99, 0.5])
    return high / middle


def _conjugate_gradients(curvature, grad, damping, start, scale):
    """Approximately solve ``(C + damping I) d = -grad`` from ``start``; C is ``curvature(v)``.

    Preconditioned conjugate gradients (Nocedal & Wright 2006, algorithm 5.3) with the
    diagonal preconditioner ``M = diag(scale)`` (a number: ``scale`` times the identity, no
    preconditioning): CG runs as if on the system rescaled by ``M^(-1/2)``, whose coordinates
    have comparable curvature. Returns ``d``, the slope
    ``grad . d`` and the bend ``d . C d`` (without the damping) of the quadratic model along
    it. Stops when the model improves by less than a relative 5e-4 per iteration over the last
    tenth of the iterations (Martens 2010), when the residual is small, or on negative
    curvature (the exact Hessian), where the direction reached so far is kept.
    """
    d = start
    Cd = curvature(d)
    r = -grad - Cd - damping * d  # residual of (C + damping I) d = -grad
    if not grad @ d < 0:  # a stale start that points uphill: start from zero
        d, Cd, r = np.zeros_like(grad), np.zeros_like(grad), -grad
    z = r / scale  # the preconditioned residual
    p = z.copy()
    rz = r @ z
    target = min(FORCING, math.sqrt(np.linalg.norm(grad))) * np.linalg.norm(grad)
    models = []
    for i in range(MAX_CG_ITERATIONS):
        Cp = curvature(p)
        pAp = p @ Cp + damping * (p @ p)
        if not pAp > 0:  # negative curvature: keep what we have
            break
        step = rz / pAp
        d = d + step * p
        Cd = Cd + step * Cp
        r = r - step * (Cp + damping * p)
        models.append(grad @ d + 0.5 * (d @ Cd))
        k = max(CG_WINDOW, i // 10)
        if i >= k and models[-1] < 0 and (models[-1 - k] - models[-1]) < 5e-4 * k * -models[-1]:
            break
        if np.linalg.norm(r) <= target:
            break
        z = r / scale
        new_rz = r @ z
        p = z + (new_rz / rz) * p
        rz = new_rz
    return d, grad @ d, d @ Cd
