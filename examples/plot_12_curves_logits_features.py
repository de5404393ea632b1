"""
Training curves, logits and learned features
============================================

Three things scikit-learn's MLPClassifier does not give, on one digits network:

* :class:`~sknn_simple.TrainingCurveDisplay` draws the training and validation losses, the
  validation score, the epoch early stopping kept, and the epochs where the learning rate
  changed;
* :meth:`~sknn_simple.SimpleMLPClassifier.decision_function` returns the logits, from which
  *temperature scaling* calibrates the probabilities with one number fitted on held-out data;
* :class:`~sknn_simple.HiddenFeatures` turns the hidden layer into features for another
  estimator inside a ``Pipeline``.
"""

# %%
# Training curves
# ---------------
# Adam with early stopping (top), and SGD whose ``"adaptive"`` schedule divides the learning
# rate by 5 after each plateau of the training loss (bottom; the dotted lines).
import warnings

import matplotlib.pyplot as plt
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

from sknn_simple import (
    HiddenFeatures,
    SimpleMLPClassifier,
    TrainingCurveDisplay,
)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

adam = SimpleMLPClassifier((64,), early_stopping=True, random_state=0).fit(
    X_train, y_train
)
sgd = SimpleMLPClassifier(
    (64,),
    solver="sgd",
    learning_rate="adaptive",
    learning_rate_init=0.3,
    n_iter_no_change=3,
    tol=1e-3,
    max_iter=80,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sgd.fit(X_train, y_train)

# One panel above the other (side by side, the page would shrink them to
# unreadable text), each legend moved below its panel, clear of the curves and
# of the vertical lines.
fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 8.4))
for ax, model, name in [
    (top, adam, "Adam, early stopping"),
    (bottom, sgd, "SGD, adaptive rate"),
]:
    display = TrainingCurveDisplay.from_estimator(model, ax=ax, name=name)
    handles = display.ax_.get_legend_handles_labels()[0]
    if display.score_ax_ is not None:
        handles += display.score_ax_.get_legend_handles_labels()[0]
    (display.score_ax_ or ax).legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2
    )
fig.tight_layout()

# %%
# Temperature scaling from the logits
# -----------------------------------
# A network trained without a penalty until its training loss is near zero is over-confident.
# Dividing the logits by one temperature ``T`` keeps every prediction (the argmax does not
# change) and makes the probabilities more honest: ``T`` is the value that minimizes the log
# loss on held-out rows (here about 1.9, and the test log loss falls by a fifth).
X_fit, X_cal, y_fit, y_cal = train_test_split(
    X_train, y_train, test_size=0.3, random_state=0
)
net = SimpleMLPClassifier(
    (64,), alpha=0.0, max_iter=1000, tol=0, random_state=0
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    net.fit(X_fit, y_fit)
codes = np.searchsorted(net.classes_, y_cal)


def log_loss_at(temperature, logits, codes):
    return -log_softmax(logits / temperature, axis=1)[
        np.arange(len(codes)), codes
    ].mean()


T = minimize_scalar(
    log_loss_at,
    bounds=(0.05, 20),
    args=(net.decision_function(X_cal), codes),
    method="bounded",
).x
test_logits, test_codes = (
    net.decision_function(X_test),
    np.searchsorted(net.classes_, y_test),
)
print(f"temperature {T:.2f}")
as_trained = log_loss_at(1.0, test_logits, test_codes)
scaled = log_loss_at(T, test_logits, test_codes)
print(
    f"test log loss: {as_trained:.4f} as trained, "
    f"{scaled:.4f} scaled (accuracy unchanged)"
)

# %%
# Learned features for a linear model
# -----------------------------------
# The 64 hidden units of the network fitted above, frozen, feed a logistic regression: the
# linear model reads features the network learned rather than the 64 pixels.
pipe = make_pipeline(
    HiddenFeatures(FrozenEstimator(net)), LogisticRegression(max_iter=1000)
)
pipe.fit(X_fit, y_fit)
pixels = LogisticRegression(max_iter=1000).fit(X_fit, y_fit)
print(f"test accuracy: network {net.score(X_test, y_test):.3f}")
print(f"linear model on its features {pipe.score(X_test, y_test):.3f}")
print(f"linear model on the pixels {pixels.score(X_test, y_test):.3f}")
