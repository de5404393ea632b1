"""The softmax of three logits, step by step, with the numbers."""

import matplotlib.pyplot as plt
import numpy as np

z = np.array([2.0, 1.0, 0.1])  # the logits of one sample
e = np.exp(z - z.max())  # every exponent <= 0: no overflow
p = e / e.sum()
steps = [
    ("logits $z_j$", z),
    ("$e^{z_j - z_{\\max}}$", e),
    ("$p_j$ (they sum to 1)", p),
]
fig, axes = plt.subplots(1, 3, figsize=(6.4, 2.6), sharex=True)
for ax, (title, values) in zip(axes, steps, strict=True):
    bars = ax.bar(["1", "2", "3"], values, color=["C0", "C1", "C2"])
    ax.bar_label(bars, [f"{v:.2f}" for v in values], fontsize=10)
    ax.set(title=title, xlabel="class", ylim=(0, max(values) * 1.25))
    ax.spines[["top", "right"]].set_visible(False)
fig.tight_layout()
