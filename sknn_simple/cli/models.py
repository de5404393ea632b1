"""The model a command trains: the estimator for the task, behind its scalers, and the task itself.

``fit`` and ``tune`` build it here (:func:`build_model`: a ``StandardScaler`` in front, and the
targets of a regression scaled by a ``TransformedTargetRegressor``), decide the task from the
target column (``task.py``) unless ``--task`` says it, map a class weight given by label, and
word the error of a fit that diverged.
"""

import importlib

import numpy as np

from .._classifier import SimpleMLPClassifier
from .._regressor import SimpleMLPRegressor
from .csv_files import line_numbers
from .params import CommandError, no_parameter
from .task import UnclearTarget, choose_task


def require(module, extra, feature):
    """Import ``module``, or say which extra of the package installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f'{feature} needs {module.split(".")[0]}: pip install "sknn_simple[{extra}]"'
        ) from None


ESTIMATORS = {"classification": SimpleMLPClassifier, "regression": SimpleMLPRegressor}


def candidates(task):
    """The estimator classes ``--task`` allows: both until ``auto`` has seen the target."""
    return list(ESTIMATORS.values()) if task == "auto" else [ESTIMATORS[task]]


def build_model(task, params, scale=True):
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


def diverged(task, params, scaled):
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


def network_of(model):
    """The estimator of this package inside a fitted model (Pipeline, target scaler)."""
    model = getattr(model, "regressor_", model)
    return model[-1] if hasattr(model, "steps") else model


def settle_task(args, y, names, where):
    """The task (``--task``, or the one ``auto`` chooses from ``y``) and a line that says why;
    refuses parameters ``names`` of the other estimator."""
    if args.task != "auto":
        return args.task, f"task: {args.task} (--task)"
    try:
        task, reason = choose_task(y)
    except UnclearTarget as unclear:
        raise CommandError(unclear_message(unclear, y, args)) from None
    other = "classification" if task == "regression" else "regression"
    why = f" (--task auto chose {task}: {reason}; pass --task {other} otherwise)"
    unknown = sorted(set(names) - set(ESTIMATORS[task]().get_params()))
    if unknown:
        raise CommandError(f"{where}: {no_parameter([ESTIMATORS[task]], unknown[0])}{why}")
    return task, f"task: {task} ({reason}; --task {other} to override)"


def unclear_message(unclear, y, args, shown=3):
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


def class_weight_by_label(class_weight, y, where):
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
