"""Gradient descent with and without momentum on a long, narrow valley."""

import matplotlib.pyplot as plt
import numpy as np

scales = np.array([1.0, 20.0])  # J(theta) = (theta_1^2 + 20 theta_2^2) / 2: curvatures 1 and 20


def gradient(theta):
    return scales * theta


def descend(learning_rate, momentum, steps=40):
    theta, v, path = np.array([-9.0, 1.5]), np.zeros(2), []
    for _ in range(steps):
        path.append(theta.copy())
        v = momentum * v - learning_rate * gradient(theta)  # v <- mu v - eta g
        theta = theta + v
    return np.array(path)


t1, t2 = np.meshgrid(np.linspace(-10, 2, 200), np.linspace(-2.2, 2.2, 200))
fig, ax = plt.subplots(figsize=(7.5, 3.6))
ax.contour(t1, t2, (t1**2 + 20 * t2**2) / 2, levels=np.geomspace(0.05, 80, 12), colors="0.8")
for (eta, mu), label in [
    ((0.09, 0.0), "gradient descent, $\\eta = 0.09$"),
    ((0.03, 0.0), "gradient descent, $\\eta = 0.03$"),
    ((0.03, 0.8), "with momentum, $\\eta = 0.03$, $\\mu = 0.8$"),
]:
    path = descend(eta, mu)
    loss = (scales * path[-1] ** 2).sum() / 2
    ax.plot(
        path[:, 0], path[:, 1], "o-", ms=3, lw=1, label=f"{label}: $J$ = {loss:.0e} after 40 steps"
    )
ax.plot(0, 0, "k*", ms=10)
ax.set(xlabel=r"$\theta_1$ (gentle slope)", ylabel=r"$\theta_2$ (steep)")
ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22))
fig.tight_layout()
