"""Second-order solvers against scikit-learn's MLPClassifier(solver="lbfgs"), side by side.

For each problem, MLPClassifier(solver="lbfgs") is fitted with its defaults (hidden layer of
100, alpha=1e-4, max_iter=200); its final training loss is the target. For our "lbfgs" and
"newton-cg" we first find the number of iterations after which the training loss is at or below
that target, then time fits that stop exactly there. All contenders run in one process,
alternating, ``--repeats`` times; times are medians, ratios medians of per-round ratios.

    python benchmarks/bench_second_order.py [--repeats 5] [--quick]
"""

import argparse
import statistics

import numpy as np
from _common import alternate, median_ratio, print_table, timed
from sklearn.datasets import load_digits, make_classification
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import sknn_simple._base as base_module
from sknn_simple import SimpleMLPClassifier


def problems(quick):
    X, y = load_digits(return_X_y=True)
    yield "digits 1797x64", X, y
    n = 5000 if quick else 20000
    X, y = make_classification(n, 100, n_informative=40, n_classes=10, random_state=0)
    yield f"synthetic {n}x100, 10 classes", X, y


def ours(solver, max_iter):
    return SimpleMLPClassifier(100, solver=solver, tol=0.0, max_iter=max_iter, random_state=0)


def iterations_to_reach(solver, X, y, target, max_iter=2000):
    """Fewest iterations after which our ``solver``'s training loss is at or below ``target``."""
    _, model = timed(lambda: ours(solver, max_iter).fit(X, y))
    reached = np.flatnonzero(np.asarray(model.loss_curve_) <= target)
    return int(reached[0]) + 1 if reached.size else None


# Work done by our full-batch solvers (loss evaluations, Hessian-vector products), recorded from
# the outcome of each training call, by training state.
WORK = {}
_train = base_module.train


def _train_counting_work(state, problem, params, monitor, incremental=False):
    outcome = _train(state, problem, params, monitor, incremental)
    WORK[id(state)] = (outcome.n_evaluations, outcome.n_hessian_products)
    return outcome


base_module.train = _train_counting_work


def compare(name, X, y, repeats):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

    def reference():
        return MLPClassifier((100,), solver="lbfgs", random_state=0).fit(X_train, y_train)

    target = timed(reference)[1].loss_
    contenders = {"MLPClassifier lbfgs": reference}
    unreached = []
    for solver in ("lbfgs", "newton-cg"):
        n_iter = iterations_to_reach(solver, X_train, y_train, target)
        if n_iter is None:
            unreached.append(solver)
        else:
            contenders[f"ours {solver}"] = lambda s=solver, k=n_iter: ours(s, k).fit(
                X_train, y_train
            )
    times, fitted = alternate(contenders, repeats)
    rows = []
    for label, model in fitted.items():
        rows.append(
            {
                "problem": name,
                "solver": label,
                "iterations": model.n_iter_,
                "loss evals": WORK.get(id(getattr(model, "_state", None)), ("-", "-"))[0],
                "H products": WORK.get(id(getattr(model, "_state", None)), ("-", "-"))[1] or "-",
                "train loss": f"{model.loss_:.4g}",
                "test acc": f"{model.score(X_test, y_test):.4f}",
                "median s": f"{statistics.median(times[label]):.3f}",
                "time / MLP": f"{median_ratio(times[label], times['MLPClassifier lbfgs']):.2f}",
            }
        )
    for solver in unreached:
        rows.append(
            {
                "problem": name,
                "solver": f"ours {solver}",
                "iterations": ">2000",
                "loss evals": "-",
                "H products": "-",
                "train loss": "not reached",
                "test acc": "-",
                "median s": "-",
                "time / MLP": "-",
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a smaller synthetic problem")
    args = parser.parse_args()
    rows = []
    for name, X, y in problems(args.quick):
        rows += compare(name, X, y, args.repeats)
    print(
        "Time to reach the final training loss of MLPClassifier(solver='lbfgs'); "
        f"{args.repeats} alternating repeats, medians."
    )
    print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
