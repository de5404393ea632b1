"""A ReLU network fitted to a curve: a piecewise-linear function with one kink per hidden unit.

The figure of part 9, "Regression". The claim: a network with h ReLU units predicts a
piecewise-linear function of a single input, with a kink where a unit switches on or off (at
most h kinks), and more units follow the curve more closely (R² rises). ``report`` prints it,
``draw`` draws it and ``tests/test_guide_figures.py`` asserts it.
"""

import functools

import numpy as np

from sknn_simple import SimpleMLPRegressor

UNITS = (3, 6, 12)
LOW, HIGH = -3.0, 3.0


@functools.cache
def data():
    rng = np.random.RandomState(0)
    x = np.sort(rng.uniform(LOW, HIGH, 200))
    return x, np.sin(2 * x) + 0.1 * rng.randn(200)


@functools.cache
def fit(units):
    x, t = data()
    model = SimpleMLPRegressor(
        hidden_layer_sizes=(units,), alpha=1e-3, solver="lbfgs", max_iter=3000, random_state=0
    )
    return model.fit(x[:, None], t)


def kinks(model):
    """Where a hidden unit's pre-activation x w + b crosses 0, inside the data's range."""
    w, b = model.coefs_[0][0], model.intercepts_[0]
    places = -b / w
    return np.sort(places[(places > LOW) & (places < HIGH)])


def report():
    x, t = data()
    for units in UNITS:
        model = fit(units)
        # the claim, not the count: how many kinks fall inside [-3, 3] depends on the last bits
        # of 3,000 L-BFGS iterations (kinks near the ends move in or out on another processor)
        print(
            f"{units:2d} units: R² {model.score(x[:, None], t):.3f}, "
            f"at most {units} kinks: {len(kinks(model)) <= units}"
        )


def draw():
    import matplotlib.pyplot as plt

    report()
    x, t = data()
    grid = np.linspace(LOW, HIGH, 601)
    fig, axes = plt.subplots(len(UNITS), 1, figsize=(6.4, 7.4), sharex=True)
    for ax, units in zip(axes, UNITS, strict=True):
        model = fit(units)
        ax.scatter(x, t, s=6, color="0.6", label="data: sin(2x) + noise")
        ax.plot(grid, model.predict(grid[:, None]), color="C0", label="prediction")
        for place in kinks(model):
            ax.axvline(place, color="C3", lw=0.8, ls=":")
        ax.set_title(
            f"{units} ReLU units: {len(kinks(model))} kinks (dotted), "
            f"R² {model.score(x[:, None], t):.2f}",
            fontsize=10,
        )
        ax.set(ylim=(-1.6, 1.6))
    axes[-1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)
    axes[-1].set_xlabel("$x$")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
