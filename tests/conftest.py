"""Fixtures shared by several test modules."""

import numpy as np
import pytest


@pytest.fixture
def exact_mlp_loss(monkeypatch):
    """MLPClassifier reporting the exact cross-entropy, as ours does.

    It clips probabilities to [eps, 1 - eps] before the log (its loss_curve_ only; the
    gradient is P - Y either way), which caps the loss of a confidently wrong prediction at
    -log(eps) = 36; ours computes the loss from the logits, exactly. Unclipped, the two
    reported losses agree; a probability that rounded to 0 or 1 would show as inf here.
    """
    from scipy.special import xlogy
    from sklearn.neural_network._base import LOSS_FUNCTIONS

    def log_loss(y_true, y_prob, sample_weight=None):
        return -np.average(xlogy(y_true, y_prob), weights=sample_weight, axis=0).sum()

    def binary_log_loss(y_true, y_prob, sample_weight=None):
        terms = xlogy(y_true, y_prob) + xlogy(1 - y_true, 1 - y_prob)
        return -np.average(terms, weights=sample_weight, axis=0).sum()

    monkeypatch.setitem(LOSS_FUNCTIONS, "log_loss", log_loss)
    monkeypatch.setitem(LOSS_FUNCTIONS, "binary_log_loss", binary_log_loss)


@pytest.fixture
def summed_squared_loss(monkeypatch):
    """MLPRegressor computing half the squared error summed over the outputs, the loss ours
    trains on (ours reports the mean over the outputs, as MLPRegressor does).

    Its ``squared_loss`` averages over the outputs, but its gradient (``deltas = y_pred - y``)
    is that of the sum: with several outputs its L-BFGS sees a loss and a gradient that do not
    match. Summed, both agree with what ours descends; with one output nothing changes.
    """
    from sklearn.neural_network._base import LOSS_FUNCTIONS

    def squared_loss(y_true, y_pred, sample_weight=None):
        return 0.5 * np.average((y_true - y_pred) ** 2, weights=sample_weight, axis=0).sum()

    monkeypatch.setitem(LOSS_FUNCTIONS, "squared_error", squared_loss)
