"""What the L2 penalty does to the weights: the fits of the diagnostics figure, looked inside.

The figure of part 7, "What the penalty does". The claim: the larger ``alpha``, the smaller
the weights (their root mean square falls at every step of ``alpha``), and the narrower their
distribution around 0. ``report`` prints it, ``draw`` draws it and
``tests/test_guide_figures.py`` asserts it.
"""

import numpy as np
from figures.diagnostics import ALPHAS, fit

SHOWN = (1e-4, 1.0, 100.0)  # the alphas whose weights the histogram shows


def weights(alpha):
    """Every weight of the 64-unit network fitted with ``alpha`` (no biases: not penalized)."""
    return np.concatenate([W.ravel() for W in fit(64, alpha).coefs_])


def rms(alpha):
    return float(np.sqrt(np.mean(weights(alpha) ** 2)))


def report():
    for alpha in ALPHAS:
        print(f"alpha {alpha:6g}: root mean square weight {rms(alpha):.3f}")


def draw():
    import matplotlib.pyplot as plt

    report()
    fig, (histogram, shrinkage) = plt.subplots(2, 1, figsize=(6.4, 6.2))
    largest = np.abs(weights(SHOWN[0])).max()
    bins = np.linspace(-largest, largest, 61)
    for alpha in SHOWN:
        histogram.hist(weights(alpha), bins, histtype="step", lw=1.5, label=f"alpha = {alpha:g}")
    histogram.set(xlabel="weight value", ylabel="number of weights", yscale="log")
    histogram.legend(loc="upper right")
    shrinkage.plot(ALPHAS, [rms(a) for a in ALPHAS], "o-")
    shrinkage.set(
        xscale="log", xlabel="alpha (64 hidden units, digits)", ylabel="root mean square weight"
    )
    fig.tight_layout()


if __name__ == "__main__":
    draw()
