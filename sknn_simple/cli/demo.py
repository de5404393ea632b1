"""``sknn-simple demo``: the tutorial's flow on the digits data, done right; or on the diabetes
data, for regression (``--task regression``).

Build the network, train it with visible progress, test it on held-out data, tune a small
grid with cross-validation, and save the tuned model, printing a short report at each step.
"""

import os
import time
import warnings

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, classification_report, mean_absolute_error, r2_score
from sklearn.model_selection import GridSearchCV, ParameterGrid, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .._classifier import SimpleMLPClassifier
from .._regressor import SimpleMLPRegressor
from ..io.atomic import replacing
from ..io.model_files import save

EPOCHS_PER_LINE = 10
MAX_EPOCHS = 200
#: Where each demo saves its tuned model unless told otherwise.
DEFAULT_OUT = {
    "classification": "sknn_simple_digits.npz",
    "regression": "sknn_simple_diabetes.npz",
}


def _train_with_progress(net, X, y, X_val, y_val, score="accuracy"):
    """Fit in chunks of epochs (warm_start keeps weights and optimizer), a line per chunk."""
    net.set_params(warm_start=True, max_iter=EPOCHS_PER_LINE)
    start = time.perf_counter()
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(X, y, X_val=X_val, y_val=y_val)
        epochs = len(net.loss_curve_)
        filled = int(30 * min(epochs / MAX_EPOCHS, 1))
        print(
            f"  [{'#' * filled}{'.' * (30 - filled)}] epoch {epochs:3d}  loss {net.loss_:.4f}"
            f"  validation {score} {net.validation_scores_[-1]:.3f}  "
            f"({time.perf_counter() - start:.1f} s)"
        )
        if net.n_iter_ < EPOCHS_PER_LINE or epochs >= MAX_EPOCHS:  # stopped on its own
            break
    net.set_params(warm_start=False, max_iter=MAX_EPOCHS)
    return epochs


def run_demo(random_state=0, out="sknn_simple_digits.npz", plot=None, task="classification"):
    """Run the demo of ``task``; returns the process exit code."""
    # before the work: fail at once without matplotlib, or with a format it cannot write
    pyplot = file_pyplot() if plot else None
    if plot:
        image_format(pyplot, plot)
    if task == "regression":
        return _run_regression_demo(random_state, out, plot, pyplot)
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    X_fit, X_val, y_fit, y_val = train_test_split(
        X_train, y_train, test_size=0.15, random_state=0, stratify=y_train
    )
    print(
        f"1. data: {X.shape[0]} images of 8x8 pixels (values 0..16), "
        f"{len(np.unique(y))} classes; {len(y_train)} to train (of which {len(y_val)} to "
        f"watch), {len(y_test)} to test"
    )

    scaler = StandardScaler().fit(X_fit)  # pixels to zero mean, unit variance
    net = SimpleMLPClassifier(hidden_layer_sizes=(100,), random_state=random_state)
    model = make_pipeline(scaler, net)
    print(
        f"2. model: StandardScaler, then {X.shape[1]} inputs -> {net.hidden_layer_sizes[0]} "
        f"{net.activation} units -> 10 softmax outputs; solver {net.solver}"
    )

    print("3. training:")
    epochs = _train_with_progress(
        net, scaler.transform(X_fit), y_fit, scaler.transform(X_val), y_val
    )
    y_pred = model.predict(X_test)
    print(f"4. test: accuracy {accuracy_score(y_test, y_pred):.4f} after {epochs} epochs")
    print(classification_report(y_test, y_pred, digits=3))

    print("5. tuning hidden_layer_sizes x alpha with 3-fold cross-validation:")
    grid = {
        "simplemlpclassifier__hidden_layer_sizes": [(32,), (100,), (64, 32)],
        "simplemlpclassifier__alpha": [1e-4, 1e-2],
    }
    search = GridSearchCV(
        make_pipeline(StandardScaler(), SimpleMLPClassifier(random_state=random_state)), grid, cv=3
    )
    _search_with_progress(search, X_train, y_train)
    for params, score in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
    ):
        short = {k.split("__")[1]: v for k, v in params.items()}
        print(f"   {short}: {score:.4f}")
    best = {k.split("__")[1]: v for k, v in search.best_params_.items()}
    print(f"   best {best}: test accuracy {search.best_estimator_.score(X_test, y_test):.4f}")

    if out:
        save(search.best_estimator_, out)
        print(f"6. saved the tuned model to {out}: try  sknn-simple info {out}")
    if plot:
        draw_curves(pyplot, net, plot, "SimpleMLPClassifier on digits")
        print(f"7. drew the loss and validation curves in {plot}")
    return 0


def _search_with_progress(search, X, y):
    """Run a grid search (of an integer ``cv``), printing a dot as each of its fits is scored:
    the step takes a while, and shows it is going on."""
    n_fits = len(ParameterGrid(search.param_grid)) * search.cv
    print(f"   {n_fits} fits: ", end="", flush=True)

    def score(estimator, X_test, y_test):  # the estimator's own score, and a dot
        print(".", end="", flush=True)
        return estimator.score(X_test, y_test)

    search.set_params(scoring=score)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    print(" done")


def _run_regression_demo(random_state, out, plot, pyplot):
    """The same steps on the diabetes data: a regressor, with its target standardized too."""
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.15, random_state=0)
    print(
        f"1. data: {X.shape[0]} patients, {X.shape[1]} measurements (age, sex, body mass index, "
        f"blood pressure, six blood serum values); target: disease progression after one year, "
        f"{y.min():.0f} to {y.max():.0f}; {len(y_train)} to train (of which {len(y_val)} to "
        f"watch), {len(y_test)} to test"
    )

    # Inputs and target to zero mean and unit variance: the network starts with outputs near 0
    # and would crawl towards targets in the hundreds.
    scaler, target_scaler = StandardScaler().fit(X_fit), StandardScaler().fit(y_fit[:, None])
    net = SimpleMLPRegressor(hidden_layer_sizes=(32,), alpha=1.0, random_state=random_state)
    print(
        f"2. model: StandardScaler, then {X.shape[1]} inputs -> {net.hidden_layer_sizes[0]} "
        f"{net.activation} units -> 1 output (squared error); solver {net.solver}; the target "
        "standardized too (TransformedTargetRegressor)"
    )

    print("3. training:")

    def scaled(target):
        return target_scaler.transform(target[:, None])[:, 0]

    epochs = _train_with_progress(
        net, scaler.transform(X_fit), scaled(y_fit), scaler.transform(X_val), scaled(y_val), "R²"
    )
    predicted = target_scaler.inverse_transform(net.predict(scaler.transform(X_test))[:, None])
    mean_only = mean_absolute_error(y_test, np.full_like(y_test, y_fit.mean()))
    print(
        f"4. test: R² {r2_score(y_test, predicted[:, 0]):.4f}, mean absolute error "
        f"{mean_absolute_error(y_test, predicted[:, 0]):.1f} (predicting the mean: "
        f"{mean_only:.1f}) after {epochs} epochs"
    )

    print("5. tuning hidden_layer_sizes x alpha with 3-fold cross-validation:")
    model = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), SimpleMLPRegressor(random_state=random_state)),
        transformer=StandardScaler(),
    )
    grid = {
        "regressor__simplemlpregressor__hidden_layer_sizes": [(16,), (32,), (32, 16)],
        "regressor__simplemlpregressor__alpha": [1.0, 10.0],
    }
    search = GridSearchCV(model, grid, cv=3)
    _search_with_progress(search, X_train, y_train)
    for params, score in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
    ):
        short = {k.split("__")[-1]: v for k, v in params.items()}
        print(f"   {short}: R² {score:.4f}")
    best = {k.split("__")[-1]: v for k, v in search.best_params_.items()}
    print(f"   best {best}: test R² {search.best_estimator_.score(X_test, y_test):.4f}")

    if out:
        save(search.best_estimator_, out)
        print(f"6. saved the tuned model to {out}: try  sknn-simple info {out}")
    if plot:
        draw_curves(pyplot, net, plot, "SimpleMLPRegressor on diabetes")
        print(f"7. drew the loss and validation curves in {plot}")
    return 0


def file_pyplot():
    """matplotlib.pyplot drawing to files, or an ImportError that says what to install."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError('--plot needs matplotlib: pip install "sknn_simple[plot]"') from None
    return plt


def image_format(plt, path):
    """The image format of ``path`` (its extension, as matplotlib reads it), or a ValueError
    that lists those matplotlib writes."""
    extension = os.path.splitext(path)[1][1:].lower()
    kind = extension or plt.rcParams["savefig.format"]
    figure = plt.figure()
    try:
        supported = figure.canvas.get_supported_filetypes()
    finally:
        plt.close(figure)
    if kind not in supported:
        raise ValueError(
            f"{path}: matplotlib cannot draw .{kind} files; name it .png, or one of "
            f"{', '.join('.' + name for name in sorted(supported))}"
        )
    return kind


def draw_curves(plt, net, path, name):
    """Draw ``net``'s training curves (:class:`~sknn_simple.TrainingCurveDisplay`) into the
    image ``path``, written whole or not at all."""
    from .._display import TrainingCurveDisplay

    fig, ax = plt.subplots(figsize=(7, 4))
    try:
        TrainingCurveDisplay.from_estimator(net, ax=ax, name=name)
        fig.tight_layout()
        with replacing(path) as f:
            fig.savefig(f, format=image_format(plt, path), dpi=100)
    finally:
        plt.close(fig)
