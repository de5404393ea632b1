"""Gradient descent with and without momentum across a long, narrow valley (figure of part 5).

The claim the guide makes: at a step where plain descent zig-zags across the valley, momentum
damps the zig-zag and moves faster along the valley. ``report`` prints it, ``draw`` draws it
and ``tests/test_guide_figures.py`` asserts it.
"""

import functools

import numpy as np

CURVATURES = np.array([1.0, 20.0])  # J = (theta_1^2 + 20 theta_2^2) / 2: gentle along, steep across
START = np.array([-9.0, 1.5])
STEPS = 40
ETA = 0.09  # below 2 / 20, so plain descent converges, but above 1 / 20: it overshoots across
MU = 0.5


def descend(eta, mu, nesterov=False, steps=STEPS):
    """The path of ``steps`` momentum steps from START, as an array (steps + 1, 2)."""
    theta, v, path = START.copy(), np.zeros(2), [START.copy()]
    for _ in range(steps):
        g = CURVATURES * theta  # the gradient of J
        v = mu * v - eta * g  # v <- mu v - eta g
        theta = theta + (mu * v - eta * g if nesterov else v)
        path.append(theta.copy())
    return np.array(path)


def loss(theta):
    return (CURVATURES * theta**2).sum() / 2


def swings(path, tolerance=0.01):
    """How often the path crosses the valley's floor (theta_2 changes sign) before it settles.

    Positions closer to the floor than ``tolerance`` times the start's distance are ignored: a
    crossing too small to see is not a zig-zag.
    """
    across = path[:, 1]
    seen = across[np.abs(across) > tolerance * abs(START[1])]
    return int((np.sign(seen[1:]) != np.sign(seen[:-1])).sum())


@functools.cache
def results():
    """{name: path} for plain descent and momentum at the same step, and Nesterov's form."""
    return {
        "plain": descend(ETA, 0.0),
        "momentum": descend(ETA, MU),
        "nesterov": descend(ETA, MU, nesterov=True),
    }


def report():
    paths = results()
    for name in ["plain", "momentum"]:
        path = paths[name]
        print(
            f"{name:8s}: {swings(path):2d} crossings of the valley, "
            f"J = {loss(path[-1]):.0e} after {STEPS} steps"
        )
    print(f"nesterov: J = {loss(paths['nesterov'][-1]):.0e} after {STEPS} steps")


def draw():
    import matplotlib.pyplot as plt

    report()
    paths = results()
    t1, t2 = np.meshgrid(np.linspace(-10, 2, 200), np.linspace(-2, 2, 200))
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 5.4), sharex=True)
    labels = {
        "plain": f"gradient descent, $\\eta = {ETA}$",
        "momentum": f"momentum, $\\eta = {ETA}$, $\\mu = {MU}$",
    }
    for ax, (name, label), colour in zip(axes, labels.items(), ["C0", "C1"], strict=True):
        path = paths[name]
        ax.contour(t1, t2, (t1**2 + 20 * t2**2) / 2, np.geomspace(0.05, 80, 12), colors="0.85")
        ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1, color=colour)
        ax.plot(0, 0, "k*", ms=10)
        ax.set_title(f"{label}: {swings(path)} crossings, $J$ = {loss(path[-1]):.0e}", fontsize=10)
        ax.set_ylabel(r"$\theta_2$ (steep)")
    axes[1].set_xlabel(r"$\theta_1$ (gentle slope)")
    fig.tight_layout()


if __name__ == "__main__":
    draw()
