"""Reliability diagrams of a network and of its calibrated version, with the count of each bin.

The figure of part 6, "Are the probabilities right?". The claim: the network puts most test
samples in the first and last bins, and there it is over-confident (the fraction of positives
is further from 0 or 1 than its probabilities say); the calibrated model's points lie closer to
the diagonal (smaller expected calibration error). ``report`` prints it, ``draw`` draws it and
``tests/test_guide_figures.py`` asserts it.
"""

import functools

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

BINS = np.linspace(0, 1, 6)  # five bins of width 0.2


@functools.cache
def results():
    """{name: (probabilities of class 1, test labels)} for the network and its calibration."""
    # flip_y=0.1 gives 10 % of the samples a class drawn at random: about half of those (5 %)
    # end up with the wrong label, noise no model can learn.
    X, y = make_classification(4000, 20, n_informative=5, flip_y=0.1, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)
    model = make_pipeline(StandardScaler(), SimpleMLPClassifier(solver="lbfgs", random_state=0))
    calibrated = CalibratedClassifierCV(model, method="isotonic", cv=3)
    out = {}
    for name, estimator in [("network", model), ("calibrated", calibrated)]:
        estimator.fit(X_train, y_train)
        out[name] = estimator.predict_proba(X_test)[:, 1], y_test
    return out


def bins(proba, y):
    """Per bin of predicted probability: (mean prediction, fraction of positives, count)."""
    which = np.clip(np.digitize(proba, BINS) - 1, 0, len(BINS) - 2)
    rows = []
    for b in range(len(BINS) - 1):
        inside = which == b
        if inside.any():
            rows.append((proba[inside].mean(), y[inside].mean(), int(inside.sum())))
    return rows


def calibration_error(proba, y):
    """Expected calibration error: the count-weighted mean gap between the two, over bins."""
    return sum(n * abs(p - f) for p, f, n in bins(proba, y)) / len(y)


def report():
    for name, (proba, y) in results().items():
        print(f"{name}: calibration error {calibration_error(proba, y):.3f}")
        for p, f, n in bins(proba, y):
            print(f"  predicted {p:.2f}, positive {f:.2f}, n = {n}")


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, axes = plt.subplots(2, 1, figsize=(5.6, 8.4))
    for ax, (name, (proba, y)) in zip(axes, results().items(), strict=True):
        ax.plot([0, 1], [0, 1], ":", color="0.5", label="perfectly calibrated")
        rows = bins(proba, y)
        ax.plot([r[0] for r in rows], [r[1] for r in rows], "o-", label=name)
        for p, f, n in rows:
            # Beside the point, on the side away from the diagonal: no line runs through it.
            offset = (-52, 6) if f > p and p > 0.15 else (8, -14)
            ax.annotate(f"n = {n}", (p, f), offset, textcoords="offset points", fontsize=10)
        ax.set(
            xlabel="mean predicted probability (positive class)",
            ylabel="fraction of positives",
            xlim=(-0.02, 1.1),
            ylim=(-0.05, 1.05),
            title=f"{name}: calibration error {calibration_error(proba, y):.3f}",
        )
        ax.legend(loc="upper left")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
