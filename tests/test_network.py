"""The network math against independent oracles: finite differences and scikit-learn's metrics.

Every identity is checked at every depth (no hidden layer, one, two and three), for every
activation and output head, with and without sample weights, the L2 penalty and dropout masks.
"""

import itertools
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import erfc, ndtr, xlogy
from sklearn.metrics import (
    log_loss,
    mean_pinball_loss,
    mean_poisson_deviance,
    mean_squared_error,
)

from sknn_simple.core.activations import ACTIVATIONS, ZERO, init_factors
from sknn_simple.core.curvature import hessian_product, squared_gradient_diagonal
from sknn_simple.core.heads import (
    HEADS,
    baseline_loss,
    head_of,
    huber_head,
    mean_loss,
    quantile_head,
)
from sknn_simple.core.network import Buffers, Layout, forward, init_params, loss_and_grad

# scikit-learn's activations, then this package's ("logistic" is the sigmoid under another name)
SKLEARN_ACTIVATIONS = ["identity", "relu", "sigmoid", "tanh"]
NEW_ACTIVATIONS = ["leaky_relu", "elu", "softplus", "gelu", "silu"]
ACTIVATION_NAMES = SKLEARN_ACTIVATIONS + NEW_ACTIVATIONS
assert set(ACTIVATION_NAMES) == set(ACTIVATIONS) - {"logistic"}  # a new entry is tested here
# one activation per hidden layer: each depth's sequence mixes reading A with reading Z
MIXED = {1: ("gelu",), 2: ("silu", "elu"), 3: ("softplus", "gelu", "leaky_relu")}
# the heads of the regressor's robust losses, at parameters inside the targets' range
HUBER, QUANTILE = huber_head(0.8), quantile_head(0.3)
# output type -> (output head, number of output units)
OUTPUTS = {
    "binary": ("logistic", 1),
    "multiclass": ("softmax", 4),
    "multilabel": ("logistic", 3),
    "regression": ("identity", 2),  # squared error, two outputs
    "poisson": ("exp", 2),  # Poisson deviance of counts, two outputs
    "huber": (HUBER, 2),  # Huber loss, two outputs
    "quantile": (QUANTILE, 2),  # pinball loss, two outputs
}
CLASSIFICATION = [out for out, (head, _) in OUTPUTS.items() if head in ("softmax", "logistic")]
# every head by name, the built ones with their parameter
ALL_HEADS = {**HEADS, "huber": HUBER, "quantile": QUANTILE}
DEPTHS = {0: (), 1: (6,), 2: (6, 5), 3: (5, 4, 3)}
# (weighted, alpha, dropout): each option on and off, in four combinations
VARIANTS = [(False, 0.0, False), (True, 0.3, False), (False, 0.3, True), (True, 0.0, True)]


def make_targets(output, rng, n, k):
    """Targets of an output type: one-hot, 0/1, real numbers or counts."""
    if output == "multiclass":
        return np.eye(k)[rng.randint(k, size=n)]
    if output in ("regression", "huber", "quantile"):
        return rng.normal(scale=2.0, size=(n, k))
    if output == "poisson":
        return rng.poisson(2.0, size=(n, k)).astype(float)
    return (rng.uniform(size=(n, k)) < 0.5).astype(float)


def make_problem(output, hidden=(6,), n=13, d=5, seed=0):
    """A small random problem: inputs, encoded targets, weights and a parameter vector."""
    rng = np.random.RandomState(seed)
    head, k = OUTPUTS[output]
    X = rng.normal(size=(n, d))
    Y = make_targets(output, rng, n, k)
    layout = Layout((d, *hidden, k))
    theta = rng.normal(scale=0.7, size=layout.size)
    sample_weight = rng.uniform(0.1, 3.0, size=n)
    return layout, X, Y, theta, sample_weight, head


def dropout_masks(layout, n, p=0.4, seed=1):
    """Fixed inverted-dropout masks: 0 or 1 / (1 - p), one (n, h) array per hidden layer."""
    rng = np.random.RandomState(seed)
    return [(rng.uniform(size=(n, h)) >= p) / (1 - p) for h in layout.hidden]


def numerical_gradient(f, theta, eps=1e-6):
    """Central finite differences of the scalar function ``f`` at ``theta``."""
    grad = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * eps)
    return grad


def relative_error(a, b):
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale  # two zero vectors agree


# scikit-learn's activations with every head, depth and option; the additions (each activation,
# and a mixed sequence per depth) at depths 1-3 with sample weights, on a head of each kind
CASES = list(itertools.product(DEPTHS, SKLEARN_ACTIVATIONS, OUTPUTS, VARIANTS))
CASES += list(
    itertools.product(
        [1, 2, 3],
        NEW_ACTIVATIONS,
        ["multiclass", "poisson", "huber"],
        [(True, 0.3, False), (True, 0.0, True)],
    )
)
CASES += [
    (depth, MIXED[depth], output, variant)
    for depth in MIXED
    for output in OUTPUTS
    for variant in [(True, 0.3, False), (True, 0.0, True)]
]


@pytest.mark.parametrize("depth, activation, output, variant", CASES)
def test_gradient_matches_finite_differences(depth, activation, output, variant):
    weighted, alpha, dropout = variant
    layout, X, Y, theta, sw, head = make_problem(output, DEPTHS[depth])
    sw = sw if weighted else None
    masks = dropout_masks(layout, len(X)) if dropout else None

    def loss(t):
        return loss_and_grad(t, layout, X, Y, activation, head, alpha, sw, dropout_masks=masks)[0]

    _, grad = loss_and_grad(theta, layout, X, Y, activation, head, alpha, sw, dropout_masks=masks)
    assert relative_error(grad, numerical_gradient(loss, theta)) < 1e-6


@pytest.mark.parametrize("depth, activation, output, variant", CASES)
def test_hessian_product_matches_finite_differences_of_the_gradient(
    depth, activation, output, variant
):
    weighted, alpha, dropout = variant
    layout, X, Y, theta, sw, head = make_problem(output, DEPTHS[depth])
    sw = sw if weighted else None
    masks = dropout_masks(layout, len(X)) if dropout else None
    hvp = hessian_product(theta, layout, X, Y, activation, head, alpha, sw, dropout_masks=masks)

    def grad(t):
        return loss_and_grad(t, layout, X, Y, activation, head, alpha, sw, dropout_masks=masks)[1]

    eps = 1e-5
    for seed in range(3):
        v = np.random.RandomState(seed).normal(size=theta.size)
        numeric = (grad(theta + eps * v) - grad(theta - eps * v)) / (2 * eps)
        assert relative_error(hvp(v), numeric) < 1e-5


@pytest.mark.parametrize(
    "depth, activation",
    [*itertools.product(DEPTHS, ACTIVATION_NAMES), *MIXED.items()],  # mixed: one per layer
)
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("weighted, alpha", [(False, 0.0), (True, 0.3)])
def test_squared_gradient_diagonal_is_the_weighted_mean_of_squared_row_gradients(
    depth, activation, output, weighted, alpha
):
    """The Newton preconditioner's diagonal, ``sum_i w_i g_i * g_i / sum w`` plus the
    penalty's ``alpha / sum w`` on the weights, against each row's gradient taken alone."""
    layout, X, Y, theta, sw, head = make_problem(output, DEPTHS[depth])
    sw = sw if weighted else None
    w = np.ones(len(X)) if sw is None else sw
    rows = [loss_and_grad(theta, layout, X[i : i + 1], Y[i : i + 1], activation, head)[1]
            for i in range(len(X))]  # fmt: skip
    expected = np.average(np.square(rows), axis=0, weights=w)
    expected[: layout.n_weights] += alpha / w.sum()
    diagonal = squared_gradient_diagonal(theta, layout, X, Y, activation, head, alpha, sw)
    np.testing.assert_allclose(diagonal, expected, rtol=1e-10, atol=1e-14)


def test_squared_gradient_diagonal_of_sparse_and_float32_inputs():
    """A sparse X (squared entry by entry, not as a matrix) and float32 weights give the dense
    float64 result; the diagonal is float64 either way."""
    layout, X, Y, theta, sw, head = make_problem("multiclass", (6, 5))
    X[np.abs(X) < 0.8] = 0.0
    dense = squared_gradient_diagonal(theta, layout, X, Y, "relu", head, 0.1, sw)
    for matrix in (sp.csr_matrix, sp.csr_array):
        sparse = squared_gradient_diagonal(theta, layout, matrix(X), Y, "relu", head, 0.1, sw)
        np.testing.assert_allclose(sparse, dense, rtol=1e-12)
    single = squared_gradient_diagonal(
        theta.astype(np.float32), layout, X.astype(np.float32), Y, "relu", head, 0.1, sw
    )
    assert single.dtype == np.float64
    np.testing.assert_allclose(single, dense, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("depth", [1, 3])
def test_hessian_is_symmetric(depth):
    layout, X, Y, theta, sw, head = make_problem("multiclass", DEPTHS[depth])
    hvp = hessian_product(theta, layout, X, Y, "tanh", head, 0.1, sw)
    H = np.column_stack([hvp(e) for e in np.eye(theta.size)])
    np.testing.assert_allclose(H, H.T, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("depth", list(DEPTHS))
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_matches_sklearn_metrics(depth, output, weighted):
    """The data term is scikit-learn's log_loss (classification), half its mean squared error,
    half its mean Poisson deviance or its mean pinball loss summed over the outputs
    (regression), or the Huber loss written out; the penalty is alpha/2 ||W||^2 over the weight
    sum."""
    layout, X, Y, theta, sw, head = make_problem(output, DEPTHS[depth])
    sw = sw if weighted else None
    alpha = 0.3
    loss, _ = loss_and_grad(theta, layout, X, Y, "tanh", head, alpha, sw)

    Z, _, _ = forward(theta, layout, X, "tanh")
    P = head_of(head).output(Z)
    k = Y.shape[1]
    if output == "quantile":  # mean_pinball_loss averages over the outputs
        data = k * mean_pinball_loss(Y, P, alpha=0.3, sample_weight=sw)
    elif output == "huber":  # (no scikit-learn metric): the formula, written out
        r = np.abs(P - Y)
        rows = np.where(r <= 0.8, 0.5 * r**2, 0.8 * (r - 0.4)).sum(axis=1)
        data = np.average(rows, weights=sw)
    elif output == "multiclass":
        data = log_loss(Y.argmax(axis=1), P, sample_weight=sw, labels=range(k))
    elif output == "regression":  # mean_squared_error averages over the outputs
        data = 0.5 * k * mean_squared_error(Y, P, sample_weight=sw)
    elif output == "poisson":
        deviances = [mean_poisson_deviance(Y[:, j], P[:, j], sample_weight=sw) for j in range(k)]
        data = 0.5 * sum(deviances)
    else:  # each logistic unit is its own binary problem; the losses add up
        data = sum(
            log_loss(Y[:, j], np.c_[1 - P[:, j], P[:, j]], sample_weight=sw, labels=[0, 1])
            for j in range(Y.shape[1])
        )
    weight_sum = len(X) if sw is None else sw.sum()
    squares = sum(np.sum(W**2) for W in layout.unpack(theta)[0])
    assert loss == pytest.approx(data + alpha / 2 * squares / weight_sum, rel=1e-12)
    # mean_loss (the validation loss) is the same data term, without the penalty
    Z, _, _ = forward(theta, layout, X, "tanh")
    assert mean_loss(Z, Y, head, sw) == pytest.approx(data, rel=1e-12)


@pytest.mark.parametrize("depth", [1, 2])
def test_forward_is_the_layer_by_layer_formula(depth):
    """Z_l = A_{l-1} W_l + b_l, A_l = f(Z_l), written out with NumPy alone."""
    layout, X, Y, theta, sw, head = make_problem("multiclass", DEPTHS[depth])
    Ws, bs = layout.unpack(theta)
    A = X
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        A = np.tanh(A @ W + b)
    expected = A @ Ws[-1] + bs[-1]
    Z, H, A_list = forward(theta, layout, X, "tanh")
    np.testing.assert_allclose(Z, expected, rtol=1e-13)
    assert len(H) == depth + 1 and len(A_list) == depth and H[0] is X


@pytest.mark.parametrize("dropout", [False, True])
def test_gradient_writes_into_given_buffers(dropout):
    layout, X, Y, theta, sw, head = make_problem("multiclass", (6, 5))
    masks = dropout_masks(layout, len(X)) if dropout else None
    expected_loss, expected = loss_and_grad(
        theta, layout, X, Y, "relu", head, 0.1, sw, dropout_masks=masks
    )
    grad = np.empty_like(theta)
    buffers = Buffers(layout, len(X), X.dtype, dropout=dropout)
    loss, out = loss_and_grad(
        theta, layout, X, Y, "relu", head, 0.1, sw, grad, buffers, dropout_masks=masks
    )
    assert out is grad
    assert loss == expected_loss
    np.testing.assert_array_equal(grad, expected)
    # a smaller batch uses the first rows of the same buffers
    part = buffers.rows(5)
    assert part.Z.shape == (5, layout.n_outputs) and np.shares_memory(part.Z, buffers.Z)
    loss5, _ = loss_and_grad(theta, layout, X[:5], Y[:5], "relu", head, 0.1, buffers=part)
    assert loss5 == loss_and_grad(theta, layout, X[:5], Y[:5], "relu", head, 0.1)[0]


# A wide problem for the memory tests: every (n, h) array is far larger than what a pass
# allocates per row (the row losses, the softmax's row maxima) or per parameter.
WIDE = Layout((20, 64, 48, 3))
WIDE_ROWS = 2000


def wide_problem(dtype, dropout):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(WIDE_ROWS, 20)).astype(dtype)
    Y = np.eye(3, dtype=dtype)[rng.randint(3, size=WIDE_ROWS)]
    theta = rng.normal(scale=0.1, size=WIDE.size).astype(dtype)
    masks = dropout_masks(WIDE, WIDE_ROWS) if dropout else None
    masks = None if masks is None else [m.astype(dtype) for m in masks]
    return X, Y, theta, masks


def traced(call):
    """``(result, bytes still allocated, peak bytes)`` of a call, as tracemalloc sees them."""
    tracemalloc.start()
    try:
        result = call()
        size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, size, peak


def buffer_bytes(dtype, dropout=False, backward=True):
    """What the buffers of WIDE over WIDE_ROWS rows must hold: A (and H with dropout, dZ for
    the backward pass) per hidden layer, and the logits; for a forward pass alone, two arrays
    of the widest layer's size that the layers take turns in (memory does not grow with depth).
    """
    return layout_buffer_bytes(WIDE, WIDE_ROWS, dtype, dropout, backward)


def layout_buffer_bytes(layout, rows, dtype, dropout=False, backward=True):
    """:func:`buffer_bytes` for any layout: a forward pass alone needs the widest odd and the
    widest even hidden layer."""
    hidden = layout.hidden
    if not (dropout or backward):
        per_row = sum(max(hidden[i::2]) for i in range(min(2, len(hidden))))
    else:
        per_row = (1 + dropout + backward) * sum(hidden)
    return rows * (per_row + layout.n_outputs) * np.dtype(dtype).itemsize


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dropout, backward", [(None, True), (True, True), (None, False)])
def test_buffers_hold_exactly_the_arrays_a_pass_needs(dtype, dropout, backward):
    """No array the pass does not use (H without dropout, dZ for a forward pass only), each in
    the model's dtype; ``None`` is the default (no dropout)."""
    options = {"backward": backward} if dropout is None else {"dropout": dropout}
    _, size, _ = traced(lambda: Buffers(WIDE, WIDE_ROWS, dtype, **options))
    expected = buffer_bytes(dtype, dropout=bool(dropout), backward=backward)
    assert expected <= size < expected + 4096  # + the lists that hold the arrays


@pytest.mark.parametrize("hidden", [(), (64,), (64, 48), (48, 64, 32), (64,) * 8])
def test_a_forward_pass_alone_holds_two_layers_whatever_the_depth(hidden):
    """Prediction's buffers: the layers take turns in two arrays, so eight hidden layers of 64
    units need what two do (issue 24: memory grew with depth)."""
    layout = Layout((20, *hidden, 3))
    _, size, _ = traced(lambda: Buffers(layout, WIDE_ROWS, np.float64, backward=False))
    expected = layout_buffer_bytes(layout, WIDE_ROWS, np.float64, backward=False)
    assert expected <= size < expected + 4096
    assert expected <= WIDE_ROWS * (2 * 64 + 3) * 8


@pytest.mark.parametrize("hidden", [(7,), (7, 5), (6, 9, 4), (5, 8, 3, 8, 2), (4, 2, 9, 2)])
def test_a_forward_pass_alone_gives_the_logits_of_the_full_buffers(hidden):
    """Layers taking turns in two arrays never overwrite what the next layer reads."""
    layout = Layout((6, *hidden, 3))
    rng = np.random.RandomState(0)
    X, theta = rng.normal(size=(40, 6)), rng.normal(size=layout.size)
    full = forward(theta, layout, X, "tanh", Buffers(layout, 40, np.float64))[0].copy()
    alone = forward(theta, layout, X, "tanh", Buffers(layout, 40, np.float64, backward=False))[0]
    np.testing.assert_array_equal(alone, full)


@pytest.mark.parametrize("rows", [40, 25])
def test_a_layer_that_reads_its_input_keeps_it_in_the_buffers(rows):
    """With gelu (whose derivatives read Z), a training pass on buffers (whole, or cut to
    fewer rows) writes each hidden layer's Z into ``buffers.inputs`` and its A into
    ``buffers.A``: the arrays the backward pass reads, allocated once."""
    layout = Layout((6, 7, 5, 3))
    rng = np.random.RandomState(0)
    X, theta = rng.normal(size=(rows, 6)), rng.normal(size=layout.size)
    Y = np.eye(3)[rng.randint(3, size=rows)]
    buffers = Buffers(layout, 40, np.float64).rows(rows)
    activation = ("gelu", "relu")
    loss, grad = loss_and_grad(theta, layout, X, Y, activation, "softmax", buffers=buffers)
    Ws, bs = layout.unpack(theta)
    Z1 = X @ Ws[0] + bs[0]
    np.testing.assert_allclose(buffers.inputs(0), Z1, rtol=1e-12)
    np.testing.assert_allclose(buffers.A[0], Z1 * ndtr(Z1), rtol=1e-12)
    assert buffers.inputs(0).shape == (rows, 7)
    plain = loss_and_grad(theta, layout, X, Y, activation, "softmax")
    assert loss == pytest.approx(plain[0], rel=1e-14)
    np.testing.assert_allclose(grad, plain[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dropout", [False, True])
@pytest.mark.parametrize("rows", [WIDE_ROWS, WIDE_ROWS // 2])
def test_a_pass_on_buffers_allocates_no_batch_sized_array(dtype, dropout, rows):
    """A training step on buffers writes every (n, h) array into them: what it allocates at
    its peak is less than one hidden layer's array, for a full batch and for a shorter one."""
    X, Y, theta, masks = wide_problem(dtype, dropout)
    buffers = Buffers(WIDE, WIDE_ROWS, dtype, dropout=dropout).rows(rows)
    X, Y = X[:rows], Y[:rows]
    masks = None if masks is None else [m[:rows] for m in masks]
    grad = np.empty_like(theta)

    def step():
        return loss_and_grad(theta, WIDE, X, Y, "relu", "softmax", 0.1, None, grad, buffers, masks)

    expected, _ = step()  # the first call may cache views of theta and grad
    (loss, _), _, peak = traced(step)
    assert loss == expected
    assert peak < rows * min(WIDE.hidden) * np.dtype(dtype).itemsize


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dropout", [False, True])
def test_a_one_off_evaluation_allocates_only_the_arrays_it_needs(dtype, dropout):
    """Without buffers, loss_and_grad allocates its own, in theta's dtype and with an H only
    under dropout: a float32 model takes half the memory of a float64 one."""
    X, Y, theta, masks = wide_problem(dtype, dropout)
    _, _, peak = traced(
        lambda: loss_and_grad(theta, WIDE, X, Y, "relu", "softmax", 0.1, None, dropout_masks=masks)
    )
    needed = buffer_bytes(dtype, dropout=dropout)
    assert needed <= peak < needed + WIDE_ROWS * min(WIDE.hidden) * np.dtype(dtype).itemsize


def test_rows_of_forward_only_buffers_run_a_forward_pass():
    X, Y, theta, _ = wide_problem(np.float64, False)
    buffers = Buffers(WIDE, WIDE_ROWS, np.float64, backward=False)
    part = buffers.rows(100)
    Z, _, _ = forward(theta, WIDE, X[:100], "tanh", buffers=part)
    assert np.shares_memory(Z, buffers.Z)
    np.testing.assert_allclose(Z, forward(theta, WIDE, X[:100], "tanh")[0], rtol=1e-12)


def test_buffers_remember_the_views_of_the_arrays_a_loop_passes():
    """The parameters and the gradient are unpacked once, not at every step; a third array
    (a full-batch solver's new point) gets views of its own."""
    buffers = Buffers(WIDE, 10, np.float64)
    theta, grad, other = (np.arange(WIDE.size, dtype=float) * s for s in (1, 2, 3))
    views = buffers.unpack(WIDE, theta)
    assert buffers.unpack(WIDE, grad) is not views
    assert buffers.unpack(WIDE, theta) is views
    for array in (theta, grad, other, theta):
        Ws, bs = buffers.unpack(WIDE, array)
        assert all(np.shares_memory(part, array) for part in Ws + bs)
        np.testing.assert_array_equal(Ws[1], WIDE.unpack(array)[0][1])


def test_unpack_returns_views_in_order():
    layout = Layout((3, 4, 5, 2))
    theta = np.arange(layout.size, dtype=float)
    Ws, bs = layout.unpack(theta)
    assert [W.shape for W in Ws] == [(3, 4), (4, 5), (5, 2)]
    assert [b.shape for b in bs] == [(4,), (5,), (2,)]
    assert all(np.shares_memory(part, theta) for part in Ws + bs)
    # Weights first, then biases, so the penalty covers theta[:n_weights].
    assert layout.n_weights == 3 * 4 + 4 * 5 + 5 * 2
    assert layout.size == layout.n_weights + 4 + 5 + 2
    np.testing.assert_array_equal(np.concatenate([W.ravel() for W in Ws]), theta[:42])
    np.testing.assert_array_equal(np.concatenate(bs), theta[42:])
    Ws[1][0, 0] = -1.0
    assert theta[12] == -1.0
    assert Layout.of(3, [4, 5], 2) == layout and layout.hidden == (4, 5)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("hidden", [(20,), (20, 10)])
def test_glorot_uniform_bounds_and_scikit_learn_order(activation, hidden):
    """Each layer's W and b drawn uniformly from +-sqrt(factor / (fan_in + fan_out)), in the
    order W_1, b_1, W_2, b_2, ... of scikit-learn's MLPClassifier."""
    layout = Layout((30, *hidden, 5))
    theta = init_params(layout, activation, np.random.RandomState(0))
    factor = 2.0 if activation == "sigmoid" else 6.0
    rng = np.random.RandomState(0)
    for W, b in zip(*layout.unpack(theta), strict=True):
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        np.testing.assert_array_equal(W, rng.uniform(-bound, bound, W.shape))
        np.testing.assert_array_equal(b, rng.uniform(-bound, bound, b.shape))


def test_glorot_factor_of_each_layer_follows_its_activation():
    """With one activation per layer, a hidden layer's weights take the factor of the
    activation they feed and the output layer that of the last hidden layer; a sequence of
    one name repeated draws exactly what the name alone draws."""
    assert init_factors(("sigmoid", "relu"), 2) == (2.0, 6.0, 6.0)
    assert init_factors(("relu", "sigmoid"), 2) == (6.0, 2.0, 2.0)
    assert init_factors(("relu", "relu", "sigmoid"), 3) == (6.0, 6.0, 2.0, 2.0)  # the last
    assert init_factors("sigmoid", 0) == (2.0,) and init_factors((), 0) == (6.0,)
    layout = Layout((30, 20, 10, 5))
    rng = np.random.RandomState(0)
    theta = init_params(layout, ("relu", "sigmoid"), np.random.RandomState(0))
    for W, factor in zip(layout.unpack(theta)[0], (6.0, 2.0, 2.0), strict=True):
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        np.testing.assert_array_equal(W, rng.uniform(-bound, bound, W.shape))
        rng.uniform(size=W.shape[1])  # the bias, drawn after its weights
    np.testing.assert_array_equal(
        init_params(layout, ("tanh", "tanh"), np.random.RandomState(3)),
        init_params(layout, "tanh", np.random.RandomState(3)),
    )


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_activation_derivatives_match_finite_differences(activation):
    """backward and derivative are f', second_derivative is f'' (ZERO where f'' vanishes),
    each computed from what the activation says it reads (its output A or its input Z); the
    forward step writes into the array it is given, the input itself included."""
    z = np.linspace(-3, 3, 61) + 0.01  # avoid the kinks of relu, leaky relu and elu at 0
    act = ACTIVATIONS[activation]

    def f(z):
        return act.forward(z, np.empty_like(z))

    def read(z):  # S: what the derivatives read
        return f(z) if act.reads == "output" else z

    eps = 1e-6
    numeric = (f(z + eps) - f(z - eps)) / (2 * eps)
    in_place = z.copy()
    assert act.forward(in_place, in_place) is in_place
    np.testing.assert_array_equal(in_place, f(z))
    S = read(z)
    np.testing.assert_allclose(act.backward(S, np.ones_like(z)), numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(act.derivative(S), numeric, rtol=1e-6, atol=1e-8)
    eps = 1e-4
    second = (act.derivative(read(z + eps)) - act.derivative(read(z - eps))) / (2 * eps)
    if act.second_derivative is ZERO:
        np.testing.assert_allclose(second, 0, atol=1e-12)
        assert act.second_derivative(S) is None
    else:
        np.testing.assert_allclose(act.second_derivative(S), second, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_at_a_kink_the_derivatives_are_the_slopes_from_the_left(activation, dtype):
    """At exactly z = 0, where relu, leaky relu and elu have a kink in f or f', the derivatives
    take their value from the left (relu's 0, scikit-learn's convention; leaky relu's 0.01;
    elu's f'' = e^0 = 1), in the dtype of the activations."""
    act = ACTIVATIONS[activation]
    z = np.array([-1e-6, 0.0, 1e-6], dtype=dtype)
    S = act.forward(z.copy(), np.empty_like(z)) if act.reads == "output" else z
    first, second = act.derivative(S), act.second_derivative(S)
    assert first.dtype == dtype and (second is None or second.dtype == dtype)
    np.testing.assert_allclose(first[1], first[0], rtol=1e-5, atol=1e-5)  # the left slope
    if second is not None:
        np.testing.assert_allclose(second[1], second[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("activation", NEW_ACTIVATIONS)
def test_new_activations_are_their_formulas_and_stay_finite(activation):
    """Each addition against its textbook formula, and finite (with finite derivatives) at
    inputs where a naive formula overflows."""
    z = np.array([-800.0, -30.0, -2.0, -0.5, 0.25, 3.0, 30.0, 800.0])
    expected = {
        "leaky_relu": np.where(z > 0, z, 0.01 * z),
        "elu": np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1),
        "softplus": np.logaddexp(0, z),
        "gelu": 0.5 * z * erfc(-z / np.sqrt(2)),  # 1 + erf(x) = erfc(-x), without cancelling
        "silu": z / (1 + np.exp(-np.clip(z, -700, 700))),
    }[activation]
    act = ACTIVATIONS[activation]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        A = act.forward(z.copy(), np.empty_like(z))
        S = A if act.reads == "output" else z
        derivatives = [act.derivative(S), act.backward(S, np.ones_like(z))]
        if act.second_derivative is not ZERO:
            derivatives.append(act.second_derivative(S))
    np.testing.assert_allclose(A, expected, rtol=1e-12, atol=1e-300)
    assert all(np.isfinite(d).all() for d in derivatives)


@pytest.mark.parametrize("output", CLASSIFICATION)
def test_losses_are_stable_for_huge_logits(output):
    """Logits of magnitude 1e150: exact losses, no overflow, no log(0), no warning.

    (The cross-entropy heads only: a squared error or an exp of 1e150 overflows by nature,
    which training reports as divergence.)"""
    head, k = OUTPUTS[output]
    layout = Layout((2, 3, k))
    theta = np.zeros(layout.size)
    b2 = layout.unpack(theta)[1][-1]
    b2[:] = np.linspace(-1e150, 1e150, k) if k > 1 else [1e150]
    X = np.zeros((2, 2))
    Y = np.zeros((2, k))
    Y[:, 0] = 1  # the target is the output with the lowest logit (or 1 for binary)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is exact
            loss, grad = loss_and_grad(theta, layout, X, Y, "relu", head)
            Z, _, _ = forward(theta, layout, X, "relu")
            p = HEADS[head].output(Z)
    assert np.isfinite(grad).all()
    assert ((p >= 0) & (p <= 1)).all()
    if output == "binary":  # y = 1 with z = 1e150: the loss is softplus(-z) = 0
        assert loss == 0.0
    elif output == "multiclass":  # y = argmin: loss = max logit - min logit
        assert loss == pytest.approx(2e150, rel=1e-12)
    else:  # logits (-1e150, 0, 1e150), y = (1, 0, 0): 1e150 + log 2 + 1e150
        assert loss == pytest.approx(2e150, rel=1e-12)


@pytest.mark.parametrize("output", ["binary", "multiclass", "multilabel", "regression", "poisson"])
def test_baseline_loss_is_the_loss_of_the_best_constant_prediction(output):
    """With every weight zero and the output bias at the best constant (log of the label
    shares, the targets' mean, or its log), the loss is the baseline; any other bias is worse."""
    layout, X, Y, theta, sw, head = make_problem(output, (6, 5))
    shares = (sw @ Y) / sw.sum()  # the weighted mean of each output
    best = {
        "softmax": np.log,
        "logistic": lambda q: np.log(q / (1 - q)),
        "identity": lambda m: m,
        "exp": np.log,
    }[head](shares)
    theta = np.zeros(layout.size)
    b_out = layout.unpack(theta)[1][-1]
    b_out[:] = best
    loss, grad = loss_and_grad(theta, layout, X, Y, "relu", head, 1.0, sw)
    assert loss == pytest.approx(baseline_loss(Y, head, sw), rel=1e-12)
    np.testing.assert_allclose(layout.unpack(grad)[1][-1], 0, atol=1e-12)  # b_out is optimal


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_baseline_is_computed_in_float64_whatever_the_targets_dtype(output):
    """Targets far from zero (a mean of 10,000, counts around 10,000) lose the spread the
    baseline measures if the means and squares are taken in float32 (targets and weights of a
    float32 fit are float32)."""
    layout, X, Y, theta, sw, head = make_problem(output, n=200)
    if output in ("regression", "poisson", "huber", "quantile"):
        Y = Y + 1e4
    Y32, sw32 = Y.astype(np.float32), sw.astype(np.float32)  # as a float32 fit holds them
    exact = baseline_loss(Y32.astype(np.float64), head, sw32.astype(np.float64))
    assert baseline_loss(Y32, head, sw32) == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("head", ["identity", "exp", "huber", "quantile"])
def test_the_baseline_of_constant_targets_is_exactly_zero(head):
    """Targets constant over the rows that count (positive weight): predicting that constant
    is exact, so the baseline is 0, not a rounding of the weighted mean (a zero-weight row may
    hold anything)."""
    rng = np.random.RandomState(0)
    weight = rng.uniform(0.1, 0.9, size=50)  # all below 1, none of them round numbers
    Y = np.full((50, 2), 0.1)
    Y[7], weight[7] = 5.0, 0.0
    head = ALL_HEADS[head] if head in ("huber", "quantile") else head
    assert baseline_loss(Y, head, weight) == 0.0
    if not isinstance(head, str):
        return  # (the robust baselines' values: test_the_robust_baselines_are_...)
    # targets that vary among the rows that count have the weighted variance (deviance)
    Y[8] = 0.3
    share = weight[8] / weight.sum()
    expected = {
        "identity": 2 * 0.5 * share * (1 - share) * 0.2**2,  # half the variance, 2 outputs
        "exp": 2 * (share * xlogy(0.3, 0.3) + (1 - share) * xlogy(0.1, 0.1)
                    - xlogy(0.1 + 0.2 * share, 0.1 + 0.2 * share)),
    }[head]  # fmt: skip
    assert baseline_loss(Y, head, weight) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("head", list(ALL_HEADS))
def test_outputs_are_computed_in_place(head):
    """``output`` overwrites the logits (a prediction allocates no second (n, k) array)."""
    Z = np.random.RandomState(0).normal(size=(5, 3))
    expected = ALL_HEADS[head].output(Z.copy())
    P = ALL_HEADS[head].output(Z)
    assert np.shares_memory(P, Z)
    np.testing.assert_array_equal(Z, expected)


# the targets each head scores
TARGETS_OF = {
    "softmax": "multiclass",
    "logistic": "multilabel",
    "identity": "regression",
    "exp": "poisson",
    "huber": "huber",
    "quantile": "quantile",
}


@pytest.mark.parametrize("head", list(ALL_HEADS))
def test_curvature_jvp_is_the_derivative_of_the_delta(head):
    """Each head's curvature_jvp is the loss's second derivative in the logits times a
    direction: the change of the delta along it (for a canonical pair, the derivative of the
    output, the delta being g(Z) - Y)."""
    rng = np.random.RandomState(0)
    Z, RZ = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    Y = make_targets(TARGETS_OF[head], rng, 5, 3)
    out = ALL_HEADS[head]
    eps = 1e-6
    plus, minus, D = Z + eps * RZ, Z - eps * RZ, Z.copy()
    for delta in (plus, minus, D):
        out.loss_and_delta(delta, Y)
    numeric = (plus - minus) / (2 * eps)
    product = out.curvature_jvp(out.output(Z.copy()), D, RZ)
    np.testing.assert_allclose(product, numeric, rtol=1e-6, atol=1e-9)
    if head in HEADS:  # a canonical pair: the derivative of the output itself
        outputs = (out.output(Z + eps * RZ) - out.output(Z - eps * RZ)) / (2 * eps)
        np.testing.assert_allclose(product, outputs, rtol=1e-6)
    if head in ("huber", "quantile"):  # zero somewhere, not everywhere: both zones are hit
        assert head == "quantile" or 0 < np.count_nonzero(product) < product.size
        assert out.has_curvature == (head == "huber")


@pytest.mark.parametrize("head", list(ALL_HEADS))
def test_loss_and_delta_is_the_loss_and_its_derivative(head):
    """loss_and_delta returns each row's loss and leaves d loss / dZ in Z (g(Z) - Y for the
    canonical pairs, the clipped residual for Huber, 1 - q or -q for the pinball loss)."""
    rng = np.random.RandomState(1)
    Z = rng.normal(size=(4, 3))
    Y = make_targets(TARGETS_OF[head], rng, 4, 3)
    out = ALL_HEADS[head]
    row_loss = out.loss_and_delta(Z.copy(), Y)
    delta = Z.copy()
    out.loss_and_delta(delta, Y)

    def total(z):
        return out.loss_and_delta(z.reshape(Z.shape).copy(), Y).sum()

    np.testing.assert_allclose(delta.ravel(), numerical_gradient(total, Z.ravel()), rtol=1e-6)
    P = out.output(Z.copy())
    if head == "softmax":
        expected = -(Y * np.log(P)).sum(axis=1)
    elif head == "logistic":
        expected = -(Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum(axis=1)
    elif head == "identity":
        expected = 0.5 * ((P - Y) ** 2).sum(axis=1)
    elif head == "huber":  # epsilon 0.8
        r = np.abs(P - Y)
        expected = np.where(r <= 0.8, 0.5 * r**2, 0.8 * r - 0.32).sum(axis=1)
        assert 0 < np.count_nonzero(r <= 0.8) < r.size  # both zones
    elif head == "quantile":  # q = 0.3: 0.3 (y - z) above the output, 0.7 (z - y) below
        expected = np.where(Y >= P, 0.3 * (Y - P), 0.7 * (P - Y)).sum(axis=1)
    else:  # half the Poisson deviance of the mean P = exp(Z)
        expected = (xlogy(Y, Y / P) - Y + P).sum(axis=1)
    np.testing.assert_allclose(row_loss, expected, rtol=1e-12)


def test_the_pinball_delta_at_a_tie_is_the_middle_of_its_subgradients():
    """Where the output equals the target the pinball loss has no derivative; the delta is
    1/2 - q, the middle of [-q, 1 - q] (so a fit that reaches a target is not pushed off)."""
    Z = np.array([[1.0, 2.0, 3.0]])
    QUANTILE.loss_and_delta(Z, np.array([[1.0, 1.0, 4.0]]))
    np.testing.assert_allclose(Z, [[0.5 - 0.3, 1 - 0.3, -0.3]])


@pytest.mark.parametrize(
    "output, head",
    [("huber", HUBER), ("quantile", QUANTILE), ("quantile", quantile_head(0.999))],
)
def test_the_robust_baselines_are_the_best_constant_loss(output, head):
    """The baseline of the Huber loss is its minimum over constants (a convex function of
    one number: the loss of every constant on a fine grid is no lower), and that of the
    pinball loss is reached at the weighted quantile, a target itself (the loss is piecewise
    linear between targets: checking every target finds its minimum exactly)."""
    rng = np.random.RandomState(4)
    Y = np.column_stack([rng.standard_t(2, size=60), rng.exponential(size=60)])
    weight = rng.uniform(0.1, 3, size=60)

    def loss_of(c, j):  # of the constant c on every row of output j
        return mean_loss(np.full((len(Y), 1), c), Y[:, j : j + 1], head, weight)

    baseline = baseline_loss(Y, head, weight)
    best = 0.0  # the loss is a sum over the outputs: each output's best constant, added
    for j in range(Y.shape[1]):
        grid = Y[:, j] if output == "quantile" else np.linspace(Y[:, j].min(), Y[:, j].max(), 4000)
        best += min(loss_of(c, j) for c in grid)
    assert baseline <= best + 1e-12
    assert baseline == pytest.approx(best, rel=1e-9 if output == "quantile" else 1e-5)


def logits_jacobian(theta, layout, X, activation, eps=1e-6):
    """d logits / d theta by central differences: shape (n, k, size)."""
    columns = []
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        plus, _, _ = forward(theta + step, layout, X, activation)
        minus, _, _ = forward(theta - step, layout, X, activation)
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("depth", [0, 1, 2])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("weighted", [True])  # unit weights are a case of it
def test_gauss_newton_product_is_the_explicit_matrix(depth, activation, output, weighted):
    """G v with G = sum_i w_i J_i^T H_i J_i / sum(w) + alpha / sum(w) on the weights, built
    entry by entry from the logits' Jacobian (finite differences) and the head's curvature
    H_i (softmax: diag(p) - p p^T; sigmoids: diag(p (1 - p)); identity: I; exp: diag(m);
    Huber: 1 where the residual is inside epsilon, else 0; pinball: 0). G is symmetric and
    positive semi-definite."""
    layout, X, Y, theta, sw, head = make_problem(output, DEPTHS[depth], n=7)
    sw = sw if weighted else np.ones(len(X))
    alpha = 0.3
    Z, _, _ = forward(theta, layout, X, activation)
    P = head_of(head).output(Z.copy())
    J = logits_jacobian(theta, layout, X, activation)
    G = np.zeros((theta.size, theta.size))
    for i in range(len(X)):
        p, y = P[i], Y[i]
        H_i = {
            "softmax": lambda p: np.diag(p) - np.outer(p, p),
            "logistic": lambda p: np.diag(p * (1 - p)),
            "identity": lambda p: np.eye(len(p)),
            "exp": np.diag,  # the second derivative of exp(z) - y z is exp(z) = m
            "huber": lambda p, y=y: np.diag((np.abs(p - y) < 0.8).astype(float)),
            "quantile": lambda p: np.zeros((len(p), len(p))),
        }[head if isinstance(head, str) else output](p)
        G += sw[i] * J[i].T @ H_i @ J[i]
    G /= sw.sum()
    G[np.arange(layout.n_weights), np.arange(layout.n_weights)] += alpha / sw.sum()
    gvp = hessian_product(
        theta, layout, X, Y, activation, head, alpha, sw if weighted else None, gauss_newton=True
    )
    product = np.column_stack([gvp(e) for e in np.eye(theta.size)])
    # (absolute errors on the scale of G's largest entry: Poisson's curvature exp(z) reaches 1e4
    # on these random weights, and the reference's rounding errors grow with it)
    np.testing.assert_allclose(product, G, rtol=1e-6, atol=1e-8 * max(1.0, np.abs(G).max()))
    np.testing.assert_allclose(product, product.T, rtol=1e-10, atol=1e-12)
    assert np.linalg.eigvalsh((product + product.T) / 2).min() > -1e-10


@pytest.mark.parametrize("head", list(ALL_HEADS))
def test_curvature_trace_is_the_trace_of_the_loss_second_derivative(head):
    """``curvature_trace(g(Z), D)`` is ``sum_j d^2 loss_i / dZ_ij^2`` of each row: the
    diagonal of the row loss's second derivative in its logits, by central differences of the
    delta ``D``."""
    rng = np.random.RandomState(2)
    Z = rng.normal(size=(6, 3))
    Y = make_targets(TARGETS_OF[head], rng, 6, 3)
    out, eps = ALL_HEADS[head], 1e-5
    numeric = np.zeros(len(Z))
    for j in range(Z.shape[1]):
        step = np.zeros_like(Z)
        step[:, j] = eps
        plus, minus = Z + step, Z - step
        out.loss_and_delta(plus, Y)  # each now holds d loss / dZ
        out.loss_and_delta(minus, Y)
        numeric += (plus[:, j] - minus[:, j]) / (2 * eps)
    D = Z.copy()
    out.loss_and_delta(D, Y)
    trace = out.curvature_trace(out.output(Z.copy()), D)
    assert trace.shape == (len(Z),)
    np.testing.assert_allclose(trace, numeric, rtol=1e-6, atol=1e-12)
    # in the outputs' precision, as every other quantity of a float32 model
    single = out.curvature_trace(out.output(Z.astype(np.float32)), D.astype(np.float32))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, trace, rtol=1e-5)


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("depth", [0, 2])
def test_loss_and_grad_records_the_curvature_trace_of_each_row(output, depth):
    """The ``row_curvature`` argument receives the head's trace of each row's output, and
    asking for it changes neither the loss nor the gradient."""
    layout, X, Y, theta, sw, head = make_problem(output, DEPTHS[depth])
    row_curvature = np.full(len(X), np.nan)
    loss, grad = loss_and_grad(
        theta, layout, X, Y, "tanh", head, 0.3, sw, row_curvature=row_curvature
    )
    Z, _, _ = forward(theta, layout, X, "tanh")
    D = Z.copy()
    head_of(head).loss_and_delta(D, Y)
    expected = head_of(head).curvature_trace(head_of(head).output(Z), D)
    np.testing.assert_allclose(row_curvature, expected, rtol=1e-12)
    plain_loss, plain_grad = loss_and_grad(theta, layout, X, Y, "tanh", head, 0.3, sw)
    assert loss == plain_loss
    np.testing.assert_array_equal(grad, plain_grad)
