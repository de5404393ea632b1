"""Prediction and model-selection speed where users feel it, side by side with MLPClassifier.

1. ``predict_proba`` with the default BLAS threads (ours chooses one thread for small products,
   as in ``fit``), with one thread, and with all threads (our choice switched off), on the
   digits test set (360 rows) and on a 12,000 x 784 test set; MLPClassifier's default-thread
   time next to ours. Medians of ``--repeats`` alternating rounds of 20 calls each.
2. ``cross_val_score(make_pipeline(StandardScaler(), estimator), X, y, cv=5)`` on digits with
   default settings, and a ``GridSearchCV`` of 24 fits with ``n_jobs=1`` and ``n_jobs=2``, for
   both estimators.

    python benchmarks/bench_predict.py [--repeats 5] [--skip-search]
    python benchmarks/bench_predict.py --smoke      # seconds: checks that the script runs
"""

import argparse
import contextlib
import statistics
import time
import warnings

from _common import SMOKE_HELP, busy_machine, print_table
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import sknn_simple._base as base_module
from sknn_simple import SimpleMLPClassifier


@contextlib.contextmanager
def all_threads():
    """Ours with the prediction thread choice switched off."""
    real = base_module.prediction_threads
    base_module.prediction_threads = lambda work: contextlib.nullcontext()
    try:
        yield
    finally:
        base_module.prediction_threads = real


def seconds_per_call(model, X, calls=20):
    start = time.perf_counter()
    for _ in range(calls):
        model.predict_proba(X)
    return (time.perf_counter() - start) / calls


def prediction_rows(repeats, smoke=False):
    rows = []
    X, y = load_digits(return_X_y=True)
    split = train_test_split(X, y, test_size=0.2, random_state=42)
    cases = [(f"digits, {len(split[1])} rows", *split, 2 if smoke else 30)]
    n = 1500 if smoke else 60_000
    X, y = make_classification(n, 784, n_informative=60, n_classes=10, random_state=0)
    split = train_test_split(X, y, test_size=0.2, random_state=0)
    cases.append((f"{len(split[1]):,} x 784", *split, 1))
    for name, X_train, X_test, y_train, _, epochs in cases:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours = SimpleMLPClassifier(max_iter=epochs, random_state=0).fit(X_train, y_train)
            theirs = MLPClassifier(max_iter=epochs, random_state=0).fit(X_train, y_train)
        times = {"ours": [], "ours 1 thread": [], "ours all threads": [], "MLP": []}
        for _ in range(repeats):
            times["ours"].append(seconds_per_call(ours, X_test))
            with threadpool_limits(1):
                times["ours 1 thread"].append(seconds_per_call(ours, X_test))
            with all_threads():
                times["ours all threads"].append(seconds_per_call(ours, X_test))
            times["MLP"].append(seconds_per_call(theirs, X_test))
        median = {k: statistics.median(v) for k, v in times.items()}
        best = min(median["ours 1 thread"], median["ours all threads"])
        rows.append(
            {
                "predict_proba": name,
                "ours ms": f"{1e3 * median['ours']:.3f}",
                "1 thread ms": f"{1e3 * median['ours 1 thread']:.3f}",
                "all threads ms": f"{1e3 * median['ours all threads']:.3f}",
                "MLP ms": f"{1e3 * median['MLP']:.3f}",
                "ours / 1 thread": f"{median['ours'] / median['ours 1 thread']:.2f}",
                "ours / best": f"{median['ours'] / best:.2f}",
                "ours / MLP": f"{median['ours'] / median['MLP']:.2f}",
            }
        )
    return rows


def timed(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start


def selection_rows(repeats, smoke=False):
    X, y = load_digits(return_X_y=True)
    settings = dict(random_state=0)
    grid = {"alpha": [1e-4, 1e-3, 1e-2, 1e-1], "hidden_layer_sizes": [(50,), (100,)]}
    if smoke:
        X, y, settings["max_iter"] = X[:300], y[:300], 5
        grid = {"alpha": [1e-4, 1e-1], "hidden_layer_sizes": [(10,)]}
    estimators = {"ours": SimpleMLPClassifier(**settings), "MLP": MLPClassifier(**settings)}
    n_fits = 3 * len(grid["alpha"]) * len(grid["hidden_layer_sizes"])

    def search(estimator, n_jobs):
        step = type(estimator).__name__.lower()  # make_pipeline's name of the step
        return GridSearchCV(
            make_pipeline(StandardScaler(), estimator),
            {f"{step}__{name}": values for name, values in grid.items()},
            cv=3,
            n_jobs=n_jobs,
        ).fit(X, y)

    tasks = {
        "cross_val_score, cv=5": lambda est: cross_val_score(
            make_pipeline(StandardScaler(), est), X, y, cv=5
        ),
        f"GridSearchCV {n_fits} fits, n_jobs=1": lambda est: search(est, 1),
        f"GridSearchCV {n_fits} fits, n_jobs=2": lambda est: search(est, 2),
    }
    rows = []
    for task, run in tasks.items():
        times = {"ours": [], "MLP": []}
        for _ in range(repeats):
            for name, estimator in estimators.items():
                times[name].append(timed(lambda e=estimator, task=run: task(e)))
        ratio = statistics.median(a / b for a, b in zip(times["ours"], times["MLP"], strict=True))
        rows.append(
            {
                "task (digits, default settings)": task,
                "ours s": f"{statistics.median(times['ours']):.2f}",
                "MLP s": f"{statistics.median(times['MLP']):.2f}",
                "ours / MLP": f"{ratio:.2f}",
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument(
        "--busy", action="store_true", help="run while another process multiplies matrices"
    )
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    if args.smoke:
        args.repeats = 1
    with busy_machine(args.busy):
        run(args)


def run(args):
    rows = prediction_rows(args.repeats, args.smoke)
    print_table(rows, list(rows[0]))
    if not args.skip_search:
        rows = selection_rows(max(1, args.repeats // 2), args.smoke)
        print()
        print_table(rows, list(rows[0]))
    print(
        f"\nmedians of {args.repeats} alternating rounds (20 calls per round for predict_proba);"
        " ours / best = our default time / the lower of our one-thread and all-thread times."
    )


if __name__ == "__main__":
    main()
