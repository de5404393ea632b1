"""
A network from scratch, then the same one from the package
==========================================================

Part 4 of the user guide in a few lines of NumPy: a hidden layer of five ReLU units and one
sigmoid output (two classes need only one), trained by full-batch gradient descent on two
interleaving half moons. Each hidden unit is active on one side of a straight line, where its
pre-activation ``z = x . w + b`` crosses zero; the network's decision boundary is made of
straight pieces that bend on those lines. ``SimpleMLPClassifier``, set up as plain gradient
descent from the same initial weights, draws the same boundary.
"""

# %%
# The loop
# --------
# The initial weights are drawn as scikit-learn draws them (Glorot-uniform, ``W1, b1, W2, b2``
# from ``RandomState(1)``), so that the package can start from the same point below.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit as sigmoid
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning

from sknn_simple import SimpleMLPClassifier

X, y = make_moons(200, noise=0.2, random_state=0)  # (n, 2), labels 0 and 1
Y = y[:, None].astype(float)  # (n, 1)
n, d, h = len(X), 2, 5

rng = np.random.RandomState(1)
bound = np.sqrt(6 / (d + h))  # 6 for ReLU
W1, b1 = rng.uniform(-bound, bound, (d, h)), rng.uniform(-bound, bound, h)
bound = np.sqrt(6 / (h + 1))
W2, b2 = rng.uniform(-bound, bound, (h, 1)), rng.uniform(-bound, bound, 1)

learning_rate, epochs, losses = 0.3, 3000, []
for _ in range(epochs):
    Z1 = X @ W1 + b1  # (n, h)
    A1 = np.maximum(Z1, 0)  # ReLU
    Z2 = A1 @ W2 + b2  # (n, 1)  the logit
    losses.append(
        np.mean(np.logaddexp(0, Z2) - Y * Z2)
    )  # cross-entropy, from the logit
    dZ2 = (sigmoid(Z2) - Y) / n  # P - Y, over n
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)  # back through W2 and ReLU's slope
    W2 -= learning_rate * (A1.T @ dZ2)
    b2 -= learning_rate * dZ2.sum(axis=0)
    W1 -= learning_rate * (X.T @ dZ1)
    b1 -= learning_rate * dZ1.sum(axis=0)


def predict_proba(X):
    return sigmoid(np.maximum(X @ W1 + b1, 0) @ W2 + b2)[:, 0]


accuracy = np.mean((predict_proba(X) > 0.5) == y)
first, last = losses[0], losses[-1]
print(f"loss {first:.3f} -> {last:.3f}, training accuracy {accuracy:.3f}")

# %%
# The same training in the package
# --------------------------------
# ``solver="sgd"`` with no momentum and the whole data set as one batch is plain gradient
# descent; ``alpha=0.0`` drops the penalty, as the loop has none, and ``tol=0.0`` with
# ``n_iter_no_change=epochs`` runs all the epochs. The estimator reports that the loss was
# still falling at the last epoch (a ``ConvergenceWarning``); here a fixed number of steps is
# the point, so that warning is silenced for this one fit.
model = SimpleMLPClassifier(
    (h,),
    solver="sgd",
    momentum=0.0,
    batch_size="full",
    shuffle=False,
    learning_rate_init=learning_rate,
    alpha=0.0,
    max_iter=epochs,
    tol=0.0,
    n_iter_no_change=epochs,
    random_state=1,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(X, y)
gap = max(
    np.abs(a - b).max() for a, b in zip([W1, W2], model.coefs_, strict=True)
)
print(f"largest difference from the loop's weights: {gap:.1e}")

# %%
# The hidden units and the boundary
# ---------------------------------
# Left: each hidden unit's line ``z = 0`` (the unit is off on the side its arrow points away
# from) and the network's boundary, where the probability is 0.5. Right: the boundaries of the
# loop and of ``SimpleMLPClassifier`` on top of each other.
grid = np.stack(
    np.meshgrid(np.linspace(-2, 3, 300), np.linspace(-1.5, 2, 300)), axis=-1
)
points = grid.reshape(-1, 2)
ours = predict_proba(points).reshape(grid.shape[:2])
package = model.predict_proba(points)[:, 1].reshape(grid.shape[:2])

fig, (units, same) = plt.subplots(2, 1, figsize=(6.4, 9.0), sharex=True)
for ax in (units, same):
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolor="k", s=14)
    ax.set(xlim=(-2, 3), ylim=(-1.5, 2), aspect="equal")
xs = np.linspace(-2, 3, 2)
centre = X.mean(axis=0)
for j in range(h):
    w, b = W1[:, j], b1[j]
    colour = f"C{j + 2}"
    units.plot(
        xs,
        -(w[0] * xs + b) / w[1],
        "--",
        color=colour,
        label=f"hidden unit {j + 1}",
    )
    foot = centre - (w @ centre + b) * w / (
        w @ w
    )  # the line's point nearest the data's centre
    arrow = {"arrowstyle": "->", "color": colour, "lw": 2}
    units.annotate(
        "", foot + 0.4 * w / np.linalg.norm(w), foot, arrowprops=arrow
    )
units.contour(
    grid[..., 0], grid[..., 1], ours, levels=[0.5], colors="k", linewidths=2
)
units.set_title(
    "five ReLU units (arrows: their active side)\nand the boundary they make"
)
units.legend(fontsize=9, loc="lower left")
same.contourf(
    grid[..., 0], grid[..., 1], package, levels=20, cmap="RdBu", alpha=0.4
)
same.contour(
    grid[..., 0], grid[..., 1], ours, levels=[0.5], colors="k", linewidths=3
)
same.contour(
    grid[..., 0],
    grid[..., 1],
    package,
    levels=[0.5],
    colors="yellow",
    linewidths=1.2,
)
same.set_title(
    "the loop (black) and SimpleMLPClassifier (yellow):\nthe same boundary"
)
fig.tight_layout()
plt.show()

# %%
# The boundary is straight between the units' lines and bends where it crosses one: there a
# unit switches on or off, and the logit changes slope. More units give more pieces, and so
# curvier boundaries; the guide's part 4 derives every line of the loop, and
# ``tests/test_guide.py`` checks its larger sibling, the class of part 3 and 4, against the
# package the same way.
