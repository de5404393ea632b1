"""Why cross-entropy: with a sigmoid output, the squared error learns slowly when badly wrong."""

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit as sigmoid

z = np.linspace(-6, 6, 301)  # the logit of one sample whose target is y = 1
p = sigmoid(z)
fig, (loss, slope, training) = plt.subplots(1, 3, figsize=(11, 3.1))
loss.plot(z, -np.log(p), label=r"cross-entropy $-\log p$")
loss.plot(z, (p - 1) ** 2 / 2, label=r"squared error $(p - 1)^2 / 2$")
loss.set(title="loss, target $y = 1$", xlabel="logit $z$ ($p = \\sigma(z)$)", ylim=(0, 4))
loss.legend(fontsize=8)
slope.plot(z, p - 1, label=r"cross-entropy: $p - y$")
slope.plot(z, (p - 1) * p * (1 - p), label=r"squared error: $(p - y)\, p (1 - p)$")
slope.set(title="its derivative $d\\ell / dz$", xlabel="logit $z$")
slope.annotate(
    "confidently wrong:\nalmost no gradient",
    (-4.5, -0.01),
    (-5.5, -0.55),
    fontsize=8,
    arrowprops={"arrowstyle": "->"},
)
slope.legend(fontsize=8, loc="lower right")

# One sigmoid neuron, p = sigmoid(w x + b), learning to output 1 for x = 1 from a start that
# says 0.02: gradient descent with the same step on both losses.
for name, gradient in [
    ("cross-entropy", lambda p: p - 1),  # d loss / dz for y = 1
    ("squared error", lambda p: (p - 1) * p * (1 - p)),
]:
    w, b, outputs = -2.0, -2.0, []
    for _ in range(300):
        p_now = sigmoid(w + b)
        outputs.append(p_now)
        g = gradient(p_now)
        w, b = w - 0.15 * g, b - 0.15 * g  # x = 1: dz/dw = dz/db = 1
    training.plot(outputs, label=name)
training.set(title="one neuron, target 1, from $p = 0.02$", xlabel="step", ylabel="output $p$")
training.legend(fontsize=8)
fig.tight_layout()
