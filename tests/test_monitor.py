"""The monitor (training/monitor.py) on its own: what its defaults mean, and its guard."""

import numpy as np
import pytest

from sknn_simple import SimpleMLPClassifier
from sknn_simple.training.monitor import Monitor
from sknn_simple.training.state import TrainingState


def new_state():
    state = TrainingState(np.zeros(3), 0.1, np.random.RandomState(0))
    state.monitor(has_validation=False, early_stopping=False)
    return state


def test_by_default_the_rate_is_constant_and_nothing_is_kept_apart():
    """Without ``schedule`` or ``early_stopping`` a stochastic solver's monitor records each
    epoch, keeps the rate (even when ``learning_rate`` names a schedule: which one is in force
    is the caller's choice) and stops on the training loss's plateau."""
    state = new_state()
    params = SimpleMLPClassifier(learning_rate="invscaling", n_iter_no_change=1, tol=0.5)
    monitor = Monitor(state, params.get_params(), 10, stochastic=True)
    assert monitor.best_theta is None  # no copy of the weights kept for early stopping
    theta = np.ones(3)
    stops = [monitor.end_iteration(loss, theta) for loss in (1.0, 0.9, 0.8)]
    assert stops == [False, False, True]  # two epochs that fell by less than tol
    assert [r["learning_rate"] for r in state.history] == [0.1] * 3
    assert state.best_epoch is None
    monitor.finish(theta)
    np.testing.assert_array_equal(theta, np.ones(3))


def test_early_stopping_without_a_validation_set_is_refused():
    params = SimpleMLPClassifier().get_params()
    with pytest.raises(ValueError) as caught:
        Monitor(new_state(), params, 10, stochastic=True, early_stopping=True)
    assert str(caught.value) == "early stopping needs a validation set to watch"
