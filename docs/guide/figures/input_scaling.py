"""The same network, learning rate and epochs on digits, with the pixels scaled three ways.

The figure of part 5, "Scaling the inputs". The claim: with Glorot's small weights, pixels
divided by 255 leave the hidden outputs nearly equal for every image, and the network learns
almost nothing; the tutorial's larger N(0, 1) weights make the same pixels learnable; pixels on
their true scale, or standardized, learn best. ``report`` prints it, ``draw`` draws it and
``tests/test_guide_figures.py`` asserts it.
"""

import functools

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from two_layer_net import TwoLayerNet, sigmoid

EPOCHS, HIDDEN, RATE = 200, 32, 1.0


class TutorialWeights(TwoLayerNet):
    """The class of part 3 with the tutorial's initial weights: N(0, 1), biases 0."""

    def init_weights(self, d, k):
        rng = np.random.RandomState(self.random_state)
        self.W1, self.b1 = rng.randn(d, self.n_hidden), np.zeros(self.n_hidden)
        self.W2, self.b2 = rng.randn(self.n_hidden, k), np.zeros(k)


def data():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.2, random_state=42)


@functools.cache
def results():
    """{label: (losses, test accuracy, spread of the first hidden outputs)} for four scalings."""
    X_train, X_test, y_train, y_test = data()
    scaler = StandardScaler().fit(X_train)
    runs = {
        "/ 255, Glorot weights": (lambda X: X / 255, TwoLayerNet),
        "/ 255, N(0, 1) (tutorial)": (lambda X: X / 255, TutorialWeights),
        "/ 16, Glorot weights": (lambda X: X / 16, TwoLayerNet),
        "standardized, Glorot": (scaler.transform, TwoLayerNet),
    }
    out = {}
    for label, (scale, network) in runs.items():
        net = network(n_hidden=HIDDEN, learning_rate=RATE)
        net.init_weights(64, 10)
        # How much the hidden outputs differ from image to image before training: the std over
        # the images, averaged over the units. If it is tiny, every image looks the same.
        spread = sigmoid(scale(X_train) @ net.W1 + net.b1).std(axis=0).mean()
        net.fit(scale(X_train), y_train, epochs=EPOCHS)
        accuracy = (net.predict(scale(X_test)) == y_test).mean()
        out[label] = (np.array(net.losses), accuracy, spread)
    return out


def report():
    for label, (losses, accuracy, spread) in results().items():
        print(
            f"{label:25s} spread {spread:.3f}, "
            f"loss {losses[0]:.2f} -> {losses[-1]:.2f}, accuracy {accuracy:.2f}"
        )


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for label, (losses, accuracy, _) in results().items():
        pixels = "pixels " if label.startswith("/") else ""
        ax.plot(losses, label=f"{pixels}{label}: test accuracy {accuracy:.2f}")
    ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
    ax.set_title(f"learning rate {RATE}, {HIDDEN} sigmoid units", fontsize=10)
    # Below the axes: a legend inside would cover the curves' steep start.
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1)
    fig.tight_layout()


if __name__ == "__main__":
    draw()
