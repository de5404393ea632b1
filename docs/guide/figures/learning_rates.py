"""Full-batch gradient descent on digits with three learning rates (figure of part 5).

The claim: the smallest rate crawls, the middle one ends lowest, the largest one makes the loss
jump up and down. ``report`` prints it, ``draw`` draws it and ``tests/test_guide_figures.py``
asserts it.
"""

import functools

import numpy as np
from figures.input_scaling import data
from two_layer_net import TwoLayerNet

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
    """What the figure shows, in words and the numbers that do not depend on rounding.

    At the largest rate the loss bounces chaotically: a change in the last bit of one product
    changes the path, so only its behaviour is printed.
    """
    (small, small_accuracy), (middle, middle_accuracy), (large, _) = results().values()
    print(
        f"rate 0.1 (too small): loss {small[0]:.2f} -> {small[-1]:.2f}, "
        f"{'never rose' if rises(small) == 0 else 'rose'}, test accuracy {small_accuracy:.2f}"
    )
    lowest = middle[-1] < min(small[-1], large[-1])
    print(
        f"rate 3 (about right): loss {middle[0]:.2f} -> {middle[-1]:.2f}"
        f"{', the lowest' if lowest else ''}, test accuracy {middle_accuracy:.2f}"
    )
    jumps = rises(large) > len(large) / 3 and large[-1] > large[0]
    print(
        "rate 30 (too large): "
        + ("rose in over 1/3 of the epochs, ended above its start" if jumps else "did not jump")
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
