"""The gradient of every layer of a deep network, with sigmoid, tanh and ReLU units.

The figure of part 9, "More hidden layers". The claim: at the start of training, on digits,
with six hidden layers of 32 units, the sigmoid network's first layer gets a gradient about
10^5 times smaller than its last layer, while with ReLU all layers' gradients are within a
factor of ten of each other. ``report`` prints it, ``draw`` draws it and
``tests/test_guide_figures.py`` asserts it.
"""

import functools

import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from sknn_simple.core.network import Layout, init_params, loss_and_grad

ACTIVATIONS = ("sigmoid", "tanh", "relu")
HIDDEN = (32,) * 6


@functools.cache
def results():
    """{activation: root mean square gradient of W_1, ..., W_7} at the initial weights."""
    X, y = load_digits(return_X_y=True)
    X, Y = StandardScaler().fit_transform(X), np.eye(10)[y]
    layout = Layout((64, *HIDDEN, 10))
    out = {}
    for activation in ACTIVATIONS:
        theta = init_params(layout, activation, np.random.RandomState(0))
        _, grad = loss_and_grad(theta, layout, X, Y, activation, "softmax")
        gradients, _ = layout.unpack(grad)
        out[activation] = np.array([np.sqrt(np.mean(g**2)) for g in gradients])
    return out


def report():
    for activation, sizes in results().items():
        print(
            f"{activation:7s}: gradient of W_1 {sizes[0]:.1e}, of W_{len(sizes)} {sizes[-1]:.1e}, "
            f"ratio {sizes[-1] / sizes[0]:.0e}"
        )


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for activation, sizes in results().items():
        ax.plot(range(1, len(sizes) + 1), sizes, "o-", label=activation)
    ax.set(
        xlabel="layer $l$ (weights $W_l$; 7 is the output layer)",
        ylabel="root mean square of $\\delta W_l$",
        yscale="log",
    )
    ax.legend(loc="lower right")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
