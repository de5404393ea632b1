"""The worked example of part 4: a 2-2-2 network, its values forward and its gradients back.

The numbers are those of the part's code (``tests/test_guide.py`` checks that they agree);
``gates.py`` draws the same computation as a chain of gates.
"""

import numpy as np

# --- the example: one sample, ReLU hidden units, softmax output -------------------------------
X = np.array([[1.0, 2.0]])  # (1, 2)   one sample, two features
Y = np.array([[0.0, 1.0]])  # (1, 2)   its class is the second one
W1 = np.array([[0.5, -0.3], [0.2, 0.4]])
b1 = np.array([0.1, -0.2])
W2 = np.array([[0.6, -0.4], [0.3, 0.8]])
b2 = np.array([0.0, 0.0])

Z1 = X @ W1 + b1
A1 = np.maximum(Z1, 0)
Z2 = A1 @ W2 + b2
P = np.exp(Z2 - Z2.max()) / np.exp(Z2 - Z2.max()).sum()
loss = -np.log(P[0, 1])
dZ2 = P - Y  # one sample: n = 1
dW2 = A1.T @ dZ2
dA1 = dZ2 @ W2.T
dZ1 = dA1 * (Z1 > 0)
dW1 = X.T @ dZ1


def _weights(W1, W2):
    labels = {(0, i, j): f"{W1[i, j]:+.2f}" for i in range(2) for j in range(2)}
    labels |= {(1, i, j): f"{W2[i, j]:+.2f}" for i in range(2) for j in range(2)}
    return labels


def _biases(b1, b2, name):
    return {(l, j): f"{name} = {b[j]:+.2f}" for l, b in [(1, b1), (2, b2)] for j in range(2)}


def draw():
    import matplotlib.pyplot as plt
    from figures.drawing import draw_network

    fig, (forward_ax, backward_ax) = plt.subplots(2, 1, figsize=(6.6, 6.2))
    forward_layers = [
        ("input $x$", [f"{v:g}" for v in X[0]], "#dbe9f6"),
        (
            "hidden: $z \\to a = \\max(z, 0)$",
            [f"{z:.2f}\n$\\to${a:.2f}" for z, a in zip(Z1[0], A1[0], strict=True)],
            "#fde3c8",
        ),
        (
            "output: $z \\to p$",
            [f"{z:.2f}\n$\\to${p:.2f}" for z, p in zip(Z2[0], P[0], strict=True)],
            "#d9f0d3",
        ),
    ]
    draw_network(
        forward_ax, forward_layers, _weights(W1, W2), _biases(b1, b2, "$b$"), 2.6, radius=0.32
    )
    forward_ax.set_title("forward: values; weights on the edges, biases below", fontsize=10)
    backward_layers = [
        ("input $x$", [f"{v:g}" for v in X[0]], "#dbe9f6"),
        ("hidden: $\\delta Z_1$", [f"{v:+.2f}" for v in dZ1[0]], "#fde3c8"),
        ("output: $\\delta Z_2 = P - Y$", [f"{v:+.2f}" for v in dZ2[0]], "#d9f0d3"),
    ]
    draw_network(
        backward_ax,
        backward_layers,
        _weights(dW1, dW2),
        _biases(dZ1.sum(axis=0), dZ2.sum(axis=0), "$\\delta b$"),
        2.6,
        radius=0.32,
    )
    backward_ax.set_title("backward: deltas; gradients of the weights and biases", fontsize=10)
    for ax in (forward_ax, backward_ax):
        ax.set(xlim=(-0.6, 5.8), ylim=(-1.25, 1.6))
    fig.tight_layout()


if __name__ == "__main__":
    draw()
