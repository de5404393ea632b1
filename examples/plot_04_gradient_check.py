"""
Checking the gradient against finite differences
================================================

Backpropagation is only useful if it is right. The central difference
``(L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps)`` approximates each partial derivative
independently of any calculus; it must agree with the analytic gradient of
``sknn_simple.core.network.loss_and_grad``. The check runs at every depth, from no hidden layer
to three: more layers only make the backward loop longer (the test suite requires a relative
error below 1e-6 for every activation and output type at depths 0 to 3).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sknn_simple.core.network import Layout, init_params, loss_and_grad

rng = np.random.RandomState(0)
X = rng.normal(size=(20, 4))
Y = np.eye(3)[rng.randint(3, size=20)]  # one-hot targets, 3 classes

results = {}
for hidden in [(), (5,), (5, 4), (5, 4, 3)]:
    layout = Layout.of(4, hidden, 3)  # sizes (4, *hidden, 3)
    theta = init_params(layout, "tanh", rng)

    def loss(t, layout=layout):
        return loss_and_grad(t, layout, X, Y, "tanh", "softmax", alpha=0.1)[0]

    _, analytic = loss_and_grad(
        theta, layout, X, Y, "tanh", "softmax", alpha=0.1
    )
    eps = 1e-6
    numeric = np.array(
        [
            (loss(theta + eps * e) - loss(theta - eps * e)) / (2 * eps)
            for e in np.eye(theta.size)
        ]
    )
    error = np.linalg.norm(analytic - numeric) / np.linalg.norm(analytic)
    print(
        f"hidden_layer_sizes={hidden}: {theta.size} parameters, "
        f"relative error {error:.1e}"
    )
    results[hidden] = numeric, analytic, error

# %%
fig, ax = plt.subplots(figsize=(5, 4))
for hidden, (numeric, analytic, error) in results.items():
    ax.scatter(numeric, analytic, s=10, label=f"{hidden}: {error:.0e}")
ax.axline((0, 0), slope=1, color="grey", lw=0.8)
ax.set(
    xlabel="finite differences",
    ylabel="backpropagation",
    title="every partial derivative, at four depths",
)
ax.legend(title="hidden layers: relative error")
fig.tight_layout()
plt.show()
