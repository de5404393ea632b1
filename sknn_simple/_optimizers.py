"""First-order update rules on the flat parameter vector, apart from the data and the estimator.

Each rule updates ``theta`` and its own state arrays in place from one gradient ``grad``;
``scratch`` is a work array of the same shape, so a step allocates nothing. The state is plain
arrays (one row per buffer of :func:`new_state`), which the estimator keeps between calls for
``warm_start`` and ``partial_fit``, and which pickle, joblib and skops store as they are.

The formulas, and the order of floating-point operations, are those of scikit-learn's
``SGDOptimizer`` and ``AdamOptimizer``.
"""

import math

import numpy as np

#: Number of state arrays each solver keeps (velocity; first and second moments).
N_STATE_ARRAYS = {"sgd": 1, "adam": 2}


def new_state(solver, n_params, dtype):
    """Zero-initialized optimizer state: an array of shape (N_STATE_ARRAYS[solver], n_params)."""
    return np.zeros((N_STATE_ARRAYS[solver], n_params), dtype=dtype)


def sgd_step(theta, grad, state, scratch, learning_rate, momentum, nesterov):
    """One step of gradient descent with momentum ``mu`` and learning rate ``eta``.

    Classical momentum::

        v     <- mu * v - eta * g
        theta <- theta + v

    Nesterov's momentum (Sutskever et al., 2013) looks one velocity step ahead::

        theta <- theta + mu * v - eta * g      (with the v just updated)

    ``momentum=0`` gives plain (mini-batch) gradient descent, ``theta <- theta - eta * g``.
    """
    (velocity,) = state
    lr_grad = np.multiply(grad, learning_rate, out=scratch)  # eta * g
    velocity *= momentum
    velocity -= lr_grad
    if nesterov:
        theta -= lr_grad
        theta += np.multiply(velocity, momentum, out=scratch)
    else:
        theta += velocity


def adam_step(theta, grad, state, scratch, step, learning_rate, beta_1, beta_2, epsilon):
    """One Adam step (Kingma & Ba, 2015).

    ``step`` counts the updates, starting at 1::

        m     <- beta_1 * m + (1 - beta_1) * g
        v     <- beta_2 * v + (1 - beta_2) * g^2
        eta_t  = eta * sqrt(1 - beta_2^step) / (1 - beta_1^step)      (bias corrections)
        theta <- theta - eta_t * m / (sqrt(v) + epsilon)
    """
    m, v = state
    m *= beta_1
    m += np.multiply(grad, 1 - beta_1, out=scratch)
    v *= beta_2
    np.multiply(grad, grad, out=scratch)
    scratch *= 1 - beta_2
    v += scratch
    eta_t = learning_rate * math.sqrt(1 - beta_2**step) / (1 - beta_1**step)
    np.sqrt(v, out=scratch)
    scratch += epsilon
    np.divide(m, scratch, out=scratch)
    scratch *= eta_t
    theta -= scratch


def invscaling_rate(learning_rate_init, n_samples_seen, power_t):
    """Inverse-scaling schedule ``eta = eta_0 / (t + 1)^power_t``, ``t`` the samples seen so far."""
    return learning_rate_init / (n_samples_seen + 1) ** power_t
