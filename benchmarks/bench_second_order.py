"""Newton-CG against L-BFGS: the time to reach the training loss L-BFGS reaches, side by side.

For each problem, our ``solver="lbfgs"`` runs a fixed number of iterations (``--iterations``,
100 and 300 by default, ``tol=0``); its final training loss is the target. ``solver="newton-cg"``
(same ``random_state`` and ``alpha``) then runs until it reaches that loss, and the time it took
is read from its ``history_`` (``seconds`` at the first iteration at or below the target).
With scikit-learn 1.9 or later, a fit callback (:class:`StopAtLoss`) stops newton-cg there, or
once its loss has stalled, instead of running all of its ``3 x --iterations`` iterations; the
time to the target is the same either way, and "cost / it" is then the cost per iteration up to
the target. The two alternate, ``--repeats`` times, in one process with one BLAS thread; the
table gives medians of the per-round ratios, the iterations, the work of one iteration relative
to L-BFGS's, and the test accuracy of both.

Problems: *badly conditioned* -- ``make_classification`` features multiplied by scales from
1e-2 to 1e2 and left unscaled, with relu and tanh -- where curvature should pay; *well
conditioned* -- digits / 16, a standardized 20,000 x 50 problem and a standardized 60,000 x
784 one -- where L-BFGS's cheap iterations are hard to beat.

    python benchmarks/bench_second_order.py                # everything (long: the 60k problem)
    python benchmarks/bench_second_order.py --quick        # smaller problems, 100 iterations
    python benchmarks/bench_second_order.py --quick --seed 1   # other data and initial weights
    python benchmarks/bench_second_order.py --only 60000 --repeats 1   # problems named so
    python benchmarks/bench_second_order.py --quick --activation tanh --curvature hessian
    python benchmarks/bench_second_order.py --smoke        # seconds: checks that the script runs
"""

import argparse
import statistics
import warnings

import numpy as np
from _common import SMOKE_HELP, print_table
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sknn_simple import SimpleMLPClassifier


def problems(quick, seed=0, activation=None, smoke=False):
    """``(name, kind, X, y, activation)``: the data sets of the comparison (every one with
    ``activation`` when given; ``smoke``: 500 rows of each, as ``quick`` leaves out the largest).
    """
    n = 500 if smoke else 5000 if quick else 20_000
    for f in ("relu", "tanh") if activation is None else (activation,):
        X, y = make_classification(n, 20, n_informative=10, n_classes=3, random_state=seed)
        scales = np.logspace(-2, 2, X.shape[1])
        np.random.RandomState(seed).shuffle(scales)
        yield f"unscaled {n}x20", "badly conditioned", X * scales, y, f
    f = activation or "relu"
    X, y = load_digits(return_X_y=True)
    X, y = (X[:n], y[:n]) if smoke else (X, y)
    yield "digits / 16", "well conditioned", X / 16, y, f
    X, y = make_classification(n, 50, n_informative=30, n_classes=5, random_state=seed)
    yield f"standardized {n}x50", "well conditioned", StandardScaler().fit_transform(X), y, f
    if not (quick or smoke):
        X, y = make_classification(60_000, 784, n_informative=60, n_classes=10, random_state=seed)
        X = StandardScaler().fit_transform(X)
        yield "standardized 60000x784", "well conditioned", X, y, f


class StopAtLoss:
    """A scikit-learn (>= 1.9) fit callback: stop at a training loss of ``target`` or below, or
    when the loss has not fallen by a relative ``1e-5`` over the last ``patience`` iterations.
    """

    def __init__(self, target, patience=50):
        self.target, self.patience = target, patience

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.parent is None:  # the whole fit, not an iteration
            return False
        curve = fitted_estimator.loss_curve_
        stalled = len(curve) > self.patience and (
            curve[-1 - self.patience] - curve[-1] <= 1e-5 * abs(curve[-1])
        )
        return curve[-1] <= self.target or stalled


def fit(solver, activation, max_iter, X, y, seed=0, target=None, curvature="gauss-newton"):
    model = SimpleMLPClassifier(
        100,
        activation=activation,
        solver=solver,
        max_iter=max_iter,
        tol=0.0,
        random_state=seed,
        curvature=curvature,
    )
    if target is not None and hasattr(model, "set_callbacks"):  # scikit-learn >= 1.9
        model.set_callbacks(StopAtLoss(target))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def time_to(model, target):
    """Seconds and iterations ``model`` took to reach a training loss of ``target``."""
    curve = np.asarray(model.loss_curve_)
    reached = np.flatnonzero(curve <= target)
    if not reached.size:
        return np.inf, None
    return model.history_[reached[0]]["seconds"], int(reached[0]) + 1


def compare(name, kind, X, y, activation, iterations, repeats, newton_max_iter, seed, curvature):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    ratios, lbfgs_times, newton_times = [], [], []
    for _ in range(repeats):
        lbfgs = fit("lbfgs", activation, iterations, X_train, y_train, seed)
        target, lbfgs_seconds = lbfgs.loss_, lbfgs.history_[-1]["seconds"]
        newton = fit(
            "newton-cg", activation, newton_max_iter, X_train, y_train, seed, target, curvature
        )
        seconds, newton_iterations = time_to(newton, target)
        ratios.append(seconds / lbfgs_seconds)
        lbfgs_times.append(lbfgs_seconds)
        newton_times.append(seconds)
    per_iteration = (newton.history_[-1]["seconds"] / newton.n_iter_) / (
        lbfgs_seconds / lbfgs.n_iter_
    )
    return {
        "problem": name,
        "kind": kind,
        "f": activation,
        "lbfgs its": iterations,
        "target loss": f"{target:.4g}",
        "lbfgs s": f"{statistics.median(lbfgs_times):.2f}",
        "newton s": f"{statistics.median(newton_times):.2f}",
        "newton its": newton_iterations
        if newton_iterations is not None
        else f"not reached: {newton.loss_:.4g} at {newton.n_iter_}",
        "time ratio": f"{statistics.median(ratios):.2f}",
        "cost / it": f"{per_iteration:.1f}",
        "acc lbfgs": f"{lbfgs.score(X_test, y_test):.3f}",
        "acc newton": f"{newton.score(X_test, y_test):.3f}",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--iterations", default=None, help="L-BFGS iterations, e.g. 100,300")
    parser.add_argument(
        "--seed", type=int, default=0, help="random_state of the data and of both models (0)"
    )
    parser.add_argument("--only", default="", help="run only the problems whose name has this")
    parser.add_argument("--activation", default=None, help="one activation for every problem")
    parser.add_argument("--curvature", default="gauss-newton", help="newton-cg's curvature")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    if args.smoke:
        args.repeats = 1
    default_iterations = "5" if args.smoke else "100" if args.quick else "100,300"
    iterations = [int(i) for i in (args.iterations or default_iterations).split(",")]
    rows = []
    with threadpool_limits(1):
        for name, kind, X, y, activation in problems(
            args.quick, args.seed, args.activation, args.smoke
        ):
            if args.only not in name:
                continue
            for k in iterations:
                rows.append(
                    compare(
                        name,
                        kind,
                        X,
                        y,
                        activation,
                        k,
                        args.repeats,
                        3 * k,
                        args.seed,
                        args.curvature,
                    )
                )
                print_table(rows[-1:], list(rows[-1]))  # progress
    print(
        f"\nmedians over {args.repeats} rounds, one BLAS thread, newton-cg with "
        f"curvature={args.curvature!r}; time ratio = newton-cg's time "
        "to reach L-BFGS's final training loss / L-BFGS's time (lower is better); cost / it = "
        "seconds per newton-cg iteration / seconds per L-BFGS iteration."
    )
    print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
