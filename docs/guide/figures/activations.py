"""The four hidden activations f and their derivatives f', from the package's registry.

The figure of part 2. The claims: the sigmoid's derivative is at most 1/4, at z = 0; ReLU's is
1 for positive inputs and 0 for negative ones. ``report`` prints them, ``draw`` draws them and
``tests/test_guide_figures.py`` asserts them.
"""

import numpy as np

from sknn_simple.core.activations import ACTIVATIONS

NAMES = ("relu", "sigmoid", "tanh", "identity")
Z = np.linspace(-5, 5, 401)  # includes z = 0


def curves(name):
    """(f(z), f'(z)) on Z; f' is computed from a = f(z), as in the package."""
    activation = ACTIVATIONS[name]
    a = activation.forward(Z.copy(), np.empty_like(Z))
    return a, activation.derivative(a)


def report():
    _, slope = curves("sigmoid")
    print(f"sigmoid: largest f' {slope.max():.4f}, at z = {Z[slope.argmax()]:g}")
    _, slope = curves("relu")
    print(f"relu: f' = {np.unique(slope[Z < 0])} for z < 0, {np.unique(slope[Z > 0])} for z > 0")


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, axes = plt.subplots(2, 2, figsize=(6.4, 5.2), sharex=True, sharey=True)
    for ax, name in zip(axes.ravel(), NAMES, strict=True):
        a, slope = curves(name)
        ax.plot(Z, a, label="$f(z)$")
        ax.plot(Z, slope, "--", label="$f'(z)$")
        ax.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax.axvline(0, color="0.8", lw=0.8, zorder=0)
        ax.set(title=f'"{name}"', ylim=(-1.3, 2.3))
    for ax in axes[1]:
        ax.set_xlabel("$z$")
    # The text sits left of the curves, above them: nothing is drawn through it.
    axes[0, 1].annotate(
        "at most 1/4", (0, 0.25), (-4.8, 1.5), arrowprops={"arrowstyle": "->"}, fontsize=10
    )
    axes[0, 0].legend(loc="upper left")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
