"""The hold-out splits of early stopping: MLPClassifier's, and one grouped by row content.

:func:`random_split` (``validation_split="random"``, the default) is MLPClassifier's own:
scikit-learn's ``train_test_split`` on the same random stream, stratified as MLPClassifier
stratifies, so the same rows are held out and the same model trained.

:func:`validation_mask` (``validation_split="grouped"``) is the alternative this module is
mostly about. A plain random split treats two identical rows as two independent draws: one
may land in training and its twin in validation, which flatters the validation score, and a
sample of weight 3 is not held out the way three copies of it would be. This split gives every
row a pseudo-random priority computed from its *content* (features, label and a seed drawn
from ``random_state``), so

* identical rows always fall on the same side of the split (duplicates never leak), and
* a row of integer weight ``w`` is split exactly as ``w`` copies of it would be, so fitting
  with ``sample_weight`` stays equivalent to repeating samples, with early stopping too.

The split is stratified, and holds out ``fraction`` of the total weight, rounded up to whole
groups of identical rows, as scikit-learn's ``StratifiedShuffleSplit`` does with counts: each
class has a quota of ``fraction`` times its total weight and gives whole groups, in priority
order, up to that quota (passing over a group heavier than the whole quota: a row that
carries most of the weight is never held out to make up a share it would overshoot); what is
still missing of ``fraction`` of the total then comes, one group per class, from the classes
with the largest remainders of their quotas, as long as a group overshoots by no more than a
typical (median) group of its class. So 90 and 10 samples hold out 18 and 2 at
``fraction=0.2``, 100 classes of 3 samples hold out 30 samples (one of each of 30 classes) at
``fraction=0.1``, and the held-out weight differs from ``fraction`` of the total by less than
one group's weight. Every class keeps at least one group (of positive weight) for training;
when that leaves the hold-out short by more than one group's weight (the classes are too
small), or when whole groups cannot come within half of ``fraction`` of the total weight (a few
rows carry most of it), :func:`validation_mask` raises a ``ValueError`` rather than hold out
other than asked.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split

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


def first_fit(weights, room):
    """Which of ``weights`` are taken when each, in order, is taken if it fits in what is left
    of ``room`` (a boolean mask), within a relative 1e-9 of ``room`` (the rounding of sums).
    Vectorized: each round takes the longest run that fits, then passes over the one that did
    not."""
    taken = np.zeros(weights.size, dtype=bool)
    candidates = np.arange(weights.size)
    left = room * (1 + 1e-9)
    while candidates.size:
        candidates = candidates[weights[candidates] <= left]
        run = np.cumsum(weights[candidates])
        k = int(np.searchsorted(run, left, side="right"))  # the first k fit together
        taken[candidates[:k]] = True
        if k:
            left = room * (1 + 1e-9) - weights[taken].sum()
        candidates = candidates[k + 1 :]  # the (k + 1)-th did not fit in what was left
    return taken


class _Stratum:
    """One class's groups of identical rows, in priority order, and which are held out.

    The groups are taken in priority order up to the class's quota; a group heavier than the
    whole quota is passed over (a row that carries most of a class's weight is not held out to
    make up a share it would overshoot). The last group of positive weight always stays in
    training.
    """

    def __init__(self, rows, priority, weight, fraction):
        self.rows = rows
        # One group per distinct priority (identical rows share it), numbered in priority order.
        self.group_priority, self.group_of_row = np.unique(priority[rows], return_inverse=True)
        self.group_weight = np.bincount(self.group_of_row, weights=weight[rows])
        self.quota = fraction * self.group_weight.sum()
        positive = np.flatnonzero(self.group_weight > 0)
        self.limit = positive[-1] if positive.size else 0
        # What a remainder may be rounded up by: one typical group (the median's weight).
        self.unit = float(np.median(self.group_weight[positive])) if positive.size else 0.0
        # Whole groups up to the quota (the tolerance absorbs the rounding of fraction * weight)
        self.taken = np.zeros(self.group_weight.size, dtype=bool)
        self.taken[: self.limit] = first_fit(
            self.group_weight[: self.limit], self.quota * (1 + 1e-9)
        )

    @property
    def taken_weight(self):
        return self.group_weight[self.taken].sum()

    def first_untaken(self, at_most=np.inf):
        """The first group in priority order not yet held out that may be (weight at most
        ``at_most``, within a relative 1e-9 of the class's weight), or None."""
        untaken = np.flatnonzero(~self.taken[: self.limit])
        tolerance = 1e-9 * self.group_weight.sum()
        fits = untaken[self.group_weight[untaken] <= at_most + tolerance]
        return fits[0] if fits.size else None


def random_split(n, fraction, rng, strata=None):
    """MLPClassifier's hold-out: ``(training rows, held-out rows)``, index arrays in the order
    scikit-learn's ``train_test_split`` gives them (the training rows shuffled).

    ``rng`` is the random stream, ``strata`` the class of each row to stratify by (None: no
    stratification). Raises a ValueError, as MLPClassifier does, when fewer than 2 rows are
    held out, and when ``train_test_split`` cannot split (a class of one row, say).
    """
    try:
        train_rows, held_out = train_test_split(
            np.arange(n), test_size=fraction, random_state=rng, stratify=strata
        )
    except ValueError as exc:
        raise ValueError(
            f"early stopping cannot hold out validation_fraction={fraction} of {n} samples: "
            f"{exc} Pass a validation set (X_val, y_val), or set early_stopping=False."
        ) from None
    if held_out.size < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' or the size of "
            f"your dataset (validation_fraction={fraction} of {n} samples holds out "
            f"{held_out.size}), or pass a validation set (X_val, y_val)."
        )
    return train_rows, held_out


def weight_share(sample_weight, held_out):
    """The share of the total sample weight in the rows ``held_out`` (indices or a mask)."""
    total = sample_weight.sum()
    return float(sample_weight[held_out].sum() / total) if total > 0 else 0.0


def validation_mask(X, Y, sample_weight, fraction, seed, strata=None):
    """Boolean mask of the rows held out for validation (``validation_split="grouped"``).

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n, d)
    Y : ndarray of shape (n, k)
        Encoded targets (one-hot, or 0/1 indicators).
    sample_weight : ndarray of shape (n,) or None
    fraction : float in (0, 1)
        Share of the total sample weight to hold out, and of each stratum's within rounding.
    seed : int
    strata : ndarray of int of shape (n,) or None
        The stratum of each row (its class), split separately; None: all rows at once
        (regression, multilabel targets).

    Raises
    ------
    ValueError
        If the classes are too small: keeping a group of each class for training leaves the
        hold-out short of ``fraction`` of the total weight by more than one group's weight.
    """
    n = X.shape[0]
    weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    priority = row_priorities(X, Y, seed)
    codes = np.zeros(n, dtype=np.intp) if strata is None else strata
    strata = [
        _Stratum(np.flatnonzero(codes == c), priority, weight, fraction) for c in np.unique(codes)
    ]

    # What the quotas' whole groups leave missing of fraction * total comes, one group per
    # class, from the largest remainders of the quotas first (ties in the groups' pseudo-random
    # order), until nothing is missing: the total is rounded up, as scikit-learn rounds up the
    # size of a test set, by at most one typical group of the class that gives it. The
    # tolerance absorbs the rounding of fraction * weight.
    total = weight.sum()
    missing = fraction * total - sum(s.taken_weight for s in strata)
    for s in sorted(
        (s for s in strata if s.first_untaken() is not None),
        # (remainders relative to the total, rounded, so that equal ones tie at every scale)
        key=lambda s: (
            round((s.taken_weight - s.quota) / total, 12),
            s.group_priority[s.first_untaken()],
        ),
    ):
        if missing <= 1e-9 * total:
            break
        group = s.first_untaken(at_most=missing + s.unit)
        if group is not None:
            s.taken[group] = True
            missing -= s.group_weight[group]
    largest_group = max(s.group_weight.max() for s in strata)
    if missing > largest_group:
        raise ValueError(
            f"The classes are too small for validation_fraction={fraction}: early stopping "
            f"should hold out {fraction * total:g} of the total sample weight "
            f"{total:g}, but each class keeps at least one distinct sample for training, "
            f"so only {fraction * total - missing:g} can be held out. Pass a validation "
            "set (X_val, y_val), give the small classes more samples, or set "
            "early_stopping=False."
        )
    passed_over = any(s.first_untaken() is not None for s in strata)  # each too heavy to take
    if passed_over and missing > 0.5 * fraction * total:
        raise ValueError(
            f"The sample weights are too concentrated for validation_fraction={fraction}: "
            f"early stopping should hold out {fraction * total:g} of the total sample weight "
            f"{total:g}, but the rows not held out each carry more than that, so only "
            f"{fraction * total - missing:g} can be: a few rows carry most of the weight. Pass "
            "a validation set (X_val, y_val), or set early_stopping=False."
        )

    held_out = np.zeros(n, dtype=bool)
    for s in strata:
        held_out[s.rows] = s.taken[s.group_of_row]
    return held_out
