"""
Regression: the diabetes data, and why the target needs scaling
================================================================

``SimpleMLPRegressor`` is the same network as the classifier with a different last step: no
output function, and half the squared error as the loss. This example fits it on scikit-learn's
diabetes data (442 patients, 10 measurements, disease progression after one year), checks it
against ``MLPRegressor`` trained side by side, and shows what happens when the target is left
on its own scale.
"""

# %%
# Inputs and target, both standardized. ``TransformedTargetRegressor`` scales ``y`` for
# training and scales the predictions back, so the model predicts in the target's units.
import textwrap
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPRegressor

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=42
)
print(f"target: {y.min():.0f} to {y.max():.0f}, mean {y.mean():.1f}")

settings = dict(
    hidden_layer_sizes=(32,), alpha=1.0, max_iter=300, random_state=0
)


def scaled(regressor):
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), regressor), transformer=StandardScaler()
    )


model = scaled(SimpleMLPRegressor(**settings))
with warnings.catch_warnings():
    warnings.simplefilter(
        "ignore", ConvergenceWarning
    )  # 300 epochs, on purpose
    model.fit(X_train, y_train)
predicted = model.predict(X_test)
mean_only = mean_absolute_error(y_test, np.full_like(y_test, y_train.mean()))
print(
    f"test R² {model.score(X_test, y_test):.3f}, mean absolute error "
    f"{mean_absolute_error(y_test, predicted):.1f}\n"
    f"(predicting the training mean: {mean_only:.1f})"
)

# %%
# The same settings in scikit-learn's ``MLPRegressor``: the same initial weights, the same
# shuffles and Adam steps, so the same predictions up to rounding, in less time.
reference = scaled(MLPRegressor(**settings))
seconds = {}
for name, candidate in [
    ("SimpleMLPRegressor", model),
    ("MLPRegressor", reference),
]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        candidate.fit(X_train, y_train)
        seconds[name] = time.perf_counter() - start
difference = np.abs(model.predict(X_test) - reference.predict(X_test)).max()
print(f"largest difference of the predictions: {difference:.1e}")
print(", ".join(f"{name} {s:.2f} s" for name, s in seconds.items()))

# %%
# Predictions against the truth, and the training loss: half the squared error of the
# *standardized* target, plus the penalty (``loss_curve_`` of the network inside).
net = model.regressor_[-1]
fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.6))
left.scatter(y_test, predicted, s=12)
left.plot([25, 346], [25, 346], color="gray", lw=1)
left.set(xlabel="true progression", ylabel="predicted", title="test set")
right.plot(range(1, net.n_iter_ + 1), net.loss_curve_)
right.set(
    xlabel="epoch",
    ylabel="training loss",
    yscale="log",
    title="Adam, standardized y",
)
fig.tight_layout()
plt.show()

# %%
# Without scaling the target, the network starts with outputs near 0 while the targets are in
# the hundreds: the first losses are in the tens of thousands, and 300 epochs of Adam at its
# default step cover only part of the way. The fit says so, and what to do.
unscaled = make_pipeline(StandardScaler(), SimpleMLPRegressor(**settings))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    unscaled.fit(X_train, y_train)
print(f"test R² without scaling y: {unscaled.score(X_test, y_test):.3f}")
for warning in caught:
    print(textwrap.fill(f"warning: {warning.message}", 72))
