"""Training and validation scores on digits as the hidden layer grows and as alpha grows."""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.5, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)


def fit(**params):
    model = SimpleMLPClassifier(solver="lbfgs", max_iter=1000, random_state=0, **params)
    with warnings.catch_warnings():
        # Networks of one or two hidden units cannot fit digits and stop on max_iter: showing
        # that they underfit is the point of the left panel, not a problem to report.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X_train, y_train)


def accuracies(model):
    return model.score(X_train, y_train), model.score(X_val, y_val)


def losses(model):
    return (
        log_loss(y_train, model.predict_proba(X_train)),
        log_loss(y_val, model.predict_proba(X_val)),
    )


sizes = [1, 2, 4, 8, 16, 32, 64, 128]
alphas = [1e-4, 1e-3, 1e-2, 0.1, 1, 100]
fig, (by_size, by_alpha) = plt.subplots(1, 2, figsize=(10, 3.5))
for ax, values, scores in [
    (by_size, sizes, [accuracies(fit(hidden_layer_sizes=(h,))) for h in sizes]),
    (by_alpha, alphas, [losses(fit(hidden_layer_sizes=(64,), alpha=a)) for a in alphas]),
]:
    train, val = zip(*scores, strict=True)
    ax.plot(values, train, "o-", label="training")
    ax.plot(values, val, "o-", label="validation")
    ax.fill_between(values, val, train, color="0.9", label="the gap")
    ax.set_xscale("log")
by_size.set(xlabel="hidden units (alpha = 1e-4)", ylabel="accuracy", ylim=(0.2, 1.03))
by_size.annotate("underfitting:\nboth low", (2, 0.65), (4.5, 0.4), arrowprops={"arrowstyle": "->"})
by_size.annotate(
    "overfitting:\ntraining 1.00,\nvalidation lower",
    (64, 0.965),
    (6, 0.68),
    arrowprops={"arrowstyle": "->"},
)
by_size.legend(loc="lower right")
by_alpha.set(xlabel="alpha (64 hidden units)", ylabel="cross-entropy (log loss)")
by_alpha.annotate("too little penalty:\nover-confident", (1e-4, 0.31), (1e-3, 0.42), fontsize=9)
by_alpha.annotate(
    "too much:\nunderfits", (100, 0.52), (0.3, 0.47), fontsize=9, arrowprops={"arrowstyle": "->"}
)
fig.tight_layout()
