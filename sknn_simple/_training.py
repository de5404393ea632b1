"""Pieces of the stochastic training loop that know nothing about the estimator.

:class:`MiniBatches` cuts the training data into mini-batches with preallocated work arrays,
:func:`run_epoch` walks through them once applying an update rule after each, and
:func:`plateau_update` tells when a monitored value stopped improving. The estimator strings them
together and owns everything a user sees (``verbose`` lines, warnings, fitted attributes).
"""

import math

import numpy as np
import scipy.sparse as sp

from ._network import loss_and_grad


class MiniBatches:
    """Training data cut into mini-batches of at most ``batch_size`` rows.

    Gathering a shuffled batch copies its rows into a preallocated array, and the forward and
    backward passes write into preallocated arrays too, so an epoch allocates (almost) nothing.
    """

    def __init__(self, X, Y, sample_weight, batch_size, n_hidden, dropout=None):
        n, d = X.shape
        k = Y.shape[1]
        self.X, self.sample_weight = X, sample_weight
        self.dropout = dropout  # None, or (rate p, numpy Generator) for the masks
        self.slices = [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
        self.total_weight = n if sample_weight is None else float(sample_weight.sum())
        m = batch_size
        dtype = X.dtype  # of the weights and every intermediate; Y may be 0/1 bytes
        # The targets and logits of a batch, (m, k), are stored column-major (one class after
        # the other): the softmax reduces over the k entries of each row, and NumPy reduces
        # over k rows of length m several times faster than over m rows of length k. The
        # targets are kept as bytes and a batch's are copied into floats, for fast arithmetic.
        self._Y_by_class = np.ascontiguousarray(Y.T)  # (k, n)
        self._Y_bytes = np.empty((k, m), dtype=Y.dtype)
        self._Y = np.empty((k, m), dtype=dtype)
        self._X = None if sp.issparse(X) else np.empty((m, d), dtype=dtype)
        self._work = (
            np.empty((m, n_hidden), dtype),
            np.empty((k, m), dtype).T,  # column-major (m, k)
            np.empty((m, n_hidden), dtype),
        )  # A1, Z2, dZ1

    def batch(self, rows):
        """``(X_b, Y_b, w_b, work)`` for ``rows``: a slice (not copied) or an index array."""
        if isinstance(rows, slice):
            X_b, Y_bytes = self.X[rows], self._Y_by_class[:, rows]
        else:
            m = rows.size  # np.take needs a contiguous output: the last, smaller batch gets its own
            out = self._Y_bytes if m == self._Y_bytes.shape[1] else None
            Y_bytes = np.take(self._Y_by_class, rows, axis=1, out=out, mode="clip")
            if self._X is None:
                X_b = self.X[rows]
            else:
                X_b = np.take(self.X, rows, axis=0, out=self._X[:m], mode="clip")
        m = Y_bytes.shape[1]
        Y_b = self._Y[:, :m]
        np.copyto(Y_b, Y_bytes)
        w_b = None if self.sample_weight is None else self.sample_weight[rows]
        work = self._work if m == self._Y.shape[1] else tuple(buf[:m] for buf in self._work)
        return X_b, Y_b.T, w_b, work

    def dropout_mask(self, m):
        """A fresh inverted-dropout mask for ``m`` rows (0 or ``1 / (1 - p)``), or None."""
        if self.dropout is None:
            return None
        p, generator = self.dropout
        A1 = self._work[0]
        keep = generator.random((m, A1.shape[1]), dtype=A1.dtype) >= p  # probability 1 - p
        return keep * A1.dtype.type(1 / (1 - p))


def run_epoch(theta, grad, layout, batches, order, model, step):
    """One pass over ``batches``; returns the epoch's mean (weighted) loss.

    ``order`` is a permutation of the rows (or None to keep them in order); ``model`` holds the
    keyword arguments of :func:`loss_and_grad` that don't change (activation, alpha, ...);
    ``step(theta, grad)`` applies the update rule. Stops at the first batch whose loss is not
    finite and returns NaN, leaving ``theta`` as it was before that batch.
    """
    accumulated = 0.0
    for positions in batches.slices:
        rows = positions if order is None else order[positions]
        X_b, Y_b, w_b, work = batches.batch(rows)
        mask = batches.dropout_mask(Y_b.shape[0])
        loss, _ = loss_and_grad(
            theta,
            layout,
            X_b,
            Y_b,
            sample_weight=w_b,
            grad=grad,
            buffers=work,
            dropout_mask=mask,
            **model,
        )
        if not math.isfinite(loss):
            return np.nan
        step(theta, grad)
        accumulated += loss * (Y_b.shape[0] if w_b is None else w_b.sum())
    return accumulated / batches.total_weight


def plateau_update(value, reference, count, tol):
    """Track a monitored value where higher is better (a score, or minus a loss).

    An epoch counts as "no improvement" when ``value`` does not beat ``reference`` (the best
    value so far) by at least ``tol``; returns the new ``(reference, count)``.
    """
    count = count + 1 if value < reference + tol else 0
    return max(reference, value), count
