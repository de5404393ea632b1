"""The hold-out split used by early stopping.

A plain random split treats two identical rows as two independent draws: one may land in
training and its twin in validation, which flatters the validation score, and a sample of
weight 3 is not held out the way three copies of it would be. This split instead gives every
row a pseudo-random priority computed from its *content* (features, label and a seed drawn
from ``random_state``), so

* identical rows always fall on the same side of the split (duplicates never leak), and
* a row of integer weight ``w`` is split exactly as ``w`` copies of it would be, so fitting
  with ``sample_weight`` stays equivalent to repeating samples, with early stopping too.

Within each class (the split is stratified), groups of identical rows are taken in priority
order until they hold ``fraction`` of the class's total weight; every class keeps at least one
group for training.
"""

import numpy as np
import scipy.sparse as sp

from ._validation import class_codes

_U64 = np.uint64


def _mix(z):
    """splitmix64's finalizer: a bijection of uint64 that scrambles every input bit."""
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


def _as_words(values):
    """The bit patterns of float32/float64 ``values`` as uint64 (exact, no rounding)."""
    values = np.ascontiguousarray(values)
    if values.dtype.itemsize == 4:
        return values.view(np.uint32).astype(np.uint64)
    return values.astype(np.float64, copy=False).view(np.uint64)


def _dense_row_hashes(X, coeffs, chunk_rows=4096):
    hashes = np.empty(X.shape[0], dtype=np.uint64)
    for start in range(0, X.shape[0], chunk_rows):
        words = _as_words(X[start : start + chunk_rows])  # (b, d)
        # Integer arithmetic wraps modulo 2**64 and is exact: equal rows give equal sums.
        hashes[start : start + chunk_rows] = (words * coeffs).sum(axis=1)
    return hashes


def _sparse_row_hashes(X, coeffs):
    X = sp.csr_matrix(X)
    X.sum_duplicates()
    terms = _as_words(X.data) * coeffs[X.indices]
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    hashes = np.zeros(X.shape[0], dtype=np.uint64)
    np.add.at(hashes, rows, terms)
    return hashes


def row_priorities(X, Y, seed):
    """A pseudo-random uint64 per row that depends only on the row's content and ``seed``."""
    rng = np.random.default_rng(seed)
    coeffs_X = rng.integers(0, 2**64, size=X.shape[1], dtype=np.uint64) | _U64(1)
    coeffs_Y = rng.integers(0, 2**64, size=Y.shape[1], dtype=np.uint64) | _U64(1)
    salt = rng.integers(0, 2**64, dtype=np.uint64)
    with np.errstate(over="ignore"):
        if sp.issparse(X):
            hx = _sparse_row_hashes(X, coeffs_X)
        else:
            hx = _dense_row_hashes(X, coeffs_X)
        hy = _dense_row_hashes(Y, coeffs_Y)
        return _mix(hx + _mix(hy + salt))


def validation_mask(X, Y, sample_weight, fraction, seed, stratify):
    """Boolean mask of the rows held out for validation.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n, d)
    Y : ndarray of shape (n, k)
        Encoded targets (one-hot, or 0/1 indicators).
    sample_weight : ndarray of shape (n,) or None
    fraction : float in (0, 1)
        Share of each class's total sample weight to hold out.
    seed : int
    stratify : bool
        Split each class separately (single-output targets) or all rows at once (multilabel).
    """
    n = X.shape[0]
    weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    priority = row_priorities(X, Y, seed)
    strata = class_codes(Y) if stratify else np.zeros(n, dtype=np.intp)
    held_out = np.zeros(n, dtype=bool)
    for stratum in np.unique(strata):
        rows = np.flatnonzero(strata == stratum)
        # One group per distinct priority (identical rows share it), in priority order.
        _, group_of_row = np.unique(priority[rows], return_inverse=True)
        group_weight = np.bincount(group_of_row, weights=weight[rows])
        weight_before = np.cumsum(group_weight) - group_weight
        take = weight_before < fraction * group_weight.sum()
        positive = np.flatnonzero(group_weight > 0)
        if positive.size and take[positive].all():
            take[positive[-1]] = False  # leave at least one group of the class for training
        held_out[rows] = take[group_of_row]
    return held_out
