"""Temperature scaling from the logits, and hidden features for a linear model: the figure of
docs/outputs_and_features.

The claims it prints: one temperature fitted on held-out logits lowers the test log loss of an
over-confident network and changes no prediction; a logistic regression on the network's hidden
layer (``HiddenFeatures``) is as accurate as the network (within 2 points; the pixels' linear
model is shown beside them).
``tests/test_docs_figures.py`` asserts them.
"""

import warnings

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import HiddenFeatures, SimpleMLPClassifier

TEMPERATURES = np.geomspace(0.5, 8, 60)


def log_loss_at(temperature, logits, codes):
    """The mean log loss of softmax(logits / temperature) for the class codes."""
    return -log_softmax(logits / temperature, axis=1)[np.arange(len(codes)), codes].mean()


def results():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    X_fit, X_cal, y_fit, y_cal = train_test_split(X_train, y_train, test_size=0.3, random_state=0)
    net = SimpleMLPClassifier((64,), alpha=0.0, max_iter=1000, tol=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # run to max_iter on purpose
        net.fit(X_fit, y_fit)
    calibration = net.decision_function(X_cal), np.searchsorted(net.classes_, y_cal)
    T = minimize_scalar(log_loss_at, bounds=(0.05, 20), args=calibration, method="bounded").x
    logits, codes = net.decision_function(X_test), np.searchsorted(net.classes_, y_test)
    features = make_pipeline(
        HiddenFeatures(FrozenEstimator(net)), LogisticRegression(max_iter=2000)
    ).fit(X_fit, y_fit)
    pixels = LogisticRegression(max_iter=2000).fit(X_fit, y_fit)
    return {
        "T": T,
        "curve": [log_loss_at(t, logits, codes) for t in TEMPERATURES],
        "as_trained": log_loss_at(1.0, logits, codes),
        "scaled": log_loss_at(T, logits, codes),
        "same_predictions": bool(np.array_equal((logits / T).argmax(1), logits.argmax(1))),
        "accuracy": {
            "network": net.score(X_test, y_test),
            "linear on its hidden layer": features.score(X_test, y_test),
            "linear on the pixels": pixels.score(X_test, y_test),
        },
    }


def report(out=None):
    out = results() if out is None else out
    print(
        f"temperature {out['T']:.2f}: test log loss {out['as_trained']:.4f} -> "
        f"{out['scaled']:.4f}, same predictions: {out['same_predictions']}"
    )
    for name, accuracy in out["accuracy"].items():
        print(f"test accuracy, {name}: {accuracy:.3f}")
    return out


def draw():
    import matplotlib.pyplot as plt

    out = report()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 6.8))
    top.plot(TEMPERATURES, out["curve"])
    top.axvline(1.0, color="0.6", ls=":", label="as trained (T = 1)")
    top.axvline(out["T"], color="tab:red", ls="--", label=f"fitted T = {out['T']:.2f}")
    top.set_xscale("log")
    top.set_xlabel("temperature T (logits divided by T)")
    top.set_ylabel("test log loss")
    top.legend(loc="upper right", frameon=False)
    names = list(out["accuracy"])
    values = [out["accuracy"][name] for name in names]
    bottom.barh(names, values, color=["tab:blue", "tab:green", "0.6"])
    for i, value in enumerate(values):
        bottom.text(value - 0.005, i, f"{value:.3f}", va="center", ha="right", color="white")
    bottom.set_xlim(0.85, 1.0)
    bottom.set_xlabel("test accuracy")
    bottom.invert_yaxis()
    fig.tight_layout()


if __name__ == "__main__":
    draw()
