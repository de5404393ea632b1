"""Training speed, accuracy, memory and prediction throughput against MLPClassifier.

For every case (data set x hidden size x solver x dtype x BLAS threads), ours and scikit-learn's
MLPClassifier are fitted with the same settings (``hidden_layer_sizes=(h,)``, same solver,
batch size, ``tol=0`` and a fixed number of epochs so both run the same number), alternating,
``--repeats`` times; the table gives medians of the per-round ratios. Also measured in the same
run: the test accuracy of both, the peak memory allocated during ``fit`` (tracemalloc, in a
separate untimed fit), ``predict_proba`` throughput, and the FLOP rate of our training as a
fraction of this machine's matrix-product rate. On the MNIST-shaped problem, h=512 with
mini-batches of 2,048 rows (one thread) shows that rate where training is mostly matrix
products.

    python benchmarks/bench_fit.py                 # everything (about 30 minutes on 2 cores)
    python benchmarks/bench_fit.py --quick         # digits and a 12,000 x 784 problem
    python benchmarks/bench_fit.py --digits-only --dtypes float64 --threads 1 --repeats 7
    python benchmarks/bench_fit.py --smoke         # seconds: checks that the script runs

Threads: "1" runs everything inside ``threadpool_limits(1)``; "auto" leaves the machine's
default, which MLPClassifier uses as it is and ours narrows per fit by the size rule of
``sknn_simple/training/threads.py``. ``--busy`` runs everything while another process
multiplies matrices, as on a machine shared with other jobs.
For "auto" we also time ours, in the same rounds, on one thread and with the thread choice
switched off (all threads), to show that the choice is within 10 % of the better of the two.
"""

import argparse
import contextlib
import statistics
import time
import tracemalloc
import warnings

import numpy as np
from _common import SMOKE_HELP, busy_machine, median_ratio, print_table
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import sknn_simple.training.loop as loop_module
from sknn_simple import SimpleMLPClassifier


def datasets(quick, smoke=False):
    X, y = load_digits(return_X_y=True)
    if smoke:  # every code path, on small data
        yield "digits", X[:400], y[:400], [(10,), (10, 10)], 2
        X, y = make_classification(1000, 784, n_informative=60, n_classes=10, random_state=0)
        yield "1k x 784", X, y, [(10,)], 2
        return
    yield "digits", X, y, [(100,), (100, 100)], 30
    n = 12_000 if quick else 60_000
    X, y = make_classification(n, 784, n_informative=60, n_classes=10, random_state=0)
    yield f"{n // 1000}k x 784", X, y, ([(100,)] if quick else [(100,), (512,)]), 2


def gemm_rate(dtype, threads, n=1500):
    """This machine's matrix-product rate (FLOP/s) on a large square product (``n`` by ``n``)."""
    a = np.random.RandomState(0).normal(size=(n, n)).astype(dtype)
    with threadpool_limits(threads):
        a @ a
        start, reps = time.perf_counter(), 4
        for _ in range(reps):
            a @ a
        return reps * 2 * n**3 / (time.perf_counter() - start)


def gemm_floor(n, sizes, batch, dtype):
    """Seconds per epoch of the matrix products alone, written into preallocated arrays: a lower
    bound for any implementation of the same arithmetic, ours or MLPClassifier's. Per layer:
    the forward product and the weight gradient, and but for the first layer the gradient
    passed down."""
    rng = np.random.RandomState(0)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        shapes = ((batch, fan_in), (fan_in, fan_out), (batch, fan_out))
        A, W, D = (rng.normal(size=shape).astype(dtype) for shape in shapes)
        layers.append((A, W, D, np.empty_like(D), np.empty_like(W), np.empty_like(A)))

    def step():
        for i, (A, W, D, Z, dW, dA) in enumerate(layers):
            np.matmul(A, W, out=Z)
            np.matmul(A.T, D, out=dW)
            if i > 0:
                np.matmul(D, W.T, out=dA)

    step()
    reps = max(3, min(50, n // batch))
    start = time.perf_counter()
    for _ in range(reps):
        step()
    return (time.perf_counter() - start) / reps * (n / batch)


@contextlib.contextmanager
def all_threads():
    """Ours with the per-fit thread choice switched off (for the 'all' column)."""
    real = loop_module.blas_threads
    loop_module.blas_threads = lambda *args, **kwargs: contextlib.nullcontext()
    try:
        yield
    finally:
        loop_module.blas_threads = real


def make(which, hidden, solver, epochs, batch_size="auto"):
    settings = dict(solver=solver, max_iter=epochs, tol=0.0, random_state=0, batch_size=batch_size)
    if which == "mlp":
        return MLPClassifier(hidden, **settings)
    return SimpleMLPClassifier(hidden, **settings)


def timed_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
        return (time.perf_counter() - start) / max(model.n_iter_, 1), model


def peak_fit_memory(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tracemalloc.start()
        model.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def predict_rate(model, X, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict_proba(X)
        times.append(time.perf_counter() - start)
    return len(X) / statistics.median(times)


def run_case(name, data, h, solver, dtype, threads, epochs, repeats, gemm, batch_size="auto"):
    X_train, X_test, y_train, y_test = data
    X_train, X_test = X_train.astype(dtype), X_test.astype(dtype)
    limit = threadpool_limits(1) if threads == "1" else contextlib.nullcontext()
    times = {"ours": [], "mlp": [], "ours, all threads": [], "ours, 1 thread": []}
    with limit:
        for _ in range(repeats):  # alternating, so that both see the same machine load
            for which in ("ours", "mlp"):
                seconds, fitted = timed_fit(
                    make(which, h, solver, epochs, batch_size), X_train, y_train
                )
                times[which].append(seconds)
                if which == "ours":
                    ours = fitted
                else:
                    theirs = fitted
            if threads == "auto":  # the same fit with one thread, and with all of them
                with all_threads():
                    times["ours, all threads"].append(
                        timed_fit(make("ours", h, solver, epochs, batch_size), X_train, y_train)[0]
                    )
                with threadpool_limits(1):
                    times["ours, 1 thread"].append(
                        timed_fit(make("ours", h, solver, epochs, batch_size), X_train, y_train)[0]
                    )
        memory = {
            which: peak_fit_memory(
                make(which, h, solver, min(epochs, 2), batch_size), X_train, y_train
            )
            for which in ("ours", "mlp")
        }
        rates = {
            "ours": predict_rate(ours, X_test, repeats),
            "mlp": predict_rate(theirs, X_test, repeats),
        }
        n, d = X_train.shape
        k = len(np.unique(y_train))
        sizes = (d, *h, k)
        batch = n if solver == "lbfgs" else min(200 if batch_size == "auto" else batch_size, n)
        floor = gemm_floor(n, sizes, batch, dtype)
    # Per epoch and layer: forward and weight gradient, and but for the first layer the
    # gradient passed down (no gradient with respect to X).
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    flops = 2 * n * sum((2 if i == 0 else 3) * a * b for i, (a, b) in enumerate(pairs))
    row = {
        "data": name if batch_size == "auto" else f"{name}, batch {batch_size}",
        "hidden": ",".join(map(str, h)),
        "solver": solver,
        "dtype": np.dtype(dtype).name,
        "threads": threads,
        "ours s/epoch": f"{statistics.median(times['ours']):.4f}",
        "MLP s/epoch": f"{statistics.median(times['mlp']):.4f}",
        "ratio": f"{median_ratio(times['ours'], times['mlp']):.2f}",
        "floor": f"{floor / statistics.median(times['mlp']):.2f}",
        "acc ours": f"{ours.score(X_test, y_test):.3f}",
        "acc MLP": f"{theirs.score(X_test, y_test):.3f}",
        "mem ratio": f"{memory['ours'] / memory['mlp']:.2f}",
        "predict x": f"{rates['ours'] / rates['mlp']:.1f}",
        "GEMM %": f"{100 * flops / statistics.median(times['ours']) / gemm:.0f}",
    }
    if threads == "auto":  # ours with its own choice / the better of 1 and all threads
        # The better setting is the one with the lower median time. (The per-round minimum of
        # the two would be biased low: on a noisy machine it picks each round's lucky run.)
        best = min(
            statistics.median(times["ours, all threads"]),
            statistics.median(times["ours, 1 thread"]),
        )
        row["auto / best"] = f"{statistics.median(times['ours']) / best:.2f}"
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--solvers", default="adam,sgd,lbfgs")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--threads", default="1,auto", help="1, auto, or both")
    parser.add_argument("--digits-only", action="store_true", help="skip the large problem")
    parser.add_argument(
        "--large-only", action="store_true", help="skip digits (and the batch-2048 cases)"
    )
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
    gemm_size = 200 if args.smoke else 1500
    rows = []
    for name, X, y, sizes, epochs in datasets(args.quick, args.smoke):
        if (args.digits_only and name != "digits") or (args.large_only and name == "digits"):
            continue
        X = StandardScaler().fit_transform(X)
        data = train_test_split(X, y, test_size=0.2, random_state=42)
        for dtype in [np.dtype(d).type for d in args.dtypes.split(",")]:
            for threads in args.threads.split(","):
                gemm = gemm_rate(dtype, 1 if threads == "1" else None, gemm_size)
                for h in sizes:
                    for solver in args.solvers.split(","):
                        n_epochs = epochs if solver != "lbfgs" else max(epochs, 10)
                        rows.append(
                            run_case(
                                name, data, h, solver, dtype, threads, n_epochs, args.repeats, gemm
                            )
                        )
                        print_table(rows[-1:], list(rows[-1]))  # progress
        if name != "digits" and not args.large_only:  # large batches, a large hidden layer
            for dtype in (np.float64, np.float32):
                gemm = gemm_rate(dtype, 1, gemm_size)
                for solver in ("adam", "sgd"):
                    rows.append(
                        run_case(
                            name, data, (512,), solver, dtype, "1", 2, args.repeats, gemm, 2048
                        )
                    )
                    print_table(rows[-1:], list(rows[-1]))
    print(
        f"\nmedians over {args.repeats} alternating repeats; ratio = ours / MLPClassifier "
        "time per epoch (lower is better); mem ratio = peak fit memory ours / MLP; "
        "floor = time of the five matrix products alone / MLP time (the best ratio any "
        "implementation of the same arithmetic can reach); "
        "predict x = predict_proba throughput ours / MLP; GEMM % = our training FLOP rate "
        "/ this machine's large-GEMM rate; auto / best = median time of ours with its thread "
        "choice / the lower of the median times of ours on one thread and on all threads, "
        "timed in the same rounds."
    )
    columns = list(rows[0]) + ["auto / best"]
    for row in rows:
        row.setdefault("auto / best", "-")
    print_table(rows, columns)


if __name__ == "__main__":
    main()
