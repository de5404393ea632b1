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
