"""Values of the network math that the gradient checks do not pin, against independent oracles.

Finite differences check that the gradient is the derivative of the loss, whatever the loss is;
these tests check the values themselves (softmax shifted by each row's own maximum, the loss
of any 0/1 targets, the baseline loss of degenerate labels, the floor on probabilities), that
the work happens in the given buffers without copies of the batch, and the defaults.

The first block is the only place that knows the names and signatures of the private
functions: porting these tests to moved or renamed code means editing it alone.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_expit, log_softmax, softmax

from sknn_simple.core.activations import ACTIVATIONS, ZERO
from sknn_simple.core.blas import axpy
from sknn_simple.core.curvature import hessian_product
from sknn_simple.core.heads import HEADS, baseline_loss
from sknn_simple.core.network import Buffers, Layout, forward, init_params, loss_and_grad

ACTIVATION_NAMES = sorted(set(ACTIVATIONS) - {"logistic"})  # every entry (logistic = sigmoid)


def row_losses(Z, Y, head):
    """Per-row loss of the logits ``Z`` (left intact) and the gradient ``dloss/dZ``."""
    work = Z.copy()
    return HEADS[head].loss_and_delta(work, Y), work


def proba_from_logits(Z, head):
    """The head's output function (probabilities), computed in place."""
    return HEADS[head].output(Z)


def network(d, h, k, activation="tanh", dtype=np.float64, seed=0):
    layout = Layout((d, h, k))
    return layout, init_params(layout, activation, np.random.RandomState(seed), dtype)


# --- softmax and logistic outputs: values --------------------------------------------------------

# Rows whose logits live at very different levels: a shift by the largest logit of the whole
# batch instead of each row's own underflows every exp() of the low rows.
LOGITS = np.array(
    [
        [0.0, 1.0, -1.0],
        [1000.0, 1001.0, 999.0],
        [-800.0, -799.5, -801.0],
        [30.0, -30.0, 0.0],
    ]
)
Y_ONE_HOT = np.eye(3)[[1, 0, 2, 0]]


def test_softmax_probabilities_shift_each_row_by_its_own_maximum():
    """Each row's probabilities depend on its own logits only (0.73 must not become 0.5)."""
    expected = softmax(LOGITS, axis=1)
    P = proba_from_logits(LOGITS.copy(), "softmax")
    np.testing.assert_allclose(P, expected, rtol=1e-12)
    # Rows 0 and 1 differ by a constant 1000: the same probabilities.
    np.testing.assert_allclose(P[1], P[0], rtol=1e-12)
    assert P[0, 1] == pytest.approx(0.6652409557748219, rel=1e-12)


def test_softmax_loss_shifts_each_row_by_its_own_maximum():
    loss, dZ = row_losses(LOGITS, Y_ONE_HOT, "softmax")
    expected = -(Y_ONE_HOT * log_softmax(LOGITS, axis=1)).sum(axis=1)
    np.testing.assert_allclose(loss, expected, rtol=1e-12)
    np.testing.assert_allclose(dZ, softmax(LOGITS, axis=1) - Y_ONE_HOT, atol=1e-15)


@pytest.mark.parametrize("out_activation", ["softmax", "logistic"])
def test_losses_of_any_0_1_targets_match_their_definition(out_activation):
    """The docstrings' formulas hold for every 0/1 row, not only one-hot rows: rows of several
    ones and rows of none (softmax: -sum_j Y_j log p_j; logistic: sum_j softplus(z) - y z)."""
    rng = np.random.RandomState(0)
    Z = rng.normal(scale=4, size=(40, 4))
    Y = (rng.uniform(size=Z.shape) < 0.4).astype(float)
    Y[0], Y[1] = 0, 1  # none and all
    loss, dZ = row_losses(Z, Y, out_activation)
    if out_activation == "softmax":
        expected = -(Y * log_softmax(Z, axis=1)).sum(axis=1)
        P = softmax(Z, axis=1)
    else:
        expected = -(Y * log_expit(Z) + (1 - Y) * log_expit(-Z)).sum(axis=1)
        P = expit(Z)
    np.testing.assert_allclose(loss, expected, rtol=1e-12)
    np.testing.assert_allclose(dZ, P - Y, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("out_activation, k", [("softmax", 2), ("softmax", 7), ("logistic", 3)])
def test_probabilities_never_fall_below_tiny_over_eps(dtype, out_activation, k):
    """The documented floor: with logits far below the others, every probability is still at
    least ``tiny / eps`` (1e-292 in float64), and the high ones are 1 up to that floor."""
    info = np.finfo(dtype)
    Z = np.zeros((3, k), dtype=dtype)
    Z[:, 0] = [-1e30, -1e4, 0]
    Z[:, 1:] = 50 if out_activation == "softmax" else 0
    P = proba_from_logits(Z.copy(), out_activation)
    floor = info.tiny / info.eps
    assert P.min() >= floor
    assert P.min() < 1e6 * floor  # a floor, not a clip at some larger value
    if out_activation == "softmax":
        np.testing.assert_allclose(P.sum(axis=1), 1, rtol=info.eps * 10)


# --- the baseline loss of degenerate labels --------------------------------------------------


def entropy(q):
    q = np.asarray(q, dtype=float)
    q = q[q > 0]
    return float(-(q * np.log(q)).sum())


def quiet_baseline(Y, out_activation, sample_weight=None):
    """``baseline_loss`` with every warning and floating-point problem an error."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        return baseline_loss(Y, out_activation, sample_weight)


def test_baseline_of_a_class_with_zero_total_weight():
    """A class without weight (no rows, or rows of weight 0) adds nothing, and no NaN."""
    y = np.array([0, 0, 1, 1, 1, 2, 2, 0])
    Y = np.eye(4)[y]  # class 3 has no rows
    sw = np.array([1.0, 2.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0])  # class 2 has rows of weight 0
    assert quiet_baseline(Y, "softmax", sw) == pytest.approx(entropy([4 / 7, 3 / 7]), rel=1e-12)
    assert quiet_baseline(Y, "softmax") == pytest.approx(entropy([3 / 8, 3 / 8, 2 / 8]), rel=1e-12)


def test_baseline_of_labels_always_0_or_always_1():
    """Logistic outputs: a label that never (or always) occurs costs nothing, and no NaN."""
    Y = np.array([[0, 1, 1], [0, 1, 0], [0, 1, 1], [0, 1, 1]], dtype=np.uint8)
    assert quiet_baseline(Y, "logistic") == pytest.approx(entropy([0.75, 0.25]), rel=1e-12)
    sw = np.array([1.0, 3.0, 1.0, 1.0])  # the third label's share becomes 1/2
    assert quiet_baseline(Y, "logistic", sw) == pytest.approx(np.log(2), rel=1e-12)
    binary = np.array([[1], [1], [1]], dtype=np.uint8)  # one unit, always 1
    assert quiet_baseline(binary, "logistic") == 0.0


# --- work in the given buffers, without copies of the batch --------------------------------------


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_forward_writes_into_the_given_buffers(activation, order):
    """``forward`` returns the arrays it was given, holding what it computes without them."""
    layout, theta = network(5, 6, 4, activation)
    X = np.random.RandomState(1).normal(size=(9, 5))
    expected_Z, _, expected_A = forward(theta, layout, X, activation)
    buffers = Buffers(layout, 9, np.float64, backward=False)
    if order == "C":
        buffers.Z = np.empty((9, 4))
    got_Z, got_H, got_A = forward(theta, layout, X, activation, buffers)
    assert got_A[0] is buffers.A[0] and got_H[1] is buffers.A[0] and got_Z is buffers.Z
    np.testing.assert_allclose(got_A[0], expected_A[0], rtol=1e-14)
    np.testing.assert_allclose(got_Z, expected_Z, rtol=1e-14)


def peak_bytes(call):
    """Peak of the memory allocated while ``call()`` runs (after a first, warming call)."""
    call()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bytes_per_row(make_call, n_small=1000, n_large=5000):
    """How the peak allocation of ``make_call(n)()`` grows per row of the batch: fixed costs
    (NumPy's small work buffers) cancel out, what is left is the size of the row-sized arrays."""
    small, large = peak_bytes(make_call(n_small)), peak_bytes(make_call(n_large))
    return (large - small) / (n_large - n_small)


H, K = 32, 32  # a copy of the activations or the logits: 32 floats per row


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_loss_and_grad_with_buffers_copies_nothing_of_the_batch(dtype, activation):
    """With its buffers given, a step allocates a few numbers per row (per-row losses, relu's
    mask), never a copy of the activations or logits: a dropped ``out=``, or an operand cast to
    float64, would add 32 floats per row."""
    layout, theta = network(8, H, K, activation, dtype)
    grad = np.empty_like(theta)

    def make_call(n):
        rng = np.random.RandomState(0)
        X = rng.normal(size=(n, 8)).astype(dtype)
        Y = np.eye(K, dtype=np.uint8)[rng.randint(K, size=n)]  # bytes, as the estimator passes
        buffers = Buffers(layout, n, dtype)
        return lambda: loss_and_grad(
            theta, layout, X, Y, activation, "softmax", 0.1, None, grad, buffers
        )

    per_row = bytes_per_row(make_call)
    assert per_row < min(H, K) * np.dtype(dtype).itemsize / 2, per_row


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("out_activation", ["softmax", "logistic"])
def test_probabilities_are_computed_in_place(dtype, out_activation):
    Z = np.random.RandomState(0).normal(scale=3, size=(5000, K)).astype(dtype)
    expected = softmax(Z, axis=1) if out_activation == "softmax" else expit(Z)
    work = Z.copy()
    assert proba_from_logits(work, out_activation) is work
    np.testing.assert_allclose(work, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)

    def make_call(n):
        logits = Z[:n].copy()
        return lambda: proba_from_logits(logits, out_activation)

    per_row = bytes_per_row(make_call)
    assert per_row < K * np.dtype(dtype).itemsize / 2, per_row


def test_axpy_on_float32_allocates_nothing():
    """``y += a x`` runs in float32 on float32 arrays: no float64 copy of ``y`` (800 kB)."""
    x = np.ones(200_000, dtype=np.float32)
    y = np.zeros(200_000, dtype=np.float32)
    assert peak_bytes(lambda: axpy(0.5, x, y)) < 10_000
    np.testing.assert_array_equal(y, np.float32(1.0))  # two calls of += 0.5


# --- activations, initialization, sparse input, defaults -----------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_activation_derivatives_from_the_activations(activation, dtype):
    """``derivative(S)`` and ``second_derivative(S)`` (from S = A = f(Z), or S = Z for the
    activations that read their input) are f'(Z) and f''(Z): finite differences of f, in S's
    shape and dtype (the curvature products need them)."""
    act = ACTIVATIONS[activation]
    Z = np.linspace(-3, 3, 24).reshape(4, 6) + 0.01  # away from the kinks at 0
    eps = 1e-4

    def f(z):
        return act.forward(z.copy(), np.empty_like(z))

    first = (f(Z + eps) - f(Z - eps)) / (2 * eps)
    second = (f(Z + eps) - 2 * f(Z) + f(Z - eps)) / eps**2
    A = (f(Z) if act.reads == "output" else Z).astype(dtype)
    d1 = act.derivative(A)
    assert d1.shape == Z.shape and d1.dtype == dtype
    rtol = 1e-6 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(d1, first, rtol=rtol, atol=1e-7)
    if act.second_derivative is ZERO:  # f'' = 0 wherever it exists
        np.testing.assert_allclose(second, 0, atol=1e-6)
    else:
        d2 = act.second_derivative(A)
        assert d2.shape == Z.shape and d2.dtype == dtype
        np.testing.assert_allclose(d2, second, rtol=1e-4, atol=1e-5)


def test_float32_initialization_is_the_float64_one_rounded():
    layout = Layout((6, 5, 3))
    theta64 = init_params(layout, "relu", np.random.RandomState(3))
    theta32 = init_params(layout, "relu", np.random.RandomState(3), np.float32)
    assert theta64.dtype == np.float64 and theta32.dtype == np.float32
    np.testing.assert_array_equal(theta32, theta64.astype(np.float32))


@pytest.mark.parametrize("with_buffers", [False, True])
def test_sparse_input_gives_the_dense_loss_and_gradient(with_buffers):
    rng = np.random.RandomState(0)
    layout, theta = network(7, 5, 3)
    X = rng.normal(size=(12, 7)) * (rng.uniform(size=(12, 7)) < 0.4)
    Y = np.eye(3)[rng.randint(3, size=12)]
    sw = rng.uniform(0.5, 2, size=12)
    buffers = Buffers(layout, 12, np.float64) if with_buffers else None
    dense_loss, dense_grad = loss_and_grad(theta, layout, X, Y, "tanh", "softmax", 0.1, sw)
    sparse_loss, sparse_grad = loss_and_grad(
        theta, layout, sp.csr_matrix(X), Y, "tanh", "softmax", 0.1, sw, buffers=buffers
    )
    assert sparse_loss == pytest.approx(dense_loss, rel=1e-12)
    np.testing.assert_allclose(sparse_grad, dense_grad, rtol=1e-10, atol=1e-14)


def test_the_default_is_no_penalty():
    """Without ``alpha``, the loss, gradient and curvature are those of ``alpha=0``."""
    rng = np.random.RandomState(0)
    layout, theta = network(4, 5, 3)
    theta *= 10  # a penalty would show
    X = rng.normal(size=(8, 4))
    Y = np.eye(3)[rng.randint(3, size=8)]
    default = loss_and_grad(theta, layout, X, Y, "tanh", "softmax")
    explicit = loss_and_grad(theta, layout, X, Y, "tanh", "softmax", 0.0)
    assert default[0] == explicit[0]
    np.testing.assert_array_equal(default[1], explicit[1])
    v = rng.normal(size=theta.size)
    np.testing.assert_array_equal(
        hessian_product(theta, layout, X, Y, "tanh", "softmax")(v),
        hessian_product(theta, layout, X, Y, "tanh", "softmax", 0.0)(v),
    )
