"""Full-batch gradient descent on digits with three learning rates (figure of part 5).

The claim: the smallest rate crawls, the middle one ends lowest, the largest one makes the loss
jump up and down. ``report`` prints it, ``draw`` draws it and ``tests/test_guide_figures.py``
asserts it.
"""

import functools

import numpy as np
from two_layer_net import TwoLayerNet

from figures.input_scaling import data

RATES = {0.1: "too small", 3.0: "about right", 30.0: "too large"}
EPOCHS, HIDDEN = 200, 32


@functools.cache
def results():
    """{rate: (losses, test accuracy)}, pixels divided by 16."""
    X_train, X_test, y_train, y_test = data()
    out = {}
    for rate in RATES:
        net = TwoLayerNet(n_hidden=HIDDEN, learning_rate=rate).fit(X_train / 16, y_train, EPOCHS)
        out[rate] = np.array(net.losses), (net.predict(X_test / 16) == y_test).mean()
    return out


def rises(losses):
    """How many epochs ended with a higher loss than the one before."""
    return int((np.diff(losses) > 0).sum())


def report():
    for rate, (losses, accuracy) in results().items():
        print(
            f"rate {rate:4g} ({RATES[rate]:11s}): loss {losses[0]:.2f} -> {losses[-1]:.3f}, "
            f"rose in {rises(losses):3d} of {EPOCHS} epochs, test accuracy {accuracy:.2f}"
        )


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for rate, (losses, accuracy) in results().items():
        ax.plot(losses, label=f"{rate:g} ({RATES[rate]}): test accuracy {accuracy:.2f}")
    ax.set(xlabel="epoch (one step each)", ylabel="training loss", yscale="log")
    ax.legend(title="learning rate", fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    fig.tight_layout()


if __name__ == "__main__":
    draw()
