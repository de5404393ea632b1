"""Mini-batches and one epoch over them (training/minibatch.py): the data a batch holds, the
dtype it is computed in, the memory an epoch takes, and the dropout masks."""

import numpy as np
import pytest
import scipy.sparse as sp

from sknn_simple.core.network import loss_and_grad
from sknn_simple.training.minibatch import MiniBatches, run_epoch

from .test_network import WIDE, WIDE_ROWS, traced

BATCH = 500


def problem(dtype, sparse=False):
    """X of ``dtype`` (dense or CSR), 0/1-byte one-hot Y and theta of WIDE."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(WIDE_ROWS, 20)).astype(dtype)
    Y = np.eye(3, dtype=np.uint8)[rng.randint(3, size=WIDE_ROWS)]
    theta = rng.normal(scale=0.1, size=WIDE.size).astype(dtype)
    return (sp.csr_matrix(X) if sparse else X), Y, theta


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_batch_holds_its_rows_in_the_dtype_of_x(dtype, sparse):
    """A batch of shuffled rows holds exactly those rows of X and Y, with targets and every
    work array in X's dtype (a float32 model computes in float32), also for the last, shorter
    batch and for sparse X."""
    X, Y, _ = problem(dtype, sparse)
    batches = MiniBatches(X, Y, None, BATCH, WIDE)
    dense = X.toarray() if sparse else X
    rows = np.random.RandomState(1).permutation(WIDE_ROWS)
    for positions in (slice(0, BATCH), slice(WIDE_ROWS - 300, WIDE_ROWS)):
        X_b, Y_b, w_b, buffers = batches.batch(rows[positions])
        X_b = X_b.toarray() if sparse else X_b
        assert X_b.dtype == Y_b.dtype == dtype and w_b is None
        np.testing.assert_array_equal(X_b, dense[rows[positions]])
        np.testing.assert_array_equal(Y_b, Y[rows[positions]])
        assert all(a.dtype == dtype for a in [*buffers.A, *buffers.dZ, buffers.Z])


@pytest.mark.parametrize("rows", ["shuffled", "in order"])
def test_gathering_a_batch_allocates_less_than_its_targets_as_bytes(rows):
    """Shuffled rows are copied into the batch's preallocated arrays (np.take with ``out``,
    in a mode that needs no buffer), rows in order are views: gathering a batch allocates
    less than even its 0/1 targets' bytes (k x m)."""
    X, Y, _ = problem(np.float64)
    batches = MiniBatches(X, Y, None, BATCH, WIDE)
    positions = np.random.RandomState(1).permutation(WIDE_ROWS)[:BATCH]
    if rows == "in order":
        positions = slice(0, BATCH)
    batches.batch(positions)
    (X_b, Y_b, _, _), _, peak = traced(lambda: batches.batch(positions))
    np.testing.assert_array_equal(X_b, X[positions])
    assert peak < Y.shape[1] * BATCH


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dropout", [False, True])
def test_an_epoch_of_shuffled_batches_allocates_no_batch_sized_array(dtype, dropout):
    """Gathering shuffled rows and the passes over them write into preallocated arrays: an
    epoch's peak allocation is below one hidden layer's array of a batch (beyond the fresh
    dropout masks, which a batch needs anyway)."""
    X, Y, theta = problem(dtype)
    p = 0.25
    masks = (p, np.random.default_rng(0)) if dropout else None
    batches = MiniBatches(X, Y, None, BATCH, WIDE, masks)
    order = np.random.RandomState(1).permutation(WIDE_ROWS)
    grad = np.empty_like(theta)
    model = {"activation": "relu", "head": "softmax", "alpha": 0.1}

    def epoch():
        return run_epoch(theta, grad, WIDE, batches, order, model, lambda t, g: None)

    expected = epoch()  # the first epoch may cache views of theta and grad
    loss, _, peak = traced(epoch)
    assert loss == expected if not dropout else np.isfinite(loss)
    itemsize = np.dtype(dtype).itemsize
    mask_bytes = BATCH * sum(WIDE.hidden) * itemsize if dropout else 0
    assert peak < mask_bytes + BATCH * min(WIDE.hidden) * itemsize


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_masks_keep_units_with_probability_1_minus_p_and_scale_them_by_its_inverse(dtype):
    """Inverted dropout: a unit is kept with probability 1 - p and then multiplied by
    1 / (1 - p), so that each unit's expected output is the one prediction uses (no mask).
    The masks and the draws they come from are in the model's dtype: for a float32 model,
    half the memory."""
    X, Y, _ = problem(dtype)
    p = 0.3
    batches = MiniBatches(X, Y, None, BATCH, WIDE, (p, np.random.default_rng(0)))
    masks, _, peak = traced(lambda: batches.dropout_masks(BATCH))
    itemsize = np.dtype(dtype).itemsize
    assert peak < BATCH * (sum(WIDE.hidden) + max(WIDE.hidden)) * itemsize
    assert [m.shape for m in masks] == [(BATCH, h) for h in WIDE.hidden]
    for mask in masks:
        assert mask.dtype == dtype
        kept = mask != 0
        np.testing.assert_array_equal(mask[kept], dtype(1 / (1 - p)))
        assert abs(kept.mean() - (1 - p)) < 0.01  # 24,000 and 32,000 draws: sd 0.003
        assert abs(mask.mean() - 1) < 0.015
    assert MiniBatches(X, Y, None, BATCH, WIDE).dropout_masks(BATCH) is None


def test_an_epoch_is_the_weighted_mean_of_its_reported_batch_losses():
    """The epoch's loss is the sample-weighted mean of each batch's loss at the weights before
    its step, as ``report`` turns it (given that batch's weights and total weight); a batch
    whose weights are all zero holds no data and takes no step."""
    X, Y, theta = problem(np.float64)
    weight = np.random.RandomState(2).uniform(0.5, 2, WIDE_ROWS)
    weight[BATCH : 2 * BATCH] = 0  # the second batch holds no data
    batches = MiniBatches(X, Y, weight, BATCH, WIDE)
    model = {"activation": "tanh", "head": "softmax", "alpha": 0.0}
    steps = []

    def step(theta_, grad_):
        steps.append(theta_.copy())
        theta_ += 0.01 * grad_

    def report(loss, theta_, batch_weight):  # uses all three, as Problem.report does
        return 2 * loss + float(theta_[0]) / batch_weight

    start = theta.copy()
    loss = run_epoch(theta, np.empty_like(theta), WIDE, batches, None, model, step, report)
    assert len(steps) == 3
    expected = 0.0
    for s, before in zip(
        (slice(0, BATCH), slice(2 * BATCH, 3 * BATCH), slice(3 * BATCH, None)), steps, strict=True
    ):
        w = weight[s].sum()
        raw = loss_and_grad(
            before, WIDE, X[s], Y[s].astype(float), sample_weight=weight[s], **model
        )
        expected += report(raw[0], before, w) * w
    np.testing.assert_array_equal(steps[0], start)
    assert loss == pytest.approx(expected / weight.sum(), rel=1e-12)
