"""Early stopping on the loss and on the AUC: the figure of docs/early_stopping_scorers.

The claim it prints: on a problem with 3 % positives, watching ``scoring="roc_auc"`` keeps
another epoch than watching the validation loss, and the kept model's validation AUC is the
best one recorded. ``tests/test_docs_figures.py`` asserts it.
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from sknn_simple import SimpleMLPClassifier


def results():
    X, y = make_classification(
        3000, 20, n_informative=5, weights=[0.97], flip_y=0.02, random_state=0
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    fits = {}
    for scoring in ("loss", "roc_auc"):
        model = SimpleMLPClassifier(
            (50,), early_stopping=True, scoring=scoring, n_iter_no_change=15,
            learning_rate_init=0.01, random_state=0,
        )  # fmt: skip
        model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
        auc = roc_auc_score(y_val, model.predict_proba(X_val)[:, 1])
        best = int(np.argmax(model.validation_scores_)) + 1  # epochs count from 1
        fits[scoring] = dict(model=model, kept_auc=auc, best_epoch=best)
    return fits


def report(fits=None):
    fits = results() if fits is None else fits
    for scoring, fit in fits.items():
        print(
            f"scoring={scoring!r}: best epoch {fit['best_epoch']}, "
            f"kept model's validation AUC {fit['kept_auc']:.4f}"
        )
    return fits


def draw():
    import matplotlib.pyplot as plt

    fits = report()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 6.4), sharex=True)
    watched = fits["loss"]["model"]
    epochs = np.arange(1, len(watched.validation_loss_curve_) + 1)
    top.plot(epochs, watched.validation_loss_curve_, color="tab:blue")
    top.axvline(fits["loss"]["best_epoch"], color="tab:blue", ls="--", label="kept (loss)")
    top.set_ylabel("validation loss")
    top.legend(loc="upper right", frameon=False)
    watched = fits["roc_auc"]["model"]
    epochs = np.arange(1, len(watched.validation_scores_) + 1)
    bottom.plot(epochs, watched.validation_scores_, color="tab:orange")
    bottom.axvline(fits["roc_auc"]["best_epoch"], color="tab:orange", ls="--", label="kept (AUC)")
    bottom.set_ylabel("validation ROC AUC")
    bottom.set_xlabel("epoch")
    bottom.legend(loc="lower right", frameon=False)
    fig.tight_layout()


if __name__ == "__main__":
    draw()
