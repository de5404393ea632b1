"""The command line: ``sknn-simple`` (or ``python -m sknn_simple``).

Every command checks what it is given (parameter values, input files, output paths, optional
dependencies) before it starts working, and reports each problem as one line on stderr with exit
status 2 (usage) or 1 (anything else); ``--traceback`` shows the full Python traceback instead.
"""

import argparse
import importlib
import json
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
from ..io.csv_files import (
    DataFileError,
    check_input,
    check_output,
    file_problem,
    read_features,
    reading,
    same_file,
    write_table,
)
from ..training.solvers import SOLVERS


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


ESTIMATORS = {"classification": SimpleMLPClassifier, "regression": SimpleMLPRegressor}

#: ``--task auto``: a target is a regression target when every value is a number and it has more
#: distinct values than this, unless they are all integers with at least
#: ``ROWS_PER_CLASS`` rows each on average (many classes in much data: 100 digit-like codes in
#: 50,000 rows stay classes).
MAX_CLASSES = 20
ROWS_PER_CLASS = 20


def _candidates(task):
    """The estimator classes ``--task`` allows: both until ``auto`` has seen the target."""
    return list(ESTIMATORS.values()) if task == "auto" else [ESTIMATORS[task]]


def choose_task(y):
    """``(task, reason)`` for ``--task auto``, from the target column as read (see above)."""
    values = _numbers(y)
    if values is None:
        return "classification", "the target holds text"
    distinct = np.unique(values)
    if len(distinct) <= MAX_CLASSES:
        return "classification", f"the target has {len(distinct)} distinct values"
    if (distinct == np.round(distinct)).all() and len(distinct) * ROWS_PER_CLASS <= len(values):
        return "classification", (
            f"the target has {len(distinct)} distinct integers, {ROWS_PER_CLASS} or more rows "
            "each on average"
        )
    return "regression", f"the target has {len(distinct)} distinct numbers"


def _numbers(y):
    """The target as finite float64 numbers, or None if some value is not one."""
    if y.dtype.kind in "iu":
        return y.astype(np.float64)
    try:
        values = y.astype(np.float64)
    except ValueError:
        return None
    return values if np.isfinite(values).all() else None


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


def _seed(text):
    """``--random-state``: an integer, or ``none`` for a different run each time."""
    if text.lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or none, got {text!r}") from None


def _parse_params(pairs, classes):
    """``name=value`` pairs as keyword arguments of one of ``classes`` (values as JSON)."""
    known = set().union(*(cls().get_params() for cls in classes))
    params = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        if not sep:
            raise CommandError(f"--param {pair!r}: expected name=value, e.g. alpha=0.01")
        if name == "random_state":
            raise CommandError(f"--param {pair!r}: use --random-state {text} instead")
        if name not in known:
            raise CommandError(f"--param {name!r}: {_no_parameter(classes)}; {_has(known)}")
        try:
            params[name] = json.loads(text)
        except json.JSONDecodeError:
            params[name] = text  # a bare word such as relu
    return params


def _no_parameter(classes, name=None):
    """``X has no such parameter``, ``neither X nor Y has a parameter 'name'``, ..."""
    if len(classes) == 1:
        which = "such parameter" if name is None else f"parameter {name!r}"
        return f"{classes[0].__name__} has no {which}"
    which = "such a parameter" if name is None else f"a parameter {name!r}"
    return f"neither {' nor '.join(cls.__name__ for cls in classes)} has {which}"


def _has(known):
    return f"the parameters are {', '.join(sorted(known))}"


def _check_values(grid, where, classes, hint=""):
    """Every value of ``grid`` (name -> values) through the estimators' own validation.

    Each value alone first, so that every bad value gets its line; then each combination (the
    candidates of a search), for any rule that involves several parameters. A value is bad when
    every one of ``classes`` that has the parameter rejects it (their messages are shown, as
    one that names each estimator when they say the same, followed by ``hint``). Raises
    CommandError with one line per distinct problem, before any work is done.
    """
    from sklearn.model_selection import ParameterGrid

    single = [{name: value} for name, values in grid.items() for value in values]
    for candidates in (single, ParameterGrid(grid)):
        problems = []
        for candidate in candidates:
            errors = []
            for cls in classes:
                if not set(candidate) <= set(cls().get_params()):
                    continue
                try:
                    cls().set_params(**candidate)._validate_params()
                    break
                except (ValueError, TypeError) as exc:
                    errors.append((cls.__name__, _first_line(exc)))
            else:
                problem = f"{where}: {_rejection(errors)}{hint}" if errors else None
                if problem is not None and problem not in problems:
                    problems.append(problem)
        if problems:
            raise CommandError("\n".join(problems))


def _rejection(errors):
    """One line for a value that every estimator rejected, from ``[(class name, message)]``.

    The messages of scikit-learn's parameter validation name the estimator: the same rule of
    both is said once, naming both (not only the classifier, when the task is not settled yet);
    different rules (such as the options of ``scoring``) are each said.
    """
    first_name, first = errors[0]
    if all(message.replace(name, first_name) == first for name, message in errors):
        return first.replace(first_name, " and ".join(name for name, _ in errors))
    return " ".join(message for _, message in errors)


def _settle_task(args, y, names, where):
    """The task (``--task``, or the one ``auto`` chooses from ``y``) and a line that says why;
    refuses parameters ``names`` of the other estimator."""
    if args.task != "auto":
        return args.task, f"task: {args.task} (--task)"
    task, reason = choose_task(y)
    other = "classification" if task == "regression" else "regression"
    why = f" (--task auto chose {task}: {reason}; pass --task {other} otherwise)"
    unknown = sorted(set(names) - set(ESTIMATORS[task]().get_params()))
    if unknown:
        raise CommandError(f"{where}: {_no_parameter([ESTIMATORS[task]], unknown[0])}{why}")
    return task, f"task: {task} ({reason}; --task {other} to override)"


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
    params = {**_parse_params(args.param, classes), "random_state": args.random_state}
    _check_values({name: [value] for name, value in params.items()}, "--param", classes)
    check_input(args.data)
    check_output(args.output, [args.data])
    numeric = args.task == "regression"
    X, y, columns = read_features(args.data, target=args.target, numeric_target=numeric)
    task, why = _settle_task(args, y, params, "--param")
    if len(classes) > 1:  # the values again, for the estimator of the task alone
        values = {name: [value] for name, value in params.items()}
        _check_values(values, "--param", [ESTIMATORS[task]], hint=f" ({why})")
    if task == "regression":
        y = _numbers(y)
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
        print(f"regression: {net.n_outputs_} output(s), loss={net.loss!r}")
    else:
        print(f"classes: {net.classes_.tolist()}")
    if columns:
        print(f"features: {', '.join(columns)}")
    print(
        f"trained: {len(net.loss_curve_)} epochs/iterations with solver={net.solver!r}, "
        f"final training loss {net.loss_curve_[-1] if net.loss_curve_ else float('nan'):.6g}"
    )
    defaults = type(net)().get_params()
    changed = {k: v for k, v in net.get_params().items() if v != defaults[k]}
    print(f"parameters (non-default): {changed or 'none'}")
    return 0


def _architecture(net):
    """``64 inputs -> 64 relu -> 32 relu -> 10 softmax outputs``, from the fitted weights."""
    hidden = [f"{W.shape[1]} {net.activation}" for W in net.coefs_[:-1]]
    return " -> ".join(
        [f"{net.n_features_in_} inputs", *hidden, f"{net.n_outputs_} {net.out_activation_} outputs"]
    )


def cmd_tune(args):
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    classes = _candidates(args.task)
    grid = _read_grid(args.grid, classes)
    _check_values({"random_state": [args.random_state], **grid}, args.grid, classes)
    check_input(args.data)
    if args.output:
        check_output(args.output, [args.data, args.grid])
    if args.dask_scheduler:
        _require("dask.distributed", "dask", "--dask-scheduler")
    numeric = args.task == "regression"
    X, y, columns = read_features(args.data, target=args.target, numeric_target=numeric)
    task, why = _settle_task(args, y, grid, args.grid)
    if len(classes) > 1:  # the values again, for the estimator of the task alone
        _check_values(grid, args.grid, [ESTIMATORS[task]], hint=f" ({why})")
    if task == "regression":
        y = _numbers(y)
        folds = KFold(args.cv, shuffle=True, random_state=args.random_state)
        losses = grid.get("loss", ["squared_error"])
        if "poisson" in losses and len(set(losses)) > 1:
            raise CommandError(
                f"{args.grid}: loss: tune 'poisson' and 'squared_error' separately (the first "
                "models the counts as they are, the second a standardized target)"
            )
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
                f"{type(exc).__name__}: {_first_line(exc)}"
            ) from exc
    for message in dict.fromkeys(str(warning.message) for warning in caught):
        print(f"warning: {_first_line(message)}", file=sys.stderr)
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


def _read_grid(path, classes):
    try:
        with reading(path) as f:
            grid = json.load(f)
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
    known = set().union(*(cls().get_params() for cls in classes))
    unknown = sorted(set(grid) - known)
    if unknown:
        raise CommandError(f"{path}: {_no_parameter(classes, unknown[0])}")
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


_TASK = dict(
    choices=["auto", "classification", "regression"],
    default="auto",
    help=f"auto (the default): regression when every target value is a number and there are "
    f"more than {MAX_CLASSES} distinct ones, unless all are integers with {ROWS_PER_CLASS} or "
    "more rows each on average; classification otherwise",
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
