"""Hidden activations ``f``: a registry of small records, one per function.

Each activation works in place: ``forward`` turns the pre-activations ``Z`` into ``A = f(Z)``;
``backward`` multiplies a delta by ``f'(Z)``, computed from ``A`` so that ``Z`` need not be
kept. ``derivative`` and ``second_derivative`` return ``f'(Z)`` and ``f''(Z)``, also from
``A``, for the curvature products of the Newton solver. Every field is required: an
activation whose second derivative is zero (relu, identity) says so with :data:`ZERO`, so a
new activation cannot silently hand Newton a wrong Hessian.

Adding an activation is one entry in :data:`ACTIVATIONS` (the tests check every entry's
derivatives against finite differences, and its ONNX operator is named in ``onnx_op``).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit


def ZERO(A):
    """The second derivative of a piecewise-linear activation: zero wherever it exists.

    Returns None, which the curvature products read as "this term vanishes" (and skip).
    """
    return None


def _identity(Z):
    return Z


def _identity_backward(A, delta):
    return delta  # f(z) = z, f'(z) = 1


def _identity_derivative(A):
    return np.ones_like(A)


def _relu(Z):
    return np.maximum(Z, 0.0, out=Z)  # 0.0, not 0: no conversion of the scalar at each call


def _relu_backward(A, delta):
    # f(z) = max(z, 0), f'(z) = 1 if z > 0 else 0, and z > 0 exactly when A > 0
    return np.multiply(delta, A > 0, out=delta)


def _relu_derivative(A):
    return (A > 0).astype(A.dtype)


def _sigmoid(Z):
    return expit(Z, out=Z)


def _sigmoid_backward(A, delta):
    # f(z) = 1 / (1 + exp(-z)), f'(z) = f(z) (1 - f(z)) = A (1 - A)
    delta *= A
    delta *= 1 - A
    return delta


def _sigmoid_derivative(A):
    return A * (1 - A)


def _sigmoid_second_derivative(A):
    return A * (1 - A) * (1 - 2 * A)  # f'' = f' (1 - 2 f)


def _tanh(Z):
    return np.tanh(Z, out=Z)


def _tanh_backward(A, delta):
    # f'(z) = 1 - tanh(z)^2 = 1 - A^2
    delta *= 1 - A * A
    return delta


def _tanh_derivative(A):
    return 1 - A * A


def _tanh_second_derivative(A):
    return -2 * A * (1 - A * A)  # f'' = -2 f f'


@dataclass(frozen=True)
class Activation:
    """A hidden activation ``f``: in-place forward and backward steps, and its derivatives."""

    forward: Callable
    backward: Callable
    derivative: Callable
    second_derivative: Callable  # ZERO when f'' vanishes
    #: Glorot's bound is sqrt(init_factor / (fan_in + fan_out)); 2 for the sigmoid, as
    #: scikit-learn's MLPClassifier uses, 6 otherwise.
    init_factor: float
    #: The ONNX operator computing f.
    onnx_op: str


ACTIVATIONS = {
    "identity": Activation(
        _identity, _identity_backward, _identity_derivative, ZERO, 6.0, "Identity"
    ),
    "relu": Activation(_relu, _relu_backward, _relu_derivative, ZERO, 6.0, "Relu"),
    "sigmoid": Activation(
        _sigmoid,
        _sigmoid_backward,
        _sigmoid_derivative,
        _sigmoid_second_derivative,
        2.0,
        "Sigmoid",
    ),
    "tanh": Activation(
        _tanh, _tanh_backward, _tanh_derivative, _tanh_second_derivative, 6.0, "Tanh"
    ),
}
ACTIVATIONS["logistic"] = ACTIVATIONS["sigmoid"]  # scikit-learn's name for the sigmoid
