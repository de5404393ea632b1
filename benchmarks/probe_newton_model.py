"""How well newton-cg's quadratic model knows the curvature, late in training (a diagnostic).

On the well-conditioned problems of ``bench_second_order.py``, newton-cg's quadratic model
predicts the fall of the loss poorly once the training loss is small, and on relu it stops
making progress a little above the loss L-BFGS reaches in 300 iterations. This script shows
why. It runs newton-cg on digits / 16 and, at a few iterations, takes the step ``p`` just made
from ``x`` and compares the curvature along it, each as a multiple of the Gauss-Newton
matrix's ``p . G p`` on every row:

* ``model``: the curvature the solver's model had (the Gauss-Newton matrix on the subsample);
* ``Hessian``: the exact Hessian's ``p . H p`` (every row);
* ``secant``: the curvature the loss really has, ``(g(x + t p) - g(x)) . p / t``, over the
  whole step (``t = 1``) and over a tenth, a hundredth and a thousandth of it.

Measured (2026-11-29): with relu, the Hessian equals the Gauss-Newton matrix and the secant
over a thousandth of the step, but over the step itself the loss curves 3 to 43 times more.
Along the step, rows cross the units' kinks, and the curvature those crossings add is in no
Hessian or Gauss-Newton product (relu'' is 0). With tanh, the secant equals the Hessian at
every scale, but late in training the Hessian is 50 to 150 times the Gauss-Newton matrix: the
term the Gauss-Newton matrix leaves out (the outputs' residuals times the network's second
derivatives) is then most of the curvature. Run with one BLAS thread::

    python benchmarks/probe_newton_model.py
    python benchmarks/probe_newton_model.py --smoke   # seconds: checks that the script runs
"""

import argparse
import dataclasses
import warnings

import numpy as np
from _common import SMOKE_HELP, print_table
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import sknn_simple.training.solvers as solvers
from sknn_simple import SimpleMLPClassifier

#: The iterations at which the step is probed.
PROBED = (20, 60, 100, 150)


def probing_run(rows, activation, probed=PROBED):
    """The newton-cg registry entry, with a probe of its steps (at the iterations ``probed``)
    that appends to ``rows``."""
    newton = solvers.SOLVERS["newton-cg"]

    def run(objective, theta, params, on_iteration, rng):
        measure_curvature, last = objective.curvature, {}

        def curvature(x, *args, **kwargs):  # keep the curvature the solver's model uses
            last["product"] = measure_curvature(x, *args, **kwargs)
            return last["product"]

        objective.curvature = curvature
        previous, count = [theta.astype(np.float64)], [0]

        def probe(x, loss):
            x0, previous[0] = previous[0], x.copy()
            count[0] += 1
            if count[0] in probed:
                p = x - x0
                g0 = objective(x0)[1]
                pGp = p @ measure_curvature(x0, None, True)(p)  # all rows, Gauss-Newton
                row = {
                    "f": activation,
                    "iteration": count[0],
                    "loss": f"{loss:.4e}",
                    "|step|": f"{np.linalg.norm(p):.1e}",
                    "model": f"{p @ last['product'](p) / pGp:.2f}",
                    "Hessian": f"{p @ measure_curvature(x0, None, False)(p) / pGp:.1f}",
                }
                for t, name in ((1.0, "step"), (0.1, "/10"), (0.01, "/100"), (0.001, "/1000")):
                    g_t = objective(x0 + t * p)[1]
                    row[f"secant {name}"] = f"{(g_t - g0) @ p / t / pGp:.1f}"
                rows.append(row)
            return on_iteration(x, loss)

        return newton.run(objective, theta, params, probe, rng)

    return dataclasses.replace(newton, run=run)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    probed = PROBED
    if args.smoke:
        X, y, probed = X[:300], y[:300], (2, 3)
    rows, original = [], solvers.SOLVERS["newton-cg"]
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for activation in ("relu", "tanh"):
            solvers.SOLVERS["newton-cg"] = probing_run(rows, activation, probed)
            try:
                SimpleMLPClassifier(
                    100,
                    activation=activation,
                    solver="newton-cg",
                    max_iter=max(probed),
                    tol=0.0,
                    random_state=0,
                ).fit(X / 16, y)
            finally:
                solvers.SOLVERS["newton-cg"] = original
    print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
