"""First-order update rules on the flat parameter vector, apart from the data and the estimator.

Each rule updates ``theta`` and its own state arrays in place from one gradient ``grad``, and
allocates nothing: each ``y + a * x`` is one BLAS ``axpy`` (:func:`~sknn_simple.core.blas.axpy`),
a single pass with no temporary array, and Adam uses ``grad`` as work space once it has read it.
On a large network a step's passes over the parameters take as long as the matrix products
(the parameters no longer fit in the processor's cache), so each pass saved counts.

The state is plain arrays (one row per buffer), kept in the training state between calls for
``warm_start`` and ``partial_fit``; the solver registry (``solvers.py``) says how many each
rule needs and binds the rule to its hyperparameters.

The formulas are those of scikit-learn's ``SGDOptimizer`` and ``AdamOptimizer``; the results
agree up to rounding (``axpy`` may fuse its multiply and add).
"""

import math

import numpy as np

from ..core.blas import axpy


def sgd_step(theta, grad, state, learning_rate, momentum, nesterov):
    """One step of gradient descent with momentum ``mu`` and learning rate ``eta``.

    Classical momentum::

        v     <- mu * v - eta * g
        theta <- theta + v

    Nesterov's momentum (Sutskever et al., 2013) looks one velocity step ahead::

        theta <- theta + mu * v - eta * g      (with the v just updated)

    ``momentum=0`` gives plain (mini-batch) gradient descent, ``theta <- theta - eta * g``.
    """
    (velocity,) = state
    velocity *= momentum
    axpy(-learning_rate, grad, velocity)  # v <- mu * v - eta * g
    if nesterov:
        axpy(momentum, velocity, theta)
        axpy(-learning_rate, grad, theta)
    else:
        theta += velocity


def adam_step(theta, grad, state, step, learning_rate, beta_1, beta_2, epsilon):
    """One Adam step (Kingma & Ba, 2015); overwrites ``grad``, which it uses as work space.

    ``step`` counts the updates, starting at 1::

        m     <- beta_1 * m + (1 - beta_1) * g
        v     <- beta_2 * v + (1 - beta_2) * g^2
        eta_t  = eta * sqrt(1 - beta_2^step) / (1 - beta_1^step)      (bias corrections)
        theta <- theta - eta_t * m / (sqrt(v) + epsilon)
    """
    m, v = state
    m *= beta_1
    axpy(1 - beta_1, grad, m)
    squared = np.multiply(grad, grad, out=grad)  # g is not needed any more
    v *= beta_2
    axpy(1 - beta_2, squared, v)
    eta_t = learning_rate * math.sqrt(1 - beta_2**step) / (1 - beta_1**step)
    denominator = np.sqrt(v, out=grad)
    denominator += epsilon
    ratio = np.divide(m, denominator, out=grad)  # m / (sqrt(v) + epsilon)
    axpy(-eta_t, ratio, theta)
