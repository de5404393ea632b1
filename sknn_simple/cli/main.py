"""The command line: ``sknn-simple`` (or ``python -m sknn_simple``).

Every command checks what it is given (parameter values, input files, output paths, optional
dependencies) before it starts working, and reports each problem as one line on stderr with exit
status 2 (usage) or 1 (anything else); ``--traceback`` shows the full Python traceback instead.
"""

import argparse
import importlib
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .. import ModelFileError, SimpleMLPClassifier, __version__, load, save
from ..io.csv_files import (
    DataFileError,
    check_input,
    check_output,
    file_problem,
    read_features,
    same_file,
    write_table,
)


class CommandError(Exception):
    """Problems to report, one line each, with exit status 1."""


def _require(module, extra, feature):
    """Import ``module``, or say which extra of the package installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f'{feature} needs {module.split(".")[0]}: pip install "sknn_simple[{extra}]"'
        ) from None


def _pipeline(params, scale=True):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    net = SimpleMLPClassifier(**params)
    return make_pipeline(StandardScaler(), net) if scale else net


def _seed(text):
    """``--random-state``: an integer, or ``none`` for a different run each time."""
    if text.lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or none, got {text!r}") from None


def _parse_params(pairs):
    """``name=value`` pairs as keyword arguments of SimpleMLPClassifier (values as JSON)."""
    known = SimpleMLPClassifier().get_params()
    params = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        if not sep:
            raise CommandError(f"--param {pair!r}: expected name=value, e.g. alpha=0.01")
        if name == "random_state":
            raise CommandError(f"--param {pair!r}: use --random-state {text} instead")
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


def _check_values(grid, where):
    """Every value of ``grid`` (name -> values) through the estimator's own validation.

    Each value alone first, so that every bad value gets its line; then each combination (the
    candidates of a search), for any rule that involves several parameters. Raises CommandError
    with one line per distinct problem, before any work is done.
    """
    from sklearn.model_selection import ParameterGrid

    single = [{name: value} for name, values in grid.items() for value in values]
    for candidates in (single, ParameterGrid(grid)):
        problems = []
        for candidate in candidates:
            try:
                SimpleMLPClassifier().set_params(**candidate)._validate_params()
            except (ValueError, TypeError) as exc:
                problem = f"{where}: {_first_line(exc)}"
                if problem not in problems:
                    problems.append(problem)
        if problems:
            raise CommandError("\n".join(problems))


def _class_weight_by_label(class_weight, y, where):
    """A ``class_weight`` dict keyed by the labels as written in the CSV, keyed by ``y``'s labels.

    JSON keys are text, so ``{"0": 2}`` means the label written ``0`` in the CSV, whether the
    labels were read as integers or as text.
    """
    if not isinstance(class_weight, dict):
        return class_weight
    by_text = {str(label): label for label in np.unique(y).tolist()}
    unknown = [key for key in class_weight if key not in by_text]
    if unknown:
        raise CommandError(
            f"{where}: class_weight names {unknown[0]!r}, which is not a label of the data; "
            f"the labels are {', '.join(by_text)}"
        )
    return {by_text[key]: weight for key, weight in class_weight.items()}


def _frame(X, columns):
    """X with its column names, as a DataFrame when pandas is there (so names are kept)."""
    try:
        import pandas as pd
    except ImportError:
        return X
    return pd.DataFrame(X, columns=columns, copy=False)


# --- commands --------------------------------------------------------------------------------


def cmd_demo(args):
    from .demo import run_demo

    for path in (args.out, args.plot):
        if path:
            check_output(path)
    if args.out and args.plot and same_file(args.out, args.plot):
        raise CommandError(f"{args.plot}: is also --out; draw the curves in another file")
    return run_demo(random_state=args.random_state, out=args.out, plot=args.plot)


def cmd_fit(args):
    params = {**_parse_params(args.param), "random_state": args.random_state}
    _check_values({name: [value] for name, value in params.items()}, "--param")
    check_input(args.data)
    check_output(args.output, [args.data])
    X, y, columns = read_features(args.data, target=args.target)
    if "class_weight" in params:
        params["class_weight"] = _class_weight_by_label(
            params["class_weight"], y, "--param class_weight"
        )
    model = _pipeline(params, scale=not args.no_scaler)
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


def _features_of(model):
    """The classifier, and the feature columns the model was fitted on (None if unnamed)."""
    net = model[-1] if hasattr(model, "steps") else model
    names = getattr(model, "feature_names_in_", None)
    return net, (None if names is None else [str(n) for n in names])


def cmd_predict(args):
    check_input(args.model)
    check_input(args.data)
    if args.output:
        check_output(args.output, [args.model, args.data])
    model = load(args.model)
    net, columns = _features_of(model)
    X, _, columns = read_features(args.data, columns=columns)
    if X.shape[1] != net.n_features_in_:
        raise CommandError(
            f"{args.data}: {X.shape[1]} columns, the model expects {net.n_features_in_} features; "
            "it was fitted without column names, so give it only its feature columns, in order"
        )
    X = _frame(X, columns) if getattr(model, "feature_names_in_", None) is not None else X
    predicted = model.predict(X)
    if predicted.ndim == 2:  # multilabel: a 0/1 column per label
        header, rows = [f"label_{c}" for c in net.classes_], predicted.tolist()
    else:
        header, rows = ["prediction"], [[p] for p in predicted.tolist()]
    if args.proba:
        header += [f"proba_{c}" for c in net.classes_]
        for row, proba in zip(rows, model.predict_proba(X), strict=True):
            row += [f"{p:.6g}" for p in proba]
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as f:
            write_table(f, header, rows)
        print(f"wrote {len(rows)} predictions to {args.output}")
    else:
        write_table(sys.stdout, header, rows)
    return 0


def cmd_info(args):
    check_input(args.model)
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
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    grid = _read_grid(args.grid)
    _check_values({"random_state": [args.random_state], **grid}, args.grid)
    check_input(args.data)
    if args.output:
        check_output(args.output, [args.data, args.grid])
    if args.dask_scheduler:
        _require("dask.distributed", "dask", "--dask-scheduler")
    X, y, columns = read_features(args.data, target=args.target)
    if "class_weight" in grid:
        grid["class_weight"] = [
            _class_weight_by_label(value, y, f"{args.grid}: class_weight")
            for value in grid["class_weight"]
        ]
    search = GridSearchCV(
        _pipeline({"random_state": args.random_state}),
        {f"simplemlpclassifier__{k}": v for k, v in grid.items()},
        cv=StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state),
        n_jobs=args.n_jobs,
        error_score="raise",  # a failed fit is an error, never a candidate ranked with nan
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            if args.dask_scheduler:
                _fit_on_dask(search, _frame(X, columns), y, args.dask_scheduler)
            else:
                search.fit(_frame(X, columns), y)
        except CommandError:
            raise
        except Exception as exc:  # --traceback shows it as the cause
            raise CommandError(
                f"the search failed, so nothing was ranked or saved: "
                f"{type(exc).__name__}: {_first_line(exc)}"
            ) from exc
    for message in dict.fromkeys(str(warning.message) for warning in caught):
        print(f"warning: {_first_line(message)}", file=sys.stderr)
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
        with open(path, encoding="utf-8-sig") as f:
            grid = json.load(f)
    except OSError as exc:
        raise CommandError(file_problem(path, exc)) from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file") from None
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
    import joblib

    Client = _require("dask.distributed", "dask", "--dask-scheduler").Client
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
    from .benchmark import run_benchmark

    if args.data is not None:
        check_input(args.data)
    return run_benchmark(args.data, args.target, cv=args.cv)


# --- parsing -----------------------------------------------------------------------------------

_SEED_HELP = (
    "seed of the weights, the shuffling and dropout{}: an integer, or none for a different "
    "result each run (default: %(default)s)"
)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sknn-simple",
        description="A neural network classifier (multilayer perceptron) for scikit-learn "
        "(also runs as: python -m sknn_simple). Without a command: the demo.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    parser.add_argument(
        "--traceback", action="store_true", help="show Python tracebacks instead of one-line errors"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="train, test, tune and save on the digits data")
    demo.add_argument(
        "--random-state", type=_seed, default=0, metavar="SEED", help=_SEED_HELP.format("")
    )
    demo.add_argument(
        "--out",
        default="sknn_simple_digits.npz",
        help="where to save the tuned model; an empty string saves nothing (default: %(default)s)",
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
    fit.add_argument("data", metavar="DATA.csv", help="the training data, with a header line")
    fit.add_argument(
        "--target",
        required=True,
        metavar="COLUMN",
        help="the column of labels; labels are integers if all are written as plain integers "
        "(0, 7, -3), otherwise text exactly as written",
    )
    fit.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a SimpleMLPClassifier parameter, value as JSON (e.g. hidden_layer_sizes=[64,32], "
        "alpha=0.01, activation=tanh, class_weight='{\"0\": 2}' with labels as written); "
        "repeat",
    )
    fit.add_argument(
        "--no-scaler",
        action="store_true",
        help="no StandardScaler in front (the features are already scaled)",
    )
    fit.add_argument(
        "--random-state", type=_seed, default=0, metavar="SEED", help=_SEED_HELP.format("")
    )
    fit.add_argument(
        "-o", "--output", required=True, metavar="MODEL", help="where to save the model (.npz)"
    )

    predict = commands.add_parser("predict", help="predict a CSV file with a saved model")
    predict.add_argument("model", metavar="MODEL", help="a model saved by fit or tune")
    predict.add_argument(
        "data", metavar="DATA.csv", help="the rows to predict; columns are matched by name"
    )
    predict.add_argument(
        "--proba", action="store_true", help="also write the probability of each class"
    )
    predict.add_argument(
        "-o", "--output", metavar="OUT.csv", help="where to write (default: standard output)"
    )

    info = commands.add_parser("info", help="describe a saved model")
    info.add_argument("model", metavar="MODEL", help="a model saved by fit or tune")

    tune = commands.add_parser("tune", help="grid search with cross-validation")
    tune.add_argument("data", metavar="DATA.csv", help="the training data, with a header line")
    tune.add_argument(
        "--target", required=True, metavar="COLUMN", help="the column of labels (as for fit)"
    )
    tune.add_argument(
        "--grid",
        required=True,
        metavar="GRID.json",
        help='the values to try, e.g. {"alpha": [0.0001, 0.01], "hidden_layer_sizes": '
        "[[50], [100], [50, 50]]}",
    )
    tune.add_argument(
        "--cv",
        type=int,
        default=5,
        metavar="K",
        help="number of stratified, shuffled folds (default: %(default)s)",
    )
    tune.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        metavar="N",
        help="fits to run in parallel; -1 for one per core (default: one at a time)",
    )
    tune.add_argument(
        "--random-state",
        type=_seed,
        default=0,
        metavar="SEED",
        help=_SEED_HELP.format(", and of the folds"),
    )
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
    bench.add_argument("--target", metavar="COLUMN", help="the column of labels of DATA.csv")
    bench.add_argument(
        "--cv", type=int, default=5, metavar="K", help="number of folds (default: %(default)s)"
    )
    return parser


COMMANDS = {
    "demo": cmd_demo,
    "fit": cmd_fit,
    "predict": cmd_predict,
    "info": cmd_info,
    "tune": cmd_tune,
    "benchmark": cmd_benchmark,
}


def _first_line(error):
    """The first non-blank line of an error message (some start with a newline)."""
    text = str(error)
    return next((line for line in text.splitlines() if line.strip()), type(error).__name__)


def _error_lines(exc):
    """What to print for ``exc``: one line per problem, every file error as ``PATH: what``."""
    if isinstance(exc, CommandError):
        return str(exc).splitlines()
    if isinstance(exc, OSError) and exc.filename is not None:
        return [file_problem(exc.filename, exc)]
    return [_first_line(exc)]


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
    except (
        CommandError,
        DataFileError,
        ModelFileError,
        ValueError,
        OSError,
        ImportError,
    ) as exc:
        if args.traceback:
            raise
        for line in _error_lines(exc):
            print(f"sknn-simple {args.command}: error: {line}", file=sys.stderr)
        return 1
