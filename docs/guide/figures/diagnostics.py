"""Training and validation scores on digits as the hidden layer grows and as alpha grows.

The figure of part 6, "Diagnostics". The claims: with one or two hidden units both scores are
low (underfitting); from eight units on the training set is fitted perfectly and a gap to the
validation accuracy remains, yet the validation accuracy still rises with every doubling; the
validation loss is lowest at a moderate ``alpha`` and the largest ``alpha`` underfits.
``report`` prints them, ``draw`` draws them and ``tests/test_guide_figures.py`` asserts them.
The fits of the right panel also give the figure of part 7 (``penalty.py``).
"""

import functools
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
ALPHAS = (1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0)


@functools.cache
def data():
    """Digits, half for training and half for validation, standardized on the training half."""
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.5, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val), y_train, y_val


@functools.cache
def fit(hidden, alpha=1e-4):
    X_train, _, y_train, _ = data()
    model = SimpleMLPClassifier(
        (hidden,), alpha=alpha, solver="lbfgs", max_iter=1000, random_state=0
    )
    with warnings.catch_warnings():
        # Networks of one or two hidden units cannot fit digits and stop on max_iter: showing
        # that they underfit is the point of the left panel, not a problem to report.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X_train, y_train)


def scores(model):
    """Training and validation accuracy and log loss."""
    X_train, X_val, y_train, y_val = data()
    return {
        "training accuracy": model.score(X_train, y_train),
        "validation accuracy": model.score(X_val, y_val),
        "training loss": log_loss(y_train, model.predict_proba(X_train)),
        "validation loss": log_loss(y_val, model.predict_proba(X_val)),
    }


@functools.cache
def results():
    """{"by size": {h: scores}, "by alpha": {alpha: scores}} (64 hidden units for alpha)."""
    return {
        "by size": {h: scores(fit(h)) for h in SIZES},
        "by alpha": {a: scores(fit(64, a)) for a in ALPHAS},
    }


def report():
    by_size, by_alpha = results()["by size"], results()["by alpha"]
    for h, s in by_size.items():
        print(
            f"{h:3d} units: accuracy training {s['training accuracy']:.3f}, "
            f"validation {s['validation accuracy']:.3f}"
        )
    for a, s in by_alpha.items():
        print(
            f"alpha {a:6g}: loss training {s['training loss']:.4f}, "
            f"validation {s['validation loss']:.3f}"
        )


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, (by_size, by_alpha) = plt.subplots(2, 1, figsize=(6.4, 7.2))
    for ax, table, first, second in [
        (by_size, results()["by size"], "training accuracy", "validation accuracy"),
        (by_alpha, results()["by alpha"], "training loss", "validation loss"),
    ]:
        values = list(table)
        train = [table[v][first] for v in values]
        val = [table[v][second] for v in values]
        ax.plot(values, train, "o-", label="training")
        ax.plot(values, val, "o-", label="validation")
        ax.fill_between(values, val, train, color="0.9", label="the gap")
        ax.set_xscale("log")
    by_size.set(xlabel="hidden units (alpha = 1e-4)", ylabel="accuracy", ylim=(0.2, 1.05))
    by_size.annotate(
        "underfitting:\nboth low", (2, 0.68), (4, 0.35), arrowprops={"arrowstyle": "->"}
    )
    by_size.annotate(
        "the gap: training 1.00,\nvalidation lower but\nrising with size",
        (32, 0.975),
        (9, 0.55),
        arrowprops={"arrowstyle": "->"},
    )
    by_size.legend(loc="lower right")
    by_alpha.set(
        xlabel="alpha (64 hidden units)",
        ylabel="cross-entropy (log loss)",
        yscale="log",
        ylim=(1e-4, 5),
    )
    by_alpha.annotate(
        "too much penalty:\nunderfits", (100, 0.55), (2, 1.5), arrowprops={"arrowstyle": "->"}
    )
    by_alpha.annotate("too little penalty:\nover-confident", (1e-4, 0.35), (1.3e-4, 0.9))
    by_alpha.legend(loc="lower right")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
