"""Why cross-entropy: with a sigmoid output, the squared error learns slowly when badly wrong.

The figure of part 2. The claim: one sigmoid neuron that starts out saying 0.02 for a sample of
class 1, trained with the same step on each loss, passes p = 0.5 within a few steps with the
cross-entropy and only after many times more with the squared error. ``report`` prints it,
``draw`` draws it and ``tests/test_guide_figures.py`` asserts it.
"""

import numpy as np
from scipy.special import expit as sigmoid

GRADIENTS = {  # d loss / dz for a target y = 1, as functions of p = sigmoid(z)
    "cross-entropy": lambda p: p - 1,
    "squared error": lambda p: (p - 1) * p * (1 - p),
}
STEPS, RATE = 300, 0.15


def train(gradient):
    """Outputs p of the neuron p = sigmoid(w x + b), x = 1, over STEPS gradient steps."""
    w, b, outputs = -2.0, -2.0, []
    for _ in range(STEPS):
        p = sigmoid(w + b)
        outputs.append(p)
        g = gradient(p)
        w, b = w - RATE * g, b - RATE * g  # x = 1: dz/dw = dz/db = 1
    return np.array(outputs)


def steps_to_half(outputs):
    """The first step at which the output exceeds 0.5."""
    return int(np.argmax(outputs > 0.5))


def report():
    for name, gradient in GRADIENTS.items():
        outputs = train(gradient)
        steps = steps_to_half(outputs)
        print(f"{name:13s}: p = {outputs[0]:.2f} at first, above 0.5 after {steps} steps")


def draw():
    import matplotlib.pyplot as plt

    report()
    z = np.linspace(-6, 6, 301)  # the logit of one sample whose target is y = 1
    p = sigmoid(z)
    fig = plt.figure(figsize=(6.4, 6.4))
    loss, slope = fig.add_subplot(2, 2, 1), fig.add_subplot(2, 2, 2)
    training = fig.add_subplot(2, 1, 2)
    loss.plot(z, -np.log(p), label="cross-entropy")
    loss.plot(z, (p - 1) ** 2 / 2, label="squared error")
    loss.set(title="loss, target $y = 1$", xlabel="logit $z$", ylim=(0, 4))
    loss.legend(loc="upper right")
    slope.plot(z, p - 1)
    slope.plot(z, (p - 1) * p * (1 - p))
    slope.set(title="its derivative $d\\ell / dz$", xlabel="logit $z$")
    slope.annotate(  # between the two curves, where neither crosses the text
        "confidently\nwrong: almost\nno gradient",
        (-5, -0.01),
        (-5.7, -0.24),
        va="top",
        arrowprops={"arrowstyle": "->"},
    )
    for name, gradient in GRADIENTS.items():
        training.plot(train(gradient), label=name)
    training.set(title="one neuron, target 1, from $p = 0.02$", xlabel="step", ylabel="output $p$")
    training.legend(loc="lower right")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
