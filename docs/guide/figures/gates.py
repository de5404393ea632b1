"""Backpropagation as a chain of gates: the worked example of part 4, one gate per line.

Each gate computes its output from its inputs on the way forward; on the way back it receives
the gradient of the loss with respect to its output and multiplies it by its *local* gradient
to hand on the gradient with respect to its input. The numbers are the worked example's
(``worked_example.py``); ``tests/test_guide_figures.py`` checks that each backward value is the
one above it times the gate's local gradient.
"""

import numpy as np
from figures.worked_example import A1, W2, Z1, Z2, X, Y, dA1, dZ1, dZ2, loss

# (name of the value, its forward value, its gradient, the gate that produces the next value,
#  how that gate hands the gradient back, with the shapes)
ROWS = [
    (
        "$X$",
        X,
        None,
        "$Z_1 = X W_1 + b_1$",
        "$\\delta W_1 = X^{\\mathsf{T}} \\delta Z_1$:  (d, n)(n, h)",
    ),
    ("$Z_1$", Z1, dZ1, "$A_1 = \\max(Z_1, 0)$", "$\\delta Z_1 = \\delta A_1 \\odot [Z_1 > 0]$"),
    (
        "$A_1$",
        A1,
        dA1,
        "$Z_2 = A_1 W_2 + b_2$",
        "$\\delta A_1 = \\delta Z_2\\, W_2^{\\mathsf{T}}$:  (n, k)(k, h)",
    ),
    (
        "$Z_2$",
        Z2,
        dZ2,
        "$\\ell = -\\log\\, \\mathrm{softmax}(Z_2)_{\\mathrm{true}}$",
        "$\\delta Z_2 = P - Y$",
    ),
    ("$\\ell$", np.array([[loss]]), np.array([[1.0]]), None, None),
]


def local_gradients_hold():
    """Each backward value is the one after it times its gate's local gradient."""
    relu_slope = (Z1 > 0).astype(float)
    P = np.exp(Z2) / np.exp(Z2).sum()
    return (
        np.allclose(dZ2, P - Y)
        and np.allclose(dA1, dZ2 @ W2.T)
        and np.allclose(dZ1, dA1 * relu_slope)
    )


def _vector(values):
    return "(" + ", ".join(f"{v:.2f}" for v in values.ravel()) + ")"


def report():
    for name, value, gradient, _, _ in ROWS:
        back = "not needed" if gradient is None else _vector(gradient)
        plain = name.strip("$").replace("\\ell", "loss")
        print(f"{plain:5s} forward {_vector(value):15s} backward {back}")
    print("each backward value is the next one times the local gradient:", local_gradients_hold())


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, ax = plt.subplots(figsize=(6.6, 5.6))
    ax.set(xlim=(0, 10), ylim=(-0.6, 2 * len(ROWS) - 1.2))
    ax.axis("off")
    top = 2 * (len(ROWS) - 1)
    ax.text(2.0, top + 0.75, "forward: values", ha="center", fontsize=10, weight="bold")
    ax.text(8.0, top + 0.75, "backward: gradients", ha="center", fontsize=10, weight="bold")
    for i, (name, value, gradient, gate, rule) in enumerate(ROWS):
        y = top - 2 * i
        ax.text(2.0, y, f"{name} = {_vector(value)}", ha="center", va="center", fontsize=10)
        back = "(not needed)" if gradient is None else f"$\\delta${name} = {_vector(gradient)}"
        ax.text(8.0, y, back, ha="center", va="center", fontsize=10, color="C3")
        if gate is None:
            continue
        ax.annotate("", (2.0, y - 1.65), (2.0, y - 0.3), arrowprops={"arrowstyle": "->"})
        ax.annotate(
            "", (8.0, y - 0.3), (8.0, y - 1.65), arrowprops={"arrowstyle": "->", "color": "C3"}
        )
        ax.text(
            5.0,
            y - 0.78,
            gate,
            ha="center",
            va="center",
            fontsize=10,
            bbox={"boxstyle": "round", "fc": "#fde3c8", "ec": "0.4"},
        )
        ax.text(5.0, y - 1.38, rule, ha="center", va="center", fontsize=9, color="C3")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
