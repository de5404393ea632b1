"""The figures of the reference pages (``docs/figures/``) show what their text says.

As for the guide's figures (``test_guide_figures.py``): each module computes what its figure
draws and prints its claim with ``report()``; these tests import the computation and assert it.
"""

import sys
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

FIGURES = Path(__file__).resolve().parent.parent / "docs" / "figures"


@pytest.fixture(scope="module", autouse=True)
def figures_on_path():
    sys.path.insert(0, str(FIGURES))
    with threadpool_limits(limits=1):
        yield
    sys.path.remove(str(FIGURES))


def test_activations_figure_gelu_and_silu_dip_and_the_others_do_not():
    """docs/activations: the slopes below 0 the page describes: relu's 0, leaky relu's 0.01,
    elu's and softplus's positive, gelu's and silu's negative (they are not monotone)."""
    import activations

    rows = activations.report()
    assert rows["relu"][1] == 0
    assert rows["leaky_relu"][1] == pytest.approx(0.01)
    assert rows["elu"][1] > 0 and rows["softplus"][1] > 0
    assert rows["gelu"][1] < 0 and rows["silu"][1] < 0
    assert rows["gelu"][0] == pytest.approx(0.5) and rows["silu"][0] == pytest.approx(0.5)


def test_robust_losses_figure_covers_its_quantiles_and_huber_resists_outliers():
    """docs/robust_losses: each quantile model's held-out coverage within 3 points of its
    quantile; with 10 % outliers, the Huber fit's error to the noise-free curve under half the
    squared error's."""
    import robust_losses

    out = robust_losses.results()
    for q, share in out["coverage"].items():
        assert abs(share - q) <= 0.03, q
    assert out["error"]["huber"] < 0.5 * out["error"]["squared_error"]


def test_scorers_figure_keeps_another_epoch_by_auc_than_by_loss():
    """docs/early_stopping_scorers: on 3 % positives the epoch kept by the AUC is not the one
    kept by the loss, and the kept model's AUC is the best AUC recorded."""
    import scorers

    fits = scorers.results()
    assert fits["roc_auc"]["best_epoch"] != fits["loss"]["best_epoch"]
    by_auc = fits["roc_auc"]
    assert by_auc["kept_auc"] == pytest.approx(max(by_auc["model"].validation_scores_))
    by_loss = fits["loss"]["model"]  # with "loss", the scores are the negative losses
    assert by_loss.validation_scores_ == [-v for v in by_loss.validation_loss_curve_]


def test_curves_figure_marks_the_kept_epoch_and_the_rate_changes():
    """docs/training_curves: Adam's display marks the epoch early stopping kept, SGD's the
    epochs its adaptive schedule divided the rate (a learning rate that changes)."""
    matplotlib = pytest.importorskip("matplotlib")  # (the display draws as it is made)
    matplotlib.use("Agg")
    import curves

    fits, displays = curves.report()
    adam = fits["Adam, early stopping"]
    assert displays["Adam, early stopping"].best_epoch == adam._state.best_epoch is not None
    rates = displays["SGD, adaptive rate"].learning_rate
    assert (rates[1:] != rates[:-1]).sum() >= 2 and rates[-1] < rates[0]


def test_logits_figure_temperature_lowers_the_log_loss_and_keeps_every_prediction():
    """docs/outputs_and_features: the fitted temperature is above 1 (the network is
    over-confident), lowers the test log loss, changes no prediction; the linear model on the
    hidden layer is within 2 points of the network."""
    import logits_features

    out = logits_features.results()
    assert out["T"] > 1 and out["scaled"] < out["as_trained"] and out["same_predictions"]
    accuracy = out["accuracy"]
    assert abs(accuracy["linear on its hidden layer"] - accuracy["network"]) <= 0.02
