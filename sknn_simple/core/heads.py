"""Output heads: the output function ``g`` of the last layer and the loss paired with it.

A head turns the logits ``Z`` (n, k) into the network's output ``G = g(Z)`` and scores it
against the targets ``Y`` (n, k). The four pairs of scikit-learn's MLPs are *canonical links*:
the derivative of the loss with respect to the logits is simply ``g(Z) - Y``, which is why the
backward pass of each starts the same way::

    softmax  + cross-entropy      loss_i = -sum_j Y_ij log softmax(Z_i)_j     dloss/dZ = P - Y
    logistic + cross-entropy      loss_i = sum_j softplus(Z_ij) - Y_ij Z_ij   dloss/dZ = P - Y
    identity + squared error      loss_i = 1/2 sum_j (Z_ij - Y_ij)^2          dloss/dZ = Z - Y
    exp      + Poisson deviance   loss_i = sum_j Y_ij log(Y_ij / M_ij)        dloss/dZ = M - Y
                                           - Y_ij + M_ij,  M = exp(Z)

Two regression losses of this package pair the identity output with a robust loss instead, and
their delta is not ``Z - Y`` (``R = Z - Y``, ``e`` = ``epsilon``, ``q`` = ``quantile``)::

    identity + Huber         loss_i = sum_j h_e(R_ij)                   dloss/dZ = clip(R, -e, e)
    identity + pinball       loss_i = sum_j max(-q R_ij, (1 - q) R_ij)  dloss/dZ = 1 - q (R > 0),
                                                                                  -q  (R < 0)

A :class:`Head` carries, for its pair: the loss and its delta computed from the logits (stably,
never as ``log`` of a rounded probability), the output function, the loss's second derivative
in the logits times a direction (what the curvature products need), the loss of the best
constant output (the baseline that tells a failed fit), and its ONNX operator. Adding a head
is one entry in :data:`HEADS` (or a function that builds it from its parameter, as
:func:`huber_head` and :func:`quantile_head`). The first two serve the classifier, the others
the regressor (the names of :data:`HEADS` are scikit-learn's ``out_activation_``).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import entr, expit, xlogy


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


# --- softmax + cross-entropy (multiclass) --------------------------------------------------------


def _softmax_cross_entropy(Z, Y):
    """Per-row loss ``-sum_j Y_j log softmax(Z)_j``; overwrites ``Z`` with ``softmax(Z) - Y``.

    With ``s = Z - max(Z)`` taken row by row (so ``exp(s) <= 1`` and the row sum ``S >= 1``):
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


def _softmax(Z):
    """``softmax(Z)`` row by row, in place; every probability at least ``tiny / eps``."""
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(_raise_tiny(Z, math.log(Z.shape[1])), out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


def _softmax_jvp(P, D, RZ):
    """``J RZ`` for the softmax Jacobian ``J = diag(P) - P P^T``, row by row."""
    return P * (RZ - np.einsum("ij,ij->i", P, RZ)[:, None])


def _softmax_curvature_trace(P, D):
    """``trace(diag(P) - P P^T) = 1 - sum_j P_j^2``, row by row."""
    return 1 - np.einsum("ij,ij->i", P, P)


def _softmax_baseline(Y, weight):
    """Entropy of the class shares ``q``: the loss of always predicting ``q``."""
    shares = np.einsum("i,ij->j", weight, Y) / weight.sum()  # (k,), no float copy of Y
    return float(entr(shares).sum())


# --- logistic + cross-entropy (binary, multilabel) -----------------------------------------------


def _logistic_cross_entropy(Z, Y):
    """Per-row loss ``sum_j [softplus(z_j) - y_j z_j]``; overwrites ``Z`` with ``sigmoid(Z) - Y``.

    ``-[y log p + (1 - y) log(1 - p)]`` with ``p = sigmoid(z)`` equals ``log(1 + e^z) - y z``;
    ``np.logaddexp(0, z)`` evaluates ``log(1 + e^z)`` without overflow for any finite ``z``.
    """
    loss = (np.logaddexp(0, Z) - Y * Z).sum(axis=1)
    expit(_raise_tiny(Z, math.log(2)), out=Z)  # sigmoid(z) >= e^z / 2 >= tiny / eps
    Z -= Y  # d loss / dZ = sigmoid(Z) - Y   (logistic + cross-entropy, canonical link)
    return loss


def _sigmoid(Z):
    """``sigmoid(Z)`` in place; every probability at least ``tiny / eps``."""
    return expit(_raise_tiny(Z, math.log(2)), out=Z)


def _sigmoid_jvp(P, D, RZ):
    return P * (1 - P) * RZ  # sigmoid' = P (1 - P), unit by unit


def _sigmoid_curvature_trace(P, D):
    return np.einsum("ij->i", P * (1 - P))


def _logistic_baseline(Y, weight):
    """Sum over the labels of the binary entropy of each label's share of 1s."""
    shares = np.einsum("i,ij->j", weight, Y) / weight.sum()  # (k,)
    return float((entr(shares) + entr(1 - shares)).sum())


# --- identity + squared error (regression) -------------------------------------------------------


def _squared_error(Z, Y):
    """Per-row loss ``1/2 sum_j (z_j - y_j)^2``; overwrites ``Z`` with ``Z - Y``.

    Half the squared error, summed over the outputs: its derivative is the residual itself. (The
    mean of these row losses is scikit-learn's ``squared_loss`` times the number of outputs:
    MLPRegressor reports the mean over the outputs but trains on this gradient.)
    """
    Z -= Y  # d loss / dZ = Z - Y   (identity + squared error, canonical link)
    return 0.5 * np.einsum("ij,ij->i", Z, Z)


def _identity(Z):
    """``Z`` itself: the prediction of a regression network is its logits."""
    return Z


def _identity_jvp(G, D, RZ):
    return RZ  # the identity's Jacobian is the identity


def _identity_curvature_trace(G, D):
    return np.full(G.shape[0], G.shape[1], dtype=G.dtype)  # trace(I_k) = k on every row


def _constant(Y, weight):
    """Whether each output has one value over the rows of positive weight: then the baseline
    is exactly 0 (the weighted mean, computed, could differ from that value by a rounding)."""
    Y = Y[weight > 0]
    return bool((Y == Y[:1]).all())


def _squared_error_baseline(Y, weight):
    """Half the weighted variance of each output, summed: the loss of predicting the mean."""
    Y = np.asarray(Y, dtype=np.float64)
    if _constant(Y, weight):
        return 0.0
    total = weight.sum()
    mean = (weight @ Y) / total  # (k,)
    return float(0.5 * (weight @ (Y - mean) ** 2).sum() / total)


# --- exp + Poisson deviance (regression of counts) -----------------------------------------------


def _poisson_deviance(Z, Y):
    """Per-row half Poisson deviance ``sum_j y_j log(y_j / m_j) - y_j + m_j`` with ``m = exp(z)``;
    overwrites ``Z`` with ``exp(Z) - Y``.

    Written with ``log m = z``, the loss is ``y log y - y - y z + exp(z)``: no log of a rounded
    mean (``xlogy`` makes ``0 log 0 = 0``). Its derivative in ``z`` is ``exp(z) - y``: the log
    link is the Poisson's canonical one. Targets must be ``>= 0``.
    """
    loss = np.einsum("ij->i", xlogy(Y, Y) - Y - Y * Z)
    np.exp(Z, out=Z)  # m, the predicted mean
    loss += np.einsum("ij->i", Z)
    Z -= Y  # d loss / dZ = exp(Z) - Y   (exp + Poisson deviance, canonical link)
    return loss


def _exp(Z):
    """``exp(Z)`` in place: the predicted mean."""
    return np.exp(Z, out=Z)


def _exp_jvp(G, D, RZ):
    return G * RZ  # exp' = exp, unit by unit


def _exp_curvature_trace(G, D):
    return np.einsum("ij->i", G)


def _poisson_baseline(Y, weight):
    """The loss of predicting each output's weighted mean ``m``: ``mean(y log y) - m log m``."""
    Y = np.asarray(Y, dtype=np.float64)
    if _constant(Y, weight):
        return 0.0
    total = weight.sum()
    mean = (weight @ Y) / total  # (k,)
    return float(((weight @ xlogy(Y, Y)) / total - xlogy(mean, mean)).sum())


# --- identity + Huber loss (robust regression; not a canonical pair) -----------------------------


def _huber(Z, Y, epsilon):
    """Per-row Huber loss ``sum_j h(z_j - y_j)``; overwrites ``Z`` with its derivative in ``Z``.

    ``h(r) = r^2 / 2`` for ``|r| <= epsilon`` and ``epsilon (|r| - epsilon / 2)`` beyond: the
    squared error near the target, the absolute error (times ``epsilon``) far from it, joined
    with a continuous slope. The derivative is the residual clipped to ``[-epsilon, epsilon]``:
    an outlier pulls no harder than a residual of ``epsilon``.
    """
    Z -= Y  # r, the residual
    size = np.abs(Z)
    loss = np.where(size <= epsilon, 0.5 * Z * Z, epsilon * (size - 0.5 * epsilon))
    np.clip(Z, -epsilon, epsilon, out=Z)  # d loss / dZ = clip(r, -epsilon, epsilon)
    return np.einsum("ij->i", loss)


def _huber_jvp(G, D, RZ, epsilon):
    # d^2 loss / dZ^2 = 1 inside the quadratic zone, 0 on the linear arms; |D| < epsilon
    # exactly where |r| < epsilon (D is r clipped)
    return (np.abs(D) < epsilon) * RZ


def _huber_curvature_trace(G, D, epsilon):
    return np.einsum("ij->i", (np.abs(D) < epsilon).astype(D.dtype))


def _huber_baseline(Y, weight, epsilon):
    """The Huber loss of the best constant of each output (a robust location, found by a
    bounded scalar search: the loss is convex in the constant)."""
    Y = np.asarray(Y, dtype=np.float64)
    if _constant(Y, weight):
        return 0.0
    total, loss = weight.sum(), 0.0
    for y in Y.T[:, :, None]:  # each output as a column (n, 1)

        def mean_huber(c, y=y):
            return float(weight @ _huber(np.full(y.shape, c), y, epsilon)) / total

        # (SciPy's default tolerance on the constant, 1e-5: the baseline serves comparisons
        # within 1 %, and the loss is flat at its minimum)
        loss += minimize_scalar(mean_huber, bounds=(y.min(), y.max()), method="bounded").fun
    return float(loss)


# --- identity + pinball loss (quantile regression; not smooth) -----------------------------------


def _pinball(Z, Y, quantile):
    """Per-row pinball loss ``sum_j rho(y_j - z_j)``; overwrites ``Z`` with its derivative in ``Z``.

    ``rho(r) = quantile * r`` for ``r >= 0`` and ``(quantile - 1) * r`` below: minimized by the
    ``quantile``-th quantile of ``y``. With ``u = z - y`` the loss is
    ``max(-quantile * u, (1 - quantile) * u)``, whose derivative is ``1 - quantile`` where the
    output is above the target, ``-quantile`` below, and the middle of the two, ``1/2 -
    quantile``, at a tie (a subgradient: the loss has no derivative there).
    """
    Z -= Y  # u = z - y
    loss = np.einsum("ij->i", np.maximum(-quantile * Z, (1 - quantile) * Z))
    np.sign(Z, out=Z)
    Z *= 0.5
    Z += 0.5 - quantile  # d loss / dZ
    return loss


def _pinball_jvp(G, D, RZ):
    # the pinball loss is piecewise linear: its second derivative is 0 wherever it exists
    return np.zeros_like(RZ)


def _pinball_curvature_trace(G, D):
    return np.zeros(D.shape[0], D.dtype)


def _pinball_baseline(Y, weight, quantile):
    """The pinball loss of each output's weighted ``quantile``-th quantile, the best constant:
    the first target (in increasing order) at which the cumulative weight reaches ``quantile``
    of the total."""
    Y = np.asarray(Y, dtype=np.float64)
    total, loss = weight.sum(), 0.0
    for y in Y.T:
        order = np.argsort(y)
        reached = np.cumsum(weight[order])  # reached[-1] is the total, summed in this order
        best = y[order[np.searchsorted(reached, quantile * reached[-1])]]  # quantile < 1
        u = best - y
        loss += float(weight @ np.maximum(-quantile * u, (1 - quantile) * u)) / total
    return loss


@dataclass(frozen=True)
class Head:
    """An output function ``g`` and its loss: the last step of the network."""

    #: ``(Z, Y) -> loss`` of each row (n,); overwrites ``Z`` with the delta ``D = d loss / dZ``
    #: (``g(Z) - Y`` for the canonical pairs).
    loss_and_delta: Callable
    #: ``Z -> g(Z)``, in place.
    output: Callable
    #: ``(G, D, RZ) -> (d^2 loss / dZ^2) RZ``, row by row, from the output ``G = g(Z)`` and the
    #: delta ``D``: the loss's curvature in the logits along ``RZ``. For a canonical pair it is
    #: ``J_g(Z) RZ``, the output's change along ``RZ``.
    curvature_jvp: Callable
    #: ``(G, D) -> (n,)``: ``trace(d^2 loss / dZ^2)`` row by row, the second derivative of a
    #: row's loss summed over its logits: how much curvature each row carries. The Newton
    #: solver draws its curvature rows by it.
    curvature_trace: Callable
    #: ``(Y, weight) -> float``: the smallest loss of an output that ignores the inputs.
    baseline: Callable
    #: The ONNX operator computing g, and its attributes as (name, value) pairs; None when g is
    #: the identity (the logits are the output: no operator).
    onnx_op: str | None
    onnx_attributes: tuple = ()
    #: Whether scikit-learn reports this loss as a mean over the outputs rather than their sum
    #: (MLPRegressor's ``squared_loss``; it trains on the sum's gradient all the same).
    reported_per_output: bool = False
    #: Whether the loss has curvature a Newton step can use (False: piecewise linear).
    has_curvature: bool = True

    def report_scale(self, n_outputs):
        """What the reported loss's data term is of the loss trained on (its sum over the
        outputs): ``1 / n_outputs`` where scikit-learn reports the mean, else 1."""
        return 1.0 / n_outputs if self.reported_per_output else 1.0


HEADS = {
    "softmax": Head(
        _softmax_cross_entropy,
        _softmax,
        _softmax_jvp,
        _softmax_curvature_trace,
        _softmax_baseline,
        "Softmax",
        (("axis", 1),),  # row by row
    ),
    "logistic": Head(
        _logistic_cross_entropy,
        _sigmoid,
        _sigmoid_jvp,
        _sigmoid_curvature_trace,
        _logistic_baseline,
        "Sigmoid",
    ),
    "identity": Head(
        _squared_error,
        _identity,
        _identity_jvp,
        _identity_curvature_trace,
        _squared_error_baseline,
        None,
        reported_per_output=True,
    ),
    "exp": Head(_poisson_deviance, _exp, _exp_jvp, _exp_curvature_trace, _poisson_baseline, "Exp"),
}


@cache
def huber_head(epsilon):
    """The head of the Huber loss with threshold ``epsilon`` (> 0): the identity output."""
    epsilon = float(epsilon)
    return Head(
        partial(_huber, epsilon=epsilon),
        _identity,
        partial(_huber_jvp, epsilon=epsilon),
        partial(_huber_curvature_trace, epsilon=epsilon),
        partial(_huber_baseline, epsilon=epsilon),
        None,
        reported_per_output=True,  # as the squared error it becomes inside epsilon
    )


@cache
def quantile_head(quantile):
    """The head of the pinball loss of the ``quantile`` (in (0, 1)): the identity output."""
    quantile = float(quantile)
    return Head(
        partial(_pinball, quantile=quantile),
        _identity,
        _pinball_jvp,
        _pinball_curvature_trace,
        partial(_pinball_baseline, quantile=quantile),
        None,
        reported_per_output=True,  # scikit-learn's mean_pinball_loss averages the outputs
        has_curvature=False,
    )


def head_of(head):
    """The :class:`Head` ``head`` names (a key of :data:`HEADS`), or ``head`` itself."""
    return head if isinstance(head, Head) else HEADS[head]


def mean_loss(Z, Y, head, sample_weight=None):
    """Weighted mean loss of the logits ``Z`` (overwritten), without a penalty.

    For the classification heads this is scikit-learn's ``log_loss``; for ``"identity"`` half
    the mean squared error summed over the outputs, for ``"exp"`` half the mean Poisson
    deviance summed over the outputs (and for the Huber and pinball heads their mean, summed
    over the outputs).
    """
    return float(np.average(head_of(head).loss_and_delta(Z, Y), weights=sample_weight))


def baseline_loss(Y, head, sample_weight=None):
    """The smallest loss of a constant output: what a network that learned nothing reaches.

    For the cross-entropy heads, the best constant prediction is the (weighted) share ``q`` of
    each class (of the 1s of each label), and its loss is the entropy ``-sum_c q_c log q_c``
    (summed over labels for logistic outputs). For the regression heads it is each output's
    weighted mean ``m``: half its weighted variance (squared error), or ``mean(y log y) - m log m``
    (Poisson); for the Huber loss a robust location, for the pinball loss the weighted
    quantile. The penalized optimum of the network is never worse: all weights zero and the
    output bias at that constant (``log q``, ``log m`` for the exp and softmax outputs) reach it,
    penalty-free.
    """
    # in float64 whatever the fit's dtype: the sums run over every row
    weight = np.ones(Y.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    return head_of(head).baseline(Y, weight)
