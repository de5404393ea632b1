"""The command line: ``sknn-simple`` (or ``python -m sknn_simple``).

Every command reports bad input as one line on stderr and exits with status 2 (usage) or 1
(anything else); ``--traceback`` shows the full Python traceback instead.
"""

import argparse
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import __version__
from ._classifier import SimpleMLPClassifier
from ._csv import DataFileError, read_features, write_table
from ._persistence import ModelFileError, load, save


class CommandError(Exception):
    """A problem to report in one line, with exit status 1."""


def _pipeline(params, scale=True):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    net = SimpleMLPClassifier(**params)
    return make_pipeline(StandardScaler(), net) if scale else net


def _parse_params(pairs):
    """``name=value`` pairs as keyword arguments of SimpleMLPClassifier (values as JSON)."""
    known = SimpleMLPClassifier().get_params()
    params = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        if not sep:
            raise CommandError(f"--param {pair!r}: expected name=value, e.g. alpha=0.01")
        if name not in known:
            raise CommandError(
                f"--param {name!r}: SimpleMLPClassifier has no such parameter; "
                f"it has {', '.join(sorted(known))}"
            )
        try:
            params[name] = json.loads(text)
        except json.JSONDecodeError:
            params[name] = text  # a bare word such as relu
    return params


# --- commands --------------------------------------------------------------------------------


def cmd_demo(args):
    from ._demo import run_demo

    return run_demo(random_state=args.random_state, out=args.out, plot=args.plot)


def cmd_fit(args):
    X, y, columns = read_features(args.data, target=args.target)
    model = _pipeline(_parse_params(args.param), scale=not args.no_scaler)
    print(
        f"training on {X.shape[0]} rows, {X.shape[1]} features ({', '.join(columns[:5])}"
        f"{', ...' if len(columns) > 5 else ''}), {len(np.unique(y))} classes"
    )
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(_frame(X, columns), y)
    net = model[-1] if hasattr(model, "steps") else model
    print(
        f"trained {net.n_iter_} epochs in {time.perf_counter() - start:.2f} s; "
        f"training accuracy {model.score(_frame(X, columns), y):.4f}"
    )
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    save(model, args.output)
    print(f"saved the model to {args.output}")
    return 0


def _frame(X, columns):
    """X with its column names, as a DataFrame when pandas is there (so names are kept)."""
    try:
        import pandas as pd
    except ImportError:
        return X
    return pd.DataFrame(X, columns=columns)


def _features_of(model):
    """The classifier, and the feature columns the model was fitted on (None if unnamed)."""
    net = model[-1] if hasattr(model, "steps") else model
    names = getattr(model, "feature_names_in_", None)
    return net, (None if names is None else [str(n) for n in names])


def cmd_predict(args):
    model = load(args.model)
    net, columns = _features_of(model)
    X, _, columns = read_features(args.data, columns=columns)
    if X.shape[1] != net.n_features_in_:
        raise CommandError(
            f"{args.data}: {X.shape[1]} feature columns, the model expects {net.n_features_in_}"
        )
    X = _frame(X, columns) if getattr(model, "feature_names_in_", None) is not None else X
    if args.proba:
        header = [f"proba_{c}" for c in net.classes_]
        rows = [[f"{p:.6g}" for p in row] for row in model.predict_proba(X)]
    else:
        predicted = model.predict(X)
        header = [f"label_{c}" for c in net.classes_] if predicted.ndim == 2 else ["prediction"]
        rows = predicted.tolist() if predicted.ndim == 2 else [[p] for p in predicted.tolist()]
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as f:
            write_table(f, header, rows)
        print(f"wrote {len(rows)} predictions to {args.output}")
    else:
        write_table(sys.stdout, header, rows)
    return 0


def cmd_info(args):
    model = load(args.model)
    net, columns = _features_of(model)
    steps = (
        " -> ".join(type(step).__name__ for _, step in model.steps)
        if hasattr(model, "steps")
        else "SimpleMLPClassifier"
    )
    print(f"model: {steps}")
    print(
        f"network: {_architecture(net)} "
        f"({sum(a.size for a in net.coefs_ + net.intercepts_)} parameters, "
        f"{net.coefs_[0].dtype})"
    )
    print(f"classes: {net.classes_.tolist()}")
    if columns:
        print(f"features: {', '.join(columns)}")
    print(
        f"trained: {len(net.loss_curve_)} epochs/iterations with solver={net.solver!r}, "
        f"final training loss {net.loss_curve_[-1] if net.loss_curve_ else float('nan'):.6g}"
    )
    changed = {
        k: v for k, v in net.get_params().items() if v != SimpleMLPClassifier().get_params()[k]
    }
    print(f"parameters (non-default): {changed or 'none'}")
    return 0


def _architecture(net):
    """``64 inputs -> 64 relu -> 32 relu -> 10 softmax outputs``, from the fitted weights."""
    hidden = [f"{W.shape[1]} {net.activation}" for W in net.coefs_[:-1]]
    return " -> ".join(
        [f"{net.n_features_in_} inputs", *hidden, f"{net.n_outputs_} {net.out_activation_} outputs"]
    )


def cmd_tune(args):
    from sklearn.model_selection import GridSearchCV

    X, y, columns = read_features(args.data, target=args.target)
    grid = _read_grid(args.grid)
    search = GridSearchCV(
        _pipeline({}),
        {f"simplemlpclassifier__{k}": v for k, v in grid.items()},
        cv=args.cv,
        n_jobs=args.n_jobs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if args.dask_scheduler:
            _fit_on_dask(search, _frame(X, columns), y, args.dask_scheduler)
        else:
            search.fit(_frame(X, columns), y)
    results = search.cv_results_
    print(f"{len(results['params'])} candidates x {args.cv} folds")
    for rank, i in sorted(
        zip(results["rank_test_score"], range(len(results["params"])), strict=True)
    ):
        params = {k.split("__", 1)[1]: v for k, v in results["params"][i].items()}
        print(
            f"  #{rank}: accuracy {results['mean_test_score'][i]:.4f} "
            f"+/- {results['std_test_score'][i]:.4f}  {params}"
        )
    if args.output:
        save(search.best_estimator_, args.output)
        print(f"saved the best model to {args.output}")
    return 0


def _read_grid(path):
    try:
        with open(path, encoding="utf-8") as f:
            grid = json.load(f)
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: not valid JSON ({exc})") from None
    if (
        not isinstance(grid, dict)
        or not grid
        or not all(isinstance(v, list) and v for v in grid.values())
    ):
        raise CommandError(
            f"{path}: expected an object of parameter lists, e.g. "
            '{"alpha": [0.0001, 0.01], "hidden_layer_sizes": [[50], [100], [50, 50]]}'
        )
    known = SimpleMLPClassifier().get_params()
    unknown = sorted(set(grid) - set(known))
    if unknown:
        raise CommandError(f"{path}: SimpleMLPClassifier has no parameter {unknown[0]!r}")
    return grid


def _fit_on_dask(search, X, y, address):
    try:
        import joblib
        from dask.distributed import Client
    except ImportError:
        raise CommandError(
            "--dask-scheduler needs dask.distributed: pip install 'sknn_simple[dask]'"
        ) from None
    try:
        client = Client(address, timeout=10)
    except OSError as exc:
        raise CommandError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    with client, joblib.parallel_backend("dask"):
        print(
            f"running on the Dask cluster at {address} "
            f"({len(client.scheduler_info()['workers'])} workers)"
        )
        search.fit(X, y)


def cmd_benchmark(args):
    from ._benchmark import run_benchmark

    return run_benchmark(args.data, args.target, cv=args.cv)


# --- parsing -----------------------------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sknn-simple",
        description="A one-hidden-layer neural network classifier for scikit-learn "
        "(also runs as: python -m sknn_simple). Without a command: the demo.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--traceback", action="store_true", help="show Python tracebacks instead of one-line errors"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="train, test, tune and save on the digits data")
    demo.add_argument("--random-state", type=int, default=0)
    demo.add_argument(
        "--out",
        default="sknn_simple_digits.npz",
        help="where to save the tuned model (default: %(default)s)",
    )
    demo.add_argument(
        "--plot", metavar="FILE.png", help="draw the loss and validation curves (needs matplotlib)"
    )

    fit = commands.add_parser(
        "fit",
        help="train on a CSV file and save the model",
        description="Train StandardScaler + SimpleMLPClassifier on DATA.csv (every column but "
        "the target is a numeric feature) and save the fitted pipeline.",
    )
    fit.add_argument("data", metavar="DATA.csv")
    fit.add_argument("--target", required=True, metavar="COLUMN")
    fit.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a SimpleMLPClassifier parameter as JSON, e.g. hidden_layer_sizes=[64,32] or "
        "alpha=0.01; repeat",
    )
    fit.add_argument(
        "--no-scaler",
        action="store_true",
        help="no StandardScaler in front (the features are already scaled)",
    )
    fit.add_argument("-o", "--output", required=True, metavar="MODEL")

    predict = commands.add_parser("predict", help="predict a CSV file with a saved model")
    predict.add_argument("model", metavar="MODEL")
    predict.add_argument("data", metavar="DATA.csv")
    predict.add_argument("--proba", action="store_true", help="class probabilities")
    predict.add_argument("-o", "--output", metavar="OUT.csv", help="default: standard output")

    info = commands.add_parser("info", help="describe a saved model")
    info.add_argument("model", metavar="MODEL")

    tune = commands.add_parser("tune", help="grid search with cross-validation")
    tune.add_argument("data", metavar="DATA.csv")
    tune.add_argument("--target", required=True, metavar="COLUMN")
    tune.add_argument(
        "--grid",
        required=True,
        metavar="GRID.json",
        help='e.g. {"alpha": [0.0001, 0.01], "hidden_layer_sizes": [[50], [100], [50, 50]]}',
    )
    tune.add_argument("--cv", type=int, default=5, metavar="K")
    tune.add_argument("--n-jobs", type=int, default=None, metavar="N")
    tune.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run the search on a Dask cluster, e.g. tcp://10.0.0.5:8786",
    )
    tune.add_argument("-o", "--output", metavar="MODEL", help="save the best model here")

    bench = commands.add_parser(
        "benchmark", help="cross-validated comparison with MLPClassifier and LogisticRegression"
    )
    bench.add_argument(
        "data", nargs="?", metavar="DATA.csv", help="default: scikit-learn's embedded data sets"
    )
    bench.add_argument("--target", metavar="COLUMN")
    bench.add_argument("--cv", type=int, default=5, metavar="K")
    return parser


COMMANDS = {
    "demo": cmd_demo,
    "fit": cmd_fit,
    "predict": cmd_predict,
    "info": cmd_info,
    "tune": cmd_tune,
    "benchmark": cmd_benchmark,
}


def main(argv=None):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # the options given, then the demo's defaults
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "demo"])
    if args.command == "benchmark" and (args.data is None) != (args.target is None):
        parser.error("benchmark: give both DATA.csv and --target, or neither")
    if getattr(args, "cv", 2) < 2:
        parser.error("--cv must be at least 2")
    try:
        return COMMANDS[args.command](args)
    except (CommandError, DataFileError, ModelFileError, ValueError, OSError) as exc:
        if args.traceback:
            raise
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"sknn-simple {args.command}: error: {message}", file=sys.stderr)
        return 1
