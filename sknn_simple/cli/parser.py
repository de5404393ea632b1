"""The argument parser of ``sknn-simple``: its commands, options and help texts.

It imports nothing heavier than the standard library and the ``--task`` rule's numbers, so
``sknn-simple --help`` answers at once.
"""

import argparse

from .._version import __version__
from .task import MAX_CLASSES, ROWS_PER_CLASS

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


# --- the parser -----------------------------------------------------------------------------------

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
    info.add_argument(
        "--plot",
        metavar="FILE.png",
        help="draw the training curves: losses, validation score, best epoch (needs matplotlib)",
    )

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
