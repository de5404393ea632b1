"""Mini-batches and one epoch over them, for the stochastic solvers.

:class:`MiniBatches` cuts the training data into mini-batches with preallocated work arrays;
:func:`run_epoch` walks through them once, applying an update rule after each.
"""

import math

import numpy as np
import scipy.sparse as sp

from ..core.network import Buffers, loss_and_grad


class MiniBatches:
    """Training data cut into mini-batches of at most ``batch_size`` rows.

    Gathering a shuffled batch copies its rows into a preallocated array, and the forward and
    backward passes write into preallocated arrays too (:class:`~sknn_simple.core.network.
    Buffers`), so an epoch allocates (almost) nothing.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n, d)
    Y : ndarray of shape (n, k)
        Targets, e.g. 0/1 bytes; each batch's are copied into floats of ``X``'s dtype.
    sample_weight : ndarray of shape (n,) or None
    batch_size : int
    layout : Layout
    dropout : tuple (p, numpy.random.Generator) or None
        The dropout rate of the hidden units and the generator of the masks.
    """

    def __init__(self, X, Y, sample_weight, batch_size, layout, dropout=None):
        n, d = X.shape
        k = Y.shape[1]
        self.X, self.sample_weight = X, sample_weight
        self.dropout = dropout
        self.hidden = layout.hidden
        self.slices = [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
        self.total_weight = n if sample_weight is None else float(sample_weight.sum())
        m = batch_size
        dtype = X.dtype  # of the weights and every intermediate; Y may be 0/1 bytes
        # The targets and logits of a batch, (m, k), are stored column-major (one class after
        # the other): the softmax reduces over the k entries of each row, and NumPy reduces
        # over k rows of length m several times faster than over m rows of length k. The
        # targets are kept as they are (e.g. bytes) and a batch's are copied into floats.
        self._Y_by_class = np.ascontiguousarray(Y.T)  # (k, n)
        self._Y_raw = np.empty((k, m), dtype=Y.dtype)
        self._Y = np.empty((k, m), dtype=dtype)
        self._X = None if sp.issparse(X) else np.empty((m, d), dtype=dtype)
        self._buffers = Buffers(layout, m, dtype, dropout=dropout is not None)

    def batch(self, rows):
        """``(X_b, Y_b, w_b, buffers)`` for ``rows``: a slice (not copied) or an index array."""
        if isinstance(rows, slice):
            X_b, Y_raw = self.X[rows], self._Y_by_class[:, rows]
        else:
            m = rows.size  # np.take needs a contiguous output: the last, smaller batch gets its own
            out = self._Y_raw if m == self._Y_raw.shape[1] else None
            Y_raw = np.take(self._Y_by_class, rows, axis=1, out=out, mode="clip")
            if self._X is None:
                X_b = self.X[rows]
            else:
                X_b = np.take(self.X, rows, axis=0, out=self._X[:m], mode="clip")
        m = Y_raw.shape[1]
        Y_b = self._Y[:, :m]
        np.copyto(Y_b, Y_raw)
        w_b = None if self.sample_weight is None else self.sample_weight[rows]
        return X_b, Y_b.T, w_b, self._buffers.rows(m)

    def dropout_masks(self, m):
        """Fresh inverted-dropout masks for ``m`` rows (0 or ``1 / (1 - p)``), or None."""
        if self.dropout is None:
            return None
        p, generator = self.dropout
        dtype = self._Y.dtype
        keep_scale = dtype.type(1 / (1 - p))
        masks = []
        for h in self.hidden:
            keep = generator.random((m, h), dtype=dtype) >= p  # probability 1 - p
            masks.append(keep * keep_scale)
        return masks


def run_epoch(theta, grad, layout, batches, order, model, step, report=None):
    """One pass over ``batches``; returns the epoch's mean (weighted) loss.

    ``order`` is a permutation of the rows (or None to keep them in order); ``model`` holds the
    keyword arguments of :func:`~sknn_simple.core.network.loss_and_grad` that don't change
    (activation, head, alpha); ``step(theta, grad)`` applies the update rule;
    ``report(loss, theta, batch_weight)``, if given, turns a batch's loss into the one the
    epoch's mean is taken of (the loss as scikit-learn reports it, ``loop.Problem.report``).

    A batch whose sample weights are all zero holds no data (a sample of weight ``w`` counts
    like ``w`` copies of it): it is skipped, with no step. Stops at the first batch whose loss
    is not finite and returns NaN, leaving ``theta`` as it was before that batch.
    """
    accumulated = 0.0
    for positions in batches.slices:
        rows = positions if order is None else order[positions]
        X_b, Y_b, w_b, buffers = batches.batch(rows)
        m = Y_b.shape[0]
        batch_weight = m if w_b is None else float(w_b.sum())
        if batch_weight == 0:
            continue
        loss, _ = loss_and_grad(
            theta,
            layout,
            X_b,
            Y_b,
            sample_weight=w_b,
            grad=grad,
            buffers=buffers,
            dropout_masks=batches.dropout_masks(m),
            **model,
        )
        if not math.isfinite(loss):
            return np.nan
        if report is not None:
            loss = report(loss, theta, batch_weight)
        step(theta, grad)
        accumulated += loss * batch_weight
    return accumulated / batches.total_weight
