"""The command line: ``sknn-simple`` (or ``python -m sknn_simple``).

Every command checks what it is given (parameter values, input files, output paths, optional
dependencies) before it starts working, and reports each problem as one line on stderr with exit
status 2 (usage) or 1 (anything else); ``--traceback`` shows the full Python traceback instead.
This module holds the parser and the commands; ``params.py`` reads and checks parameter values,
``task.py`` is the ``--task auto`` rule. Outputs are written whole or not at all
(``io/atomic.py``): a failed command leaves the files it would have replaced as they were.
"""

import argparse
import importlib
import os
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .. import (
    DivergenceError,
    ModelFileError,
    SimpleMLPClassifier,
    SimpleMLPRegressor,
    __version__,
    load,
    save,
)
from ..io.atomic import replacing
from ..io.csv_files import (
    DataFileError,
    check_input,
    check_output,
    file_problem,
    line_numbers,
    read_features,
    same_file,
    write_table,
)
from ..training.solvers import SOLVERS
from .params import (
    CommandError,
    check_values,
    first_line,
    no_parameter,
    parse_params,
    read_grid,
)
from .task import MAX_CLASSES, ROWS_PER_CLASS, UnclearTarget, choose_task, finite_numbers


def _require(module, extra, feature):
    """Import ``module``, or say which extra of the package installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f'{feature} needs {module.split(".")[0]}: pip install "sknn_simple[{extra}]"'
        ) from None


ESTIMATORS = {"classification": SimpleMLPClassifier, "regression": SimpleMLPRegressor}


def _candidates(task):
    """The estimator classes ``--task`` allows: both until ``auto`` has seen the target."""
    return list(ESTIMATORS.values()) if task == "auto" else [ESTIMATORS[task]]


def _model(task, params, scale=True):
    """``(model, prefix)``: the estimator behind a StandardScaler (unless ``scale`` is False),
    for regression inside a TransformedTargetRegressor that standardizes the target (except
    with Poisson's counts); ``prefix`` names the network's parameters in ``set_params``."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    net = ESTIMATORS[task](**params)
    model = make_pipeline(StandardScaler(), net) if scale else net
    prefix = f"{model.steps[-1][0]}__" if scale else ""
    if task == "regression" and net.loss != "poisson":
        model = TransformedTargetRegressor(model, transformer=StandardScaler())
        prefix = f"regressor__{prefix}"
    return model, prefix


def _diverged(task, params, scaled):
    """One line for a fit that diverged with no usable weights: what the command line already
    did to the data, and what to change."""
    net = ESTIMATORS[task](**params)
    done = [
        "the inputs were standardized" if scaled else "the inputs were not scaled (--no-scaler)"
    ]
    if task == "regression":
        done.append(
            "the target is counts" if net.loss == "poisson" else "the target was standardized"
        )
    if net.solver in ("sgd", "adam"):
        change = f"--param learning_rate_init={net.learning_rate_init / 10:g}"
    else:
        change = "--param solver=adam"
    if not scaled:
        change += " or drop --no-scaler"
    return (
        f"training diverged (the loss overflowed) and left no usable model, so nothing was "
        f"saved ({', '.join(done)}); try {change}"
    )


def _network(model):
    """The estimator of this package inside a fitted model (Pipeline, target scaler)."""
    model = getattr(model, "regressor_", model)
    return model[-1] if hasattr(model, "steps") else model


#: The seeds NumPy's random streams take (what the estimators' ``random_state`` accepts).
MAX_SEED = 2**32 - 1


def _seed(text):
    """``--random-state``: an integer from 0 to :data:`MAX_SEED`, or ``none`` for a different
    run each time (checked here, before any command starts)."""
    if text.lower() == "none":
        return None
    try:
        seed = int(text)
    except ValueError:
        seed = None
    if seed is None or not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 0 to {MAX_SEED} or none, got {text!r}"
        )
    return seed


def _settle_task(args, y, names, where):
    """The task (``--task``, or the one ``auto`` chooses from ``y``) and a line that says why;
    refuses parameters ``names`` of the other estimator."""
    if args.task != "auto":
        return args.task, f"task: {args.task} (--task)"
    try:
        task, reason = choose_task(y)
    except UnclearTarget as unclear:
        raise CommandError(_unclear(unclear, y, args)) from None
    other = "classification" if task == "regression" else "regression"
    why = f" (--task auto chose {task}: {reason}; pass --task {other} otherwise)"
    unknown = sorted(set(names) - set(ESTIMATORS[task]().get_params()))
    if unknown:
        raise CommandError(f"{where}: {no_parameter([ESTIMATORS[task]], unknown[0])}{why}")
    return task, f"task: {task} ({reason}; --task {other} to override)"


def _unclear(unclear, y, args, shown=3):
    """The line that says which cells of the target left ``--task auto`` unsure, and where."""
    rows = unclear.rows
    lines = line_numbers(args.data, rows[:shown])
    cells = ", ".join(
        f"line {line} ({value!r})"
        for line, value in zip(lines, y[rows[:shown]].tolist(), strict=True)
    )
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return (
        f"{args.data}: --task auto cannot tell the task of column {args.target!r}: "
        f"{unclear.what}: {cells}{more}; {unclear.advice}"
    )


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
    from .demo import DEFAULT_OUT, run_demo

    if args.out is None:
        args.out = DEFAULT_OUT[args.task]
    for path in (args.out, args.plot):
        if path:
            check_output(path)
    if args.out and args.plot and same_file(args.out, args.plot):
        raise CommandError(f"{args.plot}: is also --out; draw the curves in another file")
    return run_demo(random_state=args.random_state, out=args.out, plot=args.plot, task=args.task)


def cmd_fit(args):
    classes = _candidates(args.task)
    params = {**parse_params(args.param, classes), "random_state": args.random_state}
    check_values({name: [value] for name, value in params.items()}, "--param", classes)
    check_input(args.data)
    check_output(args.output, [args.data])
    numeric = args.task == "regression"
    X, y, columns = read_features(args.data, target=args.target, numeric_target=numeric)
    task, why = _settle_task(args, y, params, "--param")
    if len(classes) > 1:  # the values again, for the estimator of the task alone
        values = {name: [value] for name, value in params.items()}
        check_values(values, "--param", [ESTIMATORS[task]], hint=f" ({why})")
    if task == "regression":
        y = finite_numbers(y)[0]
    elif "class_weight" in params:
        params["class_weight"] = _class_weight_by_label(
            params["class_weight"], y, "--param class_weight"
        )
    model, _ = _model(task, params, scale=not args.no_scaler)
    target = (
        f"{len(np.unique(y))} classes"
        if task == "classification"
        else f"a numeric target (mean {np.mean(y):.4g}, standard deviation {np.std(y):.4g})"
    )
    print(why)
    print(
        f"training on {X.shape[0]} rows, {X.shape[1]} features ({', '.join(columns[:5])}"
        f"{', ...' if len(columns) > 5 else ''}), {target}"
    )
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            model.fit(_frame(X, columns), y)
        except DivergenceError as exc:
            raise CommandError(_diverged(task, params, scaled=not args.no_scaler)) from exc
    score = "accuracy" if task == "classification" else "R²"
    net = _network(model)
    unit = "epochs" if SOLVERS[net.solver].stochastic else "iterations"
    print(
        f"trained {net.n_iter_} {unit} in {time.perf_counter() - start:.2f} s; "
        f"training {score} {model.score(_frame(X, columns), y):.4f}"
    )
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    save(model, args.output)
    print(f"saved the model to {args.output}")
    return 0


def _features_of(model):
    """The network, and the feature columns the model was fitted on (None if unnamed)."""
    names = getattr(model, "feature_names_in_", None)
    return _network(model), (None if names is None else [str(n) for n in names])


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
    regression = isinstance(net, SimpleMLPRegressor)
    if args.proba and regression:
        raise CommandError(
            f"--proba: {args.model} is a regression model, which predicts numbers, not "
            "probabilities"
        )
    predicted = model.predict(X)
    if predicted.ndim == 2 and regression:  # a column per output
        header = [f"prediction_{j}" for j in range(predicted.shape[1])]
        rows = predicted.tolist()
    elif predicted.ndim == 2:  # multilabel: a 0/1 column per label
        header, rows = [f"label_{c}" for c in net.classes_], predicted.tolist()
    else:
        header, rows = ["prediction"], [[p] for p in predicted.tolist()]
    if args.proba:
        header += [f"proba_{c}" for c in net.classes_]
        for row, proba in zip(rows, model.predict_proba(X), strict=True):
            row += [f"{p:.6g}" for p in proba]
    if args.output:
        with replacing(args.output, "w", newline="", encoding="utf-8") as f:
            write_table(f, header, rows)
        print(f"wrote {len(rows)} predictions to {args.output}")
    else:
        write_table(sys.stdout, header, rows)
    return 0


def cmd_info(args):
    check_input(args.model)
    model = load(args.model)
    net, columns = _features_of(model)
    inner = getattr(model, "regressor_", model)
    steps = (
        " -> ".join(type(step).__name__ for _, step in inner.steps)
        if hasattr(inner, "steps")
        else type(net).__name__
    )
    if inner is not model:
        steps += f", targets standardized ({type(model).__name__})"
    print(f"model: {steps}")
    print(
        f"network: {_architecture(net)} "
        f"({sum(a.size for a in net.coefs_ + net.intercepts_)} parameters, "
        f"{net.coefs_[0].dtype})"
    )
    if isinstance(net, SimpleMLPRegressor):
        print(f"regression: {net.n_outputs_} output(s), loss={_plain(net.loss)!r}")
    else:
        print(f"classes: {net.classes_.tolist()}")
    if columns:
        print(f"features: {', '.join(columns)}")
    print(
        f"trained: {len(net.loss_curve_)} epochs/iterations with solver={_plain(net.solver)!r}, "
        f"final training loss {net.loss_curve_[-1] if net.loss_curve_ else float('nan'):.6g}"
    )
    defaults = {k: _plain(v) for k, v in type(net)().get_params().items()}
    params = {k: _plain(v) for k, v in net.get_params().items()}
    changed = {k: v for k, v in params.items() if v != defaults[k]}
    print(f"parameters (non-default): {changed or 'none'}")
    return 0


def _plain(value):
    """A parameter's value in plain Python, to print and compare whatever its type: NumPy
    numbers, text and arrays as numbers, str and lists; tuples as lists (``(100,)`` is
    ``[100]``); a random stream as it is."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    return value


def _architecture(net):
    """``64 inputs -> 64 relu -> 32 relu -> 10 softmax outputs``, from the fitted weights."""
    hidden = [f"{W.shape[1]} {net.activation}" for W in net.coefs_[:-1]]
    return " -> ".join(
        [f"{net.n_features_in_} inputs", *hidden, f"{net.n_outputs_} {net.out_activation_} outputs"]
    )


def cmd_tune(args):
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    classes = _candidates(args.task)
    grid = read_grid(args.grid, classes)
    check_values({"random_state": [args.random_state], **grid}, args.grid, classes)
    losses = grid.get("loss", ["squared_error"])  # (only a regressor has a loss)
    if "poisson" in losses and len(set(losses)) > 1:
        raise CommandError(
            f"{args.grid}: loss: tune 'poisson' and 'squared_error' separately (the first "
            "models the counts as they are, the second a standardized target)"
        )
    check_input(args.data)
    if args.output:
        check_output(args.output, [args.data, args.grid])
    if args.dask_scheduler:
        _require("dask.distributed", "dask", "--dask-scheduler")
    numeric = args.task == "regression"
    X, y, columns = read_features(args.data, target=args.target, numeric_target=numeric)
    task, why = _settle_task(args, y, grid, args.grid)
    if len(classes) > 1:  # the values again, for the estimator of the task alone
        check_values(grid, args.grid, [ESTIMATORS[task]], hint=f" ({why})")
    if task == "regression":
        y = finite_numbers(y)[0]
        folds = KFold(args.cv, shuffle=True, random_state=args.random_state)
    else:
        folds = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
        if "class_weight" in grid:
            grid["class_weight"] = [
                _class_weight_by_label(value, y, f"{args.grid}: class_weight")
                for value in grid["class_weight"]
            ]
    params = {"random_state": args.random_state, "loss": grid.get("loss", [None])[0]}
    params = {k: v for k, v in params.items() if v is not None}
    model, prefix = _model(task, params)
    search = GridSearchCV(
        model,
        {f"{prefix}{k}": v for k, v in grid.items()},
        cv=folds,
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
        except DivergenceError as exc:
            raise CommandError(
                "the search failed, so nothing was ranked or saved: a candidate's training "
                "diverged (the loss overflowed) and left no usable model; lower the grid's "
                "largest learning_rate_init, or leave out the candidates that diverge"
            ) from exc
        except Exception as exc:  # --traceback shows it as the cause
            raise CommandError(
                f"the search failed, so nothing was ranked or saved: "
                f"{type(exc).__name__}: {first_line(exc)}"
            ) from exc
    for message in dict.fromkeys(str(warning.message) for warning in caught):
        print(f"warning: {first_line(message)}", file=sys.stderr)
    results = search.cv_results_
    score = "accuracy" if task == "classification" else "R²"
    print(why)  # (only now: a search that fails prints nothing but its error)
    print(f"{len(results['params'])} candidates x {args.cv} folds")
    for rank, i in sorted(
        zip(results["rank_test_score"], range(len(results["params"])), strict=True)
    ):
        params = {k.rsplit("__", 1)[1]: v for k, v in results["params"][i].items()}
        print(
            f"  #{rank}: {score} {results['mean_test_score'][i]:.4f} "
            f"+/- {results['std_test_score'][i]:.4f}  {params}"
        )
    if args.output:
        save(search.best_estimator_, args.output)
        print(f"saved the best model to {args.output}")
    return 0


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


_TASK = dict(
    choices=["auto", "classification", "regression"],
    default="auto",
    help=f"auto (the default): regression when every target value is a number and there are "
    f"more than {MAX_CLASSES} distinct ones, unless all are integers with {ROWS_PER_CLASS} or "
    "more rows each on average; classification otherwise. If a few cells decide it (a missing "
    "value among numbers, a fraction among integer codes), they are reported instead",
)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sknn-simple",
        description="Neural networks (multilayer perceptrons) for scikit-learn: a classifier "
        "and a regressor (also runs as: python -m sknn_simple). Without a command: the demo.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    parser.add_argument(
        "--traceback", action="store_true", help="show Python tracebacks instead of one-line errors"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="train, test, tune and save: a classifier on the digits data, or a regressor on "
        "the diabetes data",
    )
    demo.add_argument(
        "--task",
        choices=["classification", "regression"],
        default="classification",
        help="classification: digits (8x8 images, 10 classes); regression: diabetes (10 "
        "measurements, disease progression after one year) (default: %(default)s)",
    )
    demo.add_argument(
        "--random-state", type=_seed, default=0, metavar="SEED", help=_SEED_HELP.format("")
    )
    demo.add_argument(
        "--out",
        default=None,
        help="where to save the tuned model; an empty string saves nothing (default: "
        "sknn_simple_digits.npz, or sknn_simple_diabetes.npz for regression)",
    )
    demo.add_argument(
        "--plot", metavar="FILE.png", help="draw the loss and validation curves (needs matplotlib)"
    )

    fit = commands.add_parser(
        "fit",
        help="train on a CSV file and save the model",
        description="Train StandardScaler + SimpleMLPClassifier (or SimpleMLPRegressor, with "
        "the target standardized too) on DATA.csv (every column but the target is a numeric "
        "feature) and save the fitted model.",
    )
    fit.add_argument("data", metavar="DATA.csv", help="the training data, with a header line")
    fit.add_argument(
        "--target",
        required=True,
        metavar="COLUMN",
        help="the target column: class labels (integers if all are written as plain integers "
        "(0, 7, -3), otherwise text exactly as written), or numbers for regression",
    )
    fit.add_argument("--task", **_TASK)
    fit.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a parameter of the estimator, value as JSON (e.g. hidden_layer_sizes=[64,32], "
        "alpha=0.01, activation=tanh, class_weight='{\"0\": 2}' with labels as written, "
        "loss=poisson); repeat",
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
        "--proba",
        action="store_true",
        help="also write the probability of each class (classification models)",
    )
    predict.add_argument(
        "-o", "--output", metavar="OUT.csv", help="where to write (default: standard output)"
    )

    info = commands.add_parser("info", help="describe a saved model")
    info.add_argument("model", metavar="MODEL", help="a model saved by fit or tune")

    tune = commands.add_parser("tune", help="grid search with cross-validation")
    tune.add_argument("data", metavar="DATA.csv", help="the training data, with a header line")
    tune.add_argument(
        "--target", required=True, metavar="COLUMN", help="the target column (as for fit)"
    )
    tune.add_argument("--task", **_TASK)
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
        help="number of shuffled folds, stratified for classification; candidates are ranked "
        "by accuracy or R² (default: %(default)s)",
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


def _error_lines(exc):
    """What to print for ``exc``: one line per problem, every file error as ``PATH: what``."""
    if isinstance(exc, CommandError):
        return str(exc).splitlines()
    if isinstance(exc, OSError) and exc.filename is not None:
        return [file_problem(exc.filename, exc)]
    return [first_line(exc)]


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
    if getattr(args, "n_jobs", None) == 0:
        parser.error("--n-jobs must not be 0 (1 runs one fit at a time, -1 one per core)")
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of the command
        # Python flushes stdout at exit, which would fail again: point it at nothing first
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (
        CommandError,
        DataFileError,
        ModelFileError,
        ValueError,
        OSError,
        ImportError,
        MemoryError,
    ) as exc:
        if args.traceback:
            raise
        for line in _error_lines(exc):
            print(f"sknn-simple {args.command}: error: {line}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # python -m sknn_simple.cli.main: the same as python -m sknn_simple
    sys.exit(main())
