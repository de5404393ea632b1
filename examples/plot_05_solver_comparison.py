"""
Five ways to train the same network
===================================

Full-batch gradient descent (the tutorial's algorithm), mini-batch SGD with momentum, Adam,
L-BFGS and the damped Newton method (newton-cg), on the same network and data, from the same initial
weights. The plots show the training loss against the solvers' own unit of progress (an epoch
for the first three, an iteration for L-BFGS and Newton-CG: not the same amount of work) and
against seconds, the fair comparison.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

solvers = {
    "gradient descent": dict(
        solver="sgd", momentum=0.0, batch_size="full", learning_rate_init=0.5
    ),
    "SGD + momentum": dict(solver="sgd", learning_rate_init=0.05),
    "Adam": dict(solver="adam", learning_rate_init=0.01),
    "L-BFGS": dict(solver="lbfgs"),
    "Newton-CG": dict(solver="newton-cg"),
}
histories = {}
for name, settings in solvers.items():
    model = SimpleMLPClassifier(
        (50,), max_iter=60, tol=0.0, random_state=0, **settings
    )
    # tol=0 and max_iter=60: the same fixed budget for every solver, so each fit
    # stops on max_iter by design, and its ConvergenceWarning is expected here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    histories[name] = model.history_
    print(
        f"{name:17s} n_iter_={model.n_iter_:3d}, final loss {model.loss_:.2e}"
    )

# %%
fig, (by_epoch, by_time) = plt.subplots(2, 1, figsize=(6.4, 7.0), sharey=True)
for name, history in histories.items():
    losses = [record["loss"] for record in history]
    by_epoch.plot([record["epoch"] for record in history], losses, label=name)
    by_time.plot([record["seconds"] for record in history], losses, label=name)
by_epoch.set(
    xlabel="epoch (first three) or iteration (L-BFGS, Newton-CG)",
    ylabel="training loss",
    yscale="log",
)
by_time.set(xlabel="seconds (log scale)", ylabel="training loss", xscale="log")
# Below the axes: inside, the legend would cover the curves' steep start.
fig.legend(
    *by_epoch.get_legend_handles_labels(),
    loc="lower center",
    ncol=3,
    fontsize=9,
)
fig.tight_layout(rect=(0, 0.07, 1, 1))
plt.show()

# %%
# An epoch is one pass over the data: one step for full-batch gradient descent, one step per
# mini-batch for SGD and Adam. An iteration of L-BFGS evaluates the loss and gradient about once
# (one forward and backward pass over the data) and uses curvature estimated from past
# gradients; an iteration of Newton-CG evaluates the gradient once and then runs one
# Hessian-vector product, another forward and backward pass, per conjugate-gradient step,
# often ten or more. So the left panel flatters Newton-CG; the right one, in seconds, is the
# fair comparison. On a data set this small the full-batch second-order methods win; the
# stochastic methods, with many cheap steps per epoch, are what scales to large data.
