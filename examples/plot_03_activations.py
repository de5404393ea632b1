"""
Decision boundaries of the four activations
===========================================

The hidden activation decides what shapes the network can draw. On two interleaving half
moons, the identity gives a linear model (a straight boundary), while ReLU, sigmoid and tanh
bend it. Each network is trained on half of the points and scored on the other half: a boundary
that bends around single training points scores high on them and lower on the rest.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split

from sknn_simple import SimpleMLPClassifier

X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, random_state=0
)

fig, axes = plt.subplots(2, 2, figsize=(7, 6.6), sharex=True, sharey=True)
models = {}
for ax, activation in zip(
    axes.ravel(), ["identity", "relu", "sigmoid", "tanh"], strict=True
):
    # max_iter=1000: L-BFGS needs up to about 300 iterations here (tanh) to
    # converge
    model = SimpleMLPClassifier(
        (20,),
        activation=activation,
        solver="lbfgs",
        max_iter=1000,
        random_state=0,
    )
    models[activation] = model.fit(X_train, y_train)
    DecisionBoundaryDisplay.from_estimator(
        model,
        X,
        response_method="predict_proba",
        ax=ax,
        cmap="RdBu",
        alpha=0.6,
        grid_resolution=100,
    )
    ax.scatter(
        X_train[:, 0],
        X_train[:, 1],
        c=y_train,
        cmap="RdBu",
        edgecolor="k",
        s=12,
    )
    ax.set_title(
        f"{activation}\ntraining {model.score(X_train, y_train):.2f}, "
        f"test {model.score(X_test, y_test):.2f}"
    )
fig.tight_layout()
plt.show()

# %%
# Reading the scores
# ------------------
# The identity network computes ``X @ (W1 @ W2) + ...``: however many hidden units (or layers)
# it has, its boundary is a line, and it *underfits*: training and test accuracy are both low.
# Each non-linear activation lets every hidden unit contribute a bend. With sigmoid and tanh,
# twenty units and almost no penalty (``alpha=1e-4``), L-BFGS drives the training loss close to
# zero: the boundary curls around single training points and the training accuracy nears
# 1.00, but the test accuracy is clearly lower. That gap is *overfitting*, not success. Here
# ReLU happens to draw a smoother boundary, with no gap.
#
# A stronger penalty is the usual remedy: with ``alpha=1.0`` the weights stay small and the
# boundary smooth. For tanh the gap closes and the test accuracy rises. For the sigmoid the same
# penalty is already too strong: both accuracies fall, the network now underfits. The right
# ``alpha`` depends on the model; the user guide's parts 6 and 7 show how to choose it.
for activation in ["sigmoid", "tanh"]:
    for alpha in [1e-4, 1.0]:
        model = SimpleMLPClassifier(
            (20,),
            activation=activation,
            solver="lbfgs",
            alpha=alpha,
            max_iter=1000,
            random_state=0,
        ).fit(X_train, y_train)
        on_train = model.score(X_train, y_train)
        on_test = model.score(X_test, y_test)
        print(
            f"{activation:8s} alpha={alpha:<6g} "
            f"training {on_train:.2f}, test {on_test:.2f}"
        )
