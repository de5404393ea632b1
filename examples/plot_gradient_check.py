"""
Checking the gradient against finite differences
================================================

Backpropagation is only useful if it is right. The central difference
``(L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps)`` approximates each partial derivative
independently of any calculus; it must agree with the analytic gradient of
``sknn_simple._network.loss_and_grad`` to about 1e-7 relative error (the test suite requires
1e-6 for every activation and output type).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sknn_simple._network import Layout, init_params, loss_and_grad

rng = np.random.RandomState(0)
X = rng.normal(size=(20, 4))
Y = np.eye(3)[rng.randint(3, size=20)]  # one-hot targets, 3 classes
layout = Layout(n_features=4, n_hidden=5, n_outputs=3)
theta = init_params(layout, "tanh", rng)


def loss(t):
    return loss_and_grad(t, layout, X, Y, "tanh", "softmax", alpha=0.1)[0]


_, analytic = loss_and_grad(theta, layout, X, Y, "tanh", "softmax", alpha=0.1)
eps = 1e-6
numeric = np.array(
    [(loss(theta + eps * e) - loss(theta - eps * e)) / (2 * eps) for e in np.eye(theta.size)]
)
error = np.linalg.norm(analytic - numeric) / np.linalg.norm(analytic)
print(f"{theta.size} parameters, relative error {error:.1e}")

# %%
fig, ax = plt.subplots(figsize=(5, 4))
ax.scatter(numeric, analytic, s=10)
ax.axline((0, 0), slope=1, color="grey", lw=0.8)
ax.set(
    xlabel="finite differences",
    ylabel="backpropagation",
    title=f"every partial derivative (relative error {error:.0e})",
)
fig.tight_layout()
plt.show()
