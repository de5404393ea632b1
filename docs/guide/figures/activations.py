"""The four hidden activations f and their derivatives f', from the package's registry."""

import matplotlib.pyplot as plt
import numpy as np

from sknn_simple.core.activations import ACTIVATIONS

z = np.linspace(-5, 5, 401)
fig, axes = plt.subplots(1, 4, figsize=(11, 2.8), sharey=True)
for ax, name in zip(axes, ["relu", "sigmoid", "tanh", "identity"], strict=True):
    activation = ACTIVATIONS[name]
    a = activation.forward(z.copy())  # f(z)
    ax.plot(z, a, label="$f(z)$")
    ax.plot(z, activation.derivative(a), "--", label="$f'(z)$")  # f' is computed from a = f(z)
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.axvline(0, color="0.8", lw=0.8, zorder=0)
    ax.set(title=f'"{name}"', xlabel="$z$", ylim=(-1.3, 2.3))
axes[1].annotate("at most 1/4", (0, 0.25), (1.2, 0.9), arrowprops={"arrowstyle": "->"}, fontsize=9)
axes[0].legend(loc="upper left")
fig.tight_layout()
