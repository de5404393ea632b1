"""The hold-out split used by early stopping.

A plain random split treats two identical rows as two independent draws: one may land in
training and its twin in validation, which flatters the validation score, and a sample of
weight 3 is not held out the way three copies of it would be. This split instead gives every
row a pseudo-random priority computed from its *content* (features, label and a seed drawn
from ``random_state``), so

* identical rows always fall on the same side of the split (duplicates never leak), and
* a row of integer weight ``w`` is split exactly as ``w`` copies of it would be, so fitting
  with ``sample_weight`` stays equivalent to repeating samples, with early stopping too.

The split is stratified, and holds out ``fraction`` of the total weight, rounded up to whole
groups of identical rows, as scikit-learn's ``StratifiedShuffleSplit`` does with counts: each
class has a quota of ``fraction`` times its total weight and gives whole groups, in priority
order, up to that quota; what is still missing of ``fraction`` of the total then comes, one
group per class, from the classes with the largest remainders of their quotas. So 90 and 10
samples hold out 18 and 2 at ``fraction=0.2``, 100 classes of 3 samples hold out 30 samples
(one of each of 30 classes) at ``fraction=0.1``, and the held-out weight differs from
``fraction`` of the total by less than one group's weight. Every class keeps at least one
group (of positive weight) for training; when that leaves the hold-out short by more than one
group's weight, the classes are too small for the fraction, and :func:`validation_mask` raises
a ``ValueError`` rather than hold out less than asked.
"""

import numpy as np
import scipy.sparse as sp

from .._validation import class_codes

_U64 = np.uint64


def _mix(z):
    """splitmix64's finalizer: a bijection of uint64 that scrambles every input bit."""
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


def _words(values):
    """Each value's bit pattern as a float64 (``-0.0`` as ``0.0``), scrambled, as uint64.

    Exact: equal values give equal words, in float32 as in float64 (a float32 is a float64
    exactly, so a split does not depend on the dtype of ``X``). Scrambled by :func:`_mix`, a
    change in any bit of a value changes its whole word, so sums of words times random odd
    coefficients collide no more often than random numbers. Raw bit patterns would: a sign bit
    changes only the top bit of a product (rows of +-1 that differ in an even number of signs
    would share a sum), and the low bits of small integers are 0 (their sums would take a few
    thousand values).
    """
    values = np.add(values, 0.0, dtype=np.float64)  # a contiguous copy; -0.0 + 0.0 is 0.0
    return _mix(values.view(np.uint64))


def _dense_row_hashes(X, coeffs, chunk_rows=4096):
    hashes = np.empty(X.shape[0], dtype=np.uint64)
    for start in range(0, X.shape[0], chunk_rows):
        words = _words(X[start : start + chunk_rows])  # (b, d)
        # Integer arithmetic wraps modulo 2**64 and is exact: equal rows give equal sums.
        hashes[start : start + chunk_rows] = (words * coeffs).sum(axis=1)
    return hashes


def _sparse_row_hashes(X, coeffs):
    X = sp.csr_matrix(X)
    X.sum_duplicates()
    terms = _words(X.data) * coeffs[X.indices]
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
    # uint64 array arithmetic wraps modulo 2**64 silently (exact, and no overflow warning)
    hx = _sparse_row_hashes(X, coeffs_X) if sp.issparse(X) else _dense_row_hashes(X, coeffs_X)
    hy = _dense_row_hashes(Y, coeffs_Y)
    return _mix(hx + _mix(hy + salt))


class _Stratum:
    """One class's groups of identical rows, in priority order, and how many are held out."""

    def __init__(self, rows, priority, weight, fraction):
        self.rows = rows
        # One group per distinct priority (identical rows share it), numbered in priority order.
        self.group_priority, self.group_of_row = np.unique(priority[rows], return_inverse=True)
        self.group_weight = np.bincount(self.group_of_row, weights=weight[rows])
        self.quota = fraction * self.group_weight.sum()
        # The last group of positive weight always stays in training.
        positive = np.flatnonzero(self.group_weight > 0)
        self.limit = positive[-1] if positive.size else 0
        # Whole groups up to the quota (the tolerance absorbs the rounding of fraction * weight).
        prefix = np.cumsum(self.group_weight[: self.limit])
        self.n_taken = int(np.searchsorted(prefix, self.quota * (1 + 1e-9), side="right"))

    @property
    def taken_weight(self):
        return self.group_weight[: self.n_taken].sum()

    @property
    def can_give_one_more(self):
        return self.n_taken < self.limit


def validation_mask(X, Y, sample_weight, fraction, seed, stratify):
    """Boolean mask of the rows held out for validation.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n, d)
    Y : ndarray of shape (n, k)
        Encoded targets (one-hot, or 0/1 indicators).
    sample_weight : ndarray of shape (n,) or None
    fraction : float in (0, 1)
        Share of the total sample weight to hold out, and of each class's within rounding.
    seed : int
    stratify : bool
        Split each class separately (single-output targets) or all rows at once (multilabel).

    Raises
    ------
    ValueError
        If the classes are too small: keeping a group of each class for training leaves the
        hold-out short of ``fraction`` of the total weight by more than one group's weight.
    """
    n = X.shape[0]
    weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    priority = row_priorities(X, Y, seed)
    codes = class_codes(Y) if stratify else np.zeros(n, dtype=np.intp)
    strata = [
        _Stratum(np.flatnonzero(codes == c), priority, weight, fraction) for c in np.unique(codes)
    ]

    # What the quotas' whole groups leave missing of fraction * total comes, one group per
    # class, from the largest remainders of the quotas first (ties in the groups' pseudo-random
    # order), until nothing is missing: the total is rounded up, as scikit-learn rounds up the
    # size of a test set. The tolerance absorbs the rounding of fraction * weight.
    missing = fraction * weight.sum() - sum(s.taken_weight for s in strata)
    for s in sorted(
        (s for s in strata if s.can_give_one_more),
        key=lambda s: (s.taken_weight - s.quota, s.group_priority[s.n_taken]),
    ):
        if missing <= 1e-9 * weight.sum():
            break
        s.n_taken += 1
        missing -= s.group_weight[s.n_taken - 1]
    largest_group = max(s.group_weight.max() for s in strata)
    if missing > largest_group:
        raise ValueError(
            f"The classes are too small for validation_fraction={fraction}: early stopping "
            f"should hold out {fraction * weight.sum():g} of the total sample weight "
            f"{weight.sum():g}, but each class keeps at least one distinct sample for training, "
            f"so only {fraction * weight.sum() - missing:g} can be held out. Pass a validation "
            "set (X_val, y_val), give the small classes more samples, or set "
            "early_stopping=False."
        )

    held_out = np.zeros(n, dtype=bool)
    for s in strata:
        held_out[s.rows] = s.group_of_row < s.n_taken
    return held_out
