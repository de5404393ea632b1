"""Training speed and R² of SimpleMLPRegressor against scikit-learn's MLPRegressor.

For each case (data set x hidden layers x solver x dtype), ours and MLPRegressor are fitted with
the same settings (same ``random_state``, solver, batch size, ``tol=0`` and a fixed number of
epochs, so both run the same number), alternating, ``--repeats`` times, on one BLAS thread; the
table gives the median time per epoch of each, the median of the per-round ratios, and the test
R² of both (the same weights up to rounding: equal R²).

    python benchmarks/bench_regressor.py                      # adam, float64: the issue's cases
    python benchmarks/bench_regressor.py --solvers adam,sgd,lbfgs --dtypes float64,float32
    python benchmarks/bench_regressor.py --smoke          # seconds: checks that the script runs

Data: a 20,000 x 50 regression problem (``make_regression(25000, 50, n_informative=30,
noise=10)``, 20,000 rows to train), and scikit-learn's diabetes data (353 rows to train, 10
features); inputs and target standardized on the training rows.
"""

import argparse
import statistics

import numpy as np
from _common import SMOKE_HELP, alternate, median_ratio, print_table
from sklearn.datasets import load_diabetes, make_regression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sknn_simple import SimpleMLPRegressor


def datasets(smoke=False):
    n = 1250 if smoke else 25_000
    X, y = make_regression(n, 50, n_informative=30, noise=10.0, random_state=0)
    yield f"{(n - n // 5) // 1000}k x 50", X, y, n // 5, 2 if smoke else 10  # rows to test, epochs
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes", X, y, 0.2, 5 if smoke else 200


def prepared(X, y, test_size, dtype):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=42)
    scaler = StandardScaler().fit(X_train)
    mean, std = y_train.mean(), y_train.std()
    return (
        scaler.transform(X_train).astype(dtype),
        scaler.transform(X_test).astype(dtype),
        (y_train - mean) / std,
        (y_test - mean) / std,
    )


def run_case(name, data, hidden, solver, dtype, epochs, repeats):
    X_train, X_test, y_train, y_test = data
    settings = dict(
        hidden_layer_sizes=hidden, solver=solver, max_iter=epochs, tol=0.0, random_state=0
    )

    def fit(cls):
        return lambda: cls(**settings).fit(X_train, y_train)

    with threadpool_limits(1):
        times, fitted = alternate(
            {"ours": fit(SimpleMLPRegressor), "mlp": fit(MLPRegressor)}, repeats
        )
    per_epoch = {
        which: [seconds / max(fitted[which].n_iter_, 1) for seconds in times[which]]
        for which in times
    }
    assert fitted["ours"].n_iter_ == fitted["mlp"].n_iter_, "not the same number of epochs"
    return {
        "data": name,
        "hidden": ",".join(map(str, hidden)),
        "solver": solver,
        "dtype": np.dtype(dtype).name,
        "epochs": fitted["ours"].n_iter_,
        "ours s/epoch": f"{statistics.median(per_epoch['ours']):.5f}",
        "MLP s/epoch": f"{statistics.median(per_epoch['mlp']):.5f}",
        "ratio": f"{median_ratio(per_epoch['ours'], per_epoch['mlp']):.2f}",
        "R² ours": f"{fitted['ours'].score(X_test, y_test):.4f}",
        "R² MLP": f"{fitted['mlp'].score(X_test, y_test):.4f}",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--solvers", default="adam")
    parser.add_argument("--dtypes", default="float64")
    parser.add_argument("--hidden", default="100", help="e.g. 100 or 100:100,100 (two cases)")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    if args.smoke:
        args.repeats = 1
    hidden_sizes = [tuple(int(h) for h in case.split(",")) for case in args.hidden.split(":")]
    rows = []
    for name, X, y, test_size, epochs in datasets(args.smoke):
        for dtype in [np.dtype(d).type for d in args.dtypes.split(",")]:
            data = prepared(X, y, test_size, dtype)
            for hidden in hidden_sizes:
                for solver in args.solvers.split(","):
                    rows.append(run_case(name, data, hidden, solver, dtype, epochs, args.repeats))
                    print_table(rows[-1:], list(rows[-1]))  # progress
    print(
        f"\nmedians over {args.repeats} alternating repeats, one BLAS thread; ratio = median "
        "over rounds of ours / MLPRegressor time per epoch (lower is better)"
    )
    print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
