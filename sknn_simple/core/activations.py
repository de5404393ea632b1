"""Hidden activations ``f``: a registry of small records, one per function.

Each activation works on the pre-activations ``Z`` of a layer: ``forward(Z, out)`` writes
``A = f(Z)`` into ``out`` (which may be ``Z`` itself: then in place). Its derivatives are
computed from whichever of ``Z`` and ``A`` the record says it ``reads``: from the output ``A``
where ``f'`` is a function of ``f`` (relu, sigmoid, tanh, elu, softplus: then ``Z`` need not be
kept and the forward pass runs in place), from the input ``Z`` where it is not (gelu and silu
are not monotone, so ``A`` does not tell ``Z``). ``backward(S, delta)`` multiplies a delta by
``f'(Z)`` in place; ``derivative(S)`` and ``second_derivative(S)`` return ``f'(Z)`` and
``f''(Z)`` for the curvature products of the Newton solver, ``S`` being ``A`` or ``Z``. Every
field is required: an activation whose second derivative is zero (relu, identity, leaky relu)
says so with :data:`ZERO`, so a new activation cannot silently hand Newton a wrong Hessian.

Adding an activation is one entry in :data:`ACTIVATIONS`: the tests check every entry's
derivatives against finite differences, the gradients and curvature products of networks
using it, and its ONNX graph (``onnx``, a small expression of ONNX operators) against
onnxruntime.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

#: The slope of ``"leaky_relu"`` for negative inputs (PyTorch's and ONNX's default).
LEAKY_SLOPE = 0.01
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def ZERO(S):
    """The second derivative of a piecewise-linear activation: zero wherever it exists.

    Returns None, which the curvature products read as "this term vanishes" (and skip).
    """
    return None


# --- identity and relu: piecewise linear -----------------------------------------------------


def _identity(Z, out):
    if out is not Z:
        out[...] = Z
    return out


def _identity_backward(A, delta):
    return delta  # f(z) = z, f'(z) = 1


def _identity_derivative(A):
    return np.ones_like(A)


def _relu(Z, out):
    return np.maximum(Z, 0.0, out=out)  # 0.0, not 0: no conversion of the scalar at each call


def _relu_backward(A, delta):
    # f(z) = max(z, 0), f'(z) = 1 if z > 0 else 0, and z > 0 exactly when A > 0
    return np.multiply(delta, A > 0, out=delta)


def _relu_derivative(A):
    return (A > 0).astype(A.dtype)


def _leaky_relu(Z, out):
    return np.maximum(Z, LEAKY_SLOPE * Z, out=out)  # z for z > 0, 0.01 z below


def _leaky_relu_derivative(A):
    # f'(z) = 1 if z > 0 else 0.01 (at z = 0 the slope from the left, as relu's 0), and z > 0
    # exactly when A > 0; the two slopes in A's dtype, so the result is in it too
    one, slope = A.dtype.type(1.0), A.dtype.type(LEAKY_SLOPE)
    return np.where(A > 0, one, slope)


def _leaky_relu_backward(A, delta):
    delta *= _leaky_relu_derivative(A)
    return delta


# --- sigmoid and tanh: f' from f -------------------------------------------------------------


def _sigmoid(Z, out):
    return expit(Z, out=out)


def _sigmoid_backward(A, delta):
    # f(z) = 1 / (1 + exp(-z)), f'(z) = f(z) (1 - f(z)) = A (1 - A)
    delta *= A
    delta *= 1 - A
    return delta


def _sigmoid_derivative(A):
    return A * (1 - A)


def _sigmoid_second_derivative(A):
    return A * (1 - A) * (1 - 2 * A)  # f'' = f' (1 - 2 f)


def _tanh(Z, out):
    return np.tanh(Z, out=out)


def _tanh_backward(A, delta):
    # f'(z) = 1 - tanh(z)^2 = 1 - A^2
    delta *= 1 - A * A
    return delta


def _tanh_derivative(A):
    return 1 - A * A


def _tanh_second_derivative(A):
    return -2 * A * (1 - A * A)  # f'' = -2 f f'


# --- elu and softplus: smooth relus, f' from f -----------------------------------------------


def _elu(Z, out):
    # f(z) = z for z > 0, exp(z) - 1 below (alpha = 1, ONNX's and PyTorch's default)
    below = Z <= 0
    negative = np.expm1(np.minimum(Z, 0.0))  # no overflow for large z
    if out is not Z:
        out[...] = Z
    np.copyto(out, negative, where=below)
    return out


def _elu_derivative(A):
    # f'(z) = 1 for z > 0, exp(z) = A + 1 below; z > 0 exactly when A > 0
    return np.where(A > 0, 1.0, A + 1)  # (a Python float keeps A's dtype)


def _elu_backward(A, delta):
    delta *= _elu_derivative(A)
    return delta


def _elu_second_derivative(A):
    return np.where(A > 0, 0.0, A + 1)  # f'' = exp(z) below 0 (and at 0, from the left)


def _softplus(Z, out):
    return np.logaddexp(0.0, Z, out=out)  # log(1 + exp(z)), no overflow


def _softplus_derivative(A):
    # f'(z) = sigmoid(z) = 1 - exp(-f(z)): exp(-A) = 1 / (1 + e^z). -expm1(-A) keeps every
    # digit where A is tiny (z very negative).
    return -np.expm1(-A)


def _softplus_backward(A, delta):
    delta *= _softplus_derivative(A)
    return delta


def _softplus_second_derivative(A):
    return -np.expm1(-A) * np.exp(-A)  # f'' = sigmoid(z) (1 - sigmoid(z))


# --- gelu and silu: not monotone, derivatives from z -----------------------------------------


def _gelu(Z, out):
    return np.multiply(Z, ndtr(Z), out=out)  # z Phi(z), Phi the standard normal CDF (exact)


def _gelu_derivative(Z):
    return ndtr(Z) + Z * np.exp(-0.5 * Z * Z) * _INV_SQRT_2PI  # Phi(z) + z phi(z)


def _gelu_backward(Z, delta):
    delta *= _gelu_derivative(Z)
    return delta


def _gelu_second_derivative(Z):
    return np.exp(-0.5 * Z * Z) * _INV_SQRT_2PI * (2 - Z * Z)  # phi(z) (2 - z^2)


def _silu(Z, out):
    return np.multiply(Z, expit(Z), out=out)  # z sigmoid(z), also called swish


def _silu_derivative(Z):
    s = expit(Z)
    return s * (1 + Z * (1 - s))  # sigmoid(z) + z sigmoid'(z)


def _silu_backward(Z, delta):
    delta *= _silu_derivative(Z)
    return delta


def _silu_second_derivative(Z):
    s = expit(Z)
    return s * (1 - s) * (2 + Z * (1 - 2 * s))  # sigmoid'(z) (2 + z (1 - 2 sigmoid(z)))


@dataclass(frozen=True)
class Op:
    """One ONNX node of an activation's graph: its operator, inputs and attributes.

    An input is ``"x"`` (the layer's pre-activations), a number (a constant) or another
    :class:`Op`; ``attributes`` holds ``(name, value)`` pairs.
    """

    type: str
    inputs: tuple = ("x",)
    attributes: tuple = ()


@dataclass(frozen=True)
class Activation:
    """A hidden activation ``f``: forward and backward steps, and its derivatives."""

    forward: Callable  # (Z, out) -> f(Z), written to out (out may be Z)
    backward: Callable  # (S, delta) -> delta * f'(Z), in place
    derivative: Callable  # S -> f'(Z)
    second_derivative: Callable  # S -> f''(Z); ZERO when f'' vanishes
    #: Glorot's bound is sqrt(init_factor / (fan_in + fan_out)): 2 for the sigmoid, as
    #: scikit-learn's MLPClassifier uses, 6 otherwise.
    init_factor: float
    #: The ONNX graph computing f.
    onnx: Op
    #: What the derivatives read, ``S`` above: ``"output"`` (``A``) or ``"input"`` (``Z``).
    reads: str = "output"


ACTIVATIONS = {
    "identity": Activation(
        _identity, _identity_backward, _identity_derivative, ZERO, 6.0, Op("Identity")
    ),
    "relu": Activation(_relu, _relu_backward, _relu_derivative, ZERO, 6.0, Op("Relu")),
    "sigmoid": Activation(
        _sigmoid,
        _sigmoid_backward,
        _sigmoid_derivative,
        _sigmoid_second_derivative,
        2.0,
        Op("Sigmoid"),
    ),
    "tanh": Activation(
        _tanh, _tanh_backward, _tanh_derivative, _tanh_second_derivative, 6.0, Op("Tanh")
    ),
    # The additions below are not in scikit-learn's MLPs. They take Glorot's bound of relu
    # and tanh (factor 6): each behaves like the identity (elu, leaky relu) or like relu
    # (softplus, gelu, silu) away from 0, and none squashes as the sigmoid does.
    "leaky_relu": Activation(
        _leaky_relu,
        _leaky_relu_backward,
        _leaky_relu_derivative,
        ZERO,
        6.0,
        Op("LeakyRelu", attributes=(("alpha", LEAKY_SLOPE),)),
    ),
    "elu": Activation(
        _elu,
        _elu_backward,
        _elu_derivative,
        _elu_second_derivative,
        6.0,
        Op("Elu", attributes=(("alpha", 1.0),)),
    ),
    "softplus": Activation(
        _softplus,
        _softplus_backward,
        _softplus_derivative,
        _softplus_second_derivative,
        6.0,
        Op("Softplus"),
    ),
    "gelu": Activation(  # x * 0.5 * (1 + erf(x / sqrt 2)): ONNX's Gelu before opset 20
        _gelu,
        _gelu_backward,
        _gelu_derivative,
        _gelu_second_derivative,
        6.0,
        Op(
            "Mul",
            (
                Op("Mul", ("x", 0.5)),
                Op("Add", (1.0, Op("Erf", (Op("Mul", ("x", 1 / math.sqrt(2))),)))),
            ),
        ),
        reads="input",
    ),
    "silu": Activation(
        _silu,
        _silu_backward,
        _silu_derivative,
        _silu_second_derivative,
        6.0,
        # x / (1 + exp(-x)), not x Sigmoid(x): onnxruntime fuses that product into an
        # operator of its own (QuickGelu) that has no float64 kernel
        Op("Div", ("x", Op("Add", (1.0, Op("Exp", (Op("Neg"),)))))),
        reads="input",
    ),
}
ACTIVATIONS["logistic"] = ACTIVATIONS["sigmoid"]  # scikit-learn's name for the sigmoid


def layer_activations(activation, n_hidden):
    """The :class:`Activation` of each of ``n_hidden`` hidden layers.

    ``activation`` is one name for every layer, or a sequence of ``n_hidden`` names (checked
    by the estimators, which say what is wrong).
    """
    if isinstance(activation, str):
        return (ACTIVATIONS[activation],) * n_hidden
    return tuple(ACTIVATIONS[name] for name in activation)


def init_factors(activation, n_hidden):
    """Glorot's factor of each of the ``n_hidden + 1`` weight matrices.

    A hidden layer's weights take the factor of the activation they feed; the output layer's
    that of the last hidden layer. With one activation for every layer this is scikit-learn's
    rule (its factor for all layers), and a network without hidden layers takes the factor of
    ``activation`` when it names one (6 for an empty sequence).
    """
    if isinstance(activation, str):
        return (ACTIVATIONS[activation].init_factor,) * (n_hidden + 1)
    factors = tuple(ACTIVATIONS[name].init_factor for name in activation)
    return (*factors, factors[-1] if factors else 6.0)
