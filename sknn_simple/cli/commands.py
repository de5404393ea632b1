"""The commands of ``sknn-simple``: demo, fit, predict, info, tune, benchmark.

Each takes the parsed arguments (``parser.py``), checks what it is given before it starts
working (parameter values with ``params.py``, input files and output paths, optional
dependencies), and raises :class:`~sknn_simple.cli.params.CommandError` (or a file or value
error) for ``main.py`` to print as one line. Importing this module imports scikit-learn, which
``sknn-simple --help`` does not need: ``main.py`` imports it once a command is to run.
"""

import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._regressor import SimpleMLPRegressor
from ..exceptions import DivergenceError
from ..io.atomic import replacing
from ..io.model_files import load, save
from .csv_files import (
    check_input,
    check_output,
    read_features,
    same_file,
    write_table,
)
from .models import (
    ESTIMATORS,
    build_model,
    candidates,
    class_weight_by_label,
    diverged,
    network_of,
    require,
    settle_task,
)
from .params import (
    CommandError,
    check_values,
    first_line,
    parse_params,
    read_grid,
)
from .task import finite_numbers


def _frame(X, columns):
    """X with its column names, as a DataFrame when pandas is there (so names are kept)."""
    try:
        import pandas as pd
    except ImportError:
        return X
    return pd.DataFrame(X, columns=columns, copy=False)


# --- the commands --------------------------------------------------------------------------------


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
    classes = candidates(args.task)
    params = {**parse_params(args.param, classes), "random_state": args.random_state}
    check_values({name: [value] for name, value in params.items()}, "--param", classes)
    check_input(args.data)
    check_output(args.output, [args.data])
    numeric = args.task == "regression"
    X, y, columns = read_features(args.data, target=args.target, numeric_target=numeric)
    task, why = settle_task(args, y, params, "--param")
    if len(classes) > 1:  # the values again, for the estimator of the task alone
        values = {name: [value] for name, value in params.items()}
        check_values(values, "--param", [ESTIMATORS[task]], hint=f" ({why})")
    if task == "regression":
        y = finite_numbers(y)[0]
    elif "class_weight" in params:
        params["class_weight"] = class_weight_by_label(
            params["class_weight"], y, "--param class_weight"
        )
    model, _ = build_model(task, params, scale=not args.no_scaler)
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
            raise CommandError(diverged(task, params, scaled=not args.no_scaler)) from exc
    score = "accuracy" if task == "classification" else "R²"
    net = network_of(model)
    # the stochastic solvers, which count epochs, are those that offer partial_fit
    unit = "epochs" if hasattr(net, "partial_fit") else "iterations"
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
    return network_of(model), (None if names is None else [str(n) for n in names])


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
    if args.plot:  # before the work: fail at once without matplotlib or a format it writes
        from .demo import draw_curves, file_pyplot, image_format

        check_output(args.plot, inputs=(args.model,))
        pyplot = file_pyplot()
        image_format(pyplot, args.plot)
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
    if args.plot:
        draw_curves(pyplot, net, args.plot, f"{type(net).__name__} ({args.model})")
        print(f"drew the training curves in {args.plot}")
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
    layers = net.coefs_[:-1]
    names = [net.activation] * len(layers) if isinstance(net.activation, str) else net.activation
    hidden = [f"{W.shape[1]} {name}" for W, name in zip(layers, names, strict=True)]
    return " -> ".join(
        [f"{net.n_features_in_} inputs", *hidden, f"{net.n_outputs_} {net.out_activation_} outputs"]
    )


def cmd_tune(args):
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    classes = candidates(args.task)
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
        require("dask.distributed", "dask", "--dask-scheduler")
    numeric = args.task == "regression"
    X, y, columns = read_features(args.data, target=args.target, numeric_target=numeric)
    task, why = settle_task(args, y, grid, args.grid)
    if len(classes) > 1:  # the values again, for the estimator of the task alone
        check_values(grid, args.grid, [ESTIMATORS[task]], hint=f" ({why})")
    if task == "regression":
        y = finite_numbers(y)[0]
        folds = KFold(args.cv, shuffle=True, random_state=args.random_state)
    else:
        folds = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
        if "class_weight" in grid:
            grid["class_weight"] = [
                class_weight_by_label(value, y, f"{args.grid}: class_weight")
                for value in grid["class_weight"]
            ]
    params = {"random_state": args.random_state, "loss": grid.get("loss", [None])[0]}
    params = {k: v for k, v in params.items() if v is not None}
    model, prefix = build_model(task, params)
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

    Client = require("dask.distributed", "dask", "--dask-scheduler").Client
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


COMMANDS = {
    "demo": cmd_demo,
    "fit": cmd_fit,
    "predict": cmd_predict,
    "info": cmd_info,
    "tune": cmd_tune,
    "benchmark": cmd_benchmark,
}
