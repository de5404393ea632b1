"""TrainingCurveDisplay on two fits: the figure of docs/training_curves.

The claims it prints: the display marks the epoch early stopping kept (Adam) and each epoch
where the adaptive schedule divided the learning rate (SGD). ``tests/test_docs_figures.py``
asserts them.
"""

import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier, TrainingCurveDisplay


def results():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    adam = SimpleMLPClassifier((64,), early_stopping=True, random_state=0).fit(X, y)
    sgd = SimpleMLPClassifier(
        (64,), solver="sgd", learning_rate="adaptive", learning_rate_init=0.3,
        n_iter_no_change=3, tol=1e-3, max_iter=80, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sgd.fit(X, y)
    return {"Adam, early stopping": adam, "SGD, adaptive rate": sgd}


def report(fits=None):
    fits = results() if fits is None else fits
    displays = {}
    for name, model in fits.items():
        display = TrainingCurveDisplay.from_estimator(model, name=name)
        displays[name] = display
        rates = display.learning_rate
        changes = int(np.count_nonzero(rates[1:] != rates[:-1]))
        print(f"{name}: best epoch {display.best_epoch}, {changes} learning-rate changes")
    return fits, displays


def draw():
    import matplotlib.pyplot as plt

    fits, _ = report()
    plt.close("all")  # (report drew on figures of its own)
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 8.0))
    for ax, (name, model) in zip(axes, fits.items(), strict=True):
        TrainingCurveDisplay.from_estimator(model, ax=ax, name=name)
    fig.tight_layout()


if __name__ == "__main__":
    draw()
