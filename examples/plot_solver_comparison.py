"""
Five ways to train the same network
===================================

Full-batch gradient descent (the tutorial's algorithm), mini-batch SGD with momentum, Adam,
L-BFGS and the trust-region Newton method, on the same network and data, from the same initial
weights. The plots show the training loss against epochs (passes over the data, or solver
iterations) and against seconds.
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
    "gradient descent": dict(solver="sgd", momentum=0.0, batch_size="full", learning_rate_init=0.5),
    "SGD + momentum": dict(solver="sgd", learning_rate_init=0.05),
    "Adam": dict(solver="adam", learning_rate_init=0.01),
    "L-BFGS": dict(solver="lbfgs"),
    "Newton-CG": dict(solver="newton-cg"),
}
histories = {}
for name, settings in solvers.items():
    model = SimpleMLPClassifier((50,), max_iter=60, tol=0.0, random_state=0, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    histories[name] = model.history_
    print(f"{name:17s} {model.n_iter_:3d} iterations, final loss {model.loss_:.2e}")

# %%
fig, (by_epoch, by_time) = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for name, history in histories.items():
    losses = [record["loss"] for record in history]
    by_epoch.plot([record["epoch"] for record in history], losses, label=name)
    by_time.plot([record["seconds"] for record in history], losses, label=name)
by_epoch.set(xlabel="epoch or iteration", ylabel="training loss", yscale="log")
by_time.set(xlabel="seconds")
by_epoch.legend()
fig.tight_layout()
plt.show()

# %%
# Per pass over the data, the second-order methods are far ahead: each of their iterations
# uses the whole data set and curvature information (L-BFGS from past gradients, Newton-CG
# from exact Hessian-vector products, several per iteration). The stochastic methods take
# many small steps per epoch, which is what scales to large data.
