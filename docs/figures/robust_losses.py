"""Quantile bands and a Huber fit beside the squared error: the figure of docs/robust_losses.

The claims it prints: on noise whose spread grows six-fold across the input, the 0.1, 0.5 and
0.9 models each leave the share of held-out targets below them that their quantile asks for;
with 10 % of the training targets moved far away, the Huber model stays near the noise-free
curve and the squared-error model does not. ``tests/test_docs_figures.py`` asserts them.
"""

import warnings

import numpy as np

from sknn_simple import SimpleMLPRegressor

QUANTILES = (0.1, 0.5, 0.9)


def problem(n, seed):
    """y = sin(2 x) + noise of spread 0.2 + 0.5 |x| on x in [-2, 2]; also the noise-free y."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(-2, 2, size=(n, 1))
    truth = np.sin(2 * x[:, 0])
    return x, truth + (0.2 + 0.5 * np.abs(x[:, 0])) * rng.normal(size=n), truth


def results():
    """The fitted curves on a grid, each quantile's held-out coverage, and the two fits of
    the data with outliers (with their mean squared error against the noise-free curve)."""
    x, y, _ = problem(1500, 0)
    x_test, y_test, truth_test = problem(5000, 1)
    grid = np.linspace(-2, 2, 200)[:, None]
    out = {"x": x, "y": y, "grid": grid, "quantiles": {}, "coverage": {}}
    for q in QUANTILES:
        model = SimpleMLPRegressor(
            loss="quantile", quantile=q, hidden_layer_sizes=(32,), solver="lbfgs", random_state=0
        ).fit(x, y)
        out["quantiles"][q] = model.predict(grid)
        out["coverage"][q] = float(np.mean(y_test <= model.predict(x_test)))
    rng = np.random.RandomState(2)
    y_out = y.copy()
    moved = rng.uniform(size=len(y)) < 0.1
    y_out[moved] += rng.choice([-1, 1], moved.sum()) * rng.uniform(5, 15, moved.sum())
    out["y_outliers"], out["moved"] = y_out, moved
    out["fits"], out["error"] = {}, {}
    for loss in ("squared_error", "huber"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (an L-BFGS run to max_iter)
            model = SimpleMLPRegressor(
                loss=loss, hidden_layer_sizes=(32,), solver="lbfgs", random_state=0
            ).fit(x, y_out)
        out["fits"][loss] = model.predict(grid)
        out["error"][loss] = float(np.mean((model.predict(x_test) - truth_test) ** 2))
    return out


def report(out=None):
    out = results() if out is None else out
    for q, share in out["coverage"].items():
        print(f"quantile {q}: {share:.3f} of held-out targets at or below the prediction")
    for loss, error in out["error"].items():
        print(f"{loss} with 10 % outliers: mean squared error to the noise-free curve {error:.4f}")
    return out


def draw():
    import matplotlib.pyplot as plt

    out = report()
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 9.6), sharex=True)
    ax = axes[0]
    ax.scatter(out["x"][:, 0], out["y"], s=3, color="0.75", label="training data")
    for q, curve in out["quantiles"].items():
        share = out["coverage"][q]
        ax.plot(out["grid"][:, 0], curve, lw=2, label=f"quantile={q} (held out: {share:.2f})")
    ax.set_ylabel("$y$")
    ax.set_title("loss='quantile': three models, one per quantile", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, frameon=False, fontsize=9)
    ax = axes[1]
    ax.scatter(out["x"][:, 0], out["y_outliers"], s=3, color="0.75", label="training data")
    ax.plot(out["grid"][:, 0], np.sin(2 * out["grid"][:, 0]), "k:", label="noise-free curve")
    for loss, curve in out["fits"].items():
        error = out["error"][loss]
        ax.plot(out["grid"][:, 0], curve, lw=2, label=f"loss='{loss}' (error {error:.3f})")
    ax.set_ylim(-4, 4)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title("10 % of the targets moved by 5 to 15 (most off the plot)", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False, fontsize=9)
    fig.tight_layout()


if __name__ == "__main__":
    draw()
