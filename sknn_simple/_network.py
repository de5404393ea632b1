"""The two-layer network as plain NumPy functions: no estimator, no scikit-learn.

Notation (the same in the docs, the code and the tests)::

    X  (n, d)   inputs, one row per sample (dense ndarray or SciPy sparse)
    W1 (d, h)   b1 (h,)   hidden layer
    W2 (h, k)   b2 (k,)   output layer
    Z1 = X @ W1 + b1        (n, h)   hidden pre-activations
    A1 = f(Z1)              (n, h)   hidden activations
    Z2 = A1 @ W2 + b2       (n, k)   output logits
    Y                       (n, k)   targets: one-hot rows (softmax output) or 0/1 (logistic)

``k`` is 1 for a binary problem (one logistic unit), the number of classes for a multiclass
problem (softmax) and the number of labels for a multilabel problem (independent logistic units).

All parameters live in one flat vector ``theta`` laid out as ``[W1 | W2 | b1 | b2]``;
:meth:`Layout.unpack` returns named views into it, so every solver, first-order or
:func:`scipy.optimize.minimize`, updates the same memory without packing or copying.
Weights come first so that the L2 penalty, which skips the biases, is one dot product.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.linalg.blas import get_blas_funcs
from scipy.special import expit


@dataclass(frozen=True)
class Layout:
    """Sizes of the network and the position of each parameter block inside ``theta``."""

    n_features: int
    n_hidden: int
    n_outputs: int

    @property
    def n_weights(self):
        """Number of entries of ``W1`` and ``W2`` (the penalized part of ``theta``)."""
        return self.n_features * self.n_hidden + self.n_hidden * self.n_outputs

    @property
    def size(self):
        """Length of ``theta``."""
        return self.n_weights + self.n_hidden + self.n_outputs

    def unpack(self, theta):
        """Return views ``(W1, b1, W2, b2)`` into the flat vector ``theta``."""
        d, h, k = self.n_features, self.n_hidden, self.n_outputs
        end_W1 = d * h
        end_W2 = end_W1 + h * k
        end_b1 = end_W2 + h
        W1 = theta[:end_W1].reshape(d, h)
        W2 = theta[end_W1:end_W2].reshape(h, k)
        b1 = theta[end_W2:end_b1]
        b2 = theta[end_b1:]
        return W1, b1, W2, b2


# --- array operations faster than NumPy's own ----------------------------------------------------


@cache
def _blas_axpy(dtype):
    return get_blas_funcs("axpy", dtype=dtype)


def axpy(a, x, y):
    """``y += a * x`` in place: one pass and no temporary array (BLAS ``axpy``).

    ``x`` and ``y`` are 1-d arrays of the same floating dtype. NumPy would compute ``a * x``
    into a temporary first: a second pass, and for the parameter vector a second copy of it.
    """
    result = _blas_axpy(y.dtype)(x, y, a=a)
    if result is not y:  # SciPy copies a non-contiguous y instead of writing into it
        y[...] = result


def matmul_into(A, B, out):
    """``out[...] = A @ B`` for a C-ordered (row-major) or F-ordered (column-major) ``out``.

    NumPy hands a product to BLAS only if the output's rows are contiguous; a column-major
    ``out`` is written as ``out.T = B.T @ A.T``, whose rows are.
    """
    if out.ndim == 2 and out.strides[1] != out.itemsize:
        np.matmul(B.T, A.T, out=out.T)
    else:
        np.matmul(A, B, out=out)
    return out


def column_sums(M, out):
    """``out[...] = M.sum(axis=0)``, as the product ``ones @ M`` (BLAS).

    Twice as fast as NumPy's sum over the rows of a row-major ``M`` of a few hundred rows.
    """
    return np.matmul(np.ones(M.shape[0], dtype=M.dtype), M, out=out)


# --- hidden activations --------------------------------------------------------------------------
# Each activation works in place: ``forward`` turns Z1 into A1 = f(Z1); ``backward`` multiplies a
# delta by f'(Z1), written through A1 so that Z1 need not be kept. ``derivative`` and
# ``second_derivative`` return f'(Z1) and f''(Z1), also from A1, for the curvature products of the
# second-order solvers (None stands for a second derivative that is zero).


def _identity(Z):
    return Z


def _identity_backward(A, delta):
    return delta  # f(z) = z, f'(z) = 1


def _identity_derivative(A):
    return np.ones_like(A)


def _relu(Z):
    return np.maximum(Z, 0, out=Z)


def _relu_backward(A, delta):
    # f(z) = max(z, 0), f'(z) = 1 if z > 0 else 0, and z > 0 exactly when A > 0
    return np.multiply(delta, A > 0, out=delta)


def _relu_derivative(A):
    return (A > 0).astype(A.dtype)  # f''(z) = 0 wherever it exists


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
    second_derivative: Callable | None = None
    #: Glorot's bound is sqrt(init_factor / (fan_in + fan_out)); 2 for the sigmoid, as
    #: scikit-learn's MLPClassifier uses, 6 otherwise.
    init_factor: float = 6.0


ACTIVATIONS = {
    "identity": Activation(_identity, _identity_backward, _identity_derivative),
    "relu": Activation(_relu, _relu_backward, _relu_derivative),
    "sigmoid": Activation(
        _sigmoid,
        _sigmoid_backward,
        _sigmoid_derivative,
        _sigmoid_second_derivative,
        init_factor=2.0,
    ),
    "tanh": Activation(_tanh, _tanh_backward, _tanh_derivative, _tanh_second_derivative),
}
ACTIVATIONS["logistic"] = ACTIVATIONS["sigmoid"]  # scikit-learn's name for the sigmoid


# --- initialization and forward pass -------------------------------------------------------------


def init_params(layout, activation, rng, dtype=np.float64):
    """Glorot-uniform initial ``theta`` drawn from the ``numpy.random.RandomState`` ``rng``.

    Draws happen in MLPClassifier's order (W1, b1, W2, b2), so the same ``random_state``
    gives the same starting point as ``MLPClassifier(hidden_layer_sizes=(h,))``.
    """
    theta = np.empty(layout.size, dtype=dtype)
    W1, b1, W2, b2 = layout.unpack(theta)
    factor = ACTIVATIONS[activation].init_factor
    for W, b in ((W1, b1), (W2, b2)):
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        W[...] = rng.uniform(-bound, bound, W.shape)
        b[...] = rng.uniform(-bound, bound, b.shape)
    return theta


def hidden_layer(X, W1, b1, activation, out=None):
    """Hidden activations ``A1 = f(X @ W1 + b1)``, shape (n, h), written to ``out`` if given."""
    if out is None or not isinstance(X, np.ndarray):
        A1 = X @ W1  # (n, h)
    else:
        A1 = np.matmul(X, W1, out=out)
    A1 += b1  # Z1 = X W1 + b1
    return ACTIVATIONS[activation].forward(A1)  # A1 = f(Z1), in place


def output_layer(H, W2, b2, out=None):
    """Logits ``Z2 = H @ W2 + b2``, shape (n, k), written to ``out`` if given."""
    Z2 = H @ W2 if out is None else matmul_into(H, W2, out)  # (n, k)
    Z2 += b2
    return Z2


def forward(theta, layout, X, activation, A1=None, Z2=None):
    """Return the logits ``Z2`` (n, k) and the hidden activations ``A1`` (n, h).

    ``A1`` (C-ordered) and ``Z2`` (C- or F-ordered), if given, are preallocated arrays of the
    right shape that receive the results (dense ``X`` only), so a training loop allocates
    nothing.
    """
    W1, b1, W2, b2 = layout.unpack(theta)
    A1 = hidden_layer(X, W1, b1, activation, out=A1)
    return output_layer(A1, W2, b2, out=Z2), A1


# --- output layer: losses computed from logits ---------------------------------------------------


@cache
def _log_tiny(dtype):
    info = np.finfo(dtype)
    return math.log(info.tiny / info.eps)


def _raise_tiny(Z, floor):
    """Raise entries of ``Z`` below ``log(tiny / eps) + floor`` to that value, in place.

    ``tiny / eps`` is 1e-292 in float64 and 1e-31 in float32. Logits this low give
    probabilities below it, far under any rounding error of the gradient they feed, which
    would otherwise reach the matrix products as subnormal numbers: x86 processors handle those
    up to 100 times slower, and a confident model could train several times slower late in
    training. Raised, every probability is at least ``tiny / eps``: a change too small to show
    in any result.
    """
    return np.maximum(Z, _log_tiny(Z.dtype) + floor, out=Z)


def _softmax_cross_entropy(Z, Y):
    """Per-row loss ``-sum_j Y_j log softmax(Z)_j``; overwrites ``Z`` with ``softmax(Z) - Y``.

    With ``s = Z - max(Z)`` (so ``exp(s) <= 1`` and the row sum ``S >= 1``):
    ``log softmax(Z) = s - log S``, hence the loss ``log S * sum_j Y_j - s . Y`` never takes
    the log of a rounded-to-zero probability and never overflows.
    """
    Z -= Z.max(axis=1, keepdims=True)  # s, every entry <= 0
    sY = np.einsum("ij,ij->i", Z, Y)  # (n,)   s . Y
    np.exp(_raise_tiny(Z, math.log(Z.shape[1])), out=Z)  # every exp(s) / S >= tiny / eps
    S = Z.sum(axis=1)  # (n,)   in [1, k]
    loss = np.log(S) * Y.sum(axis=1) - sY
    Z /= S[:, None]  # softmax(Z)
    Z -= Y  # d loss / dZ = softmax(Z) - Y   (softmax + cross-entropy, canonical link)
    return loss


def _logistic_cross_entropy(Z, Y):
    """Per-row loss ``sum_j [softplus(z_j) - y_j z_j]``; overwrites ``Z`` with ``sigmoid(Z) - Y``.

    ``-[y log p + (1 - y) log(1 - p)]`` with ``p = sigmoid(z)`` equals ``log(1 + e^z) - y z``;
    ``np.logaddexp(0, z)`` evaluates ``log(1 + e^z)`` without overflow for any finite ``z``.
    """
    loss = (np.logaddexp(0, Z) - Y * Z).sum(axis=1)
    expit(_raise_tiny(Z, math.log(2)), out=Z)  # sigmoid(z) >= e^z / 2 >= tiny / eps
    Z -= Y  # d loss / dZ = sigmoid(Z) - Y   (logistic + cross-entropy, canonical link)
    return loss


OUTPUT_LOSSES = {"softmax": _softmax_cross_entropy, "logistic": _logistic_cross_entropy}


def proba_from_logits(Z2, out_activation):
    """Class (softmax) or label (logistic) probabilities from logits, computed in place."""
    if out_activation == "softmax":
        Z2 -= Z2.max(axis=1, keepdims=True)
        np.exp(_raise_tiny(Z2, math.log(Z2.shape[1])), out=Z2)
        Z2 /= Z2.sum(axis=1, keepdims=True)
        return Z2
    return expit(_raise_tiny(Z2, math.log(2)), out=Z2)


def baseline_loss(Y, out_activation, sample_weight=None):
    """The smallest cross-entropy of a constant prediction: the entropy of the label shares.

    The best constant prediction is the (weighted) share ``q`` of each class (of the 1s of each
    label); its loss is ``-sum_c q_c log q_c`` (summed over labels for logistic outputs). The
    penalized optimum of the network is never worse: ``W1 = W2 = 0`` with ``b2 = log q``
    reaches it, penalty-free.
    """
    weight = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    shares = np.einsum("i,ij->j", weight, Y) / weight.sum()  # (k,), without a float copy of Y
    if out_activation == "softmax":
        return float(-np.sum(shares * np.log(np.where(shares > 0, shares, 1.0))))
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -(shares * np.log(shares) + (1 - shares) * np.log1p(-shares))
    return float(np.nansum(entropy))


# --- loss and gradient ---------------------------------------------------------------------------


def loss_and_grad(
    theta,
    layout,
    X,
    Y,
    activation,
    out_activation,
    alpha=0.0,
    sample_weight=None,
    grad=None,
    buffers=None,
    dropout_mask=None,
):
    """Penalized, weighted cross-entropy and its exact gradient with respect to ``theta``.

    The objective, with sample weights ``w`` (all ones when ``sample_weight`` is None) and
    ``W = sum_i w_i``, is the one scikit-learn's MLPClassifier minimizes::

        L(theta) = ( sum_i w_i * loss_i  +  alpha / 2 * (||W1||^2 + ||W2||^2) ) / W

    Parameters
    ----------
    theta : ndarray of shape (layout.size,)
    layout : Layout
    X : ndarray or sparse matrix of shape (n, d)
    Y : ndarray of shape (n, k)
        0/1 targets: any numeric dtype (the estimator passes bytes to save memory).
    activation : str, a key of ``ACTIVATIONS``
    out_activation : {"softmax", "logistic"}
    alpha : float
    sample_weight : ndarray of shape (n,) or None
    grad : ndarray of shape (layout.size,) or None
        Receives the gradient; allocated when None.
    buffers : tuple (A1, Z2, dZ1) of arrays of shapes (n, h), (n, k), (n, h), or None
        Scratch space, allocated when None.
    dropout_mask : ndarray of shape (n, h) or None
        Inverted-dropout multipliers of the hidden units: 0 where a unit is dropped,
        ``1 / (1 - p)`` where it is kept. None: no dropout.

    Returns
    -------
    loss : float
    grad : ndarray of shape (layout.size,)
    """
    n = X.shape[0]
    A1, Z2, dZ1 = (None, None, None) if buffers is None else buffers
    if grad is None:
        grad = np.empty_like(theta)
    W1, b1, W2, b2 = layout.unpack(theta)
    dW1, db1, dW2, db2 = layout.unpack(grad)
    weight_sum = n if sample_weight is None else sample_weight.sum()

    # Forward pass, keeping A1 for the backward pass. With inverted dropout the output layer
    # sees H = A1 * M, where M is 0 for a dropped unit and 1 / (1 - p) for a kept one.
    A1 = hidden_layer(X, W1, b1, activation, out=A1)
    H = A1 if dropout_mask is None else A1 * dropout_mask  # (n, h)
    Z2 = output_layer(H, W2, b2, out=Z2)

    # Loss; Z2 now holds d loss_i / d Z2 = P - Y for each row.
    row_loss = OUTPUT_LOSSES[out_activation](Z2, Y)  # (n,)
    dZ2 = Z2  # (n, k)
    if sample_weight is None:
        data_loss = row_loss.sum()
    else:
        data_loss = row_loss @ sample_weight
        dZ2 *= sample_weight[:, None]
    dZ2 /= weight_sum  # dL/dZ2 = w_i (P - Y) / W
    weights = theta[: layout.n_weights]
    loss = (data_loss + 0.5 * alpha * np.dot(weights, weights)) / weight_sum

    # Output layer, Z2 = H W2 + b2:  dL/dW2 = H^T dZ2,  dL/db2 = sum over rows of dZ2.
    np.matmul(H.T, dZ2, out=dW2)
    column_sums(dZ2, out=db2)

    # Hidden layer: dL/dH = dZ2 W2^T,  dL/dA1 = dL/dH * M,  dL/dZ1 = dL/dA1 * f'(Z1).
    if dZ1 is None:
        dZ1 = dZ2 @ W2.T  # (n, h)
    else:
        np.matmul(dZ2, W2.T, out=dZ1)
    if dropout_mask is not None:
        dZ1 *= dropout_mask
    ACTIVATIONS[activation].backward(A1, dZ1)

    # Z1 = X W1 + b1:  dL/dW1 = X^T dZ1,  dL/db1 = sum over rows of dZ1.  (dL/dX is never needed.)
    if isinstance(X, np.ndarray):
        np.matmul(X.T, dZ1, out=dW1)
    else:
        dW1[...] = X.T @ dZ1
    column_sums(dZ1, out=db1)

    # L2 penalty on the weights (not the biases): d/dW [alpha/2 ||W||^2 / W] = alpha W / W.
    axpy(alpha / weight_sum, weights, grad[: layout.n_weights])
    return float(loss), grad
