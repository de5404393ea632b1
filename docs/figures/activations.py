"""Every hidden activation of the registry with its derivative: the figure of docs/activations.

The claims it prints: scikit-learn's four and the five additions, each with f'(0) and the
smallest slope for z < 0 (0 for relu, 0.01 for leaky relu, negative for gelu and silu, whose
dip below 0 is what makes them not monotone). ``tests/test_docs_figures.py`` asserts them.
"""

import numpy as np

from sknn_simple.core.activations import ACTIVATIONS

SKLEARN = ("relu", "logistic", "tanh", "identity")
ADDED = ("leaky_relu", "elu", "softplus", "gelu", "silu")
Z = np.linspace(-4, 4, 801)  # includes z = 0


def curves(name):
    """(f(z), f'(z)) on Z, from what the registry's derivative reads (f(z) or z)."""
    act = ACTIVATIONS[name]
    a = act.forward(Z.copy(), np.empty_like(Z))
    return a, act.derivative(a if act.reads == "output" else Z)


def report():
    """One line per activation: f'(0), the smallest f' for z < 0, the smallest f(z)."""
    rows = {}
    for name in (*SKLEARN, *ADDED):
        a, slope = curves(name)
        rows[name] = (slope[Z == 0][0], slope[Z < 0].min(), a.min())
        print(
            f"{name:>10}: f'(0) = {rows[name][0]:.3f}, smallest f' below 0 = "
            f"{rows[name][1]:.3f}, smallest f = {rows[name][2]:.3f}"
        )
    return rows


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 7.0), sharex=True)
    for ax, title in zip(axes, ("$f(z)$", "$f'(z)$"), strict=True):
        for name in ADDED:
            a, slope = curves(name)
            ax.plot(Z, a if title == "$f(z)$" else slope, label=name)
        a, slope = curves("relu")
        ax.plot(Z, a if title == "$f(z)$" else slope, color="0.6", ls=":", label="relu")
        ax.axhline(0, color="0.85", lw=0.8, zorder=0)
        ax.axvline(0, color="0.85", lw=0.8, zorder=0)
        ax.set_ylabel(title)
    axes[0].set_ylim(-1.2, 4)
    axes[1].set_ylim(-0.2, 1.2)
    axes[0].legend(loc="upper left", frameon=False, ncol=2)
    axes[1].set_xlabel("$z$")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
